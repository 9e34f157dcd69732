/**
 * PgBouncer, the incident report's escalation path, for real: Debian's `pgbouncer` (installed by .ci/run) on a free
 * port in front of the embedded PostgreSQL (max_connections 100), in transaction mode.
 *
 * - The incident's 7 processes, each still with `pool: { max: 100 }`, through PgBouncer: 0 failed queries, and
 *   PostgreSQL never sees more server connections than default_pool_size.
 * - doctor through PgBouncer: detects it, reads SHOW CONFIG / SHOW POOLS on its admin console, checks both sides.
 * - A `dialectOptions.statement_timeout` (a startup parameter): every connection fails with "unsupported startup
 *   parameter"; doctor reports it and reproduces it.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DoctorReport } from '../../cli/doctor';

import { runDoctor } from '../../cli/doctor';
import { clearProjectModuleCache } from '../../lib/project/project-modules';
import type * as Harness from '../integration/harness.mjs' with { 'resolution-mode': 'import' };

type App = Harness.App;
type Database = Harness.Database;
type PgBouncer = Harness.PgBouncer;

/** The harness is an ES module (the demo imports it too): loaded dynamically from this CommonJS test. */
let harness: typeof Harness;

const DEFAULT_POOL_SIZE = 20;

let db: Database;
let bouncer: PgBouncer;
let shipped: App;

beforeAll(async () => {
  harness = await import('../integration/harness.mjs');
  if (!harness.pgbouncerInstalled()) throw new Error('pgbouncer is not installed: .ci/run installs Debian\'s package (apt-get install pgbouncer)');
  db = await harness.startPostgres({ maxConnections: 100 });
  bouncer = await harness.startPgBouncer(db, { pool_mode: 'transaction', max_client_conn: 1000, default_pool_size: DEFAULT_POOL_SIZE });
  shipped = harness.prepareApp();
});

afterAll(async () => {
  await harness?.cleanupAll();
});

async function doctor(args: string[], cwd: string): Promise<{ code: number; report: DoctorReport; text: string }> {
  let json = '';
  let text = '';
  clearProjectModuleCache();
  const code = await runDoctor([...args, '--json'], { stdout: (out) => (json += out), stderr: () => undefined }, cwd);
  await runDoctor(args, { stdout: (out) => (text += out), stderr: () => undefined }, cwd);
  return { code, report: JSON.parse(json) as DoctorReport, text };
}

describe('the incident through PgBouncer (transaction mode)', () => {
  it('7 processes × max 100 through PgBouncer: 0 failed queries, at most default_pool_size server connections', async () => {
    const run = await harness.runLoad(db, shipped, harness.INCIDENT_LOAD, { specFor: () => ({ dbConfig: { port: bouncer.port } }) });
    console.info(
      `${harness.describeReport('through PgBouncer', run)}\n` +
        `PgBouncer ${bouncer.settings.pool_mode} mode, max_client_conn ${bouncer.settings.max_client_conn}, default_pool_size ${bouncer.settings.default_pool_size}: ` +
        `${harness.INCIDENT_LOAD.processes} processes, ${run.failed} failed of ${run.queries} queries, peak ${run.peakConnections} server connections`,
    );
    expect(run.queries).toBe(7 * 2 * 20);
    expect(run.failed).toBe(0);
    // Every application connection PostgreSQL saw came from PgBouncer's one pool (app/legacy).
    expect(run.peakConnections).toBeGreaterThan(0);
    expect(run.peakConnections).toBeLessThanOrEqual(DEFAULT_POOL_SIZE);
  });

  it('doctor through PgBouncer: detected live, both sides within budget, OK (exit 0), the same checkout is PROBLEM directly', async () => {
    const through = await doctor(['--url', bouncer.appUrl, '--idle-in-transaction', '5'], shipped.dir);
    expect(through.report.pgbouncer?.live).toMatchObject({ adminAccess: true, version: expect.stringMatching(/^PgBouncer 1\./u) as unknown });
    expect(through.report.pgbouncer?.settings).toMatchObject({ poolMode: 'transaction', maxClientConn: 1000, defaultPoolSize: 20, reservePoolSize: 0 });
    expect(through.report.pgbouncer?.live?.pools).toEqual([expect.objectContaining({ database: db.database, user: db.appUser, poolMode: 'transaction' })]);
    const codes = through.report.findings.map((finding) => finding.code);
    expect(codes).toContain('pgbouncer-clients-within');
    expect(codes).toContain('pgbouncer-servers-within');
    expect(through.report.findings.find((finding) => finding.code === 'pgbouncer-servers-within')?.message).toBe(
      "PgBouncer's server side within budget: PgBouncer opens at most 1 user/database pair × (default_pool_size 20 + reserve_pool_size 0) = 20 server connections; PostgreSQL allows 97 (100 − 3 reserved, from the server).",
    );
    // 705 client connections fit max_client_conn 1000: through PgBouncer each of 8 pools may use max 125.
    expect(through.report.advice).toMatchObject({ through: 'pgbouncer', poolInstances: 8, fits: 125 });
    expect(through.report.verdict).toBe('ok');
    expect(through.code).toBe(0);

    const direct = await doctor(['--url', `postgres://${db.appUser}:${db.appPassword}@127.0.0.1:${db.port}/${db.database}`], shipped.dir);
    expect(direct.report.pgbouncer).toBeNull();
    expect(direct.report.findings.map((finding) => finding.code)).toContain('over-budget');
    expect(direct.code).toBe(1);
  });

  it('reports what clients beyond max_client_conn and a pgbouncer.ini with a large pool do, statically', async () => {
    const app = mkdtempSync(path.join(tmpdir(), 'pgbouncer-static-'));
    try {
      cpSync(harness.EXAMPLE_APP, app, { recursive: true });
      writeFileSync(path.join(app, 'pgbouncer.ini'), '[databases]\nlegacy = host=db dbname=legacy\n\n[pgbouncer]\npool_mode = transaction\ndefault_pool_size = 120\n');
      const { code, report } = await doctor(['--no-live'], app);
      expect(report.pgbouncer?.settings).toMatchObject({ source: 'pgbouncer.ini', maxClientConn: 100, defaultPoolSize: 120, defaulted: ['max_client_conn = 100', 'reserve_pool_size = 0'] });
      expect(report.findings.find((finding) => finding.code === 'pgbouncer-clients-over')?.message).toBe(
        "Clients over PgBouncer's limit: main 1 × 100 + cron 1 × 100 + background 1 × 100 + convert 1 × 100 + media 1 × 100 + storage 1 × 100 + integration_log 1 × 105 = 705 client connections; PgBouncer's max_client_conn is 100 (pgbouncer.ini). Past it PgBouncer refuses new clients (\"no more connections allowed (max_client_conn)\").",
      );
      expect(report.findings.find((finding) => finding.code === 'pgbouncer-servers-over')?.message).toBe(
        "PgBouncer's server side over budget: PgBouncer opens at most legacy (default_pool_size 120 + reserve_pool_size 0) = 120 server connections; PostgreSQL allows 97 (100 − 3 reserved, from PostgreSQL's defaults).",
      );
      expect(report.assumptions).toContain('pgbouncer.ini leaves PgBouncer\'s defaults: max_client_conn = 100, reserve_pool_size = 0');
      expect(code).toBe(1);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});

describe('what breaks behind PgBouncer', () => {
  it('dialectOptions.statement_timeout: refused as a startup parameter, reported and reproduced by doctor', async () => {
    // The failure itself, through node-postgres as Sequelize uses it.
    const client = new pg.Client({ connectionString: bouncer.appUrl, statement_timeout: 5000 });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow('unsupported startup parameter: statement_timeout');
    await client.end().catch(() => undefined);

    const app = mkdtempSync(path.join(tmpdir(), 'pgbouncer-startup-'));
    try {
      writeFileSync(path.join(app, 'Procfile'), 'web: node db.js\n');
      writeFileSync(
        path.join(app, 'db.js'),
        `const { Sequelize } = require('sequelize');
const pool = { max: 10, min: 0, idle: 10000, acquire: 30000, evict: 1000 };
module.exports = new Sequelize(process.env.DATABASE_URL, {
  dialect: 'postgres',
  dialectOptions: { statement_timeout: 5000, idle_in_transaction_session_timeout: 60000, application_name: 'web' },
  pool,
});
module.exports.query('SET search_path TO app');
`,
      );
      const { code, report, text } = await doctor(['--url', bouncer.appUrl], app);
      const refused = report.findings.find((finding) => finding.code === 'pgbouncer-startup-parameter');
      expect(refused?.severity).toBe('problem');
      expect(refused?.message).toBe(
        'db.js:3: dialectOptions statement_timeout, idle_in_transaction_session_timeout are sent as startup parameters, which PgBouncer refuses: every connection fails with "unsupported startup parameter: statement_timeout" (reproduced: unsupported startup parameter: statement_timeout).',
      );
      expect(refused?.fix).toContain('ignore_startup_parameters');
      // Session state in transaction mode.
      expect(report.findings.find((finding) => finding.code === 'pgbouncer-session-state')?.message).toBe(
        "db.js:8: SET (session-level) does not survive PgBouncer's pool_mode = transaction: the next transaction may run on another server connection, and the state leaks to whichever client gets this one.",
      );
      expect(text).toContain('PROBLEM db.js:3: dialectOptions statement_timeout');
      expect(code).toBe(1);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
