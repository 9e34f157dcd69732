/**
 * doctor's verdicts on small checkouts written by each test (no database): every case of issue 13 with its exact
 * verdict and exit code. 0 fine, 1 a problem, 2 could not check (bad input, or a verdict that would be a guess).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { DoctorReport } from '../../cli/doctor';

import { runDoctor } from '../../cli/doctor';
import { clearProjectModuleCache } from '../../lib/project/project-modules';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'index.js');
const roots: string[] = [];

/** A checkout with these files (paths relative to its root). */
function checkout(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'doctor-verdict-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  clearProjectModuleCache();
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function doctor(root: string, args: string[] = []): Promise<{ code: number; report: DoctorReport; text: string }> {
  let json = '';
  let text = '';
  const saved = { DATABASE_URL: process.env.DATABASE_URL, PGHOST: process.env.PGHOST };
  delete process.env.DATABASE_URL;
  delete process.env.PGHOST;
  try {
    const code = await runDoctor([...args, '--json'], { stdout: (out) => (json += out), stderr: () => undefined }, root);
    await runDoctor(args, { stdout: (out) => (text += out), stderr: () => undefined }, root);
    return { code, report: JSON.parse(json) as DoctorReport, text };
  } finally {
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
  }
}

/** The CLI as a user runs it: exit code and the two streams. */
function cli(root: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'doctor', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', PGHOST: '', NODE_CONFIG: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const setup = (max: string): string => `const { Sequelize } = require('sequelize');
module.exports = new Sequelize('postgres://db/app', { pool: { max: ${max} } });
`;

const supervisor = (programs: [name: string, script: string, numprocs: number][]): string =>
  programs.map(([name, script, numprocs]) => `[program:${name}]\ncommand=node ${script}\nnumprocs=${numprocs}\n`).join('\n');

describe('verdicts that never under-report', () => {
  it('web × 4 over budget plus a script whose max is unknown: PROBLEM "at least", exit 1', async () => {
    const root = checkout({
      'supervisord.conf': supervisor([
        ['web', 'server/web.js', 4],
        ['report', 'scripts/report.js', 1],
      ]),
      'server/db.js': setup('36'),
      'server/web.js': "require('./db');\n",
      'scripts/report.js': `const { Sequelize } = require('sequelize');
new Sequelize(process.env.REPORT_URL, { pool: require('../pool.json') });
`,
    });
    const { code, report, text } = await doctor(root);
    expect(code).toBe(1);
    expect(report.verdict).toBe('problem');
    expect(report.worstCase).toMatchObject({ total: 144, atLeast: true });
    const over = report.findings.find((finding) => finding.code === 'over-budget');
    expect(over?.message).toContain('web 4 × 36 + report 1 × 0 + ? = at least 144 connections; PostgreSQL allows 97');
    expect(report.findings.map((finding) => finding.code)).toContain('pool-unknown');
    expect(text).toContain('Verdict: PROBLEM');
  });

  it('the same checkout without the web processes: INCOMPLETE (at least 36), exit 2, not OK', async () => {
    const root = checkout({
      'supervisord.conf': supervisor([
        ['web', 'server/web.js', 1],
        ['report', 'scripts/report.js', 1],
      ]),
      'server/db.js': setup('36'),
      'server/web.js': "require('./db');\n",
      'scripts/report.js': `const { Sequelize } = require('sequelize');
new Sequelize(process.env.REPORT_URL, { pool: require('../pool.json') });
`,
    });
    const { code, report, text } = await doctor(root);
    expect(code).toBe(2);
    expect(report.verdict).toBe('incomplete');
    expect(report.findings.find((finding) => finding.code === 'worst-case-unknown')?.message).toBe(
      "Worst case at least 36 connections of the 97 PostgreSQL allows (100 − 3 reserved, from PostgreSQL's defaults), but scripts/report.js:2 has an unknown max: it may be over.",
    );
    expect(text).toContain('Verdict: INCOMPLETE, the worst case is at least 36 connections; see UNKNOWN above.');
  });

  it("counts sequelize-cli's if/else constructions once: 7 × 12 = 84, OK, exit 0", async () => {
    const root = checkout({
      'supervisord.conf': supervisor([['web', 'server/web.js', 7]]),
      'models/index.js': `'use strict';
const { Sequelize } = require('sequelize');
const env = process.env.NODE_ENV || 'development';
let sequelize;
if (process.env.DATABASE_URL) {
  sequelize = new Sequelize(process.env.DATABASE_URL, { dialect: 'postgres', pool: { max: 12 } });
} else {
  sequelize = new Sequelize('app', 'app', 'secret', { dialect: 'postgres', pool: { max: 12 } });
}
module.exports = { sequelize, env };
`,
      'server/web.js': "require('../models');\n",
    });
    const { code, report } = await doctor(root);
    expect(report.pools.map((pool) => pool.exclusiveGroup)).toEqual(['models/index.js:6', 'models/index.js:6']);
    expect(report.worstCase.programs).toEqual([
      expect.objectContaining({ name: 'web', count: 7, connections: 12, pools: ['models/index.js:6', 'models/index.js:8'] }),
    ]);
    expect(report.worstCase.total).toBe(84);
    expect(report.advice).toMatchObject({ poolInstances: 7, fits: 12 });
    expect(report.findings.find((finding) => finding.code === 'within-budget')?.message).toBe(
      "Worst case within budget: web 7 × 12 = 84 connections; PostgreSQL allows 97 (100 − 3 reserved, from PostgreSQL's defaults).",
    );
    expect(report.verdict).toBe('ok');
    expect(code).toBe(0);
  });

  it("reads sequelize-cli's config/config.json per environment: production's pool.max 50 wins (7 × 50 = 350)", async () => {
    const modelsIndex = `'use strict';
const { Sequelize } = require('sequelize');
const env = process.env.NODE_ENV || 'development';
const config = require(__dirname + '/../config/config.json')[env];
let sequelize;
if (config.use_env_variable) {
  sequelize = new Sequelize(process.env[config.use_env_variable], config);
} else {
  sequelize = new Sequelize(config.database, config.username, config.password, config);
}
module.exports = { sequelize };
`;
    const root = checkout({
      'supervisord.conf': supervisor([['web', 'server/web.js', 7]]),
      'config/config.json': JSON.stringify({
        development: { dialect: 'postgres', database: 'app_dev' },
        production: { dialect: 'postgres', use_env_variable: 'DATABASE_URL', pool: { max: 50 } },
      }),
      'models/index.js': modelsIndex,
      'server/web.js': "require('../models');\n",
    });
    const production = await doctor(root, ['--env', 'production']);
    expect(production.report.pools.map((pool) => [pool.line, pool.max, pool.maxSource])).toEqual([
      [7, 50, 'config/config.json production.pool.max'],
      [9, 50, 'config/config.json production.pool.max'],
    ]);
    expect(production.report.worstCase.total).toBe(350);
    expect(production.code).toBe(1);
    const development = await doctor(root, ['--env', 'development']);
    expect(development.report.pools.map((pool) => pool.max)).toEqual([5, 5]);
    expect(development.report.worstCase.total).toBe(35);
    expect(development.code).toBe(0);
  });

  it('names a program whose script is missing and charges it every pool, saying so', async () => {
    const root = checkout({
      'supervisord.conf': supervisor([
        ['web', 'server/web.js', 1],
        ['ghost', 'server/ghost.js', 1],
      ]),
      'server/db.js': setup('10'),
      'server/web.js': "require('./db');\n",
      'server/other.js': setup('20'),
    });
    const { code, report, text } = await doctor(root);
    expect(report.worstCase.programs.find((program) => program.name === 'ghost')).toMatchObject({
      connections: 30,
      poolsFrom: 'every pool: its script server/ghost.js does not exist',
    });
    expect(report.assumptions).toContain('program ghost: its script server/ghost.js does not exist in the checkout: charged all 2 pools in the checkout');
    expect(text).toContain('  - program ghost: its script server/ghost.js does not exist in the checkout');
    expect(code).toBe(0);
  });

  it('says the database was not inspected and which limits were assumed', async () => {
    const root = checkout({ 'server/db.js': setup('10') });
    const { report, text } = await doctor(root, ['--processes', '2']);
    expect(report.assumptions).toContain("database not inspected (no --url, DATABASE_URL, node-config db.* or PGHOST): PostgreSQL's defaults");
    expect(report.limits).toMatchObject({ assumed: true, source: "PostgreSQL's defaults" });
    expect(text).toContain('Verdict: OK, within budget and no leak suspect (static check: the database was not inspected).');
  });

  it('an empty root is INCOMPLETE, exit 2: nothing found is a finding', async () => {
    const root = checkout({ 'README.md': '# nothing here\n' });
    const { code, report } = await doctor(root, ['--processes', '1']);
    expect(report.findings.map((finding) => [finding.severity, finding.code])).toEqual([['unknown', 'nothing-found']]);
    expect(code).toBe(2);
  });

  it('a setup file over 1 MB is skipped and reported: INCOMPLETE, exit 2', async () => {
    const root = checkout({
      'server/db.js': setup('10'),
      'server/huge.js': `${setup('500')}${'// padding\n'.repeat(100_000)}`,
    });
    const { code, report } = await doctor(root, ['--processes', '1']);
    expect(report.skippedFiles).toEqual(['server/huge.js']);
    expect(report.findings.find((finding) => finding.code === 'file-skipped')?.message).toBe(
      'server/huge.js: over 1 MB, not read: a pool in it would not be counted.',
    );
    expect(code).toBe(2);
  });

  it('an unknown process count is INCOMPLETE, exit 2', async () => {
    const root = checkout({ 'server/db.js': setup('10') });
    const { code, report } = await doctor(root);
    expect(report.findings.find((finding) => finding.code === 'processes-unknown')?.severity).toBe('unknown');
    expect(code).toBe(2);
  });
});

describe('one place to state the deployment', () => {
  it('reads package.json "sequelizePool": processes per program and the server limits; options still win', async () => {
    const root = checkout({
      'package.json': JSON.stringify({ name: 'app', sequelizePool: { processes: { web: 4, cron: 1 }, maxConnections: 200, reservedConnections: 3 } }),
      'server/db.js': setup('40'),
    });
    const stated = await doctor(root);
    expect(stated.report.processes).toMatchObject({ source: 'package.json "sequelizePool" processes', total: 5 });
    expect(stated.report.limits).toMatchObject({ maxConnections: 200, usable: 197, headroom: 20, source: 'package.json "sequelizePool"' });
    expect(stated.report.worstCase.total).toBe(200);
    expect(stated.code).toBe(1);
    const overridden = await doctor(root, ['--processes', '2', '--max-connections', '300']);
    expect(overridden.report.worstCase.total).toBe(80);
    expect(overridden.report.limits).toMatchObject({ maxConnections: 300, source: 'the command line' });
    expect(overridden.code).toBe(0);
  });

  it('rejects an unknown key in the stated block in one line, exit 2', () => {
    const root = checkout({ 'package.json': JSON.stringify({ sequelizePool: { procs: 3 } }), 'server/db.js': setup('10') });
    const result = cli(root, ['--no-live']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^eslint-plugin-sequelize-pool: package\.json "sequelizePool": unknown key "procs" \(known: .*\)\n$/u);
  });

  it('reads docker-compose deploy.replicas and scale, skipping infrastructure images', async () => {
    const root = checkout({
      'docker-compose.yml': `services:
  db:
    image: postgres:17
  web:
    build: .
    command: node server/web.js
    deploy:
      replicas: 3
  worker:
    build: .
    command: ["node", "server/worker.js"]
    scale: 2
`,
      'server/db.js': setup('20'),
      'server/web.js': "require('./db');\n",
      'server/worker.js': "require('./db');\n",
    });
    const { code, report } = await doctor(root);
    expect(report.processes?.groups.map((group) => [group.name, group.count])).toEqual([
      ['web', 3],
      ['worker', 2],
    ]);
    expect(report.assumptions).toContain('docker-compose.yml: not counted as application processes: db (image postgres:17)');
    expect(report.worstCase.total).toBe(100);
    expect(code).toBe(1);
  });

  it("reads Kubernetes Deployments' replicas and an HPA's maxReplicas (the worst case)", async () => {
    const root = checkout({
      'k8s/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: app
          command: ["node", "/app/server/web.js"]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 8
`,
      'server/db.js': setup('12'),
      'server/web.js': "require('./db');\n",
    });
    const { code, report } = await doctor(root);
    expect(report.processes?.groups).toEqual([
      { name: 'web', count: 8, entry: path.join(root, 'server/web.js'), note: 'HorizontalPodAutoscaler maxReplicas 8 (replicas: 2 now)' },
    ]);
    expect(report.worstCase.total).toBe(96);
    // 96 of 97 fits, but not with the headroom: 87 / 8 → max 10.
    expect(report.advice).toMatchObject({ fits: 10 });
    expect(report.findings.map((finding) => finding.code)).toEqual(['within-budget', 'no-headroom']);
    expect(code).toBe(0);
  });

  it('multiplies a program whose script forks cluster workers by WEB_CONCURRENCY', async () => {
    const root = checkout({
      'package.json': JSON.stringify({ sequelizePool: { webConcurrency: 4 } }),
      Procfile: 'web: node server/web.js\n',
      'server/db.js': setup('30'),
      'server/web.js': `const cluster = require('node:cluster');
if (cluster.isPrimary) {
  for (let i = 0; i < Number(process.env.WEB_CONCURRENCY || 2); i += 1) cluster.fork();
} else {
  require('./db');
}
`,
    });
    const { code, report } = await doctor(root);
    expect(report.processes?.groups[0]).toMatchObject({ name: 'web', count: 4, note: 'scaled by the platform: 1 assumed; server/web.js forks cluster workers: WEB_CONCURRENCY=4' });
    expect(report.worstCase.total).toBe(120);
    expect(code).toBe(1);
  });
});

describe('other dialects, statically', () => {
  it("MySQL: 151 connections by default, MySQL's error, no PostgreSQL advice", async () => {
    const root = checkout({
      'server/db.js': `const { Sequelize } = require('sequelize');
module.exports = new Sequelize('app', 'app', 'pw', { dialect: 'mysql', pool: { max: 40 } });
`,
    });
    const { code, report } = await doctor(root, ['--processes', '4']);
    expect(report.limits).toMatchObject({ dialect: 'mysql', maxConnections: 151, reservedConnections: 0, usable: 151, headroom: 15 });
    const over = report.findings.find((finding) => finding.code === 'over-budget');
    expect(over?.message).toBe(
      "Worst case over budget: 4 processes × 40 = 160 connections; MySQL allows 151 (151, from MySQL's defaults). Under load the last processes to connect fail with \"Too many connections\".",
    );
    expect(over?.fix).toContain('Right-size each pool to max 34, keeping 15 connections');
    expect(JSON.stringify(report.findings)).not.toMatch(/53300|superuser_reserved|idle_in_transaction_session_timeout/u);
    expect(report.findings.find((finding) => finding.code === 'dialect-static')?.message).toBe(
      "MySQL: checked statically against MySQL's defaults; live inspection reads PostgreSQL only. Check with SHOW VARIABLES LIKE 'max_connections' and information_schema.PROCESSLIST.",
    );
    expect(code).toBe(1);
  });

  it("SQL Server: its 32,767 user connections by default", async () => {
    const root = checkout({
      'server/db.js': `const { Sequelize } = require('sequelize');
module.exports = new Sequelize({ dialect: 'mssql', pool: { max: 50 } });
`,
    });
    const { code, report } = await doctor(root, ['--processes', '4']);
    expect(report.limits).toMatchObject({ dialect: 'mssql', maxConnections: 32_767, usable: 32_767 });
    expect(code).toBe(0);
  });
});

describe('expected failures: one line, exit 2, no secret', () => {
  it('a pm2 file with a syntax error', () => {
    const root = checkout({
      'ecosystem.config.js': "module.exports = { apps: [{ name: 'web', env: { DB_PASSWORD: 'hunter2' }, instances: }] };\n",
      'server/db.js': setup('10'),
    });
    const result = cli(root, ['--no-live']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('eslint-plugin-sequelize-pool: ecosystem.config.js:1:86: syntax error\n');
    expect(result.stdout).toBe('');
  });

  it.each([
    ['pm2 instances: 2.5', { 'ecosystem.config.js': "module.exports = { apps: [{ name: 'web', script: 'server/db.js', instances: 2.5 }] };\n" }, "ecosystem.config.js: `instances` of web must be a whole number, 'max' or a negative number of cores to leave free, got 2.5"],
    ['numprocs=99999999999999999999999', { 'supervisord.conf': '[program:web]\ncommand=node server/db.js\nnumprocs=99999999999999999999999\n' }, 'supervisord.conf:3: numprocs must be a whole number from 1 to 100000, got "99999999999999999999999"'],
    ['compose replicas: -1', { 'docker-compose.yml': 'services:\n  web:\n    build: .\n    deploy:\n      replicas: -1\n' }, 'docker-compose.yml: services.web.deploy.replicas must be a whole number from 0 to 100000, got -1'],
  ])('%s', (_name, files, message) => {
    const root = checkout({ ...files, 'server/db.js': setup('10') });
    const result = cli(root, ['--no-live']);
    expect(result.stderr).toBe(`eslint-plugin-sequelize-pool: ${message}\n`);
    expect(result.status).toBe(2);
  });

  it('--root pointing at a file', () => {
    const root = checkout({ 'server/db.js': setup('10') });
    const result = cli(root, ['--root', 'server/db.js']);
    expect(result).toMatchObject({ status: 2, stdout: '', stderr: 'eslint-plugin-sequelize-pool: --root: not a directory: server/db.js\n' });
  });

  it('a malformed node-config file: its position, never its text (the password)', () => {
    const root = checkout({
      'config/default.json': '{ "db": { "password": "s3cr3t-hunter2" "host": "db" } }\n',
      'server/db.js': setup('10'),
    });
    const result = cli(root, ['--processes', '1']);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toContain('s3cr3t');
    expect(result.stderr).toMatch(/^eslint-plugin-sequelize-pool: .*default\.json:1:\d+: invalid JSON \(\w+\)\n$/u);
  });

  it('a bad %-escape in DATABASE_URL, without echoing the URL', () => {
    const root = checkout({ 'server/db.js': setup('10') });
    const result = cli(root, ['--processes', '1'], { DATABASE_URL: 'postgres://app:100%secret@db/app' });
    expect(result).toMatchObject({ status: 2, stdout: '', stderr: 'eslint-plugin-sequelize-pool: DATABASE_URL: the password has a bad %-escape (write % as %25)\n' });
  });
});
