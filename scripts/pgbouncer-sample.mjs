// The sample report of docs/doctor.md, from a real run: the example app (7 Supervisor programs, pool max 100 each)
// through Debian's pgbouncer in transaction mode in front of an embedded PostgreSQL (max_connections 100), under the
// incident's load, then `doctor` through PgBouncer. Run after `npm run build`: node scripts/pgbouncer-sample.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cleanupAll, describeReport, INCIDENT_LOAD, prepareApp, runLoad, startPgBouncer, startPostgres } from '../test/integration/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
try {
  const db = await startPostgres({ maxConnections: 100 });
  const bouncer = await startPgBouncer(db, { pool_mode: 'transaction', max_client_conn: 1000, default_pool_size: 20 });
  const app = prepareApp();
  const run = await runLoad(db, app, INCIDENT_LOAD, { specFor: () => ({ dbConfig: { port: bouncer.port } }) });
  console.log(describeReport('through PgBouncer', run).split('\n')[0].replace(/ \(main.*?\)/u, ''));
  console.log(`processes ${INCIDENT_LOAD.processes}, failed queries ${run.failed} of ${run.queries}, peak server connections ${run.peakConnections}\n`);
  console.log('$ npx eslint-plugin-sequelize-pool doctor --url postgres://app:…@127.0.0.1:<pgbouncer>/legacy\n');
  const doctor = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'index.js'), 'doctor', '--url', bouncer.appUrl], {
    cwd: app.dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' },
  });
  console.log(`${doctor.stdout}${doctor.stderr}`.trimEnd());
  console.log(`\n(exit ${doctor.status})`);
} finally {
  await cleanupAll();
}
