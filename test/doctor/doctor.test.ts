/**
 * `doctor` against a real PostgreSQL with known sessions (test/integration's harness: embedded PostgreSQL, an
 * application role `app` owning the database `legacy`), and on the example app before and after the codemod.
 */
import type pg from 'pg';

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DoctorReport } from '../../cli/doctor';
import type * as Harness from '../integration/harness.mjs' with { 'resolution-mode': 'import' };

import { runDoctor } from '../../cli/doctor';
import { UsageError } from '../../cli/io';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'legacy-server');

/** The harness is an ES module (the demo imports it too): loaded dynamically from this CommonJS test. */
const harness = (): Promise<typeof Harness> => import('../integration/harness.mjs');

async function doctor(args: string[], cwd = EXAMPLE): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runDoctor(args, { stdout: (text) => (stdout += `${text}\n`), stderr: () => undefined }, cwd);
  return { code, stdout };
}

async function jsonReport(args: string[], cwd = EXAMPLE): Promise<{ code: number; report: DoctorReport }> {
  const { code, stdout } = await doctor([...args, '--json'], cwd);
  return { code, report: JSON.parse(stdout) as DoctorReport };
}

async function until(condition: () => Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('doctor against a live PostgreSQL', () => {
  let database: Harness.Database;
  let appUrl = '';
  let superuserPassword = '';
  const held: pg.Client[] = [];
  let sleeper: Promise<unknown> | null = null;

  beforeAll(async () => {
    database = await (await harness()).startPostgres({ maxConnections: 40 });
    superuserPassword = decodeURIComponent(new URL(database.superuserUrl).password);
    const admin = await database.client();
    appUrl = `postgres://app:${database.appPassword}@127.0.0.1:${database.port}/legacy`;
    // The application role holds 3 idle connections, one of them left inside a transaction.
    for (let index = 0; index < 3; index += 1) {
      held.push(await database.client('app', { applicationName: 'legacy-server:cron' }));
    }
    await held[0]?.query('BEGIN');
    await held[0]?.query('SELECT 1 AS forgotten');
    // A superuser session running a long query.
    const busy = await database.client('superuser', { applicationName: 'legacy-server:main' });
    sleeper = busy.query('SELECT pg_sleep(60)').catch(() => undefined);
    await until(async () => {
      const result = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep%'");
      return (result.rows[0] as { n: number }).n === 1;
    }, 'the pg_sleep session');
    // Let the forgotten transaction age past the 1 s threshold the tests use.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  afterAll(async () => {
    await database?.stop();
    void sleeper;
  });

  it('counts sessions, finds the transaction left open and the long query, and reports a problem', async () => {
    const { code, report } = await jsonReport(['--url', database.superuserUrl, '--idle-in-transaction', '1', '--processes', '7']);
    expect(code).toBe(1);
    expect(report.verdict).toBe('problem');
    const db = report.database;
    expect(db).not.toBeNull();
    if (db === null) return;
    expect(db.maxConnections).toBe(40);
    expect(db.superuserReservedConnections).toBe(3);
    expect(db.reservedConnections).toBe(0);
    expect(db.available).toBe(37);
    expect(db.sessions).toEqual(
      expect.arrayContaining([
        { user: 'app', application: 'legacy-server:cron', state: 'idle', count: 2 },
        { user: 'app', application: 'legacy-server:cron', state: 'idle in transaction', count: 1 },
        { user: 'postgres', application: 'legacy-server:main', state: 'active', count: 1 },
      ]),
    );
    expect(db.leakSuspects).toHaveLength(1);
    expect(db.leakSuspects[0]).toMatchObject({ user: 'app', application: 'legacy-server:cron', lastQuery: 'SELECT 1 AS forgotten' });
    expect(db.leakSuspects[0]?.ageSeconds).toBeGreaterThanOrEqual(1);
    expect(db.longestActive[0]).toMatchObject({ user: 'postgres', application: 'legacy-server:main', query: 'SELECT pg_sleep(60)' });
    expect(db.canSeeQueries).toBe(true);
    const codes = report.findings.map((finding) => finding.code);
    expect(codes).toContain('idle-in-transaction');
    expect(codes).toContain('over-budget');
    // 7 processes × (100 + 5) against this server's 37 usable slots.
    expect(report.findings.find((finding) => finding.code === 'over-budget')?.message).toContain(
      '7 processes × 105 = 735 connections; PostgreSQL allows 37 (40 − 3 reserved, from the server)',
    );
  });

  it('has a stable JSON shape', async () => {
    const { report } = await jsonReport(['--url', database.superuserUrl, '--processes', '7']);
    expect(Object.keys(report).sort()).toEqual(
      [
        'advice',
        'assumptions',
        'connection',
        'database',
        'environment',
        'findings',
        'limits',
        'pgbouncer',
        'pools',
        'processes',
        'root',
        'schemaVersion',
        'skippedFiles',
        'unparsableFiles',
        'verdict',
        'worstCase',
      ].sort(),
    );
    expect(report.schemaVersion).toBe(2);
    const plain = { replicated: false, dialect: null, startupParameters: [] };
    expect(report.pools).toEqual([
      { file: 'server/db/sequelize.js', line: 7, module: 'sequelize', max: 100, maxSource: 'the file', ...plain, dialect: 'postgres' },
      { file: 'server/integration_log.js', line: 11, module: 'sequelize', max: 5, maxSource: "Sequelize's default", ...plain, dialect: 'postgres' },
    ]);
    // --processes names no scripts: every process is assumed to load both pools, and the report says so.
    expect(report.worstCase).toEqual({
      total: 735,
      atLeast: false,
      programs: [
        {
          name: 'processes',
          count: 7,
          pools: ['server/db/sequelize.js:7', 'server/integration_log.js:11'],
          connections: 105,
          unknownPools: [],
          poolsFrom: 'every pool (no script named)',
        },
      ],
    });
    expect(report.assumptions).toContain('--processes names no scripts: every process is charged all 2 pools in the checkout');
    expect(report.limits).toMatchObject({ dialect: 'postgres', maxConnections: 40, reservedConnections: 3, usable: 37, headroom: 5, assumed: false });
    // The same formula as the rule and the codemod: (37 − 5 headroom) / 14 pool instances → 2; one pool per process → 4.
    expect(report.advice).toEqual({
      through: 'postgres',
      poolInstances: 14,
      fits: 2,
      fitsWithOnePoolPerProcess: 4,
      headroom: 5,
      headroomFor: 'keeping 5 connections (10% of max_connections, at least 5) free for migrations, psql sessions and monitoring',
    });
    expect(report.connection?.tls).toEqual({ mode: 'prefer', modeFrom: "libpq's default", encrypted: false, rootCert: null });
    for (const finding of report.findings) {
      expect(['info', 'warning', 'problem']).toContain(finding.severity);
      expect(typeof finding.code).toBe('string');
      expect(typeof finding.message).toBe('string');
    }
  });

  it('works as a non-superuser role and says what it cannot see', async () => {
    const { report } = await jsonReport(['--url', appUrl, '--idle-in-transaction', '1', '--processes', '1']);
    expect(report.database?.user).toBe('app');
    // Other roles' sessions are counted, their state hidden (PostgreSQL shows the user, not the state or query).
    const hiddenSessions = report.database?.sessions.filter((group) => group.user === 'postgres' && group.state === '(hidden)');
    expect(hiddenSessions?.reduce((sum, group) => sum + group.count, 0)).toBeGreaterThanOrEqual(1);
    expect(report.database?.longestActive).toEqual([]);
    expect(report.database?.canSeeQueries).toBe(false);
    expect(report.findings.map((finding) => finding.code)).toContain('query-text-hidden');
    expect(report.database?.leakSuspects[0]?.lastQuery).toBe('SELECT 1 AS forgotten');
  });

  it('never prints the password, in the report or in errors', async () => {
    const { stdout } = await doctor(['--url', database.superuserUrl, '--processes', '7']);
    expect(stdout).toContain(`Database postgres@127.0.0.1:${database.port}/postgres`);
    expect(superuserPassword).not.toBe('');
    expect(stdout).not.toContain(superuserPassword);
    const wrong = `postgres://app:not-the-password@127.0.0.1:${database.port}/legacy`;
    const error = await runDoctor(['--url', wrong, '--processes', '1'], { stdout: () => undefined, stderr: () => undefined }, EXAMPLE).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`cannot log in to app@127.0.0.1:${database.port}/legacy: password authentication failed for user "app"`);
    expect((error as Error).message).not.toContain('not-the-password');
  });

  it('reads the connection from node-config db.* when no URL is given', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'doctor-config-'));
    try {
      cpSync(EXAMPLE, root, { recursive: true });
      writeFileSync(
        path.join(root, 'config', 'test.json'),
        JSON.stringify({ db: { host: '127.0.0.1', port: database.port, username: 'app', password: database.appPassword } }),
      );
      const saved = process.env.DATABASE_URL;
      delete process.env.DATABASE_URL;
      try {
        const { report } = await jsonReport(['--env', 'test', '--idle-in-transaction', '1'], root);
        expect(report.database?.target).toBe(`app@127.0.0.1:${database.port}/legacy (node-config db.*, NODE_ENV=test)`);
        expect(report.processes?.total).toBe(7);
        // Only cron and main hold connections in this database.
        expect(report.findings.find((finding) => finding.code === 'processes-without-connections')?.message).toBe(
          'No connection carries the name of background, convert, media, storage, integration_log (matched on application_name): if they are not needed in this environment, stopping them frees their pools.',
        );
      } finally {
        if (saved !== undefined) process.env.DATABASE_URL = saved;
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports a missing database in one line', async () => {
    const error = await doctor(['--url', `postgres://app:${database.appPassword}@127.0.0.1:${database.port}/nope`, '--processes', '1']).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe(`cannot open the database on app@127.0.0.1:${database.port}/nope: database "nope" does not exist`);
  });
});

describe('doctor on the example app, before and after the codemod', () => {
  let app = '';

  beforeAll(() => {
    app = mkdtempSync(path.join(tmpdir(), 'doctor-app-'));
    cpSync(EXAMPLE, app, { recursive: true });
  });

  afterAll(() => {
    rmSync(app, { recursive: true, force: true });
  });

  it('finds 7 supervisord programs × max 100 (+ a second pool in integration_log) over 97, then within budget after the codemod', async () => {
    const before = await jsonReport(['--no-live'], app);
    expect(before.code).toBe(1);
    expect(before.report.processes).toMatchObject({ source: 'supervisord.conf', total: 7 });
    // Each program's script loads the shared pool through its imports; integration_log also opens its own.
    expect(before.report.worstCase.total).toBe(6 * 100 + (100 + 5));
    expect(before.report.worstCase.programs.find((program) => program.name === 'integration_log')).toEqual({
      name: 'integration_log',
      count: 1,
      pools: ['server/db/sequelize.js:7', 'server/integration_log.js:11'],
      connections: 105,
      unknownPools: [],
      poolsFrom: 'server/integration_log.js and its imports',
    });
    expect(before.report.worstCase.programs.find((program) => program.name === 'cron')?.pools).toEqual(['server/db/sequelize.js:7']);
    const overBudget = before.report.findings.find((finding) => finding.code === 'over-budget');
    expect(overBudget?.message).toContain(
      'main 1 × 100 + cron 1 × 100 + background 1 × 100 + convert 1 × 100 + media 1 × 100 + storage 1 × 100 + integration_log 1 × 105 = 705 connections; PostgreSQL allows 97',
    );
    // 8 pools share (100 − 3 − 10 headroom) = 87: 10 each; with one pool per process, 12.
    expect(overBudget?.fix).toBe(
      '8 pools in 7 processes: each fits max 10, keeping 10 connections (10% of max_connections, at least 5) free for migrations, psql sessions and monitoring. Better, share one instance per process (sequelize-pool/single-instance finds the extra ones); then max 12 fits: npx eslint-plugin-sequelize-pool codemod --processes 7 --max-connections 100',
    );

    execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'index.js'), 'codemod', '--force', '--processes', '7', '--max-connections', '100'], { cwd: app });
    const after = await jsonReport(['--no-live', '--env', 'dev'], app);
    expect(after.code).toBe(0);
    // The migrated module's own pool (config/default.json got the same values as db.options.pool).
    expect(after.report.pools[0]).toMatchObject({ max: 12, maxSource: 'the file' });
    // 6 × 12 + 1 × (12 + 5) = 89 of 97: within budget, with the second pool still flagged.
    expect(after.report.worstCase.total).toBe(89);
    expect(after.report.verdict).toBe('ok');
    // 89 of 97 is within what PostgreSQL allows, but eats into the 10 connections kept free: the second pool's 5.
    expect(after.report.findings.map((finding) => finding.code)).toEqual(['several-instances', 'within-budget', 'no-headroom']);
    expect(after.report.findings.find((finding) => finding.code === 'no-headroom')?.message).toBe(
      'The worst case leaves 8 of the 10 connections kept free for migrations, psql sessions and monitoring.',
    );
  });
});

describe('doctor bad input', () => {
  it.each([
    [['--url', 'not a url'], '--url is not a valid URL (expected postgres://user:password@host:port/database)'],
    [['--url', 'redis://u:p@localhost/db'], '--url must start with postgres:// or postgresql://, got redis://'],
    [['--url', 'postgres://app:50%off@localhost/db'], '--url: the password has a bad %-escape (write % as %25)'],
    [['--url', 'postgres://app@localhost/db?sslmode=sometimes'], '--url: sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, got "sometimes"'],
    [['--root', 'supervisord.conf'], '--root: not a directory: supervisord.conf'],
    [['--timeout', '0'], '--timeout must be a number of seconds from 0.1 to 600, got "0"'],
    [['--supervisor', 'missing.conf'], 'missing.conf: no such file'],
    [['--processes', '0'], '--processes must be an integer from 1 to 100000, got "0"'],
    [['--processes', '99999999999999999999999'], '--processes must be an integer from 1 to 100000, got "99999999999999999999999"'],
    [['--processes', '2', '--supervisor', 'supervisord.conf'], 'give one of --processes, --supervisor, --pm2, --procfile, --compose, --k8s'],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j → %s', async (args, message) => {
    const error = await doctor(args).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });

  it('exits 2 with one line, no stack trace, when the database cannot be reached', async () => {
    const port = await (await harness()).freePort();
    const result = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'dist', 'cli', 'index.js'), 'doctor', '--url', `postgres://app:hunter2@127.0.0.1:${port}/legacy`, '--processes', '1'],
      { cwd: EXAMPLE, encoding: 'utf8' },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `eslint-plugin-sequelize-pool: cannot connect to app@127.0.0.1:${port}/legacy: connection refused (is PostgreSQL running and listening there?)\n`,
    );
  });

  it('exits 2 on an unreadable supervisord.conf', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'doctor-bad-'));
    try {
      writeFileSync(path.join(root, 'supervisord.conf'), '[program:web]\nnumprocs=two\n');
      const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'index.js'), 'doctor', '--no-live'], { cwd: root, encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe('eslint-plugin-sequelize-pool: supervisord.conf:2: numprocs must be a whole number from 1 to 100000, got "two"\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
