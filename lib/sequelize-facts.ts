/**
 * Numbers from Sequelize v6.37 and sequelize-pool 7.1 (see docs/why.md). Every message, doc and codemod
 * comment takes its numbers from here.
 */

/** The pool keys that control a pool's size and lifecycle. */
export const LIFECYCLE_KEYS = ['max', 'min', 'idle', 'acquire', 'evict'] as const;

export type LifecycleKey = (typeof LIFECYCLE_KEYS)[number];

/** Pool keys a rule can ask for: the lifecycle keys plus `maxUses`. */
export const POOL_KEYS = [...LIFECYCLE_KEYS, 'maxUses'] as const;

export type PoolKey = (typeof POOL_KEYS)[number];

/**
 * What `ConnectionManager` fills in with lodash `_.defaults` when a key is `undefined`:
 * `pool: { max: 100 }` really runs as `{ max: 100, min: 0, idle: 10000, acquire: 60000, evict: 1000 }`.
 */
export const SEQUELIZE_POOL_DEFAULTS: Readonly<Record<LifecycleKey, number>> = {
  max: 5,
  min: 0,
  idle: 10_000,
  acquire: 60_000,
  evict: 1000,
};

/**
 * sequelize-pool 7 reads these with `x || fallback`, so `0` is not "off" but this fallback
 * (sequelize-pool 8, used by Sequelize v7, takes 0 literally).
 */
export const ZERO_FALLBACKS = {
  idle: '30000 ms',
  acquire: '30000 ms',
  evict: '1000 ms',
  maxUses: 'Infinity (no limit)',
} as const;

export type ZeroFallbackKey = keyof typeof ZERO_FALLBACKS;

/** The right-sized lifecycle the incident review settled on: 7 processes × 10 = 70 of 97 usable slots. */
export const RECOMMENDED_POOL: Readonly<Record<LifecycleKey, number>> = {
  max: 10,
  min: 2,
  idle: 10_000,
  acquire: 30_000,
  evict: 10_000,
};

/** PostgreSQL's defaults: `max_connections`, `superuser_reserved_connections`, `reserved_connections` (16+). */
export const POSTGRES_DEFAULTS = {
  maxConnections: 100,
  superuserReservedConnections: 3,
  reservedConnections: 0,
} as const;

/** Formats `{ a: 1, b: 2 }` as `a: 1, b: 2` in the given key order. */
export function formatKeyValues(values: Readonly<Partial<Record<string, number>>>, keys: readonly string[]): string {
  return keys.map((key) => `${key}: ${String(values[key])}`).join(', ');
}
