/**
 * ESLint's multithreaded mode (`concurrency`, ESLint 9.34+) on test/fixtures/multi-file-project: the same results as
 * a single-threaded run, single-instance's cross-file reports included. Each worker thread loads the fixture's
 * eslint.config.js, and with it the built plugin by name, and keeps its own project-module cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

import { ESLint } from 'eslint';
import { ESLint as ESLintV9 } from 'eslint-v9';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PROJECT = path.join(__dirname, '..', 'fixtures', 'multi-file-project');
/** The fixture's config appends the id of each thread that loads it to this file. */
const CONFIG_LOG_VARIABLE = 'SEQUELIZE_POOL_CONFIG_LOG';

const SINGLE = 'sequelize-pool/single-instance';
const LIFECYCLE = 'sequelize-pool/require-lifecycle-options';
const BUDGET = 'sequelize-pool/max-connections-budget';
const UNRELEASED = 'sequelize-pool/no-unreleased-transaction';
const OPTION = 'sequelize-pool/require-transaction-option';

type Results = ESLint.LintResult[];

interface Found {
  file: string;
  line: number;
  column: number;
  ruleId: string | null;
}

/** Every file of the fixture (README.md aside) and what the single-threaded run reports in it. */
const EXPECTED: Found[] = [
  { file: 'scripts/migrate.js', line: 4, column: 19, ruleId: LIFECYCLE },
  { file: 'server/esm.mjs', line: 5, column: 26, ruleId: SINGLE },
  { file: 'server/esm.mjs', line: 5, column: 69, ruleId: LIFECYCLE },
  { file: 'server/esm.mjs', line: 5, column: 77, ruleId: BUDGET },
  { file: 'server/jobs/forward.js', line: 4, column: 19, ruleId: UNRELEASED },
  { file: 'server/reports/index.js', line: 5, column: 19, ruleId: SINGLE },
  { file: 'src/jobs/worker.ts', line: 5, column: 21, ruleId: LIFECYCLE },
  { file: 'src/jobs/worker.ts', line: 5, column: 21, ruleId: SINGLE },
  { file: 'server/jobs/transfer.js', line: 6, column: 11, ruleId: OPTION },
];

const FILES = [
  'eslint.config.js',
  'scripts/migrate.js',
  'server/db/sequelize.js',
  'server/esm.mjs',
  'server/jobs/cleanup.js',
  'server/jobs/forward.js',
  'server/jobs/transfer.js',
  'server/main.js',
  'server/models/index.js',
  'server/reports/index.js',
  'src/jobs/handler.ts',
  'src/jobs/worker.ts',
  'src/server/db.ts',
];

const SINGLE_MESSAGES = {
  'server/esm.mjs':
    'This module creates a Sequelize instance and also loads ./db/sequelize.js, which creates another at line 3: one process, two pools. Import the shared instance from ./db/sequelize.js instead.',
  'server/reports/index.js':
    'This module creates a Sequelize instance and also loads ../db/sequelize.js, which creates another at line 3: one process, two pools. Import the shared instance from ../db/sequelize.js instead.',
  'src/jobs/worker.ts':
    'This module creates a Sequelize instance and also loads ../server/db.ts, which creates another at line 3: one process, two pools. Import the shared instance from ../server/db.ts instead.',
};

function found(results: Results): Found[] {
  return results.flatMap((result) =>
    result.messages.map(({ line, column, ruleId }) => ({ file: path.relative(PROJECT, result.filePath), line, column, ruleId })),
  );
}

let scratch = '';
let configLog = '';
let singleThreaded: Results = [];

/** The results of `run`, and how many threads other than this one loaded the fixture's config meanwhile. */
async function lintInWorkers(run: () => Promise<Results>): Promise<{ results: Results; workers: number }> {
  rmSync(configLog, { force: true });
  process.env[CONFIG_LOG_VARIABLE] = configLog;
  try {
    const results = await run();
    const threads = new Set(existsSync(configLog) ? readFileSync(configLog, 'utf8').trim().split('\n') : []);
    threads.delete(String(threadId));
    return { results, workers: threads.size };
  } finally {
    delete process.env[CONFIG_LOG_VARIABLE];
  }
}

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-concurrency-'));
  configLog = path.join(scratch, 'config-threads.log');
  singleThreaded = await new ESLint({ cwd: PROJECT, concurrency: 'off' }).lintFiles(['.']);
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('single-threaded baseline (ESLint 10, concurrency off)', () => {
  it('lints every file of the fixture', () => {
    expect(singleThreaded.map((result) => path.relative(PROJECT, result.filePath)).sort()).toEqual(FILES);
  });

  it('reports each rule where expected, cross-file single-instance reports included', () => {
    const sortKey = (a: Found, b: Found): number => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
    expect(found(singleThreaded).sort(sortKey)).toEqual([...EXPECTED].sort(sortKey));
    const singleMessages = singleThreaded.flatMap((result) =>
      result.messages.filter((message) => message.ruleId === SINGLE).map((message) => [path.relative(PROJECT, result.filePath), message.message]),
    );
    expect(Object.fromEntries(singleMessages)).toEqual(SINGLE_MESSAGES);
  });
});

describe('multithreaded runs give exactly the single-threaded results', () => {
  it('ESLint 10, new ESLint({ concurrency: 2 })', async () => {
    const { results, workers } = await lintInWorkers(() => new ESLint({ cwd: PROJECT, concurrency: 2 }).lintFiles(['.']));
    // Two worker threads loaded the config (and the plugin), besides this thread, which enumerates the files.
    expect(workers).toBe(2);
    expect(results).toEqual(singleThreaded);
  });

  it('ESLint 9, new ESLint({ concurrency: 2 })', async () => {
    expect(ESLintV9.version).toMatch(/^9\./u);
    const eslintV9Single = await new ESLintV9({ cwd: PROJECT, concurrency: 'off' }).lintFiles(['.']);
    const { results, workers } = await lintInWorkers(() => new ESLintV9({ cwd: PROJECT, concurrency: 2 }).lintFiles(['.']));
    expect(workers).toBe(2);
    expect(results).toEqual(eslintV9Single);
    // And ESLint 9 agrees with ESLint 10 on what is reported.
    expect(found(results)).toEqual(found(singleThreaded));
  });

  it('ESLint 10 CLI, eslint --concurrency=2 --format json', () => {
    const bin = path.join(path.dirname(createRequire(__filename).resolve('eslint/package.json')), 'bin', 'eslint.js');
    rmSync(configLog, { force: true });
    const cli = spawnSync(process.execPath, [bin, '--concurrency=2', '--format', 'json', '.'], {
      cwd: PROJECT,
      encoding: 'utf8',
      env: { ...process.env, [CONFIG_LOG_VARIABLE]: configLog },
    });
    expect(cli.status).toBe(1); // errors found
    // The CLI's main thread and two workers loaded the config.
    expect(new Set(readFileSync(configLog, 'utf8').trim().split('\n')).size).toBe(3);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify(singleThreaded)));
  });
});
