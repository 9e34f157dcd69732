/**
 * The codemod reads the deployment model doctor and the max-connections-budget rule read (lib/project/deployment.ts,
 * lib/project/pgbouncer-config.ts): the process count without --processes, where it came from, the stated limits,
 * and PgBouncer (its client limit, and the startup parameters it refuses). On copies of examples/legacy-server,
 * through the built bin; the rule's message, the codemod's summary and doctor's advice give the same max.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ESLint } from 'eslint';
import { applyTransform } from 'jscodeshift/src/testUtils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import * as transformModule from '../../codemods/pool-config';
import plugin from '../../index';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'legacy-server');

/** A pgbouncer.ini as Debian ships it, trimmed to what matters here (transaction mode, as the incident review asks). */
const PGBOUNCER_INI = (settings: Record<string, string>) => `;; database name = connect string
[databases]
legacy = host=127.0.0.1 port=5432 dbname=legacy

[pgbouncer]
logfile = /var/log/postgresql/pgbouncer.log
pidfile = /var/run/postgresql/pgbouncer.pid
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir = /var/run/postgresql
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
admin_users = postgres
stats_users = monitor
pool_mode = transaction
server_reset_query = DISCARD ALL
${Object.entries(settings)
  .map(([key, value]) => `${key} = ${value}`)
  .join('\n')}
`;

const apps: string[] = [];

/** A copy of the example app (its own package.json, so the rule's project root is the copy) as a git repository. */
function exampleApp(files: Record<string, string> = {}, options: { supervisor?: boolean } = {}): string {
  const app = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-codemod-deploy-'));
  apps.push(app);
  cpSync(EXAMPLE, app, { recursive: true });
  if (options.supervisor === false) rmSync(path.join(app, 'supervisord.conf'));
  rmSync(path.join(app, 'eslint.config.js'));
  writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'legacy-server', version: '1.0.0', private: true }, null, 2)}\n`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
    writeFileSync(path.join(app, file), text);
  }
  for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', 'app']]) {
    execFileSync('git', args, { cwd: app });
  }
  return app;
}

function cli(app: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: app, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The lines of a --dry diff that the codemod adds. */
const added = (stdout: string): string[] => stdout.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++'));

/** The max-connections-budget rule with its default options (`"auto"`: the deployment model) on the app's setup module. */
async function lintBudget(app: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: app,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.js'],
        languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' },
        plugins: { 'sequelize-pool': plugin as never },
        rules: { 'sequelize-pool/max-connections-budget': 'error' },
      },
    ],
  });
  const [result] = await eslint.lintFiles([path.join(app, 'server', 'db', 'sequelize.js')]);
  return (result?.messages ?? []).map((message) => message.message);
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
});

afterEach(() => {
  for (const app of apps.splice(0)) rmSync(app, { recursive: true, force: true });
});

describe('codemod: the process count from the deployment model', () => {
  it('without --processes: 7 from supervisord.conf, max 12, said where it came from', () => {
    const run = cli(exampleApp(), 'codemod', '--dry');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('  processes: 7 from supervisord.conf (main, cron, background, convert, media, storage, integration_log)\n');
    expect(run.stdout).toContain('  line 7: pool.max 100 → 12: 7 × 100 = 700 > 97 usable PostgreSQL connections (100 − 3 reserved)\n');
    expect(run.stdout).toContain('\nprocesses: 7 from supervisord.conf (main, cron, background, convert, media, storage, integration_log)\n');
    expect(run.stdout).toContain('\nbudget: 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)\n');
  });

  it('the plain jscodeshift transform reads the same deployment from the directory it runs in', () => {
    const sized = (app: string): string => {
      const file = 'server/db/sequelize.js';
      const previous = process.cwd();
      process.chdir(app);
      try {
        return applyTransform(transformModule, {}, { source: readFileSync(path.join(app, file), 'utf8'), path: file });
      } finally {
        process.chdir(previous);
      }
    };
    // supervisord.conf's 7 programs: max 12, as the command writes; without it, 1 process assumed and the default 10.
    expect(sized(exampleApp())).toContain('pool: { max: 12, min: 2,');
    expect(sized(exampleApp({}, { supervisor: false }))).toContain('pool: { max: 10, min: 2,');
  });

  it('a second run changes nothing and still prints the budget of the deployment it read', () => {
    const app = exampleApp();
    expect(cli(app, 'codemod').status).toBe(0);
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qam', 'migrated'], { cwd: app });
    const again = cli(app, 'codemod');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('unchanged server/db/sequelize.js');
    expect(again.stdout).toContain('\nbudget: 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)\n');
  });

  it('nothing found: 1 process, assumed and announced, and the default max 10', () => {
    const app = exampleApp({}, { supervisor: false });
    const run = cli(app, 'codemod', '--dry');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `\nprocesses: 1 assumed: no --processes, no "sequelizePool" processes in package.json, and no supervisord.conf, a pm2 ecosystem file, a Procfile, a docker-compose file or Kubernetes manifests in ${realpath(app)}; pass --processes to size the pool to your deployment\n`,
    );
    expect(run.stdout).toContain('\nbudget: 1 process × max 10 = 10 connections of the 97 PostgreSQL allows (100 − 3 reserved)\n');
    expect(run.stdout).toContain('budget: max 10 is the default; pass --processes and --max-connections to size it to your deployment');
  });

  it('--processes wins over supervisord.conf', () => {
    const run = cli(exampleApp(), 'codemod', '--dry', '--processes', '3');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('\nprocesses: 3 from --processes\n');
    expect(run.stdout).toContain('\nbudget: 3 processes × max 29 = 87 connections of the 97 PostgreSQL allows (100 − 3 reserved)\n');
  });

  it('a stated package.json "sequelizePool" block: its processes and limits, named', () => {
    const app = exampleApp();
    writeFileSync(
      path.join(app, 'package.json'),
      `${JSON.stringify({ name: 'legacy-server', private: true, sequelizePool: { processes: { web: 4 }, maxConnections: 200, reservedConnections: 3 } }, null, 2)}\n`,
    );
    const run = cli(app, 'codemod', '--dry');
    expect(run.status, run.stderr).toBe(0);
    // 4 × max 44 = 176 ≤ 197 − 20 headroom (10% of 200).
    expect(run.stdout).toContain('\nprocesses: 4 from package.json "sequelizePool" processes; max_connections 200 from package.json "sequelizePool"; reserved 3 from package.json "sequelizePool"\n');
    expect(run.stdout).toContain('\nbudget: 4 processes × max 44 = 176 connections of the 197 PostgreSQL allows (200 − 3 reserved)\n');
    // supervisord.conf is there too: the stated block wins, and the unused file is named.
    expect(run.stdout).toContain('  assumption: also found supervisord.conf: not used');
  });

  it('an unreadable deployment file is one line, exit 2, nothing written', () => {
    const app = exampleApp({ 'ecosystem.config.js': 'module.exports = { apps: [ { name: "web", instances: 2.5, script: "server/main.js" } ] };\n' }, { supervisor: false });
    const run = cli(app, 'codemod');
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      "eslint-plugin-sequelize-pool: cannot read the deployment: ecosystem.config.js: `instances` of web must be a whole number, 'max' or a negative number of cores to leave free, got 2.5; fix it, or pass --processes",
    ]);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: app, encoding: 'utf8' })).toBe('');
  });

  it('the rule, the codemod and doctor give the same max on the same checkout', async () => {
    const app = exampleApp();
    const [message] = await lintBudget(app);
    expect(message).toContain('7 processes (supervisord.conf) × max 100 = 700 connections');
    expect(message).toContain('max 12 fits');
    const doctor = cli(app, 'doctor', '--no-live', '--json');
    expect(doctor.status).toBe(1);
    const report = JSON.parse(doctor.stdout) as { processes: { total: number; source: string }; advice: { fitsWithOnePoolPerProcess: number } };
    expect(report.processes).toMatchObject({ total: 7, source: 'supervisord.conf' });
    expect(report.advice.fitsWithOnePoolPerProcess).toBe(12);
    expect(cli(app, 'codemod', '--dry').stdout).toContain('\nbudget: 7 processes × max 12 = ');
  });
});

describe('codemod behind PgBouncer', () => {
  it('--idle-in-transaction-timeout is not added (PgBouncer refuses the startup parameter): announced per file, one warning line, exit 0', () => {
    const app = exampleApp({ 'deploy/pgbouncer.ini': PGBOUNCER_INI({ max_client_conn: '1000', default_pool_size: '20', ignore_startup_parameters: 'extra_float_digits' }) });
    const run = cli(app, 'codemod', '--dry', '--idle-in-transaction-timeout', '60000');
    expect(run.status, run.stderr).toBe(0);
    expect(added(run.stdout).join('\n')).not.toContain('idle_in_transaction_session_timeout');
    expect(run.stdout).toContain(
      '  note: new Sequelize at line 7: dialectOptions.idle_in_transaction_session_timeout not added: PgBouncer (deploy/pgbouncer.ini) refuses a startup parameter it does not track: every connection would fail with "unsupported startup parameter: idle_in_transaction_session_timeout"; set it on the server instead: ALTER ROLE … SET idle_in_transaction_session_timeout = 60000\n',
    );
    expect(run.stderr.trim().split('\n')).toEqual([
      'eslint-plugin-sequelize-pool: warning: --idle-in-transaction-timeout not applied behind PgBouncer: PgBouncer (deploy/pgbouncer.ini) refuses a startup parameter it does not track: every connection would fail with "unsupported startup parameter: idle_in_transaction_session_timeout"; set it on the server instead: ALTER ROLE … SET idle_in_transaction_session_timeout = 60000',
    ]);
  });

  it('listed in ignore_startup_parameters: still not added (PgBouncer drops it), and said why', () => {
    const app = exampleApp({ 'pgbouncer.ini': PGBOUNCER_INI({ max_client_conn: '1000', ignore_startup_parameters: 'extra_float_digits, idle_in_transaction_session_timeout' }) });
    const run = cli(app, 'codemod', '--dry', '--idle-in-transaction-timeout', '60000');
    expect(run.status, run.stderr).toBe(0);
    expect(added(run.stdout).join('\n')).not.toContain('idle_in_transaction_session_timeout');
    expect(run.stdout).toContain('not added: PgBouncer (pgbouncer.ini) lists it in ignore_startup_parameters and drops it, so PostgreSQL would never get it');
  });

  it('a startup parameter the app already sends is kept (the app has it now) and named, as the rule and doctor name it', () => {
    const app = exampleApp({ 'deploy/pgbouncer.ini': PGBOUNCER_INI({ max_client_conn: '1000' }) });
    const setup = path.join(app, 'server', 'db', 'sequelize.js');
    writeFileSync(setup, readFileSync(setup, 'utf8').replace('application_name:', 'statement_timeout: 5000,\n      application_name:'));
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qam', 'statement_timeout'], { cwd: app });
    const run = cli(app, 'codemod', '--dry');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      '  note: new Sequelize at line 7: dialectOptions.statement_timeout is sent as a startup parameter, which PgBouncer (deploy/pgbouncer.ini) refuses: every connection fails with "unsupported startup parameter: statement_timeout"; left as written: add it to ignore_startup_parameters, or set it per role: ALTER ROLE … SET statement_timeout = …\n',
    );
    expect(run.stdout.split('\n').filter((line) => line.startsWith('-') && line.includes('statement_timeout'))).toEqual([]);
  });

  it('without PgBouncer the same flag adds the timeout (the control)', () => {
    const run = cli(exampleApp(), 'codemod', '--dry', '--idle-in-transaction-timeout', '60000');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(added(run.stdout)).toContain('+      idle_in_transaction_session_timeout: 60000,');
  });

  it('budgets through PgBouncer: 7 × 100 = 700 fits max_client_conn 1000, so max 100 is kept; the server side is checked too', () => {
    const app = exampleApp({ 'deploy/pgbouncer.ini': PGBOUNCER_INI({ max_client_conn: '1000', default_pool_size: '20' }) });
    const run = cli(app, 'codemod', '--dry');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('pool.max 100 →');
    expect(run.stdout).toContain('\nprocesses: 7 from supervisord.conf (main, cron, background, convert, media, storage, integration_log); through PgBouncer (deploy/pgbouncer.ini)\n');
    expect(run.stdout).toContain("\nbudget: 7 processes × max 142 = 994 client connections of PgBouncer's max_client_conn 1000 (deploy/pgbouncer.ini)\n");
    expect(run.stdout).toContain('\nbudget: PgBouncer opens at most legacy (default_pool_size 20 + reserve_pool_size 0) = 20 server connections of the 97 PostgreSQL allows (100 − 3 reserved)\n');
  });

  it('over max_client_conn: max lowered to what PgBouncer admits, and rule, codemod and doctor agree', async () => {
    const app = exampleApp({ 'deploy/pgbouncer.ini': PGBOUNCER_INI({ max_client_conn: '500', default_pool_size: '20' }) });
    const run = cli(app, 'codemod', '--dry');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('  line 7: pool.max 100 → 71: 7 × 100 = 700 > 500 client connections PgBouncer allows (max_client_conn 500, deploy/pgbouncer.ini)\n');
    const [message] = await lintBudget(app);
    expect(message).toContain('700 client connections, but PgBouncer allows 500');
    expect(message).toContain('max 71 fits');
    const report = JSON.parse(cli(app, 'doctor', '--no-live', '--json').stdout) as { advice: { through: string; fitsWithOnePoolPerProcess: number } };
    expect(report.advice).toMatchObject({ through: 'pgbouncer', fitsWithOnePoolPerProcess: 71 });
  });
});

function realpath(directory: string): string {
  return execFileSync('realpath', [directory], { encoding: 'utf8' }).trim();
}
