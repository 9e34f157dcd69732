import { Sequelize } from 'sequelize-typescript';
import type { Options } from 'sequelize';

import { logger } from './logger';
import { AuditLog, User } from './models';

// Connection pool made explicit by eslint-plugin-sequelize-pool's codemod
//   (docs/codemod.md).
// A lifecycle key left unset runs as Sequelize v6's default: max 5, min 0, idle
//   10000, acquire 60000, evict 1000.
// 4 processes × max 44 = 176 connections of the 197 PostgreSQL allows (200 − 3
//   reserved).
// max 44 is the largest that fits after keeping 20 connections (10% of
//   max_connections, at least 5) for migrations, psql and monitoring.
// withPoolSettings() changes only what the options leave unset, then applies
//   DB_POOL_MAX, DB_POOL_MIN, DB_POOL_IDLE, DB_POOL_ACQUIRE and DB_POOL_EVICT;
//   DB_LOGGING, DB_BENCHMARK and DB_SLOW_QUERY_MS switch query logging (unset:
//   as the options say).
interface DatabaseSettings {
  pool: Record<string, number>;
  logging?: boolean;
  benchmark?: boolean;
  slowQueryMs?: number;
}

type SequelizeConstructorOptions = import('sequelize-typescript').SequelizeOptions;

function withPoolSettings(options: SequelizeConstructorOptions): SequelizeConstructorOptions;
function withPoolSettings<T extends string | undefined>(options: T): T;
function withPoolSettings(options: SequelizeConstructorOptions | string | undefined): SequelizeConstructorOptions | string | undefined {
  // A URL (new Sequelize(url)) or no options at all: nothing to fill in.
  if (typeof options === 'string' || options === undefined || options === null) return options;
  const given = options as { pool?: Record<string, unknown>, logging?: unknown, benchmark?: unknown };
  const defaults = { max: 44, min: 2, idle: 10000, acquire: 30000, evict: 10000 };
  const settings = databaseSettings();
  const pool: Record<string, unknown> = { ...given.pool };
  for (const [key, value] of Object.entries(defaults)) {
    if (pool[key] !== undefined) continue;
    // A min filled in here never exceeds the pool's max: sequelize-pool refuses min > max.
    pool[key] = key === 'min' && Number(pool.max) < value ? Number(pool.max) : value;
  }
  Object.assign(pool, settings.pool);
  if (Object.keys(settings.pool).length > 0 && Number(pool.min) > Number(pool.max)) pool.min = pool.max;
  const result: Record<string, unknown> = { ...given, pool };
  const slow = settings.slowQueryMs !== undefined;
  if (settings.logging !== undefined || slow) result.logging = queryLogging(settings, given.logging);
  if (settings.benchmark !== undefined || slow) result.benchmark = settings.benchmark === true || slow;
  return result as SequelizeConstructorOptions;
}

// Query logging once config or the environment switches it: the options' own function stays the sink.
function queryLogging(settings: DatabaseSettings, logging: unknown): false | ((...args: unknown[]) => void) {
  const sink = typeof logging === 'function' ? (logging as (...args: unknown[]) => void) : console.log;
  const { slowQueryMs } = settings;
  if (slowQueryMs === undefined) return settings.logging === true ? sink : false;
  // With benchmark on, Sequelize passes the elapsed time (ms) as the second argument.
  return (...args: unknown[]) => {
    const [message, elapsedMs] = args;
    if (typeof elapsedMs !== 'number' || elapsedMs < slowQueryMs) return;
    if (sink === console.log) console.warn(`${String(message)} Elapsed time: ${elapsedMs}ms`);
    else sink(...args);
  };
}

function databaseSettings(): DatabaseSettings {
  const pool: Record<string, number> = {};
  const variables: [string, string][] = [
    ['max', 'DB_POOL_MAX'],
    ['min', 'DB_POOL_MIN'],
    ['idle', 'DB_POOL_IDLE'],
    ['acquire', 'DB_POOL_ACQUIRE'],
    ['evict', 'DB_POOL_EVICT'],
  ];
  for (const [key, name] of variables) {
    const value = envInteger(name, key === 'max' ? 1 : 0);
    if (value !== undefined) pool[key] = value;
  }
  return {
    pool,
    logging: envFlag('DB_LOGGING'),
    benchmark: envFlag('DB_BENCHMARK'),
    slowQueryMs: envInteger('DB_SLOW_QUERY_MS', 0),
  };
}

// An integer setting from the environment: unset or empty is undefined; anything else below `minimum` stops start-up.
function envInteger(name: string, minimum: number): number | undefined {
  const raw = (process.env[name] ?? '').trim();
  if (raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum) {
    throw new Error(`${name} must be an integer ≥ ${minimum}, got ${JSON.stringify(process.env[name])}`);
  }
  return Number(raw);
}

// A switch from the environment: unset or empty is undefined (the options decide).
function envFlag(name: string): boolean | undefined {
  const raw = (process.env[name] ?? '').trim().toLowerCase();
  if (raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(process.env[name])}`);
}

/* Connection for the API and the workers. */
export const sequelize = new Sequelize(process.env.DATABASE_URL as string, withPoolSettings({
  dialect: 'postgres',
  models: [User, AuditLog],
  pool: { max: 20, idle: 5_000, min: 2, acquire: 30000, evict: 10000 }, // tuned in 2023
} satisfies Options));
