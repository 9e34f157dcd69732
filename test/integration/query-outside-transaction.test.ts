/**
 * Scenario 4: a query that forgets `{ transaction: t }` inside a managed transaction, on a real PostgreSQL. With
 * `db.options.pool = { max: 2, acquire: 2000 }` one `main` process starts two `recordLogin()` calls at once: each
 * transaction holds one of the two connections and its count waits for a third, so both wait until `acquire`
 * expires; the one that fails with SequelizeConnectionAcquireTimeoutError rolls back. Passing the transaction
 * fixes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as harness from './harness.mjs';
import type { App, Database, Run } from './harness.mjs';
import { transactionFindings } from './lint.js';

const POOL = { options: { pool: { max: 2, acquire: 2000 } } };
const OUTSIDE = 'server/jobs/recordLogin.outside-transaction.js';
const FIXED = 'server/jobs/recordLogin.fixed.js';

let db: Database;
let app: App;

beforeAll(async () => {
  db = await harness.startPostgres();
  app = harness.prepareApp({
    migrate: true,
    files: { [OUTSIDE]: 'recordLogin.outside-transaction.js', [FIXED]: 'recordLogin.fixed.js' },
  });
  await harness.runAppScript(db, app, 'server/db/sync.js');
});

afterAll(async () => {
  await harness.cleanupAll();
});

async function twoConcurrentLogins(module: string): Promise<Run> {
  await harness.waitFor('the previous run\'s sessions to end', async () => (await harness.activity(db)).length === 0);
  await db.query('TRUNCATE audit_logs');
  return harness.runWorkers(db, app, [
    { name: 'main', task: { kind: 'calls', module, export: 'recordLogin', runs: 1, parallel: 2 }, dbConfig: POOL },
  ]);
}

async function loginRows(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'user.login'`);
  return rows[0]?.n ?? -1;
}

describe('a query outside its transaction (pool max 2, two concurrent managed transactions)', () => {
  it('deadlocks the pool until acquire expires; the transaction that times out rolls back', async () => {
    const run = await twoConcurrentLogins(OUTSIDE);

    // Both counts wait for a third connection. The first to time out rolls back and returns its connection, which
    // can reach the other count before that one times out too (a race of a millisecond or so): one or both fail.
    const calls = run.workers[0]?.calls ?? [];
    const failures = calls.filter((call) => !call.ok);
    expect(calls).toHaveLength(2);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    for (const failure of failures) {
      expect(failure.error).toEqual({ name: 'SequelizeConnectionAcquireTimeoutError', message: 'Operation timeout', code: null });
    }
    // While they waited, both connections sat idle inside their transactions: the pool's whole capacity.
    expect(run.peaks.byProcessState['main/idle in transaction']).toBe(2);
    expect(run.peaks.byProcess).toEqual({ main: 2 });
    // Only a transaction whose count got a connection committed its row.
    expect(await loginRows()).toBe(calls.length - failures.length);
  });

  it('with { transaction: t }, both commit on the two connections', async () => {
    const run = await twoConcurrentLogins(FIXED);

    expect(run.workers[0]?.calls.map((call) => call.ok)).toEqual([true, true]);
    expect(await loginRows()).toBe(2);
    expect(run.final.byState['idle in transaction'] ?? 0).toBe(0);
  });

  it('require-transaction-option flags the first version and accepts the fixed one', async () => {
    expect(await transactionFindings(app, OUTSIDE)).toEqual(['sequelize-pool/require-transaction-option']);
    expect(await transactionFindings(app, FIXED)).toEqual([]);
  });
});
