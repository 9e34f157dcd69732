'use strict';

const config = require('config');
const { Sequelize } = require('sequelize');
const logger = require('../lib/logger');

// Connection pool made explicit by eslint-plugin-sequelize-pool's codemod (docs/codemod.md).
// A lifecycle key left unset runs as Sequelize v6's default: max 5, min 0, idle 10000, acquire 60000, evict
//   1000.
// 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved).
// max 12 is the largest that fits after keeping 10 connections (10% of max_connections, at least 5) for
//   migrations, psql and monitoring.
// withPoolSettings() changes only what the options leave unset, then applies db.options.pool from config;
//   db.options.logging, .benchmark and .slowQueryMs switch query logging (unset: as the options say).
/** @typedef {{ pool: Record<string, number>, logging?: boolean, benchmark?: boolean, slowQueryMs?: number }} DatabaseSettings */

/**
 * @param {import('sequelize').Options | string | undefined} options
 * @returns {import('sequelize').Options}
 */
function withPoolSettings(options) {
  // A URL (new Sequelize(url)) or no options at all: nothing to fill in.
  if (typeof options === 'string' || options === undefined || options === null) return /** @type {any} */ (options);
  const given = /** @type {{ pool?: Record<string, unknown>, logging?: unknown, benchmark?: unknown }} */ (options);
  const defaults = { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 };
  const settings = databaseSettings();
  /** @type {Record<string, unknown>} */
  const pool = { ...given.pool };
  for (const [key, value] of Object.entries(defaults)) {
    if (pool[key] !== undefined) continue;
    // A min filled in here never exceeds the pool's max: sequelize-pool refuses min > max.
    pool[key] = key === 'min' && Number(pool.max) < value ? Number(pool.max) : value;
  }
  Object.assign(pool, settings.pool);
  if (Object.keys(settings.pool).length > 0 && Number(pool.min) > Number(pool.max)) pool.min = pool.max;
  /** @type {Record<string, unknown>} */
  const result = { ...given, pool };
  const slow = settings.slowQueryMs !== undefined;
  if (settings.logging !== undefined || slow) result.logging = queryLogging(settings, given.logging);
  if (settings.benchmark !== undefined || slow) result.benchmark = settings.benchmark === true || slow;
  return /** @type {import('sequelize').Options} */ (result);
}

/**
 * Query logging once config or the environment switches it: the options' own function stays the sink.
 * @param {DatabaseSettings} settings
 * @param {unknown} logging
 * @returns {false | ((...args: unknown[]) => void)}
 */
function queryLogging(settings, logging) {
  const sink = typeof logging === 'function' ? /** @type {(...args: unknown[]) => void} */ (logging) : console.log;
  const { slowQueryMs } = settings;
  if (slowQueryMs === undefined) return settings.logging === true ? sink : false;
  // With benchmark on, Sequelize passes the elapsed time (ms) as the second argument.
  return (...args) => {
    const [message, elapsedMs] = args;
    if (typeof elapsedMs !== 'number' || elapsedMs < slowQueryMs) return;
    if (sink === console.log) console.warn(`${String(message)} Elapsed time: ${elapsedMs}ms`);
    else sink(...args);
  };
}

/** @returns {DatabaseSettings} */
function databaseSettings() {
  const options = config.has('db.options') ? config.get('db.options') : {};
  /** @type {Record<string, unknown>} */
  const given = { .../** @type {{ pool?: Record<string, unknown> }} */ (options).pool };
  /** @type {Record<string, number>} */
  const pool = {};
  for (const key of ['max', 'min', 'idle', 'acquire', 'evict']) {
    const value = given[key];
    if (value === undefined || value === null) continue;
    if (!Number.isInteger(value) || Number(value) < (key === 'max' ? 1 : 0)) {
      throw new Error(`db.options.pool.${key} must be an integer ≥ ${key === 'max' ? 1 : 0}, got ${JSON.stringify(value)}`);
    }
    pool[key] = Number(value);
  }
  const { logging, benchmark, slowQueryMs } = /** @type {{ logging?: unknown, benchmark?: unknown, slowQueryMs?: unknown }} */ (options);
  return {
    pool,
    logging: logging === undefined || logging === null ? undefined : Boolean(logging),
    benchmark: benchmark === undefined || benchmark === null ? undefined : Boolean(benchmark),
    slowQueryMs: typeof slowQueryMs === 'number' ? slowQueryMs : undefined,
  };
}

const sequelize = new Sequelize(
  config.get('db.database'),
  config.get('db.username'),
  config.get('db.password'),
  withPoolSettings({
    host: config.get('db.host'),
    port: config.get('db.port'),
    dialect: 'postgres',
    logging: false,
    dialectOptions: {
      application_name: `legacy-server:${logger.processName}`,
    },
    pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 },
  })
);

// ---------------------------------------------------------------------------
// Pool monitor
// ---------------------------------------------------------------------------

const POOL_MONITOR_INTERVAL_MS = 5000;
const POOL_WARN_RATIO = 0.4;
const POOL_ERROR_RATIO = 0.6;

// With replication, connectionManager.pool is { read, write } instead of a Pool.
function namedPools() {
  const pool = sequelize.connectionManager.pool;
  if (!pool) {
    return [];
  }
  if (pool.read && pool.write) {
    return [['read', pool.read], ['write', pool.write]];
  }
  return [['pool', pool]];
}

function poolStats() {
  return namedPools().map(([name, pool]) => ({
    name,
    size: pool.size,
    available: pool.available,
    using: pool.using,
    waiting: pool.waiting,
    max: pool.maxSize,
  }));
}

function describe(stats) {
  return `${stats.name}: using ${stats.using}/${stats.max}, idle ${stats.available}, ` +
    `size ${stats.size}, waiting ${stats.waiting}`;
}

function checkPool() {
  for (const stats of poolStats()) {
    const ratio = stats.max > 0 ? stats.using / stats.max : 0;
    const pct = Math.round(ratio * 100);
    if (ratio >= POOL_ERROR_RATIO) {
      logger.error(`[pool] ${pct}% in use (${describe(stats)})`);
    } else if (ratio >= POOL_WARN_RATIO) {
      logger.warn(`[pool] ${pct}% in use (${describe(stats)})`);
    } else {
      logger.debug(`[pool] ${pct}% in use (${describe(stats)})`);
    }
  }
}

setInterval(checkPool, POOL_MONITOR_INTERVAL_MS).unref();

// ---------------------------------------------------------------------------
// SIGUSR2: force-release the pool
// ---------------------------------------------------------------------------

const parsedDelay = Number.parseInt(process.env.POOL_FORCE_RELEASE_MS, 10);
const FORCE_RELEASE_DELAY_MS = Number.isNaN(parsedDelay) || parsedDelay < 0 ? 30000 : parsedDelay;

// Pool#destroyAllNow() only closes idle connections. Connections stuck in use
// (a transaction nobody finished) have to be destroyed one by one.
async function forceReleasePool() {
  let released = 0;
  for (const [name, pool] of namedPools()) {
    const inUse = (pool._inUseObjects || []).map((wrapped) => wrapped.resource);
    const results = await Promise.allSettled(inUse.map((connection) => pool.destroy(connection)));
    for (const result of results) {
      if (result.status === 'fulfilled') {
        released += 1;
      } else {
        logger.error(`[pool] ${name}: failed to destroy connection: ${result.reason && result.reason.message}`);
      }
    }
    const idle = pool.available;
    await pool.destroyAllNow();
    released += idle;
  }
  return released;
}

let forceReleaseTimer = null;

process.on('SIGUSR2', () => {
  if (forceReleaseTimer) {
    logger.warn('[pool] SIGUSR2: force release already scheduled');
    return;
  }
  logger.warn(
    `[pool] SIGUSR2 received, force-releasing connections in ${FORCE_RELEASE_DELAY_MS}ms ` +
    `(${poolStats().map(describe).join('; ') || 'no pool'})`
  );
  forceReleaseTimer = setTimeout(async () => {
    forceReleaseTimer = null;
    try {
      const released = await forceReleasePool();
      logger.warn(`[pool] SIGUSR2: force-released ${released} connections`);
    } catch (err) {
      logger.error(`[pool] SIGUSR2: force release failed: ${err.message}`);
    }
  }, FORCE_RELEASE_DELAY_MS);
  forceReleaseTimer.unref();
});

module.exports = { sequelize, Sequelize, poolStats, forceReleasePool };
