/**
 * Scenario 3: the cron job's transaction leak on a real PostgreSQL. The migrated app (so that config can shrink
 * the pool: `db.options.pool = { max: 3, acquire: 2000 }`) runs `auditLogForward` 7 times in a row in one
 * `cron` process over 250 unforwarded rows: two batches (200 + 50), then the "nothing to forward" path.
 * The shipped job returns there without commit or rollback: each run leaves one session `idle in transaction`
 * until the pool is exhausted and the next run fails with SequelizeConnectionAcquireTimeoutError. The fixed job
 * (__testfixtures__/auditLogForward.fixed.js, which the transaction rules accept) ends every transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as harness from './harness.mjs';
import type { App, Database, Run } from './harness.mjs';
import { transactionFindings } from './lint.js';

const POOL_MAX = 3;
const SMALL_POOL = { options: { pool: { max: POOL_MAX, acquire: 2000 } } };
const RUNS = 7;
const ROWS = 250;
const SHIPPED_JOB = 'server/jobs/auditLogForward.js';
const FIXED_JOB = 'server/jobs/auditLogForward.fixed.js';

let db: Database;
let app: App;

beforeAll(async () => {
  db = await harness.startPostgres();
  app = harness.prepareApp({ migrate: true, files: { [FIXED_JOB]: 'auditLogForward.fixed.js' } });
  await harness.runAppScript(db, app, 'server/db/sync.js');
});

afterAll(async () => {
  await harness.cleanupAll();
});

/** `audit_logs` with `count` unforwarded rows and nothing else. */
async function seedAuditLog(count: number): Promise<void> {
  await harness.waitFor('the previous run\'s sessions to end', async () => (await harness.activity(db)).length === 0);
  await db.query('TRUNCATE audit_logs');
  await db.query(
    `INSERT INTO audit_logs (action, payload, forwarded, "createdAt")
     SELECT 'user.created', '{}', false, now() FROM generate_series(1, $1::int)`,
    [count],
  );
}

function runJob(module: string): Promise<Run> {
  return harness.runWorkers(db, app, [
    { name: 'cron', task: { kind: 'calls', module, export: 'auditLogForward', runs: RUNS }, dbConfig: SMALL_POOL },
  ]);
}

/** Each run's return value (rows forwarded) or error name, in order. */
function outcomes(run: Run): unknown[] {
  return (run.workers[0]?.calls ?? []).map((call) => (call.ok ? call.value : call.error?.name));
}

async function pendingRows(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs WHERE NOT forwarded');
  return rows[0]?.n ?? -1;
}

describe('transaction leak in the audit log forward job (pool max 3, acquire 2000 ms)', () => {
  it('as shipped, each empty run leaves a session idle in transaction until acquiring times out', async () => {
    await seedAuditLog(ROWS);
    const run = await runJob(SHIPPED_JOB);

    const timeout = 'SequelizeConnectionAcquireTimeoutError';
    expect(outcomes(run)).toEqual([200, 50, 0, 0, 0, timeout, timeout]);
    const failure = run.workers[0]?.calls.find((call) => !call.ok)?.error;
    expect(failure).toMatchObject({ name: timeout, message: 'Operation timeout' });
    // Three leaked transactions hold the whole pool, and PostgreSQL sees them exactly so.
    expect(run.final.byProcessState).toEqual({ 'cron/idle in transaction': POOL_MAX });
    expect(run.peaks.byProcess).toEqual({ cron: POOL_MAX });
  });

  it('fixed (commit or rollback on every path), seven runs leave nothing open', async () => {
    await seedAuditLog(ROWS);
    const run = await runJob(FIXED_JOB);

    expect(outcomes(run)).toEqual([200, 50, 0, 0, 0, 0, 0]);
    expect(run.final.byState['idle in transaction'] ?? 0).toBe(0);
    expect(run.final.byState.active ?? 0).toBe(0);
    expect(await pendingRows()).toBe(0);
  });

  it('the transaction rules flag the shipped job and accept the fixed one', async () => {
    expect(await transactionFindings(app, SHIPPED_JOB)).toEqual([
      'sequelize-pool/no-unreleased-transaction',
      'sequelize-pool/require-transaction-option',
    ]);
    expect(await transactionFindings(app, FIXED_JOB)).toEqual([]);
  });
});
