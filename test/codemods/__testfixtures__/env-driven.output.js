const { Sequelize } = require('sequelize');
const pino = require('pino');

const log = pino();

// Connection pool, made explicit and config-driven by eslint-plugin-sequelize-pool's codemod.
// Without these keys Sequelize v6 uses max 5, min 0, idle 10000, acquire 60000, evict 1000.
// 2 processes × max 43 = 86 connections of the 97 PostgreSQL allows (100 − 3 reserved).
// max 43 is the largest that fits after keeping 10 connections (10% of max_connections, at least 5)
//   for migrations, psql and monitoring.
// Override with DB_POOL_MAX, DB_POOL_MIN, DB_POOL_IDLE, DB_POOL_ACQUIRE, DB_POOL_EVICT; DB_LOGGING,
//   DB_BENCHMARK and DB_SLOW_QUERY_MS switch query logging.
const POOL_DEFAULTS = { max: 43, min: 2, idle: 10000, acquire: 30000, evict: 10000 };

// Integer settings from the environment; a value that is not a non-negative integer stops start-up.
function envInteger(name) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function envFlag(name) {
  return ['1', 'true', 'yes', 'on'].includes(String(process.env[name]).toLowerCase());
}

const DB_OPTIONS = {
  pool: Object.fromEntries(
    [['max', 'DB_POOL_MAX'], ['min', 'DB_POOL_MIN'], ['idle', 'DB_POOL_IDLE'], ['acquire', 'DB_POOL_ACQUIRE'], ['evict', 'DB_POOL_EVICT']]
      .map(([key, variable]) => [key, envInteger(variable)])
      .filter(([, value]) => value !== undefined),
  ),
  logging: envFlag('DB_LOGGING'),
  benchmark: envFlag('DB_BENCHMARK'),
  slowQueryMs: envInteger('DB_SLOW_QUERY_MS'),
};

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

module.exports = new Sequelize(process.env.DATABASE_URL, {
  logging: queryLogging(DB_OPTIONS, (sql, ms) => log.info({ ms }, sql), (sql, ms) => log.info({ ms }, sql)),
  benchmark: queryBenchmark(DB_OPTIONS),
  pool: { ...POOL_DEFAULTS, max: Number(process.env.DB_POOL_MAX) || 43, ...DB_OPTIONS.pool },
  dialectOptions: { idle_in_transaction_session_timeout: 60000 },
});
