/**
 * Connection budget arithmetic for one database: the one formula the lint rule, the codemod and doctor use, so the
 * lint suggestion, the codemod's summary and doctor's advice print the same number. From ../docs/why.md:
 *
 *   usable   = max_connections − reserved − other clients                 (past this: SQLSTATE 53300)
 *   headroom = max(5, round(10% of max_connections))                      (migrations, psql sessions, monitoring)
 *   max      = floor((usable − headroom) / pool instances), halved per instance with replication
 *
 * "Over budget" is measured against `usable` (where connections start failing); the suggested `max` also keeps the
 * headroom free, the slots an operator needs when something is already going wrong.
 */

export interface ConnectionBudget {
  /** The server's connection limit (PostgreSQL `max_connections`, MySQL `max_connections`, …). */
  maxConnections: number;
  /** Slots the application can never take: PostgreSQL `superuser_reserved_connections` + `reserved_connections`. */
  reservedConnections: number;
  /** Connections held by other applications on the same server. */
  otherConnections: number;
  /** Connections kept free for migrations, psql sessions and monitoring; `headroomFor(maxConnections)` when unset. */
  headroom?: number;
}

/** What the headroom is for, in every message that mentions it. */
export const HEADROOM_PURPOSE = 'migrations, psql sessions and monitoring';

/** The default headroom: 10% of the server's limit, at least 5 connections. */
export function headroomFor(maxConnections: number): number {
  return Math.max(5, Math.round(maxConnections * 0.1));
}

/** The headroom this budget keeps: its own, else the default. */
export function headroomOf(budget: ConnectionBudget): number {
  return budget.headroom ?? headroomFor(budget.maxConnections);
}

/** Connections the application's processes may open in total before new ones are refused. */
export function availableConnections(budget: ConnectionBudget): number {
  return budget.maxConnections - budget.reservedConnections - budget.otherConnections;
}

/** How many connections one Sequelize instance can open: `max`, twice with replication (read + write pools). */
export function connectionsPerInstance(max: number, replicated: boolean): number {
  return replicated ? max * 2 : max;
}

/**
 * The largest `max` each pool instance may use so that all of them together fit and the headroom stays free; 0
 * when not even 1 fits. `poolInstances` counts every pool in every process (processes × pools per process).
 */
export function largestFittingMax(budget: ConnectionBudget, poolInstances: number, replicated: boolean): number {
  const share = Math.floor((availableConnections(budget) - headroomOf(budget)) / Math.max(1, poolInstances));
  return Math.max(0, Math.floor(replicated ? share / 2 : share));
}

/** `keeping 10 connections (10% of max_connections, at least 5) for migrations, psql sessions and monitoring`. */
export function describeHeadroom(budget: ConnectionBudget): string {
  const headroom = headroomOf(budget);
  const why = budget.headroom === undefined ? ' (10% of max_connections, at least 5)' : '';
  return `keeping ${headroom} connection${headroom === 1 ? '' : 's'}${why} free for ${HEADROOM_PURPOSE}`;
}

/** `max 12 fits, keeping 10 connections … for migrations, psql sessions and monitoring`, or why none does. */
export function fitAdvice(budget: ConnectionBudget, poolInstances: number, replicated: boolean, key: 'max' | 'min' = 'max'): { fits: number; advice: string } {
  const fits = largestFittingMax(budget, poolInstances, replicated);
  if (fits >= 1) return { fits, advice: `${key} ${fits} fits, ${describeHeadroom(budget)}` };
  return { fits, advice: 'not even max 1 fits: run fewer processes, raise max_connections or put PgBouncer in front' };
}

/** `100 − 3 reserved − 5 other`: how the available number was reached, for messages. */
export function describeAvailable(budget: ConnectionBudget): string {
  const parts = [String(budget.maxConnections)];
  if (budget.reservedConnections > 0) parts.push(`${budget.reservedConnections} reserved`);
  if (budget.otherConnections > 0) parts.push(`${budget.otherConnections} for other clients`);
  return parts.join(' − ');
}

/** `7 processes` / `1 process`. */
export function processCount(count: number): string {
  return `${count} ${count === 1 ? 'process' : 'processes'}`;
}

/** The databases Sequelize talks to whose connection limits we know statically. */
export type Dialect = 'mariadb' | 'mssql' | 'mysql' | 'postgres';

/** A server's limits with where they came from, so every message can name its source. */
export interface DatabaseLimits {
  dialect: Dialect;
  maxConnections: number;
  reservedConnections: number;
  /** `PostgreSQL's defaults`, `the server`, `package.json sequelizePool`, `the rule's options`. */
  source: string;
  /** Whether these numbers are a dialect's defaults (no server or configuration said otherwise). */
  assumed: boolean;
}

/** Each dialect's out-of-the-box limits, with the words messages use for them (see docs/why.md). */
export const DIALECT_DEFAULTS: Readonly<Record<Dialect, { name: string; maxConnections: number; reservedConnections: number; explain: string }>> = {
  postgres: {
    name: 'PostgreSQL',
    maxConnections: 100,
    reservedConnections: 3,
    explain: 'max_connections 100, superuser_reserved_connections 3',
  },
  mysql: {
    name: 'MySQL',
    maxConnections: 151,
    reservedConnections: 0,
    explain: 'max_connections 151; one more connection is kept for an account with SUPER / CONNECTION_ADMIN',
  },
  mariadb: {
    name: 'MariaDB',
    maxConnections: 151,
    reservedConnections: 0,
    explain: 'max_connections 151; one more connection is kept for an account with SUPER / CONNECTION_ADMIN',
  },
  mssql: {
    name: 'SQL Server',
    maxConnections: 32_767,
    reservedConnections: 0,
    explain: "user connections 0, which SQL Server reads as its maximum, 32,767",
  },
};

/** A dialect name as Sequelize spells it (`postgres`, `mysql`, `mariadb`, `mssql`), or null for the others. */
export function knownDialect(name: unknown): Dialect | null {
  if (name === 'postgres' || name === 'postgresql' || name === 'mysql' || name === 'mariadb' || name === 'mssql') {
    return name === 'postgresql' ? 'postgres' : name;
  }
  return null;
}

/** The defaults of a dialect as limits, labelled as assumed. */
export function defaultLimits(dialect: Dialect): DatabaseLimits {
  const defaults = DIALECT_DEFAULTS[dialect];
  return {
    dialect,
    maxConnections: defaults.maxConnections,
    reservedConnections: defaults.reservedConnections,
    source: `${defaults.name}'s defaults`,
    assumed: true,
  };
}

/**
 * The PgBouncer side of a budget. Clients (every pool instance × its `max`) count against `max_client_conn`; the
 * server connections PgBouncer opens (per user/database pair: `default_pool_size` + `reserve_pool_size`) count
 * against PostgreSQL's usable connections.
 */
export interface PgBouncerBudget {
  maxClientConn: number;
  defaultPoolSize: number;
  reservePoolSize: number;
  /** user/database pairs the application connects as (1 for one `DATABASE_URL`). */
  poolPairs: number;
}

/** Server connections PgBouncer may open to PostgreSQL: pairs × (default_pool_size + reserve_pool_size). */
export function pgBouncerServerConnections(bouncer: PgBouncerBudget): number {
  return bouncer.poolPairs * (bouncer.defaultPoolSize + bouncer.reservePoolSize);
}

/** The largest `max` per pool instance through PgBouncer: its client limit, shared by every pool instance. */
export function largestFittingMaxThroughPgBouncer(bouncer: PgBouncerBudget, poolInstances: number, replicated: boolean): number {
  return largestFittingMax({ maxConnections: bouncer.maxClientConn, reservedConnections: 0, otherConnections: 0, headroom: 0 }, poolInstances, replicated);
}
