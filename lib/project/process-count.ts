/**
 * How many OS processes a deployment runs, each with its own Sequelize pool: read from the process manager's
 * own file (supervisord.conf, a pm2 ecosystem file, a Procfile) rather than guessed.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { availableParallelism } from 'node:os';
import path from 'node:path';

import type { ResolvedValue } from '../file-analysis/resolve-value';

import { readProperty, resolveValue } from '../file-analysis/resolve-value';
import { analyseSource } from '../file-analysis/source-analysis';

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

export class ProcessFileError extends Error {}

function total(groups: readonly ProcessGroup[]): number {
  return groups.reduce((sum, group) => sum + group.count, 0);
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
    if (key === 'numprocs') {
      if (!/^\d+$/u.test(value) || Number(value) < 1) {
        throw new ProcessFileError(`${source}:${index + 1}: numprocs must be a positive integer, got ${JSON.stringify(value)}`);
      }
      current.count = Number(value);
    }
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
  const analysed = analyseSource(text, source.endsWith('.cjs') || source.endsWith('.mjs') ? source : `${source}.cjs`);
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
    const base = cwd.kind === 'string' && cwd.value !== null ? path.resolve(root, cwd.value) : root;
    const entryOf = (group: ProcessGroup): ProcessGroup =>
      script.kind === 'string' && script.value !== null && /\.[cm]?[jt]sx?$/u.test(script.value)
        ? { ...group, entry: path.resolve(base, script.value) }
        : group;
    const counted = countInstances(label, instances, cores, source);
    return entryOf(counted);
  });
  return { source, groups, total: total(groups) };
}

/** pm2's `instances`: a number, `'max'`/`0` (one per core) or negative (cores minus that many). */
function countInstances(label: string, instances: ResolvedValue, cores: number, source: string): ProcessGroup {
  if (instances.kind === 'undefined') return { name: label, count: 1 };
  if (instances.kind === 'string' && instances.value === 'max') {
    return { name: label, count: cores, note: `instances: 'max' = ${cores} cores on this machine` };
  }
  if (instances.kind === 'number') {
    if (instances.value === 0) return { name: label, count: cores, note: `instances: 0 = ${cores} cores on this machine` };
    if (instances.value < 0) {
      const count = Math.max(1, cores + instances.value);
      return { name: label, count, note: `instances: ${instances.value} = ${count} on this machine` };
    }
    return { name: label, count: instances.value };
  }
  throw new ProcessFileError(`${source}: cannot read \`instances\` of ${label}`);
}
