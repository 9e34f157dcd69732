/**
 * Scenarios 1 and 2 on a real PostgreSQL 17 with `max_connections = 100`: the 7 Supervisor programs of
 * examples/legacy-server as 7 OS processes, each loading `server/db/sequelize.js` and firing INCIDENT_LOAD
 * (2 bursts × 20 concurrent `pg_sleep(0.5)`, 280 queries in all). As shipped (`max: 100` each) the load fails with
 * SQLSTATE 53300; after the codemod (`max: 12` each) it does not, and the module's SIGUSR2 handler and pool monitor
 * still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as harness from './harness.mjs';
import type { App, Database } from './harness.mjs';

// PostgreSQL 16+ wording; both messages carry SQLSTATE 53300 (see docs/why.md).
const SLOTS_RESERVED = 'remaining connection slots are reserved for roles with the SUPERUSER attribute';
const TOO_MANY_CLIENTS = 'sorry, too many clients already';
/** The harness's own superuser session: PostgreSQL counts it against `max_connections` like any client. */
const HARNESS_SESSIONS = 1;

let db: Database;
let shipped: App;
let migrated: App;

beforeAll(async () => {
  db = await harness.startPostgres({ maxConnections: 100 });
  shipped = harness.prepareApp();
  migrated = harness.prepareApp({ migrate: true, processes: 7, maxConnections: 100 });
});

afterAll(async () => {
  await harness.cleanupAll();
});

/** Waits until the previous scenario's processes are gone from pg_stat_activity. */
async function noSessionsLeft(): Promise<void> {
  await harness.waitFor('the previous run\'s sessions to end', async () => (await harness.activity(db)).length === 0);
}

describe('the incident: 7 processes, PostgreSQL max_connections 100', () => {
  it('as shipped (7 × pool max 100), connections run out and queries fail with SQLSTATE 53300', async () => {
    await noSessionsLeft();
    const before = await harness.runLoad(db, shipped, harness.INCIDENT_LOAD);
    console.info(harness.describeReport('as shipped', before));

    expect(before.queries).toBe(7 * 2 * 20);
    expect(before.failed).toBeGreaterThan(0);
    // Every failure is PostgreSQL refusing a connection: wrapped by Sequelize, SQLSTATE on `parent`.
    for (const error of before.errors) {
      expect(error).toMatchObject({ name: 'SequelizeConnectionError', code: harness.TOO_MANY_CONNECTIONS });
      expect([SLOTS_RESERVED, TOO_MANY_CLIENTS]).toContain(error.message);
    }
    // 140 connections wanted at once; the application role gets every slot it can and no more.
    expect(before.peakConnections).toBe(db.usableConnections - HARNESS_SESSIONS);
    // 96 connections over 7 processes: at least one process held more than the 12 the codemod allows each.
    expect(Math.max(...Object.values(before.peakByProcess))).toBeGreaterThan(12);
  });

  it('after the codemod (7 × pool max 12): no failures and at most the budget it printed', async () => {
    const budget = migrated.budget;
    expect(budget).toMatchObject({ processes: 7, max: 12, total: 84, usable: 97, maxConnections: 100, reserved: 3 });
    if (!budget) return;
    await noSessionsLeft();

    let released = '';
    let monitor = '';
    let heldBefore: number[] = [];
    const after = await harness.runLoad(db, migrated, harness.INCIDENT_LOAD, {
      // `main` also leaves a transaction open, logs at debug level (the monitor's lines below 40 % use) and force-
      // releases its pool at once on SIGUSR2.
      specFor: (index) =>
        index === 0
          ? { task: { holdTransaction: true }, logLevel: 'debug', env: { POOL_FORCE_RELEASE_MS: '0' } }
          : {},
      beforeStop: async (run) => {
        const main = run.workers.find((worker) => worker.name === 'main');
        if (!main) throw new Error('no main process');
        expect(run.final.byProcessState['main/idle in transaction']).toBe(1);

        monitor = await harness.waitFor('the pool monitor of main to log', () =>
          /\[pool\] \d+% in use \(pool: using \d+\/12, .*$/mu.exec(main.log())?.[0],
        );

        heldBefore = (await harness.activity(db)).filter((s) => s.process === 'main').map((s) => s.pid);
        process.kill(main.pid, 'SIGUSR2');
        released = await harness.waitFor('main to log the SIGUSR2 force release', () =>
          /\[pool\] SIGUSR2: force-released (\d+) connections/u.exec(main.log())?.[0],
        );
        // Every session main had before the signal is closed, the open transaction's included (the pool may open
        // `min` fresh ones).
        await harness.waitFor('main\'s old sessions to close', async () => {
          const now = (await harness.activity(db)).filter((s) => s.process === 'main').map((s) => s.pid);
          return now.every((pid) => !heldBefore.includes(pid));
        });
      },
    });

    console.info(harness.describeReport('after the codemod', after));
    expect(after.queries).toBe(7 * 2 * 20);
    expect(after.errors).toEqual([]);
    expect(after.ok).toBe(after.queries);
    expect(after.peakConnections).toBeLessThanOrEqual(budget.total);
    // 20 concurrent queries, a pool of 12: every process reaches its max and waits for the rest, none exceeds it.
    expect(after.peakByProcess).toEqual(Object.fromEntries(harness.PROGRAMS.map((name) => [name, budget.max])));

    expect(monitor).toMatch(/^\[pool\] \d+% in use \(pool: using \d+\/12, idle \d+, size \d+, waiting \d+\)$/u);
    expect(heldBefore.length).toBeGreaterThan(0);
    const count = Number(/force-released (\d+)/u.exec(released)?.[1]);
    expect(count).toBeGreaterThanOrEqual(1);
  });
});
