import { Sequelize } from 'sequelize-typescript';
import type { Options } from 'sequelize';

import { logger } from './logger';
import { AuditLog, User } from './models';

// Connection pool, made explicit and config-driven by eslint-plugin-sequelize-pool's codemod.
// Without these keys Sequelize v6 uses max 5, min 0, idle 10000, acquire 60000, evict 1000.
// 4 processes × max 44 = 176 connections of the 197 PostgreSQL allows (200 − 3 reserved).
// max 44 is the largest that fits after keeping 20 connections (10% of max_connections, at least 5)
//   for migrations, psql and monitoring.
// Override with DB_POOL_MAX, DB_POOL_MIN, DB_POOL_IDLE, DB_POOL_ACQUIRE, DB_POOL_EVICT; DB_LOGGING,
//   DB_BENCHMARK and DB_SLOW_QUERY_MS switch query logging.
const POOL_DEFAULTS = { max: 20, min: 2, idle: 5000, acquire: 30000, evict: 10000 };

// Integer settings from the environment; a value that is not a non-negative integer stops start-up.
function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function envFlag(name: string) {
  return ['1', 'true', 'yes', 'on'].includes(String(process.env[name]).toLowerCase());
}

const DB_OPTIONS = {
  pool: Object.fromEntries(
    [['max', 'DB_POOL_MAX'], ['min', 'DB_POOL_MIN'], ['idle', 'DB_POOL_IDLE'], ['acquire', 'DB_POOL_ACQUIRE'], ['evict', 'DB_POOL_EVICT']]
      .map(([key, variable]) => [key, envInteger(variable as string)])
      .filter(([, value]) => value !== undefined),
  ),
  logging: envFlag('DB_LOGGING'),
  benchmark: envFlag('DB_BENCHMARK'),
  slowQueryMs: envInteger('DB_SLOW_QUERY_MS'),
};

// Query logging is off unless settings.logging or settings.slowQueryMs is set. With slowQueryMs, only queries
// at least that slow are logged, at warn level, to find the slow queries that hold connections. With
// benchmark on, Sequelize passes the elapsed time (ms) as the second argument.
function queryLogging(settings: NonNullable<typeof DB_OPTIONS> | { logging?: unknown; benchmark?: unknown; slowQueryMs?: number | null }, log: (message: string) => void, warn: (message: string) => void) {
  const slowQueryMs = settings.slowQueryMs;
  if (!settings.logging && slowQueryMs == null) return false;
  return (message: string, elapsedOrOptions?: unknown) => {
    const elapsedMs = typeof elapsedOrOptions === 'number' ? elapsedOrOptions : undefined;
    if (slowQueryMs != null) {
      if (elapsedMs !== undefined && elapsedMs >= slowQueryMs) warn(`${message} (${elapsedMs} ms)`);
      return;
    }
    log(elapsedMs === undefined ? message : `${message} (${elapsedMs} ms)`);
  };
}

// Elapsed times need benchmark: on when settings.benchmark is, or when slowQueryMs needs them.
function queryBenchmark(settings: NonNullable<typeof DB_OPTIONS> | { logging?: unknown; benchmark?: unknown; slowQueryMs?: number | null }) {
  return Boolean(settings.benchmark) || settings.slowQueryMs != null;
}

/* Connection for the API and the workers. */
export const sequelize = new Sequelize(process.env.DATABASE_URL as string, {
  dialect: 'postgres',
  models: [User, AuditLog],
  pool: { ...POOL_DEFAULTS, ...DB_OPTIONS.pool }, // tuned in 2023
  logging: queryLogging(DB_OPTIONS, (message: string) => logger.debug(message), (message: string) => logger.warn(message)),
  benchmark: queryBenchmark(DB_OPTIONS),
} satisfies Options);
