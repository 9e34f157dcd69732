/**
 * The live half of the incident's checklist, read-only: `SHOW` and `SELECT` on catalog views inside a
 * READ ONLY transaction, one connection with connect and statement timeouts, closed when done.
 */
import type { Client, ClientConfig } from 'pg';

import type { ConnectionSettings } from './connection-settings';

import { ConnectionSettingsError, hostPort, pgSslOption, tlsAttempts } from './connection-settings';

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
  tls: TlsOutcome;
}

export interface InspectionOptions {
  connection: ConnectionSettings;
  /** Sessions idle in transaction at least this long are leak suspects. */
  idleInTransactionSeconds: number;
  /** The client-side deadline of every step (connect, each query, the admin console): past it the session is closed. */
  deadlineMs: number;
}

/** How the session was secured, for the report. */
export interface TlsOutcome {
  mode: string;
  modeFrom: string;
  encrypted: boolean;
  rootCert: string | null;
}

const QUERY_PREVIEW = 120;

/** Turns the driver's errors for the usual mistakes into one line without the password. */
export function describeConnectionError(error: unknown, target: string, sslMode = 'prefer'): string {
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
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `cannot connect to ${target}: the server's TLS certificate failed the sslmode=${sslMode} check (${message.split('\n')[0] ?? code})`;
    default:
      if (/does not support SSL/iu.test(message)) return `cannot connect to ${target}: the server does not offer TLS, and sslmode=${sslMode} requires it`;
      if (/unsupported startup parameter/iu.test(message)) return `cannot connect to ${target}: ${message} (PgBouncer refuses startup parameters it does not track)`;
      if (/timeout expired|timed out|due to connection timeout/iu.test(message)) return `cannot connect to ${target}: timed out`;
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

type PgModule = typeof import('pg');

/** A step that did not answer in time: the session is destroyed, not left idle in a transaction. */
class DeadlineError extends Error {}

/**
 * Runs `work` with a client-side deadline: when it passes, the socket is destroyed (the server then ends the
 * session) and an InspectionError names the step.
 */
async function withDeadline<T>(work: Promise<T>, ms: number, step: string, client: Client): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      destroy(client);
      reject(new DeadlineError(`no answer to ${step} within ${formatSeconds(ms)}; the session was closed`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Closes the socket at once: `end()` would wait for a server that may never answer. */
function destroy(client: Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy: () => void } } }).connection?.stream;
  stream?.destroy();
}

/** Opens one session the way libpq's sslmode says (prefer: TLS, then plaintext), within the deadline. */
export async function openSession(
  settings: ConnectionSettings,
  deadlineMs: number,
  overrides: Partial<ClientConfig> & Record<string, unknown> = {},
): Promise<{ client: Client; tls: TlsOutcome }> {
  const pg = await loadPg();
  const ClientClass = pg.Client ?? (pg as unknown as { default: PgModule }).default.Client;
  const attempts = tlsAttempts(settings.tls.mode);
  let lastError: unknown = null;
  for (const [index, attempt] of attempts.entries()) {
    let ssl;
    try {
      ssl = pgSslOption(settings.tls, attempt);
    } catch (error) {
      if (error instanceof ConnectionSettingsError) throw new InspectionError(error.message);
      throw error;
    }
    const client = new ClientClass({
      host: settings.host,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      database: settings.database,
      ssl,
      // No statement_timeout or other startup parameter: PgBouncer rejects them. Timeouts are SET LOCAL below.
      application_name: 'eslint-plugin-sequelize-pool doctor',
      ...overrides,
    });
    // A server that drops the connection mid-way must not crash the process with an unhandled 'error'.
    client.on('error', () => undefined);
    try {
      await withDeadline(client.connect(), deadlineMs, 'the connection and login', client);
      const stream = (client as unknown as { connection?: { stream?: { encrypted?: boolean } } }).connection?.stream;
      return {
        client,
        tls: { mode: settings.tls.mode, modeFrom: settings.tls.modeFrom, encrypted: stream?.encrypted === true, rootCert: settings.tls.rootCert },
      };
    } catch (error) {
      destroy(client);
      lastError = error;
      const message = error instanceof Error ? error.message : String(error);
      // prefer/allow: fall back to the other attempt only when the server refused (or required) TLS.
      const retry = index < attempts.length - 1 && /does not support SSL|no pg_hba\.conf entry.*(?:SSL|no encryption)|SSL off/iu.test(message);
      if (!retry) break;
    }
  }
  if (lastError instanceof DeadlineError) throw new InspectionError(`${settings.target}: ${lastError.message}`);
  throw new InspectionError(describeConnectionError(lastError, settings.target, settings.tls.mode));
}

export async function inspectPostgres(options: InspectionOptions): Promise<LiveFacts> {
  const { connection, deadlineMs } = options;
  const target = connection.target;
  const { client, tls } = await openSession(connection, deadlineMs);
  const query = async <Row extends Record<string, unknown>>(step: string, text: string, values?: unknown[]): Promise<{ rows: Row[] }> =>
    withDeadline(client.query<Row>(text, values), deadlineMs, step, client);
  let ended = false;
  try {
    await query('BEGIN', 'BEGIN READ ONLY');
    // SET LOCAL: a server-side backstop that ends with this transaction (and passes PgBouncer in transaction mode).
    await query('SET LOCAL', `SET LOCAL statement_timeout = ${Math.max(1, Math.round(deadlineMs))}`);
    const setting = async (name: string): Promise<string | null> => {
      const result = await query<{ setting: string }>(`reading ${name}`, 'SELECT setting FROM pg_settings WHERE name = $1', [name]);
      return result.rows[0]?.setting ?? null;
    };
    const serverVersion = (await setting('server_version')) ?? 'unknown';
    const maxConnections = Number(await setting('max_connections'));
    const superuserReservedConnections = Number(await setting('superuser_reserved_connections'));
    const reservedConnections = Number((await setting('reserved_connections')) ?? 0);
    const user = (await query<{ user: string }>('current_user', 'SELECT current_user AS user')).rows[0]?.user ?? '';

    // Without superuser or pg_read_all_stats, other roles' sessions show their user but a NULL state,
    // backend_type and query: they are counted as "(hidden)" (background processes have no user).
    const sessions = await query<{ usename: string | null; application_name: string; state: string; count: string }>(
      'pg_stat_activity (sessions)',
      `SELECT usename, application_name, coalesce(state, '(hidden)') AS state, count(*) AS count
         FROM pg_stat_activity
        WHERE pid <> pg_backend_pid()
          AND (backend_type = 'client backend' OR (backend_type IS NULL AND usename IS NOT NULL))
        GROUP BY 1, 2, 3
        ORDER BY count(*) DESC, 2, 3`,
    );
    const leaks = await query<{ pid: number; usename: string | null; application_name: string; age: string; query: string | null }>(
      'pg_stat_activity (idle in transaction)',
      `SELECT pid, usename, application_name,
              extract(epoch FROM now() - state_change)::float8 AS age,
              left(query, ${QUERY_PREVIEW}) AS query
         FROM pg_stat_activity
        WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
          AND pid <> pg_backend_pid()
          AND now() - state_change >= make_interval(secs => $1)
        ORDER BY state_change`,
      [options.idleInTransactionSeconds],
    );
    const active = await query<{ pid: number; usename: string | null; application_name: string; running: string; query: string | null }>(
      'pg_stat_activity (active queries)',
      `SELECT pid, usename, application_name,
              extract(epoch FROM now() - query_start)::float8 AS running,
              left(query, ${QUERY_PREVIEW}) AS query
         FROM pg_stat_activity
        WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
        ORDER BY query_start
        LIMIT 5`,
    );
    const hidden = (text: string | null): boolean => text === null || text === '<insufficient privilege>';
    const canSeeQueries =
      !sessions.rows.some((row) => row.state === '(hidden)') && ![...leaks.rows, ...active.rows].some((row) => hidden(row.query));
    await query('ROLLBACK', 'ROLLBACK');
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
      tls,
    };
  } catch (error) {
    if (error instanceof DeadlineError) {
      ended = true;
      throw new InspectionError(`${target}: ${error.message}`);
    }
    throw new InspectionError(`reading ${target} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (!ended) await withDeadline(client.end(), deadlineMs, 'closing the session', client).catch(() => destroy(client));
  }
}

/** PgBouncer's admin console, as far as the credentials allow. */
export interface PgBouncerFacts {
  version: string | null;
  /** False when PgBouncer answered but refused this user on its admin console (not in admin_users/stats_users). */
  adminAccess: boolean;
  config: Record<string, string>;
  pools: { database: string; user: string; clientsActive: number; clientsWaiting: number; serversActive: number; serversIdle: number; serversUsed: number; maxWaitSeconds: number; poolMode: string }[];
}

/**
 * Whether `settings` reaches PgBouncer: its admin console (database `pgbouncer`) answers `SHOW VERSION`, `SHOW
 * CONFIG` and `SHOW POOLS` for admin or stats users; other users are refused with PgBouncer's own error. A plain
 * PostgreSQL answers that the database does not exist: null.
 */
export async function inspectPgBouncer(settings: ConnectionSettings, deadlineMs: number): Promise<PgBouncerFacts | null> {
  let session;
  try {
    session = await openSession({ ...settings, database: 'pgbouncer' }, deadlineMs, { application_name: undefined });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/not allowed|pgbouncer/iu.test(message) && !/does not exist/iu.test(message)) {
      return { version: null, adminAccess: false, config: {}, pools: [] };
    }
    return null;
  }
  const { client } = session;
  try {
    const version = await withDeadline(client.query<{ version: string }>('SHOW VERSION'), deadlineMs, 'SHOW VERSION', client).catch(() => null);
    const text = version?.rows[0] === undefined ? null : String(Object.values(version.rows[0])[0]);
    if (text === null || !/pgbouncer/iu.test(text)) return null;
    const config = await withDeadline(client.query<{ key: string; value: string }>('SHOW CONFIG'), deadlineMs, 'SHOW CONFIG', client);
    const pools = await withDeadline(client.query<Record<string, string>>('SHOW POOLS'), deadlineMs, 'SHOW POOLS', client);
    return {
      version: text,
      adminAccess: true,
      config: Object.fromEntries(config.rows.map((row) => [row.key, row.value])),
      pools: pools.rows
        .filter((row) => row.database !== 'pgbouncer')
        .map((row) => ({
          database: String(row.database),
          user: String(row.user),
          clientsActive: Number(row.cl_active),
          clientsWaiting: Number(row.cl_waiting),
          serversActive: Number(row.sv_active),
          serversIdle: Number(row.sv_idle),
          serversUsed: Number(row.sv_used),
          maxWaitSeconds: Number(row.maxwait) + Number(row.maxwait_us ?? 0) / 1e6,
          poolMode: String(row.pool_mode),
        })),
    };
  } catch {
    return { version: null, adminAccess: false, config: {}, pools: [] };
  } finally {
    await withDeadline(client.end(), deadlineMs, 'closing the session', client).catch(() => destroy(client));
  }
}

/**
 * Connects once with the startup parameters the application sends (`statement_timeout`, … from its
 * `dialectOptions`) and returns the server's refusal, or null when it accepts them. Behind PgBouncer this is where
 * `unsupported startup parameter: …` shows.
 */
export async function probeStartupParameters(settings: ConnectionSettings, parameters: Readonly<Record<string, number | string>>, deadlineMs: number): Promise<string | null> {
  try {
    const { client } = await openSession(settings, deadlineMs, { ...parameters });
    await withDeadline(client.end(), deadlineMs, 'closing the session', client).catch(() => destroy(client));
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const refused = /unsupported startup parameter: [\w.]+/iu.exec(message);
    return refused === null ? message : refused[0].trim();
  }
}

export { hostPort };
