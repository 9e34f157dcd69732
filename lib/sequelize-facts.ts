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

/** The Sequelize major versions whose pool defaults are known. */
export type SequelizeMajor = 4 | 5 | 6 | 7;

/**
 * The pool each Sequelize major fills in for keys left `undefined`, checked in the Sequelize sources (tags of
 * github.com/sequelize/sequelize):
 * - v4: `lib/dialects/abstract/connection-manager.js` `defaultPoolingConfig`, identical from v4.10.0 to v4.44.4:
 *   `acquire: 10000, evict: 10000` (v4.0 to v4.9 had no `evict` default);
 * - v5 (v5.1.0 to v5.22.5) and v6 (v6.1.0 to v6.37.8, `src/dialects/abstract/connection-manager.js`):
 *   `_.defaults(config.pool || {}, { max: 5, min: 0, idle: 10000, acquire: 60000, evict: 1000 })`;
 * - v7 (`@sequelize/core` 7.0.0-alpha.48, `packages/core/src/sequelize-typescript.ts`): the same numbers spread
 *   under the user's pool (undefined keys removed), plus `maxUses: Infinity`; it uses sequelize-pool 8.
 */
export function poolDefaults(major: SequelizeMajor): Readonly<Record<LifecycleKey, number>> {
  return major === 4 ? SEQUELIZE_V4_POOL_DEFAULTS : SEQUELIZE_POOL_DEFAULTS;
}

const SEQUELIZE_V4_POOL_DEFAULTS: Readonly<Record<LifecycleKey, number>> = {
  max: 5,
  min: 0,
  idle: 10_000,
  acquire: 10_000,
  evict: 10_000,
};

/**
 * Whether a SQLite instance uses its pool: v4 to v6's SQLite connection manager overrides `getConnection` and
 * keeps one database handle per connection id (`this.connections[...]`, checked in v4.0.0, v5.22.5, v6.37.8),
 * so `pool` has no effect; v7's `@sequelize/sqlite3` connects through the shared pool.
 */
export function sqliteUsesPool(major: SequelizeMajor): boolean {
  return major === 7;
}

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
