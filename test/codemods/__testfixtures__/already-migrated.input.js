'use strict';

const config = require('config');
const { Sequelize } = require('sequelize');
const logger = require('../lib/logger');

// Connection pool, made explicit and config-driven by eslint-plugin-sequelize-pool's codemod.
// Without these keys Sequelize v6 uses max 5, min 0, idle 10000, acquire 60000, evict 1000.
// 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved).
// max 12 is the largest that fits after keeping 10 connections (10% of max_connections, at least 5)
//   for migrations, psql and monitoring.
// Override any key with db.options.pool in config; db.options.logging, .benchmark and .slowQueryMs
//   switch query logging.
const POOL_DEFAULTS = { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 };
const DB_OPTIONS = config.has('db.options') ? config.get('db.options') : {};

// Query logging is off unless settings.logging or settings.slowQueryMs is set. With slowQueryMs, only queries
// at least that slow are logged, at warn level, to find the slow queries that hold connections. With
// benchmark on, Sequelize passes the elapsed time (ms) as the second argument.
function queryLogging(settings, log, warn) {
  const slowQueryMs = settings.slowQueryMs;
  if (!settings.logging && slowQueryMs == null) return false;
  return (message, elapsedOrOptions) => {
    const elapsedMs = typeof elapsedOrOptions === 'number' ? elapsedOrOptions : undefined;
    if (slowQueryMs != null) {
      if (elapsedMs !== undefined && elapsedMs >= slowQueryMs) warn(`${message} (${elapsedMs} ms)`);
      return;
    }
    log(elapsedMs === undefined ? message : `${message} (${elapsedMs} ms)`);
  };
}

// Elapsed times need benchmark: on when settings.benchmark is, or when slowQueryMs needs them.
function queryBenchmark(settings) {
  return Boolean(settings.benchmark) || settings.slowQueryMs != null;
}

const sequelize = new Sequelize(
  config.get('db.database'),
  config.get('db.username'),
  config.get('db.password'),
  {
    host: config.get('db.host'),
    port: config.get('db.port'),
    dialect: 'postgres',
    logging: queryLogging(DB_OPTIONS, (message) => logger.debug(message), (message) => logger.warn(message)),
    dialectOptions: {
      application_name: `legacy-server:${logger.processName}`,
    },
    pool: { ...POOL_DEFAULTS, ...DB_OPTIONS.pool },
    benchmark: queryBenchmark(DB_OPTIONS),
  }
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
