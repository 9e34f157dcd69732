/**
 * PgBouncer as the deployment model sees it: its settings read statically from pgbouncer.ini (or from the admin
 * console's SHOW CONFIG, same keys), and what breaks behind it: startup parameters it does not track, and session
 * state in `pool_mode = transaction`. Defaults are PgBouncer 1.18's (Debian's package here).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { PgBouncerBudget } from './pool-budget';

import { ProcessFileError } from './deployment';
import { projectSourceFiles } from './project-files';
import { projectEpoch, readModuleText } from './project-modules';

export type PoolMode = 'session' | 'statement' | 'transaction';

export interface PgBouncerSettings {
  /** `pgbouncer.ini`, `SHOW CONFIG on …`. */
  source: string;
  poolMode: PoolMode;
  maxClientConn: number;
  defaultPoolSize: number;
  reservePoolSize: number;
  /** Startup parameters PgBouncer drops instead of refusing the connection. */
  ignoreStartupParameters: string[];
  /** `[databases]` entries: name → their own pool_size when set. `*` is the fallback entry. */
  databases: { name: string; poolSize: number | null }[];
  /** Keys left at PgBouncer's default, for the report's assumptions. */
  defaulted: string[];
}

/** PgBouncer 1.18's defaults. */
export const PGBOUNCER_DEFAULTS = { poolMode: 'session', maxClientConn: 100, defaultPoolSize: 20, reservePoolSize: 0 } as const;

/** Startup parameters PgBouncer tracks itself and always accepts. */
export const PGBOUNCER_TRACKED_PARAMETERS = ['client_encoding', 'datestyle', 'timezone', 'standard_conforming_strings', 'application_name'];

function integer(raw: string | undefined, key: string, source: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/u.test(raw.trim()) || Number(raw) > 1_000_000) throw new ProcessFileError(`${source}: ${key} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Settings from SHOW CONFIG (or the [pgbouncer] section) as key → value. */
export function pgBouncerSettingsFrom(values: Readonly<Record<string, string>>, databases: PgBouncerSettings['databases'], source: string): PgBouncerSettings {
  const defaulted: string[] = [];
  const pick = <T>(key: string, parse: (raw: string) => T | undefined, fallback: T): T => {
    const parsed = values[key] === undefined ? undefined : parse(values[key]);
    if (parsed === undefined) defaulted.push(`${key} = ${String(fallback)}`);
    return parsed ?? fallback;
  };
  const mode = pick<PoolMode>(
    'pool_mode',
    (raw) => {
      if (raw === 'session' || raw === 'transaction' || raw === 'statement') return raw;
      throw new ProcessFileError(`${source}: pool_mode must be session, transaction or statement, got ${JSON.stringify(raw)}`);
    },
    PGBOUNCER_DEFAULTS.poolMode,
  );
  return {
    source,
    poolMode: mode,
    maxClientConn: pick('max_client_conn', (raw) => integer(raw, 'max_client_conn', source), PGBOUNCER_DEFAULTS.maxClientConn),
    defaultPoolSize: pick('default_pool_size', (raw) => integer(raw, 'default_pool_size', source), PGBOUNCER_DEFAULTS.defaultPoolSize),
    reservePoolSize: pick('reserve_pool_size', (raw) => integer(raw, 'reserve_pool_size', source), PGBOUNCER_DEFAULTS.reservePoolSize),
    ignoreStartupParameters: (values.ignore_startup_parameters ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
    databases,
    defaulted,
  };
}

/** Reads a pgbouncer.ini: `[pgbouncer]` settings and `[databases]` entries (`%include` is not followed). */
export function readPgBouncerIni(text: string, source: string): PgBouncerSettings {
  const values: Record<string, string> = {};
  const databases: PgBouncerSettings['databases'] = [];
  let section = '';
  for (const rawLine of text.split(/\r?\n/u)) {
    const line = rawLine.replace(/^\s*[;#].*$/u, '').trim();
    if (line === '') continue;
    const header = /^\[([^\]]+)\]$/u.exec(line);
    if (header !== null) {
      section = (header[1] ?? '').trim().toLowerCase();
      continue;
    }
    const setting = /^([^=]+?)\s*=\s*(.*)$/u.exec(line);
    if (setting === null) continue;
    const [, key = '', value = ''] = setting;
    if (section === 'pgbouncer') values[key.toLowerCase()] = value.trim();
    if (section === 'databases') {
      const poolSize = /(?:^|\s)pool_size\s*=\s*(\d+)/u.exec(value)?.[1];
      databases.push({ name: key.trim(), poolSize: poolSize === undefined ? null : Number(poolSize) });
    }
  }
  return pgBouncerSettingsFrom(values, databases, source);
}

/** Folders where a project keeps its pgbouncer.ini, in the order they are looked in. */
const PGBOUNCER_FOLDERS = ['.', 'pgbouncer', 'deploy', 'config', 'docker', 'infra', 'ops', 'etc'];

/** A pgbouncer.ini in the project: at the root or in the usual deployment folders (a stat each, no listing). */
export function findPgBouncerIni(root: string): string | null {
  for (const folder of PGBOUNCER_FOLDERS) {
    const file = path.join(root, folder, 'pgbouncer.ini');
    try {
      if (statSync(file, { throwIfNoEntry: false })?.isFile() === true) return file;
    } catch {
      // Not a folder (a file named `deploy`): nothing there.
    }
  }
  return null;
}

/**
 * The pgbouncer.ini the project's application connects through, as the rule, the codemod and doctor find it: the
 * one given (`explicit`), else the stated `sequelizePool.pgbouncer`, else one found in the project; null without.
 */
export function projectPgBouncerIni(root: string, stated: string | undefined, explicit?: string): string | null {
  if (explicit !== undefined) return explicit;
  return stated === undefined ? findPgBouncerIni(root) : path.resolve(root, stated);
}

/** Reads a pgbouncer.ini file with one-line errors. */
export function readPgBouncerIniFile(file: string, root: string): PgBouncerSettings {
  const label = path.relative(root, file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ProcessFileError(`${label}: no such file`);
  }
  return readPgBouncerIni(text, label);
}

/** Per project root and stated path: the settings the lint rule read, for one epoch (see projectEpoch). */
const lintedSettings = new Map<string, { epoch: number; settings: PgBouncerSettings | null }>();

/**
 * For the lint rule's `"auto"`: the settings of the project's pgbouncer.ini (stated, else found), or null when there is
 * none or it cannot be read (the rule then judges the pools against the database itself). Looked up and read once per
 * project and epoch (a lint run), not per linted file.
 */
export function lintPgBouncerSettings(root: string, stated: string | undefined): PgBouncerSettings | null {
  const key = `${root}\0${stated ?? ''}`;
  const current = projectEpoch();
  const cached = lintedSettings.get(key);
  if (cached?.epoch === current) return cached.settings;
  let settings: PgBouncerSettings | null = null;
  const file = projectPgBouncerIni(root, stated);
  if (file !== null) {
    try {
      settings = readPgBouncerIniFile(file, root);
    } catch (error) {
      if (!(error instanceof ProcessFileError)) throw error;
    }
  }
  lintedSettings.set(key, { epoch: current, settings });
  return settings;
}

/**
 * The budget PgBouncer imposes for `pairs` user/database pairs: the application's clients against
 * `max_client_conn`, PgBouncer's server connections (each pair's pool_size + reserve) against PostgreSQL.
 */
export function pgBouncerBudget(settings: PgBouncerSettings, pairs: number): PgBouncerBudget {
  return { maxClientConn: settings.maxClientConn, defaultPoolSize: settings.defaultPoolSize, reservePoolSize: settings.reservePoolSize, poolPairs: Math.max(1, pairs) };
}

/** Server connections PgBouncer may open: per `[databases]` entry its pool_size (else default) + reserve. */
export function pgBouncerServerLimit(settings: PgBouncerSettings, pairs?: number): { connections: number; arithmetic: string } {
  const named = settings.databases.filter((database) => database.name !== '*');
  if (pairs !== undefined || named.length === 0) {
    const count = Math.max(1, pairs ?? 1);
    const each = settings.defaultPoolSize + settings.reservePoolSize;
    return { connections: count * each, arithmetic: `${count} user/database pair${count === 1 ? '' : 's'} × (default_pool_size ${settings.defaultPoolSize} + reserve_pool_size ${settings.reservePoolSize})` };
  }
  const parts = named.map((database) => (database.poolSize ?? settings.defaultPoolSize) + settings.reservePoolSize);
  return {
    connections: parts.reduce((sum, part) => sum + part, 0),
    arithmetic: named.map((database) => `${database.name} (${database.poolSize === null ? `default_pool_size ${settings.defaultPoolSize}` : `pool_size ${database.poolSize}`} + reserve_pool_size ${settings.reservePoolSize})`).join(' + '),
  };
}

/** Startup parameters PgBouncer refuses (`unsupported startup parameter`) among `parameters`. */
export function rejectedStartupParameters(settings: Pick<PgBouncerSettings, 'ignoreStartupParameters'>, parameters: readonly string[]): string[] {
  return parameters.filter((name) => !PGBOUNCER_TRACKED_PARAMETERS.includes(name.toLowerCase()) && !settings.ignoreStartupParameters.includes(name.toLowerCase()));
}

/** The `dialectOptions` keys node-postgres sends as startup parameters. */
export const PG_STARTUP_PARAMETERS = ['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'options'] as const;

export interface SessionStateUse {
  file: string;
  line: number;
  /** `SET search_path`, `pg_advisory_lock`, `LISTEN`, `PREPARE`. */
  what: string;
}

const SESSION_STATE = [
  { pattern: /['"`]\s*SET\s+(?!LOCAL\b)(?:SESSION\s+)?(?!TRANSACTION\b)[a-z_.]+\s*(?:=|TO\b)/iu, what: 'SET (session-level)' },
  { pattern: /\bpg_(?:try_)?advisory_lock(?:_shared)?\s*\(/iu, what: 'advisory lock (session-level)' },
  { pattern: /['"`]\s*LISTEN\s+\w/iu, what: 'LISTEN' },
  { pattern: /['"`]\s*PREPARE\s+\w+/iu, what: 'PREPARE (session prepared statement)' },
  { pattern: /\bset_config\s*\([^)]*,\s*false\s*\)/iu, what: 'set_config(…, false) (session-level)' },
];

/**
 * Session state in the project's SQL strings that does not survive PgBouncer's transaction mode: `SET` without
 * LOCAL, session advisory locks, `LISTEN`, `PREPARE`. A text scan of string literals' lines: it names lines to
 * read, not proofs.
 */
export function findSessionState(root: string): SessionStateUse[] {
  const found: SessionStateUse[] = [];
  for (const file of projectSourceFiles(root, { skipDirectories: ['test', 'tests', '__tests__'], skipFiles: /\.(?:test|spec)\.[^.]+$/u })) {
    const text = readModuleText(file);
    if (text === null || !/SET|advisory|LISTEN|PREPARE|set_config/iu.test(text)) continue;
    for (const [index, line] of text.split(/\r?\n/u).entries()) {
      if (!/['"`]/u.test(line)) continue;
      for (const { pattern, what } of SESSION_STATE) {
        if (pattern.test(line)) found.push({ file: path.relative(root, file), line: index + 1, what });
      }
    }
  }
  return found;
}
