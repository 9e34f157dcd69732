import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

import { createTwoFilesPatch } from 'diff';

import type { CliConfigPlan } from '../codemods/cli-config';
import type { MigrationResult, PoolConfigOptions } from '../codemods/pool-config';
import type { PlannedWrite } from '../lib/edits/file-plan';
import type { SourceFile } from '../lib/edits/source-file';
import type { LifecycleKey } from '../lib/sequelize-facts';
import type { CliIO } from './io';

import type { CodemodDeployment } from '../codemods/pool-config';

import { BudgetError, deploymentOptions, formatAnnouncement, migratePoolConfig, planBudget, readCodemodDeployment } from '../codemods/pool-config';
import { ProcessFileError } from '../lib/project/deployment';
import { projectSourceFiles } from '../lib/project/project-files';
import { SourceParseError } from '../lib/file-analysis/source-analysis';
import { applyPlannedWrites, writeRefusal } from '../lib/edits/file-plan';
import { JsonEditError, jsonNodeAt, parseStrictJson, setJsonValues } from '../lib/edits/json-edits';
import { isInside, uncommittedChanges, workTreeOf } from '../lib/edits/repository';
import { encodeText, readSourceFile } from '../lib/edits/source-file';
import { addDbOptions, ConfigFileError, findNodeConfigDefault } from './config-files';
import { integerOption, parseCommandLine, UsageError } from './io';

export const CODEMOD_HELP = `Usage: eslint-plugin-sequelize-pool codemod [paths...] [options]

Makes a Sequelize setup module's pool explicit and right-sized, with logging and benchmark switches
from config or the environment. The app keeps what it had except the changes listed per file (old →
new, and why); what cannot be proven is a warning (exit 1). See docs/codemod.md.

Paths default to server/db/sequelize.js when it exists, else every file under the current directory
that contains "new Sequelize" (node_modules skipped). When a module's options are an environment of a
sequelize-cli config.json, that file's pools are sized per environment in the same run.

Options:
  --processes <n>                   Processes that each open the pool (default: read from package.json
                                    "sequelizePool", supervisord.conf, pm2, Procfile, docker-compose or
                                    Kubernetes manifests, as doctor does; else 1, said so)
  --max-connections <n>             PostgreSQL max_connections (default: "sequelizePool", else 100)
  --reserved <n>                    superuser_reserved_connections + reserved_connections (default 3)
  --max <n>                         Use this pool max instead of computing one
  --idle-in-transaction-timeout <ms>
                                    Add PostgreSQL's idle_in_transaction_session_timeout to dialectOptions
                                    (not behind PgBouncer, which refuses or drops it: a warning says so)
  --config <file>                   node-config JSON file to add the module's pool to as db.options.pool
                                    (repeatable; default: the config/default.json next to the module)
  --dry                             Write nothing; print a unified diff per file
  --print                           Print each rewritten file
  --force                           Run even when the git working tree has uncommitted changes
  -h, --help                        Show this help

A run writes all of its files or none (see "Safety" in docs/codemod.md).

Exit codes: 0 success, 1 a file could not be migrated or written (then nothing was written) or a
pool could not be proven to fit, 2 bad arguments (including a budget no pool fits), a dirty git
tree, or a path outside the repository.`;

interface CodemodArgs {
  paths: string[];
  options: PoolConfigOptions;
  configFiles: string[];
  dry: boolean;
  print: boolean;
  force: boolean;
}

export function parseCodemodArgs(argv: readonly string[]): CodemodArgs | 'help' {
  const parsed = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    options: {
      processes: { type: 'string' },
      'max-connections': { type: 'string' },
      reserved: { type: 'string' },
      max: { type: 'string' },
      'idle-in-transaction-timeout': { type: 'string' },
      config: { type: 'string', multiple: true },
      dry: { type: 'boolean' },
      print: { type: 'boolean' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const options: PoolConfigOptions = {
    processes: integerOption('processes', values.processes, 1),
    maxConnections: integerOption('max-connections', values['max-connections'], 1),
    reserved: integerOption('reserved', values.reserved, 0),
    max: integerOption('max', values.max, 1),
    idleInTransactionTimeout: integerOption('idle-in-transaction-timeout', values['idle-in-transaction-timeout'], 1),
  };
  return {
    paths: positionals,
    options,
    configFiles: values.config ?? [],
    dry: values.dry === true,
    print: values.print === true,
    force: values.force === true,
  };
}

/** Files under `directory` whose text may construct Sequelize (a cheap check: the analysis decides what really is). */
function findSequelizeFiles(directory: string): string[] {
  return projectSourceFiles(directory).filter((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      return true; // reported in one line when it is read for real
    }
    return text.includes('Sequelize') && /\bnew\b/u.test(text);
  });
}

function resolveTargets(cwd: string, paths: string[]): string[] {
  if (paths.length === 0) {
    const conventional = path.join(cwd, 'server', 'db', 'sequelize.js');
    return existsSync(conventional) ? [conventional] : findSequelizeFiles(cwd);
  }
  return paths.flatMap((entry) => {
    const absolute = path.resolve(cwd, entry);
    if (!existsSync(absolute)) throw new UsageError(`no such file or directory: ${entry}`);
    return statSync(absolute).isDirectory() ? findSequelizeFiles(absolute) : [absolute];
  });
}

/**
 * The directory every target must be inside: the top of the current directory's git work tree, or the current
 * directory itself outside git. Symlinks resolved, so a link cannot lead a write out of it.
 */
function projectRoot(cwd: string): string {
  return workTreeOf(cwd) ?? realpathSync(cwd);
}

/**
 * Refuses (one line, exit 2) a target outside the project, directly or through a symbolic link, and, unless
 * `--force`, a target whose own git work tree (not necessarily the current directory's) has uncommitted changes.
 */
class TargetGuard {
  private readonly root: string;
  private readonly dirtyTrees = new Map<string, string[]>();
  private readonly checked = new Set<string>();

  constructor(
    private readonly cwd: string,
    private readonly checkClean: boolean,
  ) {
    this.root = projectRoot(cwd);
  }

  check(file: string): void {
    const shown = path.relative(this.cwd, file) || file;
    const absolute = path.resolve(this.cwd, file);
    if (this.checked.has(absolute)) return;
    this.checked.add(absolute);
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch {
      real = absolute;
    }
    const where = this.root === realpathSync(this.cwd) ? 'the current directory' : `the repository ${this.root}`;
    if (!isInside(path.resolve(realDirectory(absolute), path.basename(absolute)), this.root)) {
      throw new UsageError(`${shown} is outside ${where}; run the codemod from the repository that holds it`);
    }
    if (!isInside(real, this.root)) {
      throw new UsageError(`${shown} is a symbolic link to ${real}, outside ${where}; the codemod does not write outside it`);
    }
    if (!this.checkClean) return;
    const top = workTreeOf(path.dirname(real));
    if (top === null) return;
    let dirty = this.dirtyTrees.get(top);
    if (dirty === undefined) {
      dirty = uncommittedChanges(top);
      this.dirtyTrees.set(top, dirty);
    }
    if (dirty.length > 0) {
      const tree = top === this.root ? 'the git working tree' : `the git working tree at ${path.relative(this.cwd, top) || top}`;
      throw new UsageError(
        `${tree} has ${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'}; commit or stash first, or pass --force (or --dry to preview)`,
      );
    }
  }
}

/** The directory of `file` with its symlinks resolved (as given when it does not exist). */
function realDirectory(file: string): string {
  try {
    return realpathSync(path.dirname(file));
  } catch {
    return path.dirname(file);
  }
}

/** An unexpected error's message, first line only: an internal error is reported in one line, without a stack. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown';
}

/** A file whose new text is planned, printed once the run's outcome is known. */
interface PlannedChange {
  shown: string;
  note: string;
  before: string;
  after: string;
  /** Config files may hold secrets (`db.password`): their diff shows only the lines the codemod wrote. */
  config: boolean;
  print: boolean;
}

/**
 * The unified diff of a config file without its content: no context lines, and a line the file already had
 * (`"password": "…"` gaining a comma before a new key) shows its key but not its value.
 */
function configPatch(shown: string, before: string, after: string): string {
  const existing = new Set(before.split('\n').map((line) => line.trimEnd().replace(/,$/u, '')));
  const patch = createTwoFilesPatch(`a/${shown}`, `b/${shown}`, before, after, undefined, undefined, { context: 0 });
  return patch
    .split('\n')
    .map((line) => {
      if (!/^[-+](?![-+]{2} )/u.test(line) || !existing.has(line.slice(1).trimEnd().replace(/,$/u, ''))) return line;
      if (/^[-+]\s*[{}[\],]*$/u.test(line)) return line; // brackets and commas say nothing
      const keyed = /^([-+]\s*"(?:[^"\\]|\\.)*"\s*:\s*)(.*?)(,?)\s*$/u.exec(line);
      return keyed === null ? `${line[0] ?? ''}…` : `${keyed[1] ?? ''}${keyed[2] === '{' || keyed[2] === '[' ? keyed[2] : '…'}${keyed[3] ?? ''}`;
    })
    .join('\n');
}

export function runCodemod(argv: readonly string[], io: CliIO, cwd = process.cwd()): number {
  const args = parseCodemodArgs(argv);
  if (args === 'help') {
    io.stdout(CODEMOD_HELP);
    return 0;
  }
  const targets = resolveTargets(cwd, args.paths);
  const guard = new TargetGuard(cwd, !args.dry && !args.force);
  for (const target of targets) guard.check(target);
  if (targets.length === 0) {
    io.stdout('No files with `new Sequelize` found.');
    return 0;
  }
  // The deployment model doctor and the max-connections-budget rule read: processes, stated limits, PgBouncer.
  let deployment: CodemodDeployment;
  try {
    deployment = readCodemodDeployment(cwd, args.options.processes);
  } catch (error) {
    if (error instanceof ProcessFileError) throw new UsageError(`cannot read the deployment: ${error.message}; fix it, or pass --processes`);
    throw error;
  }
  /** Where each file's process count came from, printed once per distinct line in the summary. */
  const processLines = new Set<string>();
  const cautions = new Set<string>();

  const relative = (file: string): string => path.relative(cwd, file) || file;
  const counts = { changed: 0, unchanged: 0, skipped: 0, errors: 0 };
  const skippedReasons: string[] = [];
  const warnings: string[] = [];
  const configTargets = new Map<string, Record<LifecycleKey, number>>();
  /** sequelize-cli JSON files to edit, by path: every plan of the run that names one (several modules may read it). */
  const cliTargets = new Map<string, CliConfigPlan[]>();
  /** Per file, what changes and why (announcements, warnings, notes), printed under the file's line. */
  const details = new Map<string, string[]>();
  const writes: PlannedWrite[] = [];
  const changes: PlannedChange[] = [];
  let lastBudget: string[] | null = null;
  /** The last file's options, deployment included: the budget a run that changed nothing prints. */
  let lastOptions: PoolConfigOptions = args.options;

  /** Reads a file to edit; a file it cannot edit is a skip (encoding, size) or an error (missing, unreadable). */
  const readTarget = (file: string): SourceFile | null => {
    const read = readSourceFile(file);
    if (read.ok) return read.file;
    if (read.skip) {
      counts.skipped += 1;
      skippedReasons.push(`${relative(file)}: ${read.reason}; left untouched`);
      io.stdout(`skipped ${relative(file)}`);
    } else {
      counts.errors += 1;
      io.stderr(`error   ${relative(file)}: cannot read (${read.reason})`);
    }
    return null;
  };

  for (const file of targets) {
    const sourceFile = readTarget(file);
    if (sourceFile === null) continue;
    const source = sourceFile.text;
    let result: MigrationResult;
    const planned = deploymentOptions(deployment, file, args.options);
    processLines.add(planned.processes);
    lastOptions = planned.options;
    try {
      result = migratePoolConfig(source, file, { ...planned.options, cliConfig: { root: cwd } });
    } catch (error) {
      if (error instanceof BudgetError) throw new UsageError(error.message);
      counts.errors += 1;
      io.stderr(
        error instanceof SourceParseError
          ? `error   ${relative(file)}: cannot parse (${error.message.slice(error.file.length + 1)}); left unchanged`
          : `error   ${relative(file)}: internal error (${firstLine(error)}); left unchanged, please report it`,
      );
      continue;
    }
    if (result.budget !== null && !result.configCovered) lastBudget = result.budget.lines;
    for (const reason of result.skipped) skippedReasons.push(`${relative(file)}: ${reason}`);
    for (const warning of result.warnings) warnings.push(warning.file === file ? `${relative(file)}: ${warning.message}` : warning.message);
    // A config file's announcements, warnings and notes are printed under that file.
    const own = (entry: { file: string }): boolean => entry.file === file;
    const cliNotes = new Set(result.cliConfigs.flatMap((plan) => plan.notes));
    for (const caution of result.cautions) cautions.add(caution);
    details.set(relative(file), [
      `  processes: ${planned.processes}`,
      ...result.announcements.map((announcement) => `  ${formatAnnouncement(announcement)}`),
      ...result.warnings.filter(own).map((warning) => `  warning: ${warning.message}`),
      ...result.notes.filter((note) => !cliNotes.has(note)).map((note) => `  note: ${note}`),
    ]);
    for (const plan of result.cliConfigs) cliTargets.set(plan.file, [...(cliTargets.get(plan.file) ?? []), plan]);
    if (!result.changed) {
      if (result.skipped.length > 0) {
        counts.skipped += 1;
        io.stdout(`skipped ${relative(file)}`);
      } else {
        counts.unchanged += 1;
        io.stdout(`unchanged ${relative(file)}`);
      }
      continue;
    }
    counts.changed += 1;
    writes.push({ file: sourceFile, bytes: encodeText(sourceFile, result.output) });
    changes.push({ shown: relative(file), note: '', before: source, after: result.output, config: false, print: args.print });
    if (result.configPool !== null) {
      const explicit = args.configFiles.map((entry) => path.resolve(cwd, entry));
      const found = explicit.length > 0 ? explicit : [findNodeConfigDefault(file, cwd)].filter((entry) => entry !== null);
      for (const configFile of found) configTargets.set(configFile, result.configPool);
    }
  }

  // node-config: the module's pool values also go to config/default.json as db.options.pool (same values).
  for (const [configFile, pool] of configTargets) {
    guard.check(configFile);
    const sourceFile = readTarget(configFile);
    if (sourceFile === null) continue;
    const text = sourceFile.text;
    let updated: string;
    try {
      updated = addDbOptions(text, pool);
    } catch (error) {
      counts.errors += 1;
      io.stderr(
        error instanceof ConfigFileError
          ? `error   ${relative(configFile)}: ${error.message}; left unchanged`
          : `error   ${relative(configFile)}: internal error (${firstLine(error)}); left unchanged, please report it`,
      );
      continue;
    }
    if (updated === text) {
      io.stdout(`unchanged ${relative(configFile)} (db.options.pool already set)`);
      continue;
    }
    writes.push({ file: sourceFile, bytes: encodeText(sourceFile, updated) });
    changes.push({ shown: relative(configFile), note: ' (db.options.pool, the same values as the module)', before: text, after: updated, config: true, print: false });
  }

  // sequelize-cli: each JSON config a module's options come from gets its environments' pools (planned with it).
  for (const [configFile, plans] of cliTargets) {
    guard.check(configFile);
    const shown = relative(configFile);
    const fail = (reason: string): void => {
      counts.errors += 1;
      io.stderr(`error   ${shown}: ${reason}; left unchanged`);
    };
    const planned = mergeCliPlans(plans);
    if (typeof planned === 'string') {
      fail(planned);
      continue;
    }
    details.set(shown, [
      ...planned.announcements.map((announcement) => `  ${formatAnnouncement(announcement)}`),
      ...planned.warnings.map((warning) => `  warning: ${warning}`),
      ...planned.notes.map((note) => `  note: ${note}`),
    ]);
    if (planned.changes.length === 0) {
      io.stdout(`unchanged ${shown} (every environment's pool already explicit and within the budget, or left alone)`);
      for (const line of details.get(shown) ?? []) io.stdout(line);
      continue;
    }
    const sourceFile = readTarget(configFile);
    if (sourceFile === null) continue;
    let updated: string;
    try {
      // The plan was made from the file as the project model read it; the bytes read now must still say the same.
      const tree = parseStrictJson(sourceFile.text);
      const stale = planned.changes.find((change) => (jsonNodeAt(tree, change.path)?.value ?? null) !== change.old);
      if (stale !== undefined) {
        fail(`${stale.path.join('.')} changed while the codemod ran`);
        continue;
      }
      updated = setJsonValues(sourceFile.text, planned.changes);
    } catch (error) {
      fail(error instanceof JsonEditError ? error.message : `internal error (${firstLine(error)}), please report it`);
      continue;
    }
    writes.push({ file: sourceFile, bytes: encodeText(sourceFile, updated) });
    changes.push({ shown, note: ' (pool per environment)', before: sourceFile.text, after: updated, config: true, print: false });
  }

  // All or nothing: a run with an error writes no file, and a write that fails puts back the ones written.
  let written = false;
  if (args.dry) {
    // The preview tells what the real run would refuse, with the same exit code.
    for (const { file } of writes) {
      const refusal = writeRefusal(file);
      if (refusal === null) continue;
      counts.errors += 1;
      io.stderr(`error   ${relative(file.path)}: a run would not write it (${refusal})`);
    }
  } else if (writes.length > 0) {
    if (counts.errors > 0) {
      io.stderr(
        `error   nothing written: ${counts.errors} error${counts.errors === 1 ? '' : 's'} above, and a run writes all of its ${writes.length} planned file${writes.length === 1 ? '' : 's'} or none`,
      );
    } else {
      const outcome = applyPlannedWrites(writes);
      if (!outcome.ok) {
        counts.errors += 1;
        io.stderr(
          outcome.rolledBack
            ? `error   ${relative(outcome.file)}: cannot write (${outcome.reason}); nothing was written`
            : `error   ${relative(outcome.file)}: cannot write (${outcome.reason}), and putting back the files already written failed: check them with git status`,
        );
      } else written = true;
    }
  }
  const verb = args.dry ? 'would change' : written ? 'changed' : 'not changed';
  for (const change of changes) {
    io.stdout(`${verb} ${change.shown}${change.note}`);
    for (const line of details.get(change.shown) ?? []) io.stdout(line);
    if (args.dry) {
      io.stdout(
        change.config
          ? configPatch(change.shown, change.before, change.after)
          : createTwoFilesPatch(`a/${change.shown}`, `b/${change.shown}`, change.before, change.after),
      );
    }
    if (change.print) io.stdout(change.after);
  }

  io.stdout('');
  io.stdout(
    `${written || args.dry ? counts.changed : 0} ${args.dry ? 'would change' : 'changed'} / ${counts.unchanged} unchanged / ${counts.skipped} skipped / ${counts.errors} errors / ${warnings.length} warnings`,
  );
  for (const reason of skippedReasons) io.stdout(`  skipped: ${reason}`);
  for (const line of processLines) io.stdout(`processes: ${line}`);
  for (const assumption of deployment.assumptions) io.stdout(`  assumption: ${assumption}`);
  for (const caution of cautions) io.stderr(`eslint-plugin-sequelize-pool: warning: ${caution}`);
  for (const warning of warnings) io.stdout(`  warning: ${warning}`);
  if (warnings.length > 0) {
    // A budget line the app may not get is worse than none.
    io.stdout(`budget: not promised: ${warnings.length} pool${warnings.length === 1 ? '' : 's'} above could not be proven to fit`);
  } else {
    // Config environments are sized for their own database: each budget they were sized with is printed, named
    // by file and environment where it is not the run's only one.
    const groups = new Map<string, { lines: string[]; where: Map<string, Set<string>> }>();
    for (const [configFile, plans] of cliTargets) {
      for (const { environment, budget } of plans.flatMap((plan) => plan.budgets)) {
        const key = budget.lines.join('\n');
        const group = groups.get(key) ?? { lines: budget.lines, where: new Map<string, Set<string>>() };
        group.where.set(relative(configFile), (group.where.get(relative(configFile)) ?? new Set<string>()).add(environment));
        groups.set(key, group);
      }
    }
    const lines = lastBudget ?? (groups.size === 0 ? planBudget(lastOptions, false).lines : null);
    if (lines !== null) {
      for (const line of lines) io.stdout(`budget: ${line}`);
      groups.delete(lines.join('\n'));
    }
    if (lines === null && groups.size === 1) {
      for (const line of [...groups.values()][0]?.lines ?? []) io.stdout(`budget: ${line}`);
    } else {
      for (const { lines: [line], where } of groups.values()) {
        const named = [...where].map(([shown, environments]) => `${shown} ${[...environments].join(', ')}`).join('; ');
        io.stdout(`budget: ${named}: ${line ?? ''}`);
      }
    }
  }
  return counts.errors > 0 || warnings.length > 0 ? 1 : 0;
}

/**
 * The plans of one sequelize-cli file from every module of the run that reads it, as one: the same change planned
 * twice is made once; two modules asking for different values is an error (nothing is written).
 */
function mergeCliPlans(plans: readonly CliConfigPlan[]): Pick<CliConfigPlan, 'announcements' | 'changes' | 'notes'> & { warnings: string[] } | string {
  const changes = new Map<string, CliConfigPlan['changes'][number]>();
  const merged = { changes: [] as CliConfigPlan['changes'], announcements: [] as CliConfigPlan['announcements'], warnings: new Set<string>(), notes: new Set<string>() };
  for (const plan of plans) {
    for (const [index, change] of plan.changes.entries()) {
      const key = change.path.join('\0');
      const earlier = changes.get(key);
      if (earlier !== undefined) {
        if (earlier.value !== change.value) return `two modules size ${change.path.join('.')} differently (${earlier.value} and ${change.value}); run the codemod on one of them at a time`;
        continue;
      }
      changes.set(key, change);
      merged.changes.push(change);
      const announcement = plan.announcements[index];
      if (announcement !== undefined) merged.announcements.push(announcement);
    }
    for (const warning of plan.warnings) merged.warnings.add(warning.message);
    for (const note of plan.notes) merged.notes.add(note);
  }
  return { changes: merged.changes, announcements: merged.announcements, warnings: [...merged.warnings], notes: [...merged.notes] };
}
