// One OS process of the load harness, standing in for one Supervisor program of examples/legacy-server.
//
//   node test/integration/load-worker.mjs '<task JSON>'
//
// The environment (NODE_CONFIG, NODE_CONFIG_DIR, NODE_ENV, NODE_PATH, PROCESS_NAME, ...) is set by harness.mjs
// exactly as supervisord would set it; this script only loads the app's `server/db/sequelize.js` (its own
// Sequelize instance, so its own pool), waits for `go` on stdin so that all processes start together, runs the
// task and prints one result line. It then stays alive, connections and all, until stdin closes: the harness
// samples pg_stat_activity in between, which is how a leaked transaction shows up as `idle in transaction`.
//
// Lines the harness reads start with MARKER; everything else on stdout/stderr is the app's own log.
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const MARKER = '@@load-worker ';

/** @param {Record<string, unknown>} message */
function emit(message) {
  process.stdout.write(`${MARKER}${JSON.stringify(message)}\n`);
}

/** What the harness needs to group an error: Sequelize wraps driver errors, the SQLSTATE is on `parent`. */
function describeError(error) {
  const cause = error?.parent ?? error?.original;
  return {
    name: error?.name ?? typeof error,
    message: String(error?.message ?? error),
    code: cause?.code ?? error?.code ?? null,
  };
}

/** Runs `fn`, timing it; never throws. */
async function attempt(fn) {
  const start = performance.now();
  try {
    const value = await fn();
    return { ok: true, ms: performance.now() - start, value: value === undefined ? null : value };
  } catch (error) {
    return { ok: false, ms: performance.now() - start, error: describeError(error) };
  }
}

const task = JSON.parse(process.argv[2] ?? '{}');
const appRequire = createRequire(path.join(task.app, 'package.json'));
const { sequelize } = appRequire(path.join(task.app, 'server', 'db', 'sequelize.js'));

const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => {
  lines.once('line', resolve);
});
// The harness closes stdin to end the process; a leaked transaction would keep `sequelize.close()` from ever
// resolving, so exit outright.
process.stdin.on('end', () => process.exit(0));
emit({ type: 'ready' });
await go;

/** @type {{ ok: boolean, ms: number, value?: unknown, error?: { name: string, message: string, code: string | null } }[]} */
const calls = [];
const progress = () =>
  emit({ type: 'progress', ok: calls.filter((call) => call.ok).length, failed: calls.filter((call) => !call.ok).length });

if (task.kind === 'load') {
  // `bursts` rounds of `concurrency` concurrent queries; each round waits for the previous one to settle.
  const sql = `SELECT pg_sleep(${(task.sleepMs / 1000).toFixed(3)})`;
  for (let burst = 0; burst < task.bursts; burst += 1) {
    const settled = await Promise.all(
      Array.from({ length: task.concurrency }, () => attempt(() => sequelize.query(sql).then(() => null))),
    );
    calls.push(...settled);
    progress();
  }
} else if (task.kind === 'calls') {
  // `runs` rounds of `parallel` concurrent calls of an exported function of the app (a job, a fixture).
  const fn = appRequire(path.join(task.app, task.module))[task.export];
  if (typeof fn !== 'function') throw new Error(`${task.module} does not export a function ${task.export}`);
  for (let run = 0; run < task.runs; run += 1) {
    calls.push(...(await Promise.all(Array.from({ length: task.parallel ?? 1 }, () => attempt(() => fn())))));
    progress();
  }
} else {
  throw new Error(`unknown task kind ${task.kind}`);
}

if (task.holdTransaction) {
  // A transaction nobody finishes, as the leaking cron job leaves one: for the SIGUSR2 force release to find.
  const t = await sequelize.transaction();
  await sequelize.query('SELECT 1', { transaction: t });
}

emit({ type: 'result', calls });
