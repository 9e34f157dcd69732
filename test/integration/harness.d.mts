// Types of harness.mjs for the TypeScript tests (the harness itself is plain JavaScript so that the demo and bench
// scripts can import it without a build step). Keep in step with harness.mjs.

import type pg from 'pg';

export declare const REPO_ROOT: string;
export declare const EXAMPLE_APP: string;
export declare const FIXTURES: string;
export declare const PROGRAMS: readonly string[];
export declare const TOO_MANY_CONNECTIONS: '53300';

/** Load of one run: `processes` OS processes, each `bursts` rounds of `concurrency` concurrent `pg_sleep` queries. */
export interface Load {
  processes: number;
  concurrency: number;
  bursts: number;
  sleepMs: number;
}
export declare const INCIDENT_LOAD: Readonly<Load>;
export declare const BENCH_LOAD: Readonly<Load>;

export interface Database {
  host: string;
  port: number;
  database: string;
  appUser: string;
  appPassword: string;
  /** `server_version`, e.g. `17.10`. */
  version: string;
  maxConnections: number;
  /** `superuser_reserved_connections + reserved_connections`. */
  reservedConnections: number;
  /** `max_connections − reservedConnections`: the slots a non-superuser role can take when nobody else is connected. */
  usableConnections: number;
  /** A query on the harness's superuser session (one connection, counted by PostgreSQL like any other). */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: Row[]; rowCount: number | null }>;
  /** NODE_CONFIG for the app: this database, the application role, plus `db` overrides (`{ options: { pool } }`). */
  nodeConfig(db?: Record<string, unknown>): string;
  /** The last lines PostgreSQL logged (for failure messages). */
  logTail(): string;
  /** Stops the server and removes its data directory; idempotent. */
  stop(): Promise<void>;
  /** The superuser's URL (to the `postgres` database), for tools that take one, such as `doctor --url`. */
  superuserUrl: string;
  /** With `tls`: the server's self-signed certificate file (its own root: `sslrootcert`); else null. */
  certificate: string | null;
  /** A new connection as the superuser or the application role, closed when the database stops. */
  client(role?: 'app' | 'superuser', options?: { applicationName?: string }): Promise<pg.Client>;
}
export declare function startPostgres(options?: {
  maxConnections?: number;
  database?: string;
  appUser?: string;
  /** ssl=on with a self-signed certificate made by openssl at start (see `certificate`). */
  tls?: boolean;
  /** Listen on ::1 too. */
  ipv6?: boolean;
}): Promise<Database>;
export declare function freePort(): Promise<number>;

export interface Budget {
  /** The codemod's summary line, `budget: 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)`. */
  line: string;
  processes: number;
  max: number;
  total: number;
  usable: number;
  maxConnections: number;
  reserved: number;
}
export interface App {
  dir: string;
  migrated: boolean;
  codemodOutput: string;
  budget: Budget | null;
  /** Removes the copy; idempotent. */
  remove(): Promise<void>;
}
export declare function prepareApp(options?: {
  migrate?: boolean;
  processes?: number;
  maxConnections?: number;
  /** Fixtures to copy in: target path in the app → file name under __testfixtures__. */
  files?: Record<string, string>;
}): App;

export interface ProcessOptions {
  /** PROCESS_NAME, so `application_name` = `legacy-server:<name>`. */
  processName?: string;
  /** `db` overrides merged into NODE_CONFIG, e.g. `{ options: { pool: { max: 3 } } }`. */
  dbConfig?: Record<string, unknown>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  env?: Record<string, string>;
}
export declare function appEnv(db: Database, app: App, options?: ProcessOptions): NodeJS.ProcessEnv;
export declare function runAppScript(db: Database, app: App, script: string, options?: ProcessOptions): Promise<string>;

export interface Session {
  /** `application_name` without `legacy-server:`: the Supervisor program. */
  process: string;
  /** `active`, `idle`, `idle in transaction`, ... (`starting` while a session authenticates). */
  state: string;
  pid: number;
}
export interface ActivitySummary {
  total: number;
  byProcess: Record<string, number>;
  byState: Record<string, number>;
  /** Keyed `<process>/<state>`. */
  byProcessState: Record<string, number>;
}
export declare function activity(db: Database): Promise<Session[]>;
export declare function summarizeActivity(sessions: Session[]): ActivitySummary;

export type Task =
  | { kind: 'load'; concurrency: number; bursts: number; sleepMs: number; holdTransaction?: boolean }
  | {
      kind: 'calls';
      /** Path of a CommonJS module in the app, e.g. `server/jobs/auditLogForward.js`. */
      module: string;
      export: string;
      runs: number;
      parallel?: number;
      holdTransaction?: boolean;
    };
export interface WorkerSpec {
  name: string;
  task: Task;
  dbConfig?: Record<string, unknown>;
  logLevel?: ProcessOptions['logLevel'];
  env?: Record<string, string>;
}
export interface CallError {
  name: string;
  message: string;
  /** SQLSTATE from Sequelize's `parent` (the pg error), or null. */
  code: string | null;
}
export interface Call {
  ok: boolean;
  ms: number;
  value?: unknown;
  error?: CallError;
}
export interface WorkerRun {
  name: string;
  pid: number;
  calls: Call[];
  /** The process's log so far (the app's logger: stdout and stderr). */
  log(): string;
}
export interface Run {
  wallMs: number;
  samples: number;
  /** Peaks over all pg_stat_activity samples. */
  peaks: ActivitySummary;
  /** pg_stat_activity once every process reported, before they were stopped. */
  final: ActivitySummary;
  workers: WorkerRun[];
}
export interface Progress {
  elapsedMs: number;
  ok: number;
  failed: number;
  connections: number;
}
export interface RunOptions {
  sampleIntervalMs?: number;
  timeoutMs?: number;
  onProgress?: (progress: Progress) => void;
  /** Called with the processes still running and holding their connections. */
  beforeStop?: (run: Run) => Promise<void>;
}
export declare function runWorkers(db: Database, app: App, specs: WorkerSpec[], options?: RunOptions): Promise<Run>;
export declare function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  options?: { timeoutMs?: number; intervalMs?: number },
): Promise<NonNullable<T>>;

export interface ErrorGroup extends CallError {
  count: number;
}
export interface Report {
  queries: number;
  ok: number;
  failed: number;
  errors: ErrorGroup[];
  peakConnections: number;
  /** Every process by name; 0 for one that never got a connection. */
  peakByProcess: Record<string, number>;
  peakIdleInTransaction: number;
  p50Ms: number | null;
  p99Ms: number | null;
  wallMs: number;
  samples: number;
  run: Run;
}
export declare function quantile(values: number[], q: number): number | null;
export declare function groupErrors(calls: Call[]): ErrorGroup[];
export declare function report(run: Run): Report;
export declare function runLoad(
  db: Database,
  app: App,
  load?: Partial<Load>,
  /** `specFor(i)` adjusts process i (`task` is merged into the load task): a log level, `holdTransaction`, env. */
  options?: RunOptions & { specFor?: (index: number) => Partial<Omit<WorkerSpec, 'task'>> & { task?: { holdTransaction?: boolean } } },
): Promise<Report>;

export interface Comparison {
  before: Report;
  after: Report;
  budget: Budget;
  postgres: { version: string; maxConnections: number; usable: number };
  load: Load;
}
export declare function compareIncident(
  load?: Load,
  options?: {
    onProgress?: (label: 'before' | 'after', progress: Progress) => void;
    /** Called after each run while the database still runs (the demo runs `doctor` here). */
    afterRun?: (label: 'before' | 'after', db: Database, app: App) => Promise<void> | void;
    /** Fixtures copied into the migrated copy (`{ 'server/jobs/x.js': 'x.fixed.js' }`), as prepareApp's `files`. */
    migratedFiles?: Record<string, string>;
  },
): Promise<Comparison>;
export declare function describeReport(label: string, result: Report): string;
export declare function progressLine(label: string, progress: Progress): string;
export declare function formatMs(ms: number | null): string;
/** Stops everything the harness started and has not cleaned up yet (for afterAll). */
export declare function cleanupAll(): Promise<void>;

export interface PgBouncer {
  port: number;
  iniFile: string;
  /** The pgbouncer.ini it runs with. */
  ini: string;
  settings: Record<string, string>;
  appUrl: string;
  nodeConfig(db?: Record<string, unknown>): string;
  logTail(): string;
  stop(): Promise<void>;
}
export declare function pgbouncerInstalled(): boolean;
export declare function startPgBouncer(db: Database, settings?: Record<string, number | string>): Promise<PgBouncer>;
