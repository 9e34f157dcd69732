/**
 * The differential test's machinery: copy a fixture tree twice (as written, and migrated by the codemod), load
 * the setup module in each under the same environments (load-module.cjs, a child process), and compare what
 * `new Sequelize` received. The only differences allowed are the codemod's announcements, applied to the
 * original's arguments exactly as the generated code applies them (a key left unset gets its new value; a
 * written value equal to the announced old one gets the new one).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { CliConfigPlan } from '../../../codemods/cli-config';
import type { Announcement, MigrationResult, PoolConfigOptions } from '../../../codemods/pool-config';

import { addDbOptions, findNodeConfigDefault } from '../../../cli/config-files';
import { migratePoolConfig } from '../../../codemods/pool-config';
import { setJsonValues } from '../../../lib/edits/json-edits';
import { analyseSource } from '../../../lib/file-analysis/source-analysis';

const LOADER = path.join(__dirname, 'load-module.cjs');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Capture {
  line: { file: string; line: number; column: number } | null;
  args: Json[];
}

export interface Outcome {
  captures: Capture[];
  error: string | null;
}

export interface Run {
  name: string;
  env: Record<string, string>;
}

/** Names of the environment variables the files under `directory` read (`process.env.X`, `process.env['X']`). */
export function environmentVariablesRead(directory: string): string[] {
  const names = new Set<string>();
  for (const file of filesUnder(directory)) {
    if (!/\.(?:[cm]?[jt]sx?|json5?)$/u.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/process\.env\.([A-Za-z_][A-Za-z0-9_]*)|process\.env\[\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]\s*\]/gu)) {
      names.add(match[1] ?? match[2] ?? '');
    }
    // node-config's custom-environment-variables.json maps config keys to variable names.
    if (file.endsWith('custom-environment-variables.json')) {
      for (const match of text.matchAll(/"(?:__name"\s*:\s*")?([A-Z][A-Z0-9_]+)"/gu)) names.add(match[1] ?? '');
    }
  }
  names.delete('');
  names.delete('NODE_ENV');
  return [...names].sort();
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** A value of the right kind for a variable, judged by its name. */
function plausible(name: string): string {
  if (/URL|URI|DSN|CONNECTION_STRING/u.test(name)) return 'postgres://user:secret@db.example:5432/app';
  if (/PORT/u.test(name)) return '5433';
  if (/DIALECT/u.test(name)) return 'postgres';
  if (/SSL|LOGGING|DEBUG|BENCHMARK|ENABLE|VERBOSE/u.test(name)) return 'true';
  if (/MAX|MIN|POOL|SIZE|LIMIT|TIMEOUT|IDLE|ACQUIRE|EVICT|CONN|MS$|SECONDS|COUNT/u.test(name)) return '7';
  return `value-of-${name.toLowerCase()}`;
}

/** NODE_ENV unset and each usual value, then the module's own variables set, set to nonsense, and set in production. */
export function environments(variables: readonly string[]): Run[] {
  const set = Object.fromEntries(variables.map((name) => [name, plausible(name)]));
  const invalid = Object.fromEntries(variables.map((name) => [name, 'not-a-number']));
  const runs: Run[] = [
    { name: 'NODE_ENV unset', env: {} },
    { name: 'NODE_ENV=development', env: { NODE_ENV: 'development' } },
    { name: 'NODE_ENV=test', env: { NODE_ENV: 'test' } },
    { name: 'NODE_ENV=production', env: { NODE_ENV: 'production' } },
  ];
  if (variables.length > 0) {
    runs.push(
      { name: 'its variables set', env: set },
      { name: 'NODE_ENV=production, its variables set', env: { NODE_ENV: 'production', ...set } },
      { name: 'its variables set to invalid values', env: invalid },
      { name: 'NODE_ENV=development, its variables empty', env: { NODE_ENV: 'development', ...Object.fromEntries(variables.map((name) => [name, ''])) } },
    );
  }
  return runs;
}

/** Loads `entry` (relative to `root`) once per run, in one child process. */
export async function loadModule(root: string, entry: string, runs: readonly Run[]): Promise<Outcome[]> {
  const child = spawn(process.execPath, ['--enable-source-maps', LOADER, JSON.stringify({ root, entry, runs })], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (status !== 0) throw new Error(`loading ${entry} failed (exit ${String(status)}): ${stderr.slice(-2000)}`);
  return (JSON.parse(stdout) as Outcome[]).map((outcome) => ({
    error: outcome.error,
    captures: outcome.captures.map((capture) => ({ line: capture.line, args: sortKeys(capture.args) as Json[] })),
  }));
}

/** The same value with every object's keys in sorted order: Sequelize does not care about key order. */
export function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key] as Json)]));
}

/**
 * node-config is an ES module: its cache cannot be cleared between runs, so a tree with config files gets one
 * child process per run (a few at a time); other trees load every run in one child.
 */
export async function loadRuns(root: string, entry: string, runs: readonly Run[]): Promise<Outcome[]> {
  if (!existsSync(path.join(root, 'config'))) return loadModule(root, entry, runs);
  const outcomes: Outcome[] = [];
  for (let start = 0; start < runs.length; start += 4) {
    const batch = await Promise.all(runs.slice(start, start + 4).map((run) => loadModule(root, entry, [run])));
    outcomes.push(...batch.flat());
  }
  return outcomes;
}

/** The lines of a file's `new Sequelize` expressions, in source order (announcements name them by index). */
export function constructionLines(text: string, file: string): { line: number; column: number }[] {
  return analyseSource(text, file)
    .constructions.sort((a, b) => a.node.range[0] - b.node.range[0])
    .map((construction) => ({ line: construction.node.loc.start.line, column: construction.node.loc.start.column + 1 }));
}

function instanceOf(capture: Capture, entry: string, positions: readonly { line: number; column: number }[]): number | null {
  if (capture.line === null || capture.line.file !== entry) return positions.length === 1 ? 0 : null;
  const { line, column } = capture.line;
  const exact = positions.findIndex((position) => position.line === line && position.column === column);
  if (exact !== -1) return exact;
  // Otherwise the frame is a line inside a multi-line call: the last construction that starts at or before it.
  let found: number | null = null;
  for (const [index, position] of positions.entries()) {
    if (position.line < line || (position.line === line && position.column <= column)) found = index;
  }
  return found;
}

function isPlainObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('$stub' in value) && !('$function' in value) && !('$undefined' in value);
}

const UNDEFINED = { $undefined: true };

function isUndefined(value: Json | undefined): boolean {
  return value === undefined || (isPlainObject2(value) && value['$undefined'] === true);
}

function isPlainObject2(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The arguments the original module's construction would receive after the announced changes: what the migrated
 * module must receive. `migratedLength` is the migrated call's argument count (an options argument may be added).
 */
export function expectedArguments(original: Json[], announcements: readonly Announcement[], migratedLength: number): Json[] {
  const args = structuredClone(original);
  const relevant = announcements.filter((announcement) => announcement.environment === null);
  if (relevant.length === 0) return args;
  if (migratedLength > args.length) {
    while (args.length < migratedLength - 1) args.push(UNDEFINED);
    args.push({});
  }
  const last = args.length - 1;
  let options = args[last];
  // A stubbed import spread into a new object keeps only the properties the module assigned to it.
  if (isPlainObject2(options) && typeof options['$stub'] === 'string') {
    options = Object.fromEntries(Object.entries(options).filter(([key]) => key !== '$stub'));
  }
  if (!isPlainObject(options)) return args;
  options = { ...options };
  args[last] = options;
  for (const announcement of relevant) {
    const [head, key] = announcement.key.split('.') as [string, string];
    const container = isPlainObject(options[head]) ? { ...(options[head] as Record<string, Json>) } : isUndefined(options[head]) || options[head] === null ? {} : null;
    if (container === null) continue;
    const current = container[key];
    const applies = announcement.old === null ? isUndefined(current) : current === announcement.old;
    if (!applies) continue;
    let value = announcement.new;
    if (announcement.clampedToMax) {
      const max = container['max'];
      if (typeof max === 'number' && max < value) value = max;
      if (typeof max === 'string' && Number(max) < value) value = Number(max);
    }
    container[key] = value;
    options[head] = container;
  }
  return args;
}

export interface DifferentialCase {
  /** The fixture tree (copied, never edited in place). */
  directory: string;
  /** The setup module, relative to `directory`. */
  entry: string;
  options: PoolConfigOptions;
}

export interface DifferentialReport {
  /** Where the fixture was copied and migrated (paths in `result` are below it). */
  root: string;
  result: MigrationResult;
  runs: Run[];
  original: Outcome[];
  migrated: Outcome[];
  /** Per run: what the migrated module should have received (the original's captures with the announcements applied). */
  expected: Outcome[];
  /** Captures that could not be matched to a construction of the file (reported as failures by the test). */
  unmatched: number;
  /** The migrated text migrated again (idempotence). */
  second: MigrationResult;
  /** The original module planned again against the edited sequelize-cli configs: they must need no change. */
  secondConfig: MigrationResult;
}

/** The environment a run selects in a sequelize-cli config, as the module computes it (`NODE_ENV || 'development'`). */
function selectedEnvironment(plan: CliConfigPlan, run: Run): string | undefined {
  const { selection } = plan;
  if (selection.kind === 'literal') return selection.value;
  if (selection.kind === 'unknown') return undefined;
  return run.env[selection.variable] || (selection.fallback ?? undefined);
}

/** The config-file announcements that apply to one construction in one run, as module-style ones (applied first). */
function configAnnouncements(plans: readonly CliConfigPlan[], instance: number | null, run: Run): Announcement[] {
  return plans
    .filter((plan) => instance !== null && plan.instances.includes(instance))
    .flatMap((plan) => plan.announcements.filter((announcement) => announcement.environment === selectedEnvironment(plan, run)))
    .map((announcement) => ({ ...announcement, environment: null }));
}

/** Migrates `entry` in a copy of the fixture, loads both under every environment, returns what each received. */
export async function runDifferential({ directory, entry, options }: DifferentialCase, extraRuns: Run[] = []): Promise<DifferentialReport> {
  const work = mkdtempSync(path.join(tmpdir(), 'codemod-differential-'));
  try {
    // One tree at one path: the original loads first, then the migrated text replaces it (paths in values match).
    const app = path.join(work, 'app');
    cpSync(directory, app, { recursive: true });
    const file = path.join(app, entry);
    const source = readFileSync(file, 'utf8');
    const withConfig = { ...options, cliConfig: { root: app } };
    const result = migratePoolConfig(source, file, withConfig);
    const second = migratePoolConfig(result.output, file, withConfig);
    const runs = [...environments(environmentVariablesRead(directory)), ...extraRuns];
    const original = await loadRuns(app, entry, runs);
    writeFileSync(file, result.output);
    // The command also writes the module's pool to node-config's default.json (the same values): do the same.
    const configFile = result.configPool === null ? null : findNodeConfigDefault(file, app);
    if (configFile !== null && result.configPool !== null) writeFileSync(configFile, addDbOptions(readFileSync(configFile, 'utf8'), result.configPool));
    // And the pools of the sequelize-cli JSON configs the module's options are.
    for (const plan of result.cliConfigs) writeFileSync(plan.file, setJsonValues(readFileSync(plan.file, 'utf8'), plan.changes));
    const secondConfig = migratePoolConfig(source, file, withConfig);
    const migrated = await loadRuns(app, entry, runs);
    const originalLines = constructionLines(source, file);
    const migratedLines = constructionLines(result.output, file);
    let unmatched = 0;
    const expected = original.map((outcome, runIndex): Outcome => ({
      error: outcome.error,
      captures: outcome.captures.map((capture, captureIndex) => {
        const instance = instanceOf(capture, entry, originalLines);
        const migratedCapture = migrated[runIndex]?.captures[captureIndex];
        const migratedInstance = migratedCapture === undefined ? null : instanceOf(migratedCapture, entry, migratedLines);
        if (instance === null || (migratedCapture !== undefined && migratedInstance !== instance)) unmatched += 1;
        const announcements = [
          ...configAnnouncements(result.cliConfigs, instance, runs[runIndex] as Run),
          ...result.announcements.filter((announcement) => announcement.instance === instance),
        ];
        const args = expectedArguments(capture.args, announcements, migratedCapture?.args.length ?? capture.args.length);
        return { line: migratedCapture?.line ?? null, args: sortKeys(args) as Json[] };
      }),
    }));
    return { root: app, result, runs, original, migrated, expected, unmatched, second, secondConfig };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
