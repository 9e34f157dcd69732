/**
 * Scenario 5: the migrated module's query logging switches (docs/codemod.md), switched in config only
 * (`db.options.logging`, `.benchmark`, `.slowQueryMs` through NODE_CONFIG), on a real PostgreSQL. One process runs
 * `SELECT 1 AS fast` and `SELECT pg_sleep(0.3) AS slow`. The example module has `logging: false` and no logging
 * function of its own, so a switched-on log goes to console.log (slow queries to console.warn), as Sequelize's own
 * default would: the codemod never guesses a logger's methods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as harness from './harness.mjs';
import type { App, Database, ProcessOptions } from './harness.mjs';

const FAST = 'SELECT 1 AS fast';
const SLOW = 'SELECT pg_sleep(0.3) AS slow';
/** Any line Sequelize's logging produced. */
const QUERY_LINE = /^Execut(?:ing|ed) \(.*$/gmu;

let db: Database;
let app: App;

beforeAll(async () => {
  db = await harness.startPostgres();
  app = harness.prepareApp({ migrate: true, files: { 'server/jobs/reportQueries.js': 'reportQueries.js' } });
});

afterAll(async () => {
  await harness.cleanupAll();
});

/** The query lines the app logged while running both queries with these `db.options`. */
async function queryLog(options: Record<string, unknown>, logLevel: ProcessOptions['logLevel']): Promise<string[]> {
  const run = await harness.runWorkers(db, app, [
    {
      name: 'reports',
      task: { kind: 'calls', module: 'server/jobs/reportQueries.js', export: 'reportQueries', runs: 1 },
      dbConfig: { options },
      logLevel,
    },
  ]);
  expect(run.workers[0]?.calls.map((call) => call.ok)).toEqual([true]);
  return run.workers[0]?.log().match(QUERY_LINE) ?? [];
}

/** The `Elapsed time: Nms` Sequelize appends for console.log, as a number. */
function elapsed(line: string | undefined): number {
  return Number(/ Elapsed time: (\d+)ms$/u.exec(line ?? '')?.[1]);
}

describe('logging, benchmark and slowQueryMs of the migrated module', () => {
  it('logs nothing without db.options switches: the module had logging: false, and keeps it', async () => {
    expect(await queryLog({}, 'debug')).toEqual([]);
  });

  it('logging: each query before it runs, without a time', async () => {
    expect(await queryLog({ logging: true }, 'info')).toEqual([`Executing (default): ${FAST}`, `Executing (default): ${SLOW}`]);
  });

  it('logging + benchmark: each query after it ran, with its elapsed time', async () => {
    const lines = await queryLog({ logging: true, benchmark: true }, 'info');
    expect(lines).toEqual([
      expect.stringMatching(/^Executed \(default\): SELECT 1 AS fast Elapsed time: \d+ms$/u),
      expect.stringMatching(/^Executed \(default\): SELECT pg_sleep\(0\.3\) AS slow Elapsed time: \d+ms$/u),
    ]);
    // The number is Sequelize's own measurement (an integer of milliseconds), whatever the machine's load: no bound
    // on wall-clock time here, which a shared, busy machine cannot promise.
    expect(lines.map(elapsed).every((ms) => Number.isInteger(ms) && ms >= 0)).toBe(true);
  });

  it('slowQueryMs: only queries at least that slow, with the time (benchmark on by itself)', async () => {
    const lines = await queryLog({ slowQueryMs: 250 }, 'info');
    expect(lines).toEqual([expect.stringMatching(/^Executed \(default\): SELECT pg_sleep\(0\.3\) AS slow Elapsed time: \d+ms$/u)]);
    // The filter keeps exactly the queries whose measured time reaches the threshold: judged by the number it logs.
    expect(elapsed(lines[0])).toBeGreaterThanOrEqual(250);
  });

  it('slowQueryMs: 0 logs every query, with its time', async () => {
    expect(await queryLog({ slowQueryMs: 0 }, 'info')).toEqual([
      expect.stringMatching(/^Executed \(default\): SELECT 1 AS fast Elapsed time: \d+ms$/u),
      expect.stringMatching(/^Executed \(default\): SELECT pg_sleep\(0\.3\) AS slow Elapsed time: \d+ms$/u),
    ]);
  });

  it('slowQueryMs above any query\'s time logs nothing', async () => {
    expect(await queryLog({ slowQueryMs: 3_600_000 }, 'debug')).toEqual([]);
  });
});
