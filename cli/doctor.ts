/**
 * `doctor`: the incident report's debugging checklist as one command. The static part reads the checkout (every
 * `new Sequelize`, its pool, the deployment: process managers, the stated `sequelizePool` block, PgBouncer); the
 * live part reads PostgreSQL (limits, sessions, transactions left idle, the longest queries) and PgBouncer's admin
 * console. Read-only throughout. Verdicts never under-report: what is unknown makes the total "at least N".
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import type { ConnectionSettings } from '../lib/database/connection-settings';
import type { LiveFacts, PgBouncerFacts } from '../lib/database/postgres-inspection';
import type { Deployment, ProcessCount } from '../lib/project/deployment';
import type { PgBouncerSettings, SessionStateUse } from '../lib/project/pgbouncer-config';
import type { ConnectionBudget, DatabaseLimits, Dialect } from '../lib/project/pool-budget';
import type { PoolFinding, ProjectScan } from '../lib/project/project-pools';
import type { CliIO } from './io';

import { ConnectionSettingsError, settingsFromEnvironment, settingsFromUrl, settingsFromValues } from '../lib/database/connection-settings';
import { inspectPgBouncer, inspectPostgres, InspectionError, probeStartupParameters } from '../lib/database/postgres-inspection';
import { countComposeServices, countPm2Apps, countProcfileTypes, countSupervisorPrograms, positionOf, ProcessFileError, readDeployment } from '../lib/project/deployment';
import { constructionsLoadedBy } from '../lib/project/import-graph';
import { configValue, NodeConfigError, readNodeConfig } from '../lib/project/node-config';
import { findSessionState, projectPgBouncerIni, pgBouncerServerLimit, pgBouncerSettingsFrom, readPgBouncerIniFile, rejectedStartupParameters } from '../lib/project/pgbouncer-config';
import {
  availableConnections,
  connectionsPerInstance,
  defaultLimits,
  describeAvailable,
  DIALECT_DEFAULTS,
  describeHeadroom,
  fitAdvice,
  headroomOf,
  HEADROOM_PURPOSE,
  largestFittingMaxThroughPgBouncer,
  processCount,
} from '../lib/project/pool-budget';
import { clearProjectModuleCache } from '../lib/project/project-modules';
import { scanProjectPools } from '../lib/project/project-pools';
import { DOCTOR_HELP } from './doctor-help';
import { integerOption, parseCommandLine, UsageError } from './io';

export { DOCTOR_HELP } from './doctor-help';

export type Severity = 'info' | 'problem' | 'unknown' | 'warning';

export interface Finding {
  /** `unknown`: something the verdict depends on could not be read (the verdict is then at best incomplete). */
  severity: Severity;
  code: string;
  message: string;
  fix?: string;
}

export interface ProgramWorstCase {
  name: string;
  count: number;
  /** `file:line` of each pool its script loads (every pool in the checkout when its script is unknown). */
  pools: string[];
  /** Connections one process can open, from the pools whose max is known. */
  connections: number;
  /** Pools whose max is unknown: `connections` is then a lower bound. */
  unknownPools: string[];
  /** How its pools were found: `its script's imports`, `every pool: its script server/x.js does not exist`, … */
  poolsFrom: string;
}

export interface DoctorReport {
  schemaVersion: 2;
  root: string;
  environment: string;
  processes: ProcessCount | null;
  pools: PoolFinding[];
  unparsableFiles: string[];
  /** Source files over 1 MB that were not read. */
  skippedFiles: string[];
  worstCase: {
    /** Known connections (a lower bound when `atLeast`). Null when the process count is unknown. */
    total: number | null;
    /** True when a pool's max is unknown: `total` is "at least". */
    atLeast: boolean;
    programs: ProgramWorstCase[];
  };
  limits: DatabaseLimits & { usable: number; headroom: number; otherConnections: number };
  /** Sizing advice every tool prints the same way: the largest max per pool instance. */
  advice: {
    /** `postgres`: processes connect to the database; `pgbouncer`: to PgBouncer, whose max_client_conn then bounds max. */
    through: 'pgbouncer' | 'postgres';
    poolInstances: number;
    fits: number;
    fitsWithOnePoolPerProcess: number;
    headroom: number;
    headroomFor: string;
  } | null;
  connection: { target: string; sources: string[]; tls: { mode: string; modeFrom: string; encrypted: boolean | null; rootCert: string | null } } | null;
  database: (LiveFacts & { target: string; available: number; headroom: number }) | null;
  pgbouncer: {
    settings: PgBouncerSettings | null;
    live: PgBouncerFacts | null;
    clients: number | null;
    serverConnections: number | null;
    sessionState: SessionStateUse[];
  } | null;
  assumptions: string[];
  findings: Finding[];
  verdict: 'incomplete' | 'ok' | 'problem';
}

interface DoctorArgs {
  url: string | undefined;
  processes: number | undefined;
  file: { path: string; counter: NonNullable<Parameters<typeof readDeployment>[1]>['counter'] } | undefined;
  pgbouncer: string | undefined;
  maxConnections: number | undefined;
  reservedConnections: number | undefined;
  root: string;
  environment: string | undefined;
  idleInTransactionSeconds: number;
  deadlineMs: number;
  live: boolean;
  json: boolean;
}

function parseDoctorArgs(argv: readonly string[], cwd: string): DoctorArgs | 'help' {
  const parsed = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      processes: { type: 'string' },
      supervisor: { type: 'string' },
      pm2: { type: 'string' },
      procfile: { type: 'string' },
      compose: { type: 'string' },
      k8s: { type: 'string' },
      pgbouncer: { type: 'string' },
      'max-connections': { type: 'string' },
      'reserved-connections': { type: 'string' },
      root: { type: 'string' },
      env: { type: 'string' },
      'idle-in-transaction': { type: 'string' },
      timeout: { type: 'string' },
      'no-live': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values } = parsed;
  if (values.help === true) return 'help';
  const files = (
    [
      ['supervisor', countSupervisorPrograms],
      ['pm2', countPm2Apps],
      ['procfile', countProcfileTypes],
      ['compose', countComposeServices],
      ['k8s', 'kubernetes'],
    ] as const
  ).filter(([flag]) => values[flag] !== undefined);
  if (files.length + (values.processes === undefined ? 0 : 1) > 1) throw new UsageError('give one of --processes, --supervisor, --pm2, --procfile, --compose, --k8s');
  const root = path.resolve(cwd, values.root ?? '.');
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`--root: no such directory: ${values.root ?? '.'}`);
  }
  if (!isDirectory) throw new UsageError(`--root: not a directory: ${values.root ?? '.'}`);
  const [file] = files;
  const timeout = values.timeout === undefined ? 5 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) throw new UsageError(`--timeout must be a number of seconds from 0.1 to 600, got ${JSON.stringify(values.timeout)}`);
  return {
    url: values.url,
    processes: integerOption('processes', values.processes, 1, 100_000),
    file: file === undefined ? undefined : { path: path.resolve(cwd, values[file[0]] as string), counter: file[1] },
    pgbouncer: values.pgbouncer === undefined ? undefined : path.resolve(cwd, values.pgbouncer),
    maxConnections: integerOption('max-connections', values['max-connections'], 1, 1_000_000),
    reservedConnections: integerOption('reserved-connections', values['reserved-connections'], 0, 1_000_000),
    root,
    environment: values.env,
    idleInTransactionSeconds: integerOption('idle-in-transaction', values['idle-in-transaction'], 0, 86_400) ?? 30,
    deadlineMs: Math.round(Math.max(0.1, timeout) * 1000),
    live: values['no-live'] !== true,
    json: values.json === true,
  };
}

/** Where to connect: --url, DATABASE_URL, node-config db.*, the libpq environment; null when nothing says. */
function connectionFor(args: DoctorArgs, nodeConfig: ReturnType<typeof readNodeConfig>): ConnectionSettings | null {
  try {
    const url = args.url ?? process.env.DATABASE_URL;
    if (url !== undefined && url !== '') return settingsFromUrl(url, args.url === undefined ? 'DATABASE_URL' : '--url');
    if (nodeConfig !== null) {
      const read = (key: string): unknown => configValue(nodeConfig, `db.${key}`);
      const host = read('host');
      if (typeof host === 'string') {
        return settingsFromValues(
          { host, port: read('port'), user: read('username') ?? read('user'), password: read('password'), database: read('database') },
          `node-config db.*, NODE_ENV=${nodeConfig.environment}`,
        );
      }
    }
    return settingsFromEnvironment();
  } catch (error) {
    if (error instanceof ConnectionSettingsError) throw new UsageError(error.message);
    throw error;
  }
}

/** Pools in one exclusive group (`if`/`else`) count once, at the largest known max. */
function connectionsOf(pools: readonly PoolFinding[]): { connections: number; unknown: string[] } {
  const byGroup = new Map<string, PoolFinding[]>();
  for (const pool of pools) {
    const key = pool.exclusiveGroup ?? `${pool.file}:${pool.line}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), pool]);
  }
  let connections = 0;
  const unknown: string[] = [];
  for (const members of byGroup.values()) {
    const known = members.filter((pool) => pool.max !== null).map((pool) => connectionsPerInstance(pool.max ?? 0, pool.replicated === true));
    connections += known.length === 0 ? 0 : Math.max(...known);
    unknown.push(...members.filter((pool) => pool.max === null).map((pool) => `${pool.file}:${pool.line}`));
  }
  return { connections, unknown };
}

/** Pool instances in one process: exclusive branches count once. */
function poolInstancesOf(pools: readonly PoolFinding[]): number {
  return new Set(pools.map((pool) => pool.exclusiveGroup ?? `${pool.file}:${pool.line}`)).size;
}

/**
 * The worst case. A program whose script the process manager names gets the pools its script loads (its own and
 * its imports', transitively); a program without a script, or whose script does not exist, is charged every pool
 * in the checkout, and the report says which and why.
 */
function worstCase(scan: ProjectScan, processes: ProcessCount | null, root: string, assumptions: string[]): DoctorReport['worstCase'] {
  if (processes === null) {
    const { unknown } = connectionsOf(scan.pools);
    return { total: null, atLeast: unknown.length > 0, programs: [] };
  }
  const everyPool = scan.pools.length === 1 ? 'the one pool in the checkout' : `all ${scan.pools.length} pools in the checkout`;
  const programs = processes.groups.map((group): ProgramWorstCase => {
    let pools = scan.pools;
    let poolsFrom = processes.groups.length === 1 && group.entry === undefined ? 'every pool (no script named)' : 'every pool: no script named';
    if (group.entry !== undefined && existsSync(group.entry)) {
      const loaded = new Set(constructionsLoadedBy(group.entry).map((construction) => `${path.relative(root, construction.file)}:${construction.line}`));
      pools = scan.pools.filter((pool) => loaded.has(`${pool.file}:${pool.line}`));
      poolsFrom = `${path.relative(root, group.entry)} and its imports`;
    } else if (group.entry !== undefined) {
      poolsFrom = `every pool: its script ${path.relative(root, group.entry)} does not exist`;
      assumptions.push(`program ${group.name}: its script ${path.relative(root, group.entry)} does not exist in the checkout: charged ${everyPool}`);
    } else if (processes.source !== '--processes' && !processes.source.endsWith(' processes')) {
      assumptions.push(`program ${group.name}: ${processes.source} names no Node.js script for it: charged ${everyPool}`);
    }
    const { connections, unknown } = connectionsOf(pools);
    return { name: group.name, count: group.count, pools: pools.map((pool) => `${pool.file}:${pool.line}`), connections, unknownPools: unknown, poolsFrom };
  });
  if (processes.source === '--processes' || processes.source.endsWith(' processes')) {
    if (scan.pools.length > 0) assumptions.push(`${processes.source} names no scripts: every process is charged ${everyPool}`);
  }
  const total = programs.reduce((sum, program) => sum + program.count * program.connections, 0);
  return { total, atLeast: programs.some((program) => program.count > 0 && program.unknownPools.length > 0), programs };
}

/** The database's limits: the server when inspected, else the options, the stated block, the dialect's defaults. */
function limitsFor(args: DoctorArgs, deployment: Deployment, pools: readonly PoolFinding[], connection: ConnectionSettings | null, assumptions: string[]): DatabaseLimits & { otherConnections: number; headroom?: number } {
  const stated = deployment.stated?.settings ?? {};
  const dialects = [...new Set(pools.map((pool) => pool.dialect).filter((dialect): dialect is Dialect => dialect !== null))];
  let dialect: Dialect = stated.dialect ?? (dialects.length === 1 ? (dialects[0] as Dialect) : (connection?.dialect ?? 'postgres'));
  if (stated.dialect === undefined && dialects.length > 1) {
    assumptions.push(`pools name several dialects (${dialects.join(', ')}): checked against ${DIALECT_DEFAULTS[dialect].name}; state "dialect" in package.json "sequelizePool"`);
  }
  if (stated.dialect === undefined && dialects.length === 0 && connection === null) {
    dialect = 'postgres';
    assumptions.push('no pool names its dialect: PostgreSQL assumed');
  }
  const defaults = defaultLimits(dialect);
  const fromOptions = args.maxConnections !== undefined || args.reservedConnections !== undefined;
  const fromStated = stated.maxConnections !== undefined || stated.reservedConnections !== undefined;
  const source = fromOptions ? 'the command line' : fromStated ? (deployment.stated?.source ?? '') : defaults.source;
  return {
    dialect,
    maxConnections: args.maxConnections ?? stated.maxConnections ?? defaults.maxConnections,
    reservedConnections: args.reservedConnections ?? stated.reservedConnections ?? defaults.reservedConnections,
    source,
    assumed: !fromOptions && !fromStated,
    otherConnections: stated.otherConnections ?? 0,
    ...(stated.headroom === undefined ? {} : { headroom: stated.headroom }),
  };
}

interface Context {
  args: DoctorArgs;
  scan: ProjectScan;
  deployment: Deployment;
  budget: ConnectionBudget;
  limits: DoctorReport['limits'];
  bouncer: PgBouncerSettings | null;
  bouncerLive: PgBouncerFacts | null;
  startupRefusal: string | null;
  sessionState: SessionStateUse[];
}

function diagnose(report: Omit<DoctorReport, 'findings' | 'verdict'>, context: Context): Finding[] {
  const findings: Finding[] = [];
  const { processes, pools, database, worstCase: worst } = report;
  const { budget, limits, bouncer } = context;
  const available = availableConnections(budget);
  const name = DIALECT_DEFAULTS[limits.dialect].name;
  const limitsFrom = database === null ? limits.source : 'the server';
  const postgres = limits.dialect === 'postgres';

  if (pools.length === 0) {
    findings.push({
      severity: 'unknown',
      code: 'nothing-found',
      message: `No \`new Sequelize(...)\` found under ${report.root} (tests, node_modules and files over 1 MB skipped): nothing was checked.`,
      fix: 'Point --root at the application (the folder with its package.json).',
    });
  }
  for (const file of report.skippedFiles) {
    findings.push({ severity: 'unknown', code: 'file-skipped', message: `${file}: over 1 MB, not read: a pool in it would not be counted.` });
  }
  for (const file of report.unparsableFiles) {
    findings.push({ severity: 'unknown', code: 'file-unparsable', message: `${file} mentions Sequelize but cannot be parsed: a pool in it would not be counted.` });
  }
  for (const pool of pools.filter((entry) => entry.max === null)) {
    findings.push({
      severity: 'unknown',
      code: 'pool-unknown',
      message: `${pool.file}:${pool.line}: the pool's max comes from code or config the doctor cannot read, so the worst case is only a lower bound.`,
      fix: 'Write the pool in the setup module (see `npx eslint-plugin-sequelize-pool codemod`) or in the config files doctor reads.',
    });
  }
  if (pools.length > 1) {
    const counted = poolInstancesOf(pools);
    findings.push({
      severity: 'warning',
      code: 'several-instances',
      message: `${counted} Sequelize instance${counted === 1 ? '' : 's'} in the checkout (${pools.map((pool) => `${pool.file}:${pool.line}${pool.exclusiveGroup === undefined ? '' : ` (one of exclusive branches ${pool.exclusiveGroup})`}`).join(', ')}): each opens its own pool in every process that loads it, and the worst case counts each one there.`,
      fix: 'Keep one instance per process and share it (read replicas: the `replication` option).',
    });
  }
  if (processes === null) {
    findings.push({
      severity: 'unknown',
      code: 'processes-unknown',
      message: 'The process count is unknown: no supervisord.conf, ecosystem.config.js, Procfile, docker-compose.yml or Kubernetes manifest found, and none stated.',
      fix: 'State it once in package.json "sequelizePool": { "processes": 7 } (the lint rule and the codemod read it too), or pass --processes / --supervisor / --pm2 / --procfile / --compose / --k8s.',
    });
  }

  const sum = (program: ProgramWorstCase): string =>
    `${program.name === 'processes' && worst.programs.length === 1 ? processCount(program.count) : `${program.name} ${program.count}`} × ${program.connections}${program.unknownPools.length > 0 ? ' + ?' : ''}`;
  const atLeast = worst.atLeast ? 'at least ' : '';
  const advice = report.advice;
  const codemod = `npx eslint-plugin-sequelize-pool codemod${processes === null ? '' : ` --processes ${processes.total}`} --max-connections ${limits.maxConnections}`;
  const fixText =
    advice === null
      ? ''
      : advice.poolInstances <= (processes?.total ?? 0)
        ? `Right-size each pool to max ${advice.fits}, ${advice.headroomFor}: ${codemod}`
        : `${advice.poolInstances} pools in ${processCount(processes?.total ?? 0)}: each fits max ${advice.fits}, ${advice.headroomFor}. Better, share one instance per process (sequelize-pool/single-instance finds the extra ones); then max ${advice.fitsWithOnePoolPerProcess} fits: ${codemod}`;

  if (bouncer !== null) {
    diagnosePgBouncer(report, context, findings, sum, atLeast);
  } else if (processes !== null && worst.total !== null && pools.length > 0) {
    const arithmetic = `${worst.programs.map(sum).join(' + ')} = ${atLeast}${worst.total} connections; ${name} allows ${available} (${describeAvailable(budget)}, from ${limitsFrom})`;
    if (worst.total > available) {
      findings.push({
        severity: 'problem',
        code: 'over-budget',
        message: `Worst case over budget: ${arithmetic}. Under load the last processes to connect fail${postgres ? ' with "remaining connection slots are reserved for …" (SQLSTATE 53300)' : ' with "Too many connections"'}.`,
        fix: fixText,
      });
    } else if (worst.atLeast) {
      findings.push({
        severity: 'unknown',
        code: 'worst-case-unknown',
        message: `Worst case at least ${worst.total} connections of the ${available} ${name} allows (${describeAvailable(budget)}, from ${limitsFrom}), but ${worst.programs.flatMap((program) => program.unknownPools).filter((pool, index, all) => all.indexOf(pool) === index).join(', ')} ha${worst.programs.flatMap((program) => program.unknownPools).length === 1 ? 's' : 've'} an unknown max: it may be over.`,
        fix: fixText,
      });
    } else {
      findings.push({ severity: 'info', code: 'within-budget', message: `Worst case within budget: ${arithmetic}.` });
      if (advice !== null && worst.total > available - advice.headroom) {
        findings.push({
          severity: 'warning',
          code: 'no-headroom',
          message: `The worst case leaves ${available - worst.total} of the ${advice.headroom} connections kept free for ${HEADROOM_PURPOSE}.`,
          fix: fixText,
        });
      }
    }
  }
  if (!postgres) {
    findings.push({
      severity: 'info',
      code: 'dialect-static',
      message: `${name}: checked statically against ${limits.source}; live inspection reads PostgreSQL only.${limits.dialect === 'mysql' || limits.dialect === 'mariadb' ? " Check with SHOW VARIABLES LIKE 'max_connections' and information_schema.PROCESSLIST." : ''}`,
    });
  }
  if (database !== null) diagnoseDatabase(report, context, findings, available);
  return findings;
}

function diagnosePgBouncer(
  report: Omit<DoctorReport, 'findings' | 'verdict'>,
  context: Context,
  findings: Finding[],
  sum: (program: ProgramWorstCase) => string,
  atLeast: string,
): void {
  const bouncer = context.bouncer as PgBouncerSettings;
  const { worstCase: worst, processes, pools } = report;
  const available = availableConnections(context.budget);
  const pairs = context.bouncerLive?.pools.length;
  const server = pgBouncerServerLimit(bouncer, pairs === undefined || pairs === 0 ? undefined : pairs);
  if (processes !== null && worst.total !== null) {
    const arithmetic = `${worst.programs.map(sum).join(' + ')} = ${atLeast}${worst.total} client connections; PgBouncer's max_client_conn is ${bouncer.maxClientConn} (${bouncer.source})`;
    const fits = report.advice?.fits ?? 0;
    if (worst.total > bouncer.maxClientConn) {
      findings.push({
        severity: 'problem',
        code: 'pgbouncer-clients-over',
        message: `Clients over PgBouncer's limit: ${arithmetic}. Past it PgBouncer refuses new clients ("no more connections allowed (max_client_conn)").`,
        fix: `Raise max_client_conn to at least ${worst.total} (clients are cheap for PgBouncer), or lower each pool to max ${fits}.`,
      });
    } else if (worst.atLeast) {
      findings.push({ severity: 'unknown', code: 'worst-case-unknown', message: `Clients at least ${worst.total} of PgBouncer's max_client_conn ${bouncer.maxClientConn}, but a pool's max is unknown: it may be over.` });
    } else {
      findings.push({ severity: 'info', code: 'pgbouncer-clients-within', message: `Clients within PgBouncer's limit: ${arithmetic}.` });
    }
  }
  const serverText = `PgBouncer opens at most ${server.arithmetic} = ${server.connections} server connections; PostgreSQL allows ${available} (${describeAvailable(context.budget)}, from ${report.database === null ? context.limits.source : 'the server'})`;
  if (server.connections > available) {
    findings.push({
      severity: 'problem',
      code: 'pgbouncer-servers-over',
      message: `PgBouncer's server side over budget: ${serverText}.`,
      fix: `Lower default_pool_size (or the databases' pool_size) so that the total stays within ${available - headroomOf(context.budget)} (${HEADROOM_PURPOSE} keep ${headroomOf(context.budget)}).`,
    });
  } else {
    findings.push({ severity: 'info', code: 'pgbouncer-servers-within', message: `PgBouncer's server side within budget: ${serverText}.` });
  }
  if (pairs === undefined && bouncer.databases.some((database) => database.name === '*')) {
    report.assumptions.push('pgbouncer.ini has a `*` database entry: one user/database pair assumed for its server connections');
  }
  // What breaks behind PgBouncer: startup parameters it does not track, session state in transaction mode.
  for (const pool of pools) {
    const rejected = rejectedStartupParameters(bouncer, pool.startupParameters);
    if (rejected.length === 0) continue;
    findings.push({
      severity: 'problem',
      code: 'pgbouncer-startup-parameter',
      message: `${pool.file}:${pool.line}: dialectOptions ${rejected.join(', ')} ${rejected.length === 1 ? 'is' : 'are'} sent as startup parameter${rejected.length === 1 ? '' : 's'}, which PgBouncer refuses: every connection fails with "unsupported startup parameter: ${rejected[0]}"${context.startupRefusal === null ? '' : ` (reproduced: ${context.startupRefusal})`}.`,
      fix: `Add ${rejected.join(', ')} to ignore_startup_parameters in ${bouncer.source} (PgBouncer then drops ${rejected.length === 1 ? 'it' : 'them'}), or set ${rejected.length === 1 ? 'it' : 'them'} per role or database on the server: ALTER ROLE … SET ${rejected[0]} = …`,
    });
  }
  if (bouncer.poolMode === 'transaction' || bouncer.poolMode === 'statement') {
    for (const use of context.sessionState) {
      findings.push({
        severity: 'warning',
        code: 'pgbouncer-session-state',
        message: `${use.file}:${use.line}: ${use.what} does not survive PgBouncer's pool_mode = ${bouncer.poolMode}: the next transaction may run on another server connection, and the state leaks to whichever client gets this one.`,
        fix: 'Use SET LOCAL / pg_advisory_xact_lock inside a transaction, or connect this code to PostgreSQL directly (or through a session-mode pool).',
      });
    }
  }
  const live = context.bouncerLive;
  if (live !== null && live.adminAccess) {
    const waiting = live.pools.reduce((total, pool) => total + pool.clientsWaiting, 0);
    if (waiting > 0) {
      const longest = Math.max(...live.pools.map((pool) => pool.maxWaitSeconds));
      findings.push({ severity: 'warning', code: 'pgbouncer-clients-waiting', message: `${waiting} client${waiting === 1 ? '' : 's'} waiting for a server connection in PgBouncer now (longest ${longest.toFixed(1)} s).` });
    }
  }
}

function diagnoseDatabase(report: Omit<DoctorReport, 'findings' | 'verdict'>, context: Context, findings: Finding[], available: number): void {
  const database = report.database as NonNullable<DoctorReport['database']>;
  const { processes } = report;
  const used = database.totalConnections;
  if (used >= available) {
    findings.push({
      severity: 'problem',
      code: 'connections-exhausted',
      message: `${used} connections open of ${available} usable: new non-superuser connections are being refused now.`,
      fix: 'See the sessions table for who holds them; lower pool max or stop idle processes.',
    });
  } else if (used >= available * 0.8) {
    findings.push({ severity: 'warning', code: 'connections-high', message: `${used} connections open of ${available} usable (${Math.round((used / available) * 100)}%).` });
  }
  if (database.leakSuspects.length > 0) {
    const applications = [...new Set(database.leakSuspects.map((suspect) => suspect.application || '(no application_name)'))];
    findings.push({
      severity: 'problem',
      code: 'idle-in-transaction',
      message: `${database.leakSuspects.length} session${database.leakSuspects.length === 1 ? '' : 's'} idle in a transaction for ${Math.min(...database.leakSuspects.map((suspect) => suspect.ageSeconds))} s or more (${applications.join(', ')}): an unmanaged transaction that was never committed or rolled back holds its connection until the process exits.`,
      fix:
        context.bouncer === null
          ? 'Find the code path with the sequelize-pool/no-unreleased-transaction rule; as a server-side backstop set idle_in_transaction_session_timeout (codemod --idle-in-transaction-timeout).'
          : 'Find the code path with the sequelize-pool/no-unreleased-transaction rule; as a server-side backstop behind PgBouncer, ALTER ROLE … SET idle_in_transaction_session_timeout (a dialectOptions startup parameter would be refused).',
    });
  }
  // The checklist's "are all processes needed?": programs whose name no application_name carries hold nothing now.
  // Behind PgBouncer a server connection carries whichever client's application_name last used it: no signal.
  if (processes !== null && processes.groups.length > 1 && context.bouncerLive === null) {
    const applications = database.sessions.map((group) => group.application);
    const silent = processes.groups
      .map((group) => group.name)
      .filter((name) => !applications.some((application) => application === name || application.endsWith(`:${name}`)));
    const connected = processes.groups.length - silent.length;
    if (connected > 0 && silent.length > 0) {
      findings.push({
        severity: 'info',
        code: 'processes-without-connections',
        message: `No connection carries the name of ${silent.join(', ')} (matched on application_name): if ${silent.length === 1 ? 'it is' : 'they are'} not needed in this environment, stopping ${silent.length === 1 ? 'it' : 'them'} frees ${silent.length === 1 ? 'its pool' : 'their pools'}.`,
      });
    }
  }
  const idle = database.sessions.filter((group) => group.state === 'idle').reduce((sum, group) => sum + group.count, 0);
  const active = database.sessions.filter((group) => group.state === 'active').reduce((sum, group) => sum + group.count, 0);
  findings.push({ severity: 'info', code: 'idle-vs-active', message: `${active} active, ${idle} idle, ${used - 1 - active - idle} in other states (this doctor's own connection not counted).` });
  if (!database.canSeeQueries) {
    findings.push({
      severity: 'info',
      code: 'query-text-hidden',
      message: `Role ${database.user} is not a superuser and lacks pg_read_all_stats: other roles' sessions are counted (state "(hidden)"), but their state and queries are not visible, so transactions left open and long queries are checked only for ${database.user}'s own sessions.`,
      fix: 'Run as a superuser or GRANT pg_read_all_stats TO the monitoring role for a full picture.',
    });
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd());
}

function render(report: DoctorReport, colour: boolean): string {
  const paint = (code: string, text: string): string => (colour ? `\u001B[${code}m${text}\u001B[0m` : text);
  const lines: string[] = [paint('1', 'Sequelize connection doctor'), ''];
  lines.push(paint('1', 'Pools in the checkout'));
  if (report.pools.length === 0) lines.push('  none found');
  else {
    lines.push(
      ...table([
        ['file', 'package', 'max', 'from', 'replication'],
        ...report.pools.map((pool) => [
          `${pool.file}:${pool.line}`,
          pool.module,
          pool.max === null ? '?' : String(pool.max),
          pool.exclusiveGroup === undefined ? pool.maxSource : `${pool.maxSource}; exclusive with ${pool.exclusiveGroup}`,
          pool.replicated === null ? '?' : pool.replicated ? 'yes (×2)' : 'no',
        ]),
      ]),
    );
  }
  lines.push('', paint('1', 'Processes'));
  if (report.processes === null) lines.push('  unknown');
  else {
    lines.push(`  ${report.processes.total} from ${report.processes.source}`);
    const programs = new Map(report.worstCase.programs.map((program) => [program.name, program]));
    lines.push(
      ...table([
        ['program', 'processes', 'pools it loads', 'connections each', 'note'],
        ...report.processes.groups.map((group) => {
          const program = programs.get(group.name);
          return [
            group.name,
            `× ${group.count}`,
            program === undefined || program.pools.length === 0 ? '(none)' : program.pools.join(', '),
            program === undefined ? '?' : `${program.unknownPools.length > 0 ? '≥ ' : ''}${program.connections}`,
            [group.note, program?.poolsFrom.startsWith('every pool') === true ? program.poolsFrom : undefined].filter(Boolean).join('; '),
          ];
        }),
      ]),
    );
  }
  const { limits } = report;
  lines.push('', paint('1', 'Budget'));
  lines.push(`  ${DIALECT_DEFAULTS[limits.dialect].name}: max_connections ${limits.maxConnections}, ${limits.reservedConnections} reserved${limits.otherConnections > 0 ? `, ${limits.otherConnections} for other clients` : ''} (${report.database === null ? limits.source : 'from the server'}): ${limits.usable} usable, ${limits.headroom} kept free for ${HEADROOM_PURPOSE}`);
  if (report.advice !== null) {
    const { advice } = report;
    lines.push(
      `  largest max per pool: ${advice.fits} (${advice.poolInstances} pool instance${advice.poolInstances === 1 ? '' : 's'}${advice.through === 'pgbouncer' ? ", through PgBouncer: its max_client_conn shared by every pool" : `, ${advice.headroomFor}`})`,
    );
  }
  if (report.connection !== null) {
    const { tls } = report.connection;
    lines.push('', paint('1', `Connection ${report.connection.target}`));
    lines.push(`  settings from ${report.connection.sources.join(', ')}; TLS: sslmode=${tls.mode} (${tls.modeFrom})${tls.rootCert === null ? '' : `, sslrootcert ${tls.rootCert}`}${tls.encrypted === null ? '' : tls.encrypted ? ', encrypted' : ', not encrypted'}`);
  }
  if (report.pgbouncer !== null) {
    const { settings, live } = report.pgbouncer;
    lines.push('', paint('1', 'PgBouncer'));
    if (settings !== null) {
      lines.push(`  ${settings.source}: pool_mode ${settings.poolMode}, max_client_conn ${settings.maxClientConn}, default_pool_size ${settings.defaultPoolSize}, reserve_pool_size ${settings.reservePoolSize}, ignore_startup_parameters ${settings.ignoreStartupParameters.join(',') || '(none)'}`);
    }
    if (live !== null && live.adminAccess) {
      lines.push(`  ${live.version ?? 'PgBouncer'}: SHOW POOLS`);
      lines.push(
        ...table([
          ['database', 'user', 'clients active', 'waiting', 'servers active', 'idle', 'used', 'pool_mode'],
          ...live.pools.map((pool) => [pool.database, pool.user, String(pool.clientsActive), String(pool.clientsWaiting), String(pool.serversActive), String(pool.serversIdle), String(pool.serversUsed), pool.poolMode]),
        ]),
      );
    } else if (live !== null) lines.push('  detected live; its admin console refused this user (add it to stats_users for SHOW POOLS)');
  }
  if (report.database !== null) {
    const db = report.database;
    lines.push('', paint('1', `Database ${db.target}`));
    lines.push(`  PostgreSQL ${db.serverVersion}: max_connections ${db.maxConnections}, superuser_reserved_connections ${db.superuserReservedConnections}, reserved_connections ${db.reservedConnections}`);
    lines.push(`  ${db.totalConnections} connections open (this doctor included), ${db.available} usable by applications, ${db.available - db.totalConnections} left`);
    if (db.sessions.length > 0) {
      lines.push(...table([['user', 'application', 'state', 'count'], ...db.sessions.map((group) => [group.user ?? '', group.application || '(none)', group.state, String(group.count)])]));
    }
    if (db.leakSuspects.length > 0) {
      lines.push('', paint('1', '  Idle in transaction (leak suspects)'));
      lines.push(...table([['pid', 'application', 'age', 'last query'], ...db.leakSuspects.map((suspect) => [String(suspect.pid), suspect.application || '(none)', `${suspect.ageSeconds} s`, suspect.lastQuery ?? '(hidden)'])]));
    }
    if (db.longestActive.length > 0) {
      lines.push('', paint('1', '  Longest-running queries'));
      lines.push(...table([['pid', 'application', 'running', 'query'], ...db.longestActive.map((query) => [String(query.pid), query.application || '(none)', `${query.runningSeconds} s`, query.query ?? '(hidden)'])]));
    }
  }
  if (report.assumptions.length > 0) {
    lines.push('', paint('1', 'Assumptions'));
    for (const assumption of report.assumptions) lines.push(`  - ${assumption}`);
  }
  lines.push('', paint('1', 'Findings'));
  const marks = { problem: paint('31', 'PROBLEM'), unknown: paint('35', 'UNKNOWN'), warning: paint('33', 'warning'), info: paint('36', 'info   ') };
  for (const finding of report.findings) {
    lines.push(`  ${marks[finding.severity]} ${finding.message}`);
    if (finding.fix !== undefined && finding.fix !== '') lines.push(`          fix: ${finding.fix}`);
  }
  const verdicts = {
    ok: paint('32', `Verdict: OK, within budget and no leak suspect${report.database === null ? ' (static check: the database was not inspected)' : ''}.`),
    problem: paint('31', 'Verdict: PROBLEM, see the findings above.'),
    incomplete: paint('35', `Verdict: INCOMPLETE, ${report.worstCase.total === null ? 'the worst case could not be computed' : `the worst case is at least ${report.worstCase.total} connections`}; see UNKNOWN above.`),
  };
  lines.push('', verdicts[report.verdict]);
  return lines.join('\n');
}

/** Expected failures of the static part, as one-line UsageErrors (exit 2) without secrets. */
function expected<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ProcessFileError || error instanceof NodeConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export async function runDoctor(argv: readonly string[], io: CliIO & { isTTY?: boolean }, cwd = process.cwd()): Promise<number> {
  const args = parseDoctorArgs(argv, cwd);
  if (args === 'help') {
    io.stdout(DOCTOR_HELP);
    return 0;
  }
  // A fresh look at the checkout: the module caches live up to a second (an editor's lint epoch), and a run in the
  // same process right after the codemod rewrote a file must see the new file.
  clearProjectModuleCache();
  const assumptions: string[] = [];
  const deployment = expected(() =>
    readDeployment(args.root, { processes: args.processes, file: args.file?.path, counter: args.file?.counter }),
  );
  assumptions.push(...deployment.assumptions);
  const environment = args.environment ?? deployment.stated?.settings.environment ?? process.env.NODE_ENV ?? 'development';
  const nodeConfig = expected(() => readNodeConfig(path.join(args.root, 'config'), environment, process.env.NODE_CONFIG));
  if (nodeConfig !== null && nodeConfig.unreadFiles.length > 0) {
    assumptions.push(`node-config files not read: ${nodeConfig.unreadFiles.map((file) => path.relative(args.root, file)).join(', ')}`);
  }
  const scan = scanProjectPools(args.root, nodeConfig ?? { environment });
  for (const pool of scan.pools.filter((entry) => entry.maxSource === "Sequelize's default")) {
    assumptions.push(`${pool.file}:${pool.line} sets no pool max: Sequelize v6's default 5 used`);
  }
  const connection = args.live ? connectionFor(args, nodeConfig) : null;
  const limits = limitsFor(args, deployment, scan.pools, connection, assumptions);
  let database: DoctorReport['database'] = null;
  let bouncerLive: PgBouncerFacts | null = null;
  let startupRefusal: string | null = null;
  let tls: NonNullable<DoctorReport['connection']>['tls'] | null = null;
  const bouncerFile = projectPgBouncerIni(args.root, deployment.stated?.settings.pgbouncer, args.pgbouncer);
  let bouncer = bouncerFile === null ? null : expected(() => readPgBouncerIniFile(bouncerFile, args.root));
  if (connection !== null && connection.dialect === 'postgres') {
    try {
      const facts = await inspectPostgres({ connection, idleInTransactionSeconds: args.idleInTransactionSeconds, deadlineMs: args.deadlineMs });
      tls = facts.tls;
      limits.maxConnections = facts.maxConnections;
      limits.reservedConnections = facts.superuserReservedConnections + facts.reservedConnections;
      limits.source = `the server (${connection.target})`;
      limits.assumed = false;
      bouncerLive = await inspectPgBouncer(connection, args.deadlineMs);
      if (bouncerLive !== null && bouncerLive.adminAccess) {
        const databases = bouncerLive.pools.map((pool) => ({ name: pool.database, poolSize: null }));
        bouncer = pgBouncerSettingsFrom(bouncerLive.config, bouncer?.databases ?? databases, `SHOW CONFIG on ${connection.target}`);
      } else if (bouncerLive !== null && bouncer === null) {
        assumptions.push(`${connection.target} is PgBouncer, but its admin console refused this user and no pgbouncer.ini was found: PgBouncer's defaults assumed`);
        bouncer = pgBouncerSettingsFrom({}, [], "PgBouncer's defaults");
      }
      if (bouncerLive !== null) {
        const parameters = [...new Set(scan.pools.flatMap((pool) => pool.startupParameters))];
        const rejected = bouncer === null ? [] : rejectedStartupParameters(bouncer, parameters);
        if (rejected.length > 0) {
          startupRefusal = await probeStartupParameters(connection, Object.fromEntries(rejected.map((name) => [name, name === 'options' ? '-c statement_timeout=0' : 1000])), args.deadlineMs);
        }
      }
      database = {
        ...facts,
        target: connection.target,
        available: availableConnections({ maxConnections: facts.maxConnections, reservedConnections: limits.reservedConnections, otherConnections: 0 }),
        headroom: headroomOf({ maxConnections: facts.maxConnections, reservedConnections: 0, otherConnections: 0, ...(limits.headroom === undefined ? {} : { headroom: limits.headroom }) }),
      };
    } catch (error) {
      if (error instanceof InspectionError) throw new UsageError(error.message);
      throw error;
    }
  } else if (connection !== null) {
    assumptions.push(`${connection.target}: ${DIALECT_DEFAULTS[connection.dialect].name} is checked statically (live inspection reads PostgreSQL only)`);
  } else {
    assumptions.push(
      args.live
        ? `database not inspected (no --url, DATABASE_URL, node-config db.* or PGHOST): ${limits.source}`
        : `database not inspected (--no-live): ${limits.source}`,
    );
  }
  if (bouncer !== null && bouncer.defaulted.length > 0 && bouncerLive === null) assumptions.push(`${bouncer.source} leaves PgBouncer's defaults: ${bouncer.defaulted.join(', ')}`);
  const budget: ConnectionBudget = {
    maxConnections: limits.maxConnections,
    reservedConnections: limits.reservedConnections,
    otherConnections: limits.otherConnections,
    ...(limits.headroom === undefined ? {} : { headroom: limits.headroom }),
  };
  const worst = worstCase(scan, deployment.processes, args.root, assumptions);
  const replicated = scan.pools.some((pool) => pool.replicated === true);
  const poolInstances = worst.programs.reduce((sum, program) => sum + program.count * Math.max(1, poolInstancesOf(scan.pools.filter((pool) => program.pools.includes(`${pool.file}:${pool.line}`)))), 0);
  const headroom = headroomOf(budget);
  const clientSide = bouncer === null ? null : { maxClientConn: bouncer.maxClientConn, defaultPoolSize: bouncer.defaultPoolSize, reservePoolSize: bouncer.reservePoolSize, poolPairs: 1 };
  const advice =
    deployment.processes === null
      ? null
      : {
          through: clientSide === null ? ('postgres' as const) : ('pgbouncer' as const),
          poolInstances,
          fits: clientSide === null ? fitAdvice(budget, poolInstances, replicated).fits : largestFittingMaxThroughPgBouncer(clientSide, poolInstances, replicated),
          fitsWithOnePoolPerProcess:
            clientSide === null ? fitAdvice(budget, deployment.processes.total, replicated).fits : largestFittingMaxThroughPgBouncer(clientSide, deployment.processes.total, replicated),
          headroom,
          headroomFor: describeHeadroom(budget),
        };
  const sessionState = bouncer !== null && bouncer.poolMode !== 'session' ? findSessionState(args.root) : [];
  const partial: Omit<DoctorReport, 'findings' | 'verdict'> = {
    schemaVersion: 2,
    root: args.root,
    environment,
    processes: deployment.processes,
    pools: scan.pools,
    unparsableFiles: scan.unparsable,
    skippedFiles: scan.tooLarge,
    worstCase: worst,
    limits: { ...limits, usable: availableConnections(budget), headroom, otherConnections: limits.otherConnections },
    advice,
    connection: connection === null ? null : { target: connection.target, sources: connection.sources, tls: tls ?? { mode: connection.tls.mode, modeFrom: connection.tls.modeFrom, encrypted: null, rootCert: connection.tls.rootCert } },
    database,
    pgbouncer:
      bouncer === null && bouncerLive === null
        ? null
        : {
            settings: bouncer,
            live: bouncerLive,
            clients: worst.total,
            serverConnections: bouncer === null ? null : pgBouncerServerLimit(bouncer, bouncerLive?.pools.length || undefined).connections,
            sessionState,
          },
    assumptions,
  };
  const findings = diagnose(partial, { args, scan, deployment, budget, limits: partial.limits, bouncer, bouncerLive, startupRefusal, sessionState });
  const verdict = findings.some((finding) => finding.severity === 'problem') ? 'problem' : findings.some((finding) => finding.severity === 'unknown') ? 'incomplete' : 'ok';
  const report: DoctorReport = { ...partial, findings, verdict };
  io.stdout(args.json ? JSON.stringify(report, null, 2) : render(report, io.isTTY === true && process.env.NO_COLOR === undefined));
  return verdict === 'ok' ? 0 : verdict === 'problem' ? 1 : 2;
}

export { positionOf };
