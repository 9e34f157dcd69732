/**
 * The live half of the incident's checklist, read-only: `SHOW` and `SELECT` on catalog views inside a
 * READ ONLY transaction, one connection with connect and statement timeouts, closed when done.
 */
import type { ClientConfig } from 'pg';

export class InspectionError extends Error {}

export interface SessionGroup {
  user: string | null;
  application: string;
  state: string;
  count: number;
}

export interface LeakSuspect {
  pid: number;
  user: string | null;
  application: string;
  ageSeconds: number;
  /** Truncated; null when the role may not see other sessions' query text. */
  lastQuery: string | null;
}

export interface ActiveQuery {
  pid: number;
  user: string | null;
  application: string;
  runningSeconds: number;
  query: string | null;
}

export interface LiveFacts {
  serverVersion: string;
  maxConnections: number;
  superuserReservedConnections: number;
  /** `reserved_connections` (PostgreSQL 16+); 0 before 16. */
  reservedConnections: number;
  sessions: SessionGroup[];
  totalConnections: number;
  leakSuspects: LeakSuspect[];
  longestActive: ActiveQuery[];
  /**
   * False when the role cannot see other roles' sessions in full (not superuser, no pg_read_all_stats): their
   * state and query are hidden, so leaks and long queries are found only among its own roles' sessions.
   */
  canSeeQueries: boolean;
  user: string;
}

export interface InspectionOptions {
  connection: ClientConfig;
  /** Sessions idle in transaction at least this long are leak suspects. */
  idleInTransactionSeconds: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

const QUERY_PREVIEW = 120;

/** Turns the driver's errors for the usual mistakes into one line without the password. */
export function describeConnectionError(error: unknown, target: string): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${target}: connection refused (is PostgreSQL running and listening there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${target}: unknown host`;
    case 'ETIMEDOUT':
      return `cannot connect to ${target}: timed out`;
    case '28P01':
    case '28000':
      return `cannot log in to ${target}: ${message}`;
    case '3D000':
      return `cannot open the database on ${target}: ${message}`;
    default:
      if (/timeout/iu.test(message)) return `cannot connect to ${target}: timed out`;
      return `cannot connect to ${target}: ${message}`;
  }
}

/** Loads `pg` lazily: only `doctor` needs it, and Sequelize's PostgreSQL users already have it. */
async function loadPg(): Promise<typeof import('pg')> {
  try {
    return await import('pg');
  } catch {
    throw new InspectionError('the doctor needs the `pg` package to reach PostgreSQL: npm i -D pg');
  }
}

export async function inspectPostgres(options: InspectionOptions, target: string): Promise<LiveFacts> {
  const pg = await loadPg();
  const Client = pg.Client ?? (pg as unknown as { default: typeof import('pg') }).default.Client;
  const client = new Client({
    ...options.connection,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    application_name: 'eslint-plugin-sequelize-pool doctor',
  });
  // A server that drops the connection mid-way must not crash the process with an unhandled 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new InspectionError(describeConnectionError(error, target));
  }
  try {
    await client.query('BEGIN READ ONLY');
    const setting = async (name: string): Promise<string | null> => {
      const result = await client.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [name]);
      return result.rows[0]?.setting ?? null;
    };
    const serverVersion = (await setting('server_version')) ?? 'unknown';
    const maxConnections = Number(await setting('max_connections'));
    const superuserReservedConnections = Number(await setting('superuser_reserved_connections'));
    const reservedConnections = Number((await setting('reserved_connections')) ?? 0);
    const user = (await client.query<{ user: string }>('SELECT current_user AS user')).rows[0]?.user ?? '';

    // Without superuser or pg_read_all_stats, other roles' sessions show their user but a NULL state,
    // backend_type and query: they are counted as "(hidden)" (background processes have no user).
    const sessions = await client.query<{ usename: string | null; application_name: string; state: string; count: string }>(
      `SELECT usename, application_name, coalesce(state, '(hidden)') AS state, count(*) AS count
         FROM pg_stat_activity
        WHERE pid <> pg_backend_pid()
          AND (backend_type = 'client backend' OR (backend_type IS NULL AND usename IS NOT NULL))
        GROUP BY 1, 2, 3
        ORDER BY count(*) DESC, 2, 3`,
    );
    const leaks = await client.query<{ pid: number; usename: string | null; application_name: string; age: string; query: string | null }>(
      `SELECT pid, usename, application_name,
              extract(epoch FROM now() - state_change)::float8 AS age,
              left(query, ${QUERY_PREVIEW}) AS query
         FROM pg_stat_activity
        WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
          AND now() - state_change >= make_interval(secs => $1)
        ORDER BY state_change`,
      [options.idleInTransactionSeconds],
    );
    const active = await client.query<{ pid: number; usename: string | null; application_name: string; running: string; query: string | null }>(
      `SELECT pid, usename, application_name,
              extract(epoch FROM now() - query_start)::float8 AS running,
              left(query, ${QUERY_PREVIEW}) AS query
         FROM pg_stat_activity
        WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
        ORDER BY query_start
        LIMIT 5`,
    );
    const hidden = (query: string | null): boolean => query === null || query === '<insufficient privilege>';
    const canSeeQueries =
      !sessions.rows.some((row) => row.state === '(hidden)') && ![...leaks.rows, ...active.rows].some((row) => hidden(row.query));
    await client.query('ROLLBACK');
    const groups = sessions.rows.map((row) => ({
      user: row.usename,
      application: row.application_name,
      state: row.state,
      count: Number(row.count),
    }));
    return {
      serverVersion,
      maxConnections,
      superuserReservedConnections,
      reservedConnections,
      sessions: groups,
      // The doctor's own connection counts too: it takes a slot like any client.
      totalConnections: groups.reduce((sum, group) => sum + group.count, 0) + 1,
      leakSuspects: leaks.rows.map((row) => ({
        pid: row.pid,
        user: row.usename,
        application: row.application_name,
        ageSeconds: Math.round(Number(row.age)),
        lastQuery: hidden(row.query) ? null : row.query,
      })),
      longestActive: active.rows.map((row) => ({
        pid: row.pid,
        user: row.usename,
        application: row.application_name,
        runningSeconds: Math.round(Number(row.running) * 10) / 10,
        query: hidden(row.query) ? null : row.query,
      })),
      canSeeQueries,
      user,
    };
  } catch (error) {
    throw new InspectionError(`reading ${target} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
