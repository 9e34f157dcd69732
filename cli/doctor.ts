/**
 * `doctor`: the incident report's debugging checklist as one command. The static part reads the checkout
 * (every `new Sequelize`, its pool, the process manager's files); the live part reads PostgreSQL (limits,
 * sessions by user/application/state, transactions left idle, the longest queries). Read-only throughout.
 */
import type { ClientConfig } from 'pg';

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { LiveFacts } from '../lib/database/postgres-inspection';
import type { ProcessCount } from '../lib/project/process-count';
import type { PoolFinding, ProjectScan } from '../lib/project/project-pools';
import type { CliIO } from './io';

import { headroomFor } from '../codemods/pool-config';
import { constructionsLoadedBy } from '../lib/project/import-graph';
import { configValue, NodeConfigError, readNodeConfig } from '../lib/project/node-config';
import { availableConnections, connectionsPerInstance, describeAvailable, largestFittingMax, processCount } from '../lib/project/pool-budget';
import { inspectPostgres, InspectionError } from '../lib/database/postgres-inspection';
import { countPm2Apps, countProcfileTypes, countSupervisorPrograms, ProcessFileError } from '../lib/project/process-count';
import { scanProjectPools } from '../lib/project/project-pools';
import { POSTGRES_DEFAULTS } from '../lib/sequelize-facts';
import { integerOption, parseCommandLine, UsageError } from './io';

export const DOCTOR_HELP = `Usage: eslint-plugin-sequelize-pool doctor [options]

Runs the connection checklist: every Sequelize pool in the checkout against the process count and,
with a database, PostgreSQL's limits, current sessions, transactions left open and long queries.
Read-only. See docs/doctor.md.

Options:
  --url <postgres://…>        Database to inspect (default: DATABASE_URL, else node-config db.*)
  --processes <n>             Processes that each open a pool
  --supervisor <file>         Count [program:…] sections × numprocs of a supervisord.conf
  --pm2 <file>                Count apps × instances of a pm2 ecosystem file (read, not run)
  --procfile <file>           Count the process types of a Procfile
  --root <dir>                Project to scan (default: the current directory)
  --env <name>                NODE_ENV whose node-config files to read (default: $NODE_ENV or development)
  --idle-in-transaction <s>   Seconds idle in a transaction that make a session a leak suspect (default 30)
  --no-live                   Skip the database even when settings are found
  --json                      Machine-readable report
  -h, --help                  Show this help

Without a process-count option it looks for supervisord.conf, ecosystem.config.js and Procfile in --root.
Exit codes: 0 within budget and no leak suspect, 1 a problem was found, 2 bad usage or the database
cannot be reached.`;

export interface Finding {
  severity: 'info' | 'problem' | 'warning';
  code: string;
  message: string;
  fix?: string;
}

export interface DoctorReport {
  schemaVersion: 1;
  root: string;
  environment: string;
  processes: ProcessCount | null;
  pools: PoolFinding[];
  unparsableFiles: string[];
  worstCase: {
    /** The same for every process, or null when programs differ (see `programs`) or a max is unknown. */
    connectionsPerProcess: number | null;
    total: number | null;
    programs: { name: string; count: number; pools: string[]; connections: number | null }[];
  };
  database: (LiveFacts & { target: string; available: number; headroom: number }) | null;
  findings: Finding[];
  verdict: 'ok' | 'problem';
}

interface DoctorArgs {
  url: string | undefined;
  processes: number | undefined;
  supervisor: string | undefined;
  pm2: string | undefined;
  procfile: string | undefined;
  root: string;
  environment: string;
  idleInTransactionSeconds: number;
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
      root: { type: 'string' },
      env: { type: 'string' },
      'idle-in-transaction': { type: 'string' },
      'no-live': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values } = parsed;
  if (values.help === true) return 'help';
  const sources = [values.processes, values.supervisor, values.pm2, values.procfile].filter((value) => value !== undefined);
  if (sources.length > 1) throw new UsageError('give one of --processes, --supervisor, --pm2, --procfile');
  const root = path.resolve(cwd, values.root ?? '.');
  if (!existsSync(root)) throw new UsageError(`--root: no such directory: ${values.root ?? '.'}`);
  return {
    url: values.url,
    processes: integerOption('processes', values.processes, 1),
    supervisor: values.supervisor === undefined ? undefined : path.resolve(cwd, values.supervisor),
    pm2: values.pm2 === undefined ? undefined : path.resolve(cwd, values.pm2),
    procfile: values.procfile === undefined ? undefined : path.resolve(cwd, values.procfile),
    root,
    environment: values.env ?? process.env.NODE_ENV ?? 'development',
    idleInTransactionSeconds: integerOption('idle-in-transaction', values['idle-in-transaction'], 0) ?? 30,
    live: values['no-live'] !== true,
    json: values.json === true,
  };
}

type CountProcesses = (text: string, source: string, root: string) => ProcessCount;

function readProcessFile(file: string, count: CountProcesses, root: string): ProcessCount {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT' ? 'no such file' : 'cannot read it';
    throw new UsageError(`${path.relative(root, file) || file}: ${reason}`);
  }
  try {
    return count(text, path.relative(root, file) || file, path.dirname(file));
  } catch (error) {
    if (error instanceof ProcessFileError) throw new UsageError(error.message);
    throw error;
  }
}

function countProcesses(args: DoctorArgs): ProcessCount | null {
  if (args.processes !== undefined) {
    return { source: '--processes', groups: [{ name: 'processes', count: args.processes }], total: args.processes };
  }
  if (args.supervisor !== undefined) return readProcessFile(args.supervisor, countSupervisorPrograms, args.root);
  if (args.pm2 !== undefined) return readProcessFile(args.pm2, countPm2Apps, args.root);
  if (args.procfile !== undefined) return readProcessFile(args.procfile, countProcfileTypes, args.root);
  const candidates: [string, CountProcesses][] = [
    ['supervisord.conf', countSupervisorPrograms],
    ['ecosystem.config.js', countPm2Apps],
    ['ecosystem.config.cjs', countPm2Apps],
    ['Procfile', countProcfileTypes],
  ];
  for (const [name, count] of candidates) {
    const file = path.join(args.root, name);
    if (existsSync(file)) return readProcessFile(file, count, args.root);
  }
  return null;
}

/** The connection settings and a printable target (never the password). */
function connectionFor(args: DoctorArgs, nodeConfig: ReturnType<typeof readNodeConfig>): { config: ClientConfig; target: string } | null {
  const url = args.url ?? process.env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`${args.url === undefined ? 'DATABASE_URL' : '--url'} is not a valid URL (expected postgres://user:password@host:port/database)`);
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new UsageError(`${args.url === undefined ? 'DATABASE_URL' : '--url'} must start with postgres:// or postgresql://, got ${parsed.protocol}//`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//u, '')) || undefined;
    const user = decodeURIComponent(parsed.username) || undefined;
    return {
      config: {
        host: parsed.hostname || 'localhost',
        port: parsed.port === '' ? 5432 : Number(parsed.port),
        user,
        password: decodeURIComponent(parsed.password) || undefined,
        database,
      },
      target: `${user === undefined ? '' : `${user}@`}${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database ?? ''}`,
    };
  }
  if (nodeConfig === null) return null;
  const read = (key: string): unknown => configValue(nodeConfig, `db.${key}`);
  const host = read('host');
  if (typeof host !== 'string') return null;
  const port = Number(read('port') ?? 5432);
  const user = read('username') ?? read('user');
  const database = read('database');
  return {
    config: {
      host,
      port,
      user: typeof user === 'string' ? user : undefined,
      password: typeof read('password') === 'string' ? (read('password') as string) : undefined,
      database: typeof database === 'string' ? database : undefined,
    },
    target: `${typeof user === 'string' ? `${user}@` : ''}${host}:${port}/${typeof database === 'string' ? database : ''} (node-config db.*, NODE_ENV=${nodeConfig.environment})`,
  };
}

/** Connections one process can open with these pools: Σ max, × 2 with replication; null when a max is unknown. */
function connectionsOf(pools: readonly PoolFinding[]): number | null {
  if (pools.some((pool) => pool.max === null)) return null;
  return pools.reduce((sum, pool) => sum + connectionsPerInstance(pool.max ?? 0, pool.replicated === true), 0);
}

/**
 * The worst case. A program whose script the process manager names gets the pools its script loads (its own and
 * its imports', transitively); any other process is assumed to load every pool in the checkout.
 */
function worstCase(scan: ProjectScan, processes: ProcessCount | null, root: string): DoctorReport['worstCase'] {
  const everything = connectionsOf(scan.pools);
  if (processes === null) return { connectionsPerProcess: everything, total: null, programs: [] };
  const programs = processes.groups.map((group) => {
    let pools = scan.pools;
    if (group.entry !== undefined && existsSync(group.entry)) {
      const loaded = constructionsLoadedBy(group.entry).map((construction) => `${path.relative(root, construction.file)}:${construction.line}`);
      pools = scan.pools.filter((pool) => loaded.includes(`${pool.file}:${pool.line}`));
    }
    return { name: group.name, count: group.count, pools: pools.map((pool) => `${pool.file}:${pool.line}`), connections: connectionsOf(pools) };
  });
  const known = programs.every((program) => program.connections !== null);
  const total = known ? programs.reduce((sum, program) => sum + program.count * (program.connections ?? 0), 0) : null;
  const perProcess = programs.map((program) => program.connections);
  const uniform = perProcess.every((value) => value === perProcess[0]);
  return { connectionsPerProcess: uniform ? (perProcess[0] ?? everything) : null, total, programs };
}

function diagnose(report: Omit<DoctorReport, 'findings' | 'verdict'>): Finding[] {
  const findings: Finding[] = [];
  const { processes, pools, database } = report;
  const maxConnections = database?.maxConnections ?? POSTGRES_DEFAULTS.maxConnections;
  const reserved = database === null ? POSTGRES_DEFAULTS.superuserReservedConnections : database.superuserReservedConnections + database.reservedConnections;
  const budget = { maxConnections, reservedConnections: reserved, otherConnections: 0 };
  const available = availableConnections(budget);
  const limitsFrom = database === null ? "PostgreSQL's defaults (no database inspected)" : 'the server';

  if (pools.length === 0) {
    findings.push({ severity: 'warning', code: 'no-sequelize', message: 'No `new Sequelize(...)` found in the checkout (tests and node_modules are skipped).' });
  }
  for (const pool of pools.filter((entry) => entry.max === null)) {
    findings.push({
      severity: 'warning',
      code: 'pool-unknown',
      message: `${pool.file}:${pool.line}: the pool's max comes from code or config the doctor cannot read, so the worst case is unknown.`,
      fix: 'Write the pool in the setup module (see `npx eslint-plugin-sequelize-pool codemod`) or put db.options.pool in node-config.',
    });
  }
  if (pools.length > 1) {
    findings.push({
      severity: 'warning',
      code: 'several-instances',
      message: `${pools.length} Sequelize instances in the checkout (${pools.map((pool) => `${pool.file}:${pool.line}`).join(', ')}): each opens its own pool in every process that loads it, and the worst case counts each one there.`,
      fix: 'Keep one instance per process and share it (read replicas: the `replication` option).',
    });
  }
  if (processes === null) {
    findings.push({
      severity: 'warning',
      code: 'processes-unknown',
      message: 'The process count is unknown: no supervisord.conf, ecosystem.config.js or Procfile found.',
      fix: 'Pass --processes, --supervisor, --pm2 or --procfile.',
    });
  } else if (report.worstCase.total !== null) {
    const { total, connectionsPerProcess, programs } = report.worstCase;
    const replicated = pools.some((pool) => pool.replicated === true);
    // Every pool instance across the processes shares the budget: programs with a second pool count twice.
    const poolInstances = programs.reduce((sum, program) => sum + program.count * Math.max(1, program.pools.length), 0);
    const withHeadroom = { ...budget, otherConnections: headroomFor(maxConnections) };
    const fits = largestFittingMax(withHeadroom, poolInstances, replicated);
    const fitsWithOnePool = largestFittingMax(withHeadroom, processes.total, replicated);
    const sum =
      connectionsPerProcess !== null
        ? `${processCount(processes.total)} × ${connectionsPerProcess}`
        : programs.map((program) => `${program.name} ${program.count} × ${program.connections ?? '?'}`).join(' + ');
    const arithmetic = `${sum} = ${total} connections, but PostgreSQL allows ${available} (${describeAvailable(budget)}, from ${limitsFrom})`;
    if (total > available) {
      findings.push({
        severity: 'problem',
        code: 'over-budget',
        message: `Worst case over budget: ${arithmetic}. Under load the last processes to connect fail with "remaining connection slots are reserved for …" (SQLSTATE 53300).`,
        fix:
          poolInstances === processes.total
            ? `Right-size each pool to max ${fits} (keeping ${headroomFor(maxConnections)} connections for migrations, psql and monitoring): npx eslint-plugin-sequelize-pool codemod --processes ${processes.total} --max-connections ${maxConnections}`
            : `${poolInstances} pools in ${processes.total} processes: each fits max ${fits} (keeping ${headroomFor(maxConnections)} connections for migrations, psql and monitoring). Better, share one instance per process (sequelize-pool/single-instance finds the extra ones); then max ${fitsWithOnePool} fits: npx eslint-plugin-sequelize-pool codemod --processes ${processes.total} --max-connections ${maxConnections}`,
      });
    } else {
      findings.push({ severity: 'info', code: 'within-budget', message: `Worst case within budget: ${arithmetic.replace(', but', ';')}.` });
    }
  }
  if (database !== null) {
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
        fix: 'Find the code path with the sequelize-pool/no-unreleased-transaction rule; as a server-side backstop set idle_in_transaction_session_timeout (codemod --idle-in-transaction-timeout).',
      });
    }
    // The checklist's "are all processes needed?": programs whose name no application_name carries hold nothing now.
    if (processes !== null && processes.groups.length > 1) {
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
  return findings;
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
          pool.maxSource,
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
        ['program', 'processes', 'pools it loads', 'connections each'],
        ...report.processes.groups.map((group) => {
          const program = programs.get(group.name);
          return [
            group.name,
            `× ${group.count}`,
            program === undefined || program.pools.length === 0 ? '(none)' : program.pools.join(', '),
            program?.connections === null || program === undefined ? '?' : String(program.connections),
            group.note ?? '',
          ];
        }),
      ]),
    );
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
  lines.push('', paint('1', 'Findings'));
  const marks = { problem: paint('31', 'PROBLEM'), warning: paint('33', 'warning'), info: paint('36', 'info   ') };
  for (const finding of report.findings) {
    lines.push(`  ${marks[finding.severity]} ${finding.message}`);
    if (finding.fix !== undefined) lines.push(`          fix: ${finding.fix}`);
  }
  lines.push('', report.verdict === 'ok' ? paint('32', 'Verdict: OK, within budget and no leak suspect.') : paint('31', 'Verdict: PROBLEM, see the findings above.'));
  return lines.join('\n');
}

export async function runDoctor(argv: readonly string[], io: CliIO & { isTTY?: boolean }, cwd = process.cwd()): Promise<number> {
  const args = parseDoctorArgs(argv, cwd);
  if (args === 'help') {
    io.stdout(DOCTOR_HELP);
    return 0;
  }
  let nodeConfig;
  try {
    nodeConfig = readNodeConfig(path.join(args.root, 'config'), args.environment, process.env.NODE_CONFIG);
  } catch (error) {
    if (error instanceof NodeConfigError) throw new UsageError(`node-config: ${error.message}`);
    throw error;
  }
  const processes = countProcesses(args);
  const scan = scanProjectPools(args.root, nodeConfig);
  const connection = args.live ? connectionFor(args, nodeConfig) : null;
  let database: DoctorReport['database'] = null;
  if (connection !== null) {
    let facts: LiveFacts;
    try {
      facts = await inspectPostgres(
        { connection: connection.config, idleInTransactionSeconds: args.idleInTransactionSeconds, connectTimeoutMs: 5000, statementTimeoutMs: 5000 },
        connection.target,
      );
    } catch (error) {
      if (error instanceof InspectionError) throw new UsageError(error.message);
      throw error;
    }
    const reserved = facts.superuserReservedConnections + facts.reservedConnections;
    database = {
      ...facts,
      target: connection.target,
      available: availableConnections({ maxConnections: facts.maxConnections, reservedConnections: reserved, otherConnections: 0 }),
      headroom: headroomFor(facts.maxConnections),
    };
  }
  const partial = {
    schemaVersion: 1 as const,
    root: args.root,
    environment: args.environment,
    processes,
    pools: scan.pools,
    unparsableFiles: scan.unparsable,
    worstCase: worstCase(scan, processes, args.root),
    database,
  };
  const findings = diagnose(partial);
  const report: DoctorReport = { ...partial, findings, verdict: findings.some((finding) => finding.severity === 'problem') ? 'problem' : 'ok' };
  io.stdout(args.json ? JSON.stringify(report, null, 2) : render(report, io.isTTY === true && process.env.NO_COLOR === undefined));
  return report.verdict === 'ok' ? 0 : 1;
}
