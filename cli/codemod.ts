import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { createTwoFilesPatch } from 'diff';

import type { MigrationResult, PoolConfigOptions } from '../codemods/pool-config';
import type { CliIO } from './io';

import { migratePoolConfig, planBudget } from '../codemods/pool-config';
import { projectSourceFiles } from '../lib/project/project-files';
import { SourceParseError } from '../lib/file-analysis/source-analysis';
import { addDbOptions, ConfigFileError, findNodeConfigDefault } from './config-files';
import { integerOption, parseCommandLine, UsageError } from './io';

export const CODEMOD_HELP = `Usage: eslint-plugin-sequelize-pool codemod [paths...] [options]

Rewrites a Sequelize setup module to a right-sized, config-driven pool with logging and benchmark
toggles, and adds the matching db.options block to its node-config files. See docs/codemod.md.

Paths default to server/db/sequelize.js when it exists, else every file under the current directory
that contains "new Sequelize" (node_modules skipped).

Options:
  --processes <n>                   Processes that each open the pool (Supervisor programs, workers)
  --max-connections <n>             PostgreSQL max_connections (default 100)
  --reserved <n>                    superuser_reserved_connections + reserved_connections (default 3)
  --max <n>                         Use this pool max instead of computing one
  --idle-in-transaction-timeout <ms>
                                    Add PostgreSQL's idle_in_transaction_session_timeout to dialectOptions
  --config <file>                   node-config JSON file to add db.options to (repeatable;
                                    default: the config/default.json next to the module)
  --dry                             Write nothing; print a unified diff per file
  --print                           Print each rewritten file
  --force                           Run even when the git working tree has uncommitted changes
  -h, --help                        Show this help

Exit codes: 0 success, 1 a file could not be migrated, 2 bad arguments or a dirty git tree.`;

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
    const text = readFileSync(file, 'utf8');
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

/** Uncommitted changes in the git work tree containing `cwd`, or null outside a git repository. */
function dirtyFiles(cwd: string): string[] | null {
  try {
    const output = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return output.split('\n').filter((line) => line.trim() !== '');
  } catch {
    return null;
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.sequelize-pool-${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    if (existsSync(temporary)) unlinkSync(temporary);
    throw error;
  }
}

export function runCodemod(argv: readonly string[], io: CliIO, cwd = process.cwd()): number {
  const args = parseCodemodArgs(argv);
  if (args === 'help') {
    io.stdout(CODEMOD_HELP);
    return 0;
  }
  const targets = resolveTargets(cwd, args.paths);
  if (!args.dry && !args.force) {
    const dirty = dirtyFiles(cwd);
    if (dirty !== null && dirty.length > 0) {
      throw new UsageError(
        `the git working tree has ${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'}; commit or stash first, or pass --force (or --dry to preview)`,
      );
    }
  }
  if (targets.length === 0) {
    io.stdout('No files with `new Sequelize` found.');
    return 0;
  }

  const relative = (file: string): string => path.relative(cwd, file) || file;
  const counts = { changed: 0, unchanged: 0, skipped: 0, errors: 0 };
  const skippedReasons: string[] = [];
  const configTargets = new Map<string, MigrationResult>();
  let lastBudget: string[] | null = null;

  for (const file of targets) {
    const source = readFileSync(file, 'utf8');
    let result: MigrationResult;
    try {
      result = migratePoolConfig(source, file, args.options);
    } catch (error) {
      if (!(error instanceof SourceParseError)) throw error;
      counts.errors += 1;
      io.stderr(`error   ${relative(file)}: cannot parse (${error.message.slice(error.file.length + 1)}); left unchanged`);
      continue;
    }
    if (result.budget !== null) lastBudget = result.budget.lines;
    for (const reason of result.skipped) skippedReasons.push(`${relative(file)}: ${reason}`);
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
    io.stdout(`${args.dry ? 'would change' : 'changed'} ${relative(file)}`);
    if (args.dry) io.stdout(createTwoFilesPatch(`a/${relative(file)}`, `b/${relative(file)}`, source, result.output));
    if (args.print) io.stdout(result.output);
    if (!args.dry) writeAtomically(file, result.output);
    if (result.settings === 'node-config' && result.pool !== null) {
      const explicit = args.configFiles.map((entry) => path.resolve(cwd, entry));
      const found = explicit.length > 0 ? explicit : [findNodeConfigDefault(file, cwd)].filter((entry) => entry !== null);
      for (const configFile of found) configTargets.set(configFile, result);
    }
  }

  for (const [configFile, result] of configTargets) {
    if (result.pool === null) continue;
    if (!existsSync(configFile)) {
      counts.errors += 1;
      io.stderr(`error   ${relative(configFile)}: no such config file`);
      continue;
    }
    if (!configFile.endsWith('.json')) {
      skippedReasons.push(`${relative(configFile)}: only JSON config files are edited; add db.options by hand`);
      continue;
    }
    const text = readFileSync(configFile, 'utf8');
    let updated: string;
    try {
      updated = addDbOptions(text, result.pool);
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      counts.errors += 1;
      io.stderr(`error   ${relative(configFile)}: ${error.message}; left unchanged`);
      continue;
    }
    if (updated === text) {
      io.stdout(`unchanged ${relative(configFile)} (db.options already set)`);
      continue;
    }
    io.stdout(`${args.dry ? 'would change' : 'changed'} ${relative(configFile)} (db.options)`);
    if (args.dry) io.stdout(createTwoFilesPatch(`a/${relative(configFile)}`, `b/${relative(configFile)}`, text, updated));
    else writeAtomically(configFile, updated);
  }

  const budgetLines = lastBudget ?? planBudget(args.options, false).lines;
  io.stdout('');
  io.stdout(
    `${counts.changed} ${args.dry ? 'would change' : 'changed'} / ${counts.unchanged} unchanged / ${counts.skipped} skipped / ${counts.errors} errors`,
  );
  for (const reason of skippedReasons) io.stdout(`  skipped: ${reason}`);
  for (const line of budgetLines) io.stdout(`budget: ${line}`);
  return counts.errors > 0 ? 1 : 0;
}
