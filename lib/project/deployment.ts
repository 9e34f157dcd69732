/**
 * The deployment model the lint rule, the codemod and doctor share: how many OS processes run each program (each
 * with its own Sequelize pools), read from the process manager's own files rather than guessed, and the database's
 * limits, stated once in a `sequelizePool` block of package.json (or `.sequelize-pool.json`).
 *
 * Sources, the first found wins (the others are named as not used): the stated `processes`, supervisord.conf
 * (`numprocs`), a pm2 ecosystem file (`instances`, `exec_mode`, `'max'` = cores), a Procfile, docker-compose
 * (`deploy.replicas`, `scale`), Kubernetes manifests (Deployment/StatefulSet `replicas`, an HPA's `maxReplicas`).
 * A program whose script forks `cluster` workers counts `WEB_CONCURRENCY` (else one per core) processes.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

import type { ResolvedValue } from '../file-analysis/resolve-value';
import type { Dialect } from './pool-budget';

import { childNodes } from '../file-analysis/ast';
import { readProperty, resolveValue } from '../file-analysis/resolve-value';
import { analyseSource, SourceParseError } from '../file-analysis/source-analysis';
import { knownDialect } from './pool-budget';
import { constructionsLoadedBy } from './import-graph';
import { loadModuleSyntax, projectEpoch } from './project-modules';

export interface ProcessGroup {
  name: string;
  count: number;
  /** The script the program runs (`node server/main.js`), absolute, when the file names one. */
  entry?: string;
  /** Why the count may be off (`autostart=false`, `instances: 'max'` read as this machine's cores). */
  note?: string;
}

export interface ProcessCount {
  source: string;
  groups: ProcessGroup[];
  total: number;
}

/** A process manager's file that cannot be read: one line for the user, never a stack trace. */
export class ProcessFileError extends Error {}

/** More processes than any real deployment runs: an input error, not a count. */
export const MAX_PROCESSES = 100_000;

function total(groups: readonly ProcessGroup[]): number {
  return groups.reduce((sum, group) => sum + group.count, 0);
}

/** A process count from text or a number: a whole number from 1 to MAX_PROCESSES, else a ProcessFileError. */
export function processNumber(raw: unknown, where: string, minimum = 1): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^\d+$/u.test(text) || Number(text) < minimum || Number(text) > MAX_PROCESSES) {
    throw new ProcessFileError(`${where} must be a whole number from ${minimum} to ${MAX_PROCESSES}, got ${JSON.stringify(raw)}`);
  }
  return Number(text);
}

/** The script of a `node [flags] script.js args` command line, resolved against `directory`. */
export function scriptOf(command: string, directory: string): string | undefined {
  const words = command.trim().split(/\s+/u);
  const runner = words.findIndex((word) => /(?:^|\/)(?:node|nodejs|ts-node|tsx)$/u.test(word));
  if (runner === -1) return undefined;
  const script = words.slice(runner + 1).find((word) => !word.startsWith('-'));
  return script !== undefined && /\.[cm]?[jt]sx?$/u.test(script) ? path.resolve(directory, script) : undefined;
}

/**
 * supervisord.conf: every `[program:x]` section is `numprocs` processes (default 1). Programs with
 * `autostart=false` are still counted (they can be started) and flagged. `root` resolves `command` scripts
 * (`directory=%(here)s` is the config file's folder).
 */
export function countSupervisorPrograms(text: string, source: string, root = path.dirname(source)): ProcessCount {
  const groups: ProcessGroup[] = [];
  let current: ProcessGroup | null = null;
  const commands = new Map<ProcessGroup, { command?: string; directory?: string }>();
  for (const [index, rawLine] of text.split(/\r?\n/u).entries()) {
    const line = rawLine.replace(/[;#].*$/u, '').trim();
    if (line === '') continue;
    const section = /^\[([^\]]+)\]$/u.exec(line);
    if (section !== null) {
      const name = section[1]?.trim() ?? '';
      current = name.startsWith('program:') ? { name: name.slice('program:'.length), count: 1 } : null;
      if (current !== null) groups.push(current);
      continue;
    }
    if (current === null) continue;
    const setting = /^([\w.]+)\s*=\s*(.*)$/u.exec(line);
    if (setting === null) continue;
    const [, key, value = ''] = setting;
    if (key === 'numprocs') current.count = processNumber(value, `${source}:${index + 1}: numprocs`);
    if (key === 'autostart' && /^(?:false|no|off|0)$/iu.test(value)) current.note = 'autostart=false (counted: it can be started)';
    if (key === 'command' || key === 'directory') commands.set(current, { ...commands.get(current), [key]: value });
  }
  for (const [group, { command, directory }] of commands) {
    if (command === undefined) continue;
    const base = directory === undefined ? root : path.resolve(root, directory.replace('%(here)s', root));
    const entry = scriptOf(command, base);
    if (entry !== undefined) group.entry = entry;
  }
  if (groups.length === 0) throw new ProcessFileError(`${source}: no [program:…] sections`);
  return { source, groups, total: total(groups) };
}

/** Procfile: one process per `type: command` line (a platform may scale a type up; that is not in the file). */
export function countProcfileTypes(text: string, source: string, root = path.dirname(source)): ProcessCount {
  const groups = text
    .split(/\r?\n/u)
    .map((line) => /^([\w-]+)\s*:\s*(\S.*)$/u.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, name = '', command = '']): ProcessGroup => {
      const entry = scriptOf(command, root);
      return { name, count: 1, note: 'scaled by the platform: 1 assumed', ...(entry === undefined ? {} : { entry }) };
    });
  if (groups.length === 0) throw new ProcessFileError(`${source}: no process types`);
  return { source, groups, total: total(groups) };
}

/**
 * pm2 ecosystem file (`module.exports = { apps: [...] }`), read statically, never executed: `instances` is a
 * number, `'max'`/`0` (one per core) or a negative number (cores minus that many); cluster mode or not, each
 * instance is a process with its own pool.
 */
export function countPm2Apps(text: string, source: string, root = path.dirname(source)): ProcessCount {
  let analysed;
  try {
    analysed = analyseSource(text, source.endsWith('.cjs') || source.endsWith('.mjs') ? source : `${source}.cjs`);
  } catch (error) {
    // The line and column only: the parser's reason may quote the file's text (a password in an env block).
    if (error instanceof SourceParseError) throw new ProcessFileError(`${source}:${error.line}:${error.column}: syntax error`);
    throw new ProcessFileError(`${source}: cannot parse it`);
  }
  let exported: ResolvedValue | null = null;
  const visit = (node: TSESTree.Node): void => {
    if (
      node.type === AST_NODE_TYPES.AssignmentExpression &&
      node.left.type === AST_NODE_TYPES.MemberExpression &&
      node.left.object.type === AST_NODE_TYPES.Identifier &&
      node.left.object.name === 'module' &&
      node.left.property.type === AST_NODE_TYPES.Identifier &&
      node.left.property.name === 'exports'
    ) {
      exported = resolveValue(analysed.host, node.right);
    } else if (node.type === AST_NODE_TYPES.ExportDefaultDeclaration) {
      exported = resolveValue(analysed.host, node.declaration);
    }
  };
  for (const statement of analysed.ast.body) {
    visit(statement.type === AST_NODE_TYPES.ExpressionStatement ? statement.expression : statement);
  }
  const apps = exported === null ? null : readProperty(exported, 'apps');
  if (apps?.kind !== 'array' || apps.elements === null) throw new ProcessFileError(`${source}: cannot read a static \`apps\` array`);
  const cores = availableParallelism();
  const groups = apps.elements.map((app, index): ProcessGroup => {
    const name = readProperty(app, 'name');
    const instances = readProperty(app, 'instances');
    const label = name.kind === 'string' && name.value !== null ? name.value : `app ${index + 1}`;
    const script = readProperty(app, 'script');
    const cwd = readProperty(app, 'cwd');
    const mode = readProperty(app, 'exec_mode');
    const base = cwd.kind === 'string' && cwd.value !== null ? path.resolve(root, cwd.value) : root;
    const counted = countInstances(label, instances, cores, source);
    if (mode.kind === 'string' && mode.value !== null && /^cluster/u.test(mode.value) && counted.count > 1) {
      counted.note = [counted.note, 'exec_mode cluster: each instance is a process with its own pools'].filter(Boolean).join('; ');
    }
    return script.kind === 'string' && script.value !== null && /\.[cm]?[jt]sx?$/u.test(script.value)
      ? { ...counted, entry: path.resolve(base, script.value) }
      : counted;
  });
  return { source, groups, total: total(groups) };
}

/** pm2's `instances`: a number, `'max'`/`0` (one per core) or negative (cores minus that many). */
function countInstances(label: string, instances: ResolvedValue, cores: number, source: string): ProcessGroup {
  if (instances.kind === 'undefined') return { name: label, count: 1 };
  const value = instances.kind === 'string' && instances.value !== null && /^-?\d+$/u.test(instances.value) ? Number(instances.value) : instances.kind === 'number' ? instances.value : instances.kind === 'string' ? instances.value : null;
  if (value === 'max') return { name: label, count: cores, note: `instances: 'max' = ${cores} cores on this machine` };
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value > MAX_PROCESSES || value < -MAX_PROCESSES) {
      throw new ProcessFileError(`${source}: \`instances\` of ${label} must be a whole number, 'max' or a negative number of cores to leave free, got ${String(value)}`);
    }
    if (value === 0) return { name: label, count: cores, note: `instances: 0 = ${cores} cores on this machine` };
    if (value < 0) {
      const count = Math.max(1, cores + value);
      return { name: label, count, note: `instances: ${value} = ${count} on this machine` };
    }
    return { name: label, count: value };
  }
  throw new ProcessFileError(`${source}: cannot read \`instances\` of ${label}`);
}

// ---------------------------------------------------------------------------------------------------------------
// YAML: docker-compose and Kubernetes manifests
// ---------------------------------------------------------------------------------------------------------------

interface YamlParser {
  loadAll: (text: string) => unknown;
}

/** js-yaml, loaded only when a YAML deployment file is there (an optional peer: lint-only installs stay light). */
function loadYaml(): YamlParser | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional dependency, loaded on demand
    return require('js-yaml') as YamlParser;
  } catch {
    return null;
  }
}

/** Parsed YAML documents; a one-line error naming the file and line, never the file's text. */
function parseYaml(text: string, source: string): unknown[] {
  const yaml = loadYaml();
  if (yaml === null) throw new ProcessFileError(`${source}: reading YAML needs the js-yaml package: npm i -D js-yaml`);
  try {
    return yaml.loadAll(text) as unknown[];
  } catch (error) {
    const mark = typeof error === 'object' && error !== null && 'mark' in error ? (error as { mark?: { line?: number } }).mark : undefined;
    throw new ProcessFileError(`${source}${mark?.line === undefined ? '' : `:${mark.line + 1}`}: not valid YAML`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A container's command line (string or list) as one string. */
function commandLine(...parts: unknown[]): string {
  return parts
    .flatMap((part): unknown[] => (Array.isArray(part) ? (part as unknown[]) : typeof part === 'string' ? [part] : []))
    .map(String)
    .join(' ');
}

/**
 * The project file a container path names (`/app/server/main.js` → `<root>/server/main.js`): the longest suffix of
 * the path that exists under `root`, else the path resolved against `root` (then reported missing).
 */
function containerScript(command: string, root: string): string | undefined {
  const script = scriptOf(command, '/');
  if (script === undefined) return undefined;
  const parts = script.split('/').filter(Boolean);
  for (let index = 0; index < parts.length; index += 1) {
    const candidate = path.join(root, ...parts.slice(index));
    if (existsSync(candidate)) return candidate;
  }
  return path.join(root, parts.at(-1) ?? '');
}

/** Images that are not the application (databases, caches, proxies): not counted, named in `skipped`. */
const INFRASTRUCTURE_IMAGE = /(?:^|\/)(?:postgres|postgis|mysql|mariadb|mongo|redis|valkey|memcached|pgbouncer|bitnami\/pgbouncer|nginx|traefik|haproxy|rabbitmq|elasticsearch|minio|mailhog|adminer|pgadmin)/u;

/**
 * docker-compose: every service that builds the project or runs `node` is `deploy.replicas` (else `scale`, else 1)
 * processes; image-only infrastructure services (postgres, redis, pgbouncer, …) are not counted and are listed in
 * `skipped`.
 */
export function countComposeServices(text: string, source: string, root = path.dirname(source)): ProcessCount & { skipped: string[] } {
  const [document] = parseYaml(text, source);
  const services = isRecord(document) ? document.services : undefined;
  if (!isRecord(services)) throw new ProcessFileError(`${source}: no \`services\``);
  const groups: ProcessGroup[] = [];
  const skipped: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service)) continue;
    const command = commandLine(service.entrypoint, service.command);
    const image = typeof service.image === 'string' ? service.image : '';
    if (service.build === undefined && scriptOf(command, root) === undefined && (image === '' || INFRASTRUCTURE_IMAGE.test(image))) {
      skipped.push(`${name}${image === '' ? '' : ` (image ${image})`}`);
      continue;
    }
    const deploy = isRecord(service.deploy) ? service.deploy : {};
    const replicas = deploy.replicas ?? service.scale;
    const count = replicas === undefined ? 1 : processNumber(replicas, `${source}: services.${name}.${deploy.replicas === undefined ? 'scale' : 'deploy.replicas'}`, 0);
    const entry = containerScript(command, root);
    groups.push({ name, count, ...(entry === undefined ? {} : { entry }), ...(replicas === undefined ? {} : { note: `${deploy.replicas === undefined ? 'scale' : 'deploy.replicas'}: ${count}` }) });
  }
  if (groups.length === 0) throw new ProcessFileError(`${source}: no application services (only ${skipped.join(', ') || 'none'})`);
  return { source, groups, total: total(groups), skipped };
}

/**
 * Kubernetes manifests (several files, several documents each): every Deployment/StatefulSet is `replicas`
 * processes (default 1), or its HorizontalPodAutoscaler's `maxReplicas` when one targets it (the worst case).
 */
export function countKubernetesWorkloads(files: readonly { text: string; source: string }[], root: string): ProcessCount {
  const workloads: { name: string; kind: string; replicas: number; command: string; source: string }[] = [];
  const autoscalers = new Map<string, { max: number; source: string }>();
  for (const { text, source } of files) {
    for (const document of parseYaml(text, source)) {
      if (!isRecord(document) || !isRecord(document.spec) || !isRecord(document.metadata)) continue;
      const { kind, spec, metadata } = document;
      const name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)';
      if (kind === 'Deployment' || kind === 'StatefulSet') {
        const replicas = spec.replicas === undefined ? 1 : processNumber(spec.replicas, `${source}: ${kind} ${name} replicas`, 0);
        const template = isRecord(spec.template) && isRecord(spec.template.spec) ? spec.template.spec : {};
        const containers = Array.isArray(template.containers) ? template.containers.filter(isRecord) : [];
        const command = containers.map((container) => commandLine(container.command, container.args)).find((line) => scriptOf(line, '/') !== undefined) ?? '';
        workloads.push({ name, kind, replicas, command, source });
      } else if (kind === 'HorizontalPodAutoscaler' && isRecord(spec.scaleTargetRef) && typeof spec.scaleTargetRef.name === 'string') {
        autoscalers.set(`${String(spec.scaleTargetRef.kind)}/${spec.scaleTargetRef.name}`, { max: processNumber(spec.maxReplicas, `${source}: HorizontalPodAutoscaler ${name} maxReplicas`), source });
      }
    }
  }
  const groups = workloads.map((workload): ProcessGroup => {
    const autoscaler = autoscalers.get(`${workload.kind}/${workload.name}`);
    const entry = containerScript(workload.command, root);
    return {
      name: workload.name,
      count: autoscaler?.max ?? workload.replicas,
      ...(entry === undefined ? {} : { entry }),
      note: autoscaler === undefined ? `${workload.kind} replicas: ${workload.replicas}` : `HorizontalPodAutoscaler maxReplicas ${autoscaler.max} (replicas: ${workload.replicas} now)`,
    };
  });
  const sources = [...new Set(workloads.map((workload) => workload.source))];
  if (groups.length === 0) throw new ProcessFileError(`${files.map((file) => file.source).join(', ')}: no Deployment or StatefulSet`);
  return { source: sources.join(', '), groups, total: total(groups) };
}

// ---------------------------------------------------------------------------------------------------------------
// Node cluster / WEB_CONCURRENCY
// ---------------------------------------------------------------------------------------------------------------

/** Whether the entry script forks `cluster` workers (`cluster.fork()` with `cluster`/`node:cluster` loaded). */
export function forksClusterWorkers(entry: string): boolean {
  const module = loadModuleSyntax(entry, /cluster|throng/u);
  if (module === null) return false;
  if (!/require\(\s*['"](?:node:)?cluster['"]\s*\)|from\s+['"](?:node:)?cluster['"]|require\(\s*['"]throng['"]\s*\)|from\s+['"]throng['"]/u.test(module.text)) return false;
  let found = false;
  const visit = (node: TSESTree.Node): void => {
    if (found) return;
    if (
      node.type === AST_NODE_TYPES.CallExpression &&
      ((node.callee.type === AST_NODE_TYPES.MemberExpression && node.callee.property.type === AST_NODE_TYPES.Identifier && node.callee.property.name === 'fork') ||
        (node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'throng'))
    ) {
      found = true;
      return;
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(module.ast);
  return found;
}

/** Cluster workers per process: WEB_CONCURRENCY (stated, else the environment), else one per core here. */
export function clusterWorkers(webConcurrency: number | undefined): { count: number; note: string } {
  if (webConcurrency !== undefined) return { count: webConcurrency, note: `cluster workers: WEB_CONCURRENCY=${webConcurrency}` };
  const cores = availableParallelism();
  return { count: cores, note: `cluster workers: no WEB_CONCURRENCY, ${cores} (one per core on this machine)` };
}

// ---------------------------------------------------------------------------------------------------------------
// The stated deployment: package.json "sequelizePool" or .sequelize-pool.json
// ---------------------------------------------------------------------------------------------------------------

/** What a team states once for the rule, the codemod and doctor. Every key is optional. */
export interface DeploymentSettings {
  /** A total, or processes per program (`{ "web": 4, "cron": 1 }`). */
  processes?: number | Record<string, number>;
  /** A process manager's file to read instead of looking for one (`deploy/supervisord.conf`). */
  processFile?: string;
  dialect?: Dialect;
  maxConnections?: number;
  reservedConnections?: number;
  otherConnections?: number;
  headroom?: number;
  /** Cluster workers per process when an entry forks them. */
  webConcurrency?: number;
  /** A pgbouncer.ini the application connects through. */
  pgbouncer?: string;
  /** NODE_ENV whose config files to read. */
  environment?: string;
}

export interface StatedDeployment {
  settings: DeploymentSettings;
  /** `package.json "sequelizePool"` or `.sequelize-pool.json`, relative to the project root. */
  source: string;
  directory: string;
}

const SETTING_KEYS = new Set(['processes', 'processFile', 'dialect', 'maxConnections', 'reservedConnections', 'otherConnections', 'headroom', 'webConcurrency', 'pgbouncer', 'environment', '$schema']);

function wholeNumber(value: unknown, where: string, minimum: number, maximum = 1_000_000): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new ProcessFileError(`${where} must be a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks a stated block; one-line errors that name the key, never a value that could be a secret. */
export function validateSettings(raw: unknown, source: string): DeploymentSettings {
  if (!isRecord(raw)) throw new ProcessFileError(`${source} must be an object`);
  const unknown = Object.keys(raw).filter((key) => !SETTING_KEYS.has(key));
  if (unknown.length > 0) throw new ProcessFileError(`${source}: unknown key ${unknown.map((key) => JSON.stringify(key)).join(', ')} (known: ${[...SETTING_KEYS].filter((key) => key !== '$schema').join(', ')})`);
  const settings: DeploymentSettings = {};
  if (raw.processes !== undefined) {
    if (isRecord(raw.processes)) {
      settings.processes = Object.fromEntries(Object.entries(raw.processes).map(([name, count]) => [name, processNumber(count, `${source}.processes.${name}`, 0)]));
    } else settings.processes = processNumber(raw.processes, `${source}.processes`);
  }
  for (const key of ['processFile', 'pgbouncer', 'environment'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'string' || raw[key] === '') throw new ProcessFileError(`${source}.${key} must be a non-empty string`);
    settings[key] = raw[key];
  }
  if (raw.dialect !== undefined) {
    const dialect = knownDialect(raw.dialect);
    if (dialect === null) throw new ProcessFileError(`${source}.dialect must be one of postgres, mysql, mariadb, mssql, got ${JSON.stringify(raw.dialect)}`);
    settings.dialect = dialect;
  }
  if (raw.maxConnections !== undefined) settings.maxConnections = wholeNumber(raw.maxConnections, `${source}.maxConnections`, 1);
  for (const key of ['reservedConnections', 'otherConnections', 'headroom'] as const) {
    if (raw[key] !== undefined) settings[key] = wholeNumber(raw[key], `${source}.${key}`, 0);
  }
  if (raw.webConcurrency !== undefined) settings.webConcurrency = processNumber(raw.webConcurrency, `${source}.webConcurrency`);
  return settings;
}

/** The nearest directory at or above `from` with a package.json (the project root), or `from`. */
export function projectRootOf(from: string): string {
  for (let directory = from; ; directory = path.dirname(directory)) {
    if (existsSync(path.join(directory, 'package.json')) && path.basename(path.dirname(directory)) !== 'node_modules') return directory;
    if (path.dirname(directory) === directory) return from;
  }
}

/** The stated deployment of the project at `root`: `.sequelize-pool.json`, else package.json's `sequelizePool`. */
export function readStatedDeployment(root: string): StatedDeployment | null {
  const own = path.join(root, '.sequelize-pool.json');
  if (existsSync(own)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(own, 'utf8'));
    } catch (error) {
      throw new ProcessFileError(`.sequelize-pool.json: invalid JSON${positionOf(error)}`);
    }
    return { settings: validateSettings(parsed, '.sequelize-pool.json'), source: '.sequelize-pool.json', directory: root };
  }
  const manifest = path.join(root, 'package.json');
  if (!existsSync(manifest)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch (error) {
    throw new ProcessFileError(`package.json: invalid JSON${positionOf(error)}`);
  }
  if (!isRecord(parsed) || parsed.sequelizePool === undefined) return null;
  return { settings: validateSettings(parsed.sequelizePool, 'package.json "sequelizePool"'), source: 'package.json "sequelizePool"', directory: root };
}

/** ` at line 3 column 7` from a JSON.parse error, without the text around it (it may hold a password). */
export function positionOf(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const position = /line (\d+) column (\d+)/u.exec(message);
  if (position !== null) return ` at line ${position[1]} column ${position[2]}`;
  const offset = /position (\d+)/u.exec(message);
  return offset === null ? '' : ` at offset ${offset[1]}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Finding the deployment of a checkout
// ---------------------------------------------------------------------------------------------------------------

type Counter = (text: string, source: string, root: string) => ProcessCount;

/** Process manager files looked for in the project root, in this order. */
const PROCESS_FILES: readonly [name: string, count: Counter][] = [
  ['supervisord.conf', countSupervisorPrograms],
  ['ecosystem.config.js', countPm2Apps],
  ['ecosystem.config.cjs', countPm2Apps],
  ['ecosystem.config.mjs', countPm2Apps],
  ['Procfile', countProcfileTypes],
  ['docker-compose.yml', countComposeServices],
  ['docker-compose.yaml', countComposeServices],
  ['compose.yaml', countComposeServices],
  ['compose.yml', countComposeServices],
];

/** Folders whose YAML files may be Kubernetes manifests. */
const MANIFEST_DIRECTORIES = ['.', 'k8s', 'kube', 'kubernetes', 'deploy', 'deployment', 'manifests', 'infra', 'ops'];

/** The counter for a file named on the command line or in `processFile`. */
export function counterFor(file: string): Counter | 'kubernetes' {
  const name = path.basename(file);
  if (/supervisor/iu.test(name) || name.endsWith('.conf') || name.endsWith('.ini')) return countSupervisorPrograms;
  if (/ecosystem|pm2/iu.test(name) || /\.[cm]?js$/u.test(name)) return countPm2Apps;
  if (/compose/iu.test(name)) return countComposeServices;
  if (/\.ya?ml$/u.test(name)) return 'kubernetes';
  return countProcfileTypes;
}

const MAX_DEPLOYMENT_FILE = 1024 * 1024;

/** A deployment file's text: a one-line error for a missing, unreadable or oversized file. */
export function readDeploymentFile(file: string, root: string): string {
  const label = path.relative(root, file) || file;
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw new ProcessFileError(`${label}: not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof ProcessFileError) throw error;
    throw new ProcessFileError(`${label}: no such file`);
  }
  if (size > MAX_DEPLOYMENT_FILE) throw new ProcessFileError(`${label}: larger than 1 MB, not read`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ProcessFileError(`${label}: cannot read it`);
  }
}

/** Reads one named process file (`--supervisor x`, `processFile`). */
export function countProcessFile(file: string, root: string, counter: Counter | 'kubernetes' = counterFor(file)): ProcessCount {
  const text = readDeploymentFile(file, root);
  const source = path.relative(root, file) || file;
  if (counter === 'kubernetes') return countKubernetesWorkloads([{ text, source }], root);
  return counter(text, source, path.dirname(file));
}

/** YAML files under the usual manifest folders that declare a Deployment or StatefulSet. */
function kubernetesManifests(root: string): string[] {
  const found: string[] = [];
  for (const folder of MANIFEST_DIRECTORIES) {
    const directory = path.join(root, folder);
    let entries: string[];
    try {
      entries = readdirSync(directory);
    } catch {
      continue;
    }
    for (const name of entries.sort()) {
      if (!/\.ya?ml$/u.test(name) || /compose/u.test(name)) continue;
      const file = path.join(directory, name);
      try {
        if (statSync(file).size > MAX_DEPLOYMENT_FILE) continue;
        if (/^kind:\s*(?:Deployment|StatefulSet)\s*$/mu.test(readFileSync(file, 'utf8'))) found.push(file);
      } catch {
        // unreadable: not a manifest we can use
      }
    }
  }
  return found;
}

export interface Deployment {
  processes: ProcessCount | null;
  /** The stated block, when there is one. */
  stated: StatedDeployment | null;
  /** Other deployment files found but not used (the first source wins). */
  unused: string[];
  /** What was assumed: counts that depend on this machine, infrastructure services skipped, … */
  assumptions: string[];
}

/**
 * The deployment of the project at `root`: processes from an explicit count or file (`explicit`), else the stated
 * block, else the first process manager file found. Cluster workers multiply a program whose entry forks them.
 */
export function readDeployment(root: string, explicit: { processes?: number; file?: string; counter?: Counter | 'kubernetes' } = {}): Deployment {
  const stated = readStatedDeployment(root);
  const settings = stated?.settings ?? {};
  const assumptions: string[] = [];
  const unused: string[] = [];
  let processes: ProcessCount | null = null;
  if (explicit.processes !== undefined) {
    processes = { source: '--processes', groups: [{ name: 'processes', count: explicit.processes }], total: explicit.processes };
  } else if (explicit.file !== undefined) {
    processes = countProcessFile(explicit.file, root, explicit.counter);
  } else if (settings.processes !== undefined) {
    const groups: ProcessGroup[] =
      typeof settings.processes === 'number'
        ? [{ name: 'processes', count: settings.processes }]
        : Object.entries(settings.processes).map(([name, count]) => ({ name, count }));
    processes = { source: `${stated?.source ?? ''} processes`, groups, total: total(groups) };
  } else if (settings.processFile !== undefined) {
    processes = countProcessFile(path.resolve(root, settings.processFile), root);
  }
  const candidates = PROCESS_FILES.map(([name, counter]) => ({ file: path.join(root, name), counter })).filter(({ file }) => existsSync(file));
  const manifests = kubernetesManifests(root);
  if (processes === null) {
    const [first] = candidates;
    if (first !== undefined) {
      const text = readDeploymentFile(first.file, root);
      processes = first.counter(text, path.relative(root, first.file), root);
      const skipped = (processes as { skipped?: string[] }).skipped;
      if (skipped !== undefined && skipped.length > 0) assumptions.push(`${processes.source}: not counted as application processes: ${skipped.join(', ')}`);
      delete (processes as { skipped?: string[] }).skipped;
    } else if (manifests.length > 0) {
      processes = countKubernetesWorkloads(manifests.map((file) => ({ text: readDeploymentFile(file, root), source: path.relative(root, file) })), root);
    }
  }
  if (processes !== null) {
    for (const { file } of candidates) if (!processes.source.split(', ').includes(path.relative(root, file))) unused.push(path.relative(root, file));
    for (const file of manifests) if (!processes.source.split(', ').includes(path.relative(root, file))) unused.push(path.relative(root, file));
    const webConcurrency = settings.webConcurrency ?? webConcurrencyFromEnvironment();
    for (const group of processes.groups) {
      if (group.entry === undefined || !existsSync(group.entry) || !forksClusterWorkers(group.entry)) continue;
      const workers = clusterWorkers(webConcurrency);
      group.count *= workers.count;
      group.note = [group.note, `${path.relative(root, group.entry)} forks ${workers.note}`].filter(Boolean).join('; ');
    }
    processes.total = total(processes.groups);
    for (const group of processes.groups) if (group.note !== undefined && /this machine/u.test(group.note)) assumptions.push(`${group.name}: ${group.note}`);
  }
  if (unused.length > 0) assumptions.push(`also found ${unused.join(', ')}: not used (processes come from ${processes?.source ?? ''}; state \`processes\` or \`processFile\` in package.json "sequelizePool" to choose)`);
  return { processes, stated, unused, assumptions };
}

/** WEB_CONCURRENCY from this environment, when it is a valid count. */
function webConcurrencyFromEnvironment(): number | undefined {
  const raw = process.env.WEB_CONCURRENCY;
  if (raw === undefined || raw === '') return undefined;
  return processNumber(raw, 'WEB_CONCURRENCY');
}

// ---------------------------------------------------------------------------------------------------------------
// For the lint rule: the deployment of the project a linted file belongs to
// ---------------------------------------------------------------------------------------------------------------

/** Per project root: its deployment, the stamp it was read under, and the epoch (see projectEpoch) it was last checked in. */
const deploymentCache = new Map<string, { stamp: string; epoch: number; deployment: Deployment | null; error: string | null }>();

/** Per folder of a linted file, for one epoch: its project root (a walk up the folders, an existsSync each). */
const rootsByFolder = new Map<string, { epoch: number; root: string }>();

/** package.json's and the process files' modification times: the cache key of a project's deployment. */
function stampOf(root: string): string {
  return ['package.json', '.sequelize-pool.json', ...PROCESS_FILES.map(([name]) => name)]
    .map((name) => {
      try {
        // No exception for a missing file (most of these are): a thrown ENOENT costs more than the stat.
        return String(statSync(path.join(root, name), { throwIfNoEntry: false })?.mtimeMs ?? '-');
      } catch {
        return '-';
      }
    })
    .join(',');
}

/**
 * The deployment of the project that contains `file`, or an error line when its files cannot be read. The rule's
 * `"auto"` options read it. Within one epoch (a lint run; see projectEpoch) the root and the deployment are looked up
 * once per folder and project; in a new epoch the deployment is read again only when its package.json or process
 * files changed.
 */
export function deploymentOf(file: string): { root: string; deployment: Deployment | null; error: string | null } {
  const current = projectEpoch();
  const folder = path.dirname(file);
  let known = rootsByFolder.get(folder);
  if (known?.epoch !== current) {
    known = { epoch: current, root: projectRootOf(folder) };
    rootsByFolder.set(folder, known);
  }
  const { root } = known;
  const cached = deploymentCache.get(root);
  if (cached?.epoch === current) return { root, deployment: cached.deployment, error: cached.error };
  const stamp = stampOf(root);
  if (cached !== undefined && cached.stamp === stamp) {
    cached.epoch = current;
    return { root, deployment: cached.deployment, error: cached.error };
  }
  let deployment: Deployment | null = null;
  let error: string | null = null;
  try {
    deployment = readDeployment(root);
  } catch (caught) {
    if (!(caught instanceof ProcessFileError)) throw caught;
    error = caught.message;
  }
  deploymentCache.set(root, { stamp, epoch: current, deployment, error });
  return { root, deployment, error };
}

/**
 * Processes that run the construction at `file:line` (any construction in `file` when `line` is not given, as the
 * codemod sizes a whole setup module): the programs whose script loads it (through the import graph), for the lint
 * rule, which reports only what it can prove. When no program names an existing script (a stated total,
 * `--processes`), every process counts; when scripts are known but none loads the file, 1 (whoever runs it).
 */
export function processesLoading(processes: ProcessCount, file: string, line?: number): { count: number; programs: string[] } {
  const known = processes.groups.filter((group) => group.entry !== undefined && existsSync(group.entry));
  if (known.length === 0) return { count: processes.total, programs: processes.groups.map((group) => group.name) };
  const loading = known.filter((group) => constructionsLoadedBy(group.entry as string).some((construction) => construction.file === file && (line === undefined || construction.line === line)));
  const count = loading.reduce((sum, group) => sum + group.count, 0);
  return { count: Math.max(1, count), programs: loading.map((group) => group.name) };
}
