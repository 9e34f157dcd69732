/**
 * doctor hardened, against real servers started here: a TLS-enabled PostgreSQL (a self-signed certificate made by
 * openssl at test time) also listening on ::1, a plain one, and TCP proxies that go silent. The CLI runs as a user
 * runs it (the built dist/), so exit codes and both streams are what a shell sees.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DoctorReport } from '../../cli/doctor';
import type * as Harness from '../integration/harness.mjs' with { 'resolution-mode': 'import' };

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'index.js');
const APPLICATION = 'eslint-plugin-sequelize-pool doctor';

let harness: typeof Harness;
let tlsDb: Harness.Database;
let plainDb: Harness.Database;
let root = '';
let password = '';

beforeAll(async () => {
  harness = await import('../integration/harness.mjs');
  [tlsDb, plainDb] = await Promise.all([harness.startPostgres({ maxConnections: 40, tls: true, ipv6: true }), harness.startPostgres({ maxConnections: 40 })]);
  password = decodeURIComponent(new URL(tlsDb.superuserUrl).password);
  root = mkdtempSync(path.join(tmpdir(), 'doctor-hardening-'));
  writeFileSync(path.join(root, 'db.js'), "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('postgres://db/app', { pool: { max: 5 } });\n");
});

afterAll(async () => {
  await harness?.cleanupAll();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

/** The built CLI, asynchronously (the proxies below answer from this process). */
function doctor(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'doctor', '--processes', '1', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', PGHOST: '', PGSSLMODE: '', PGSSLROOTCERT: '', NODE_CONFIG: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function json(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; report: DoctorReport; stderr: string }> {
  const result = await doctor([...args, '--json'], env);
  return { status: result.status, stderr: result.stderr, report: JSON.parse(result.stdout === '' ? 'null' : result.stdout) as DoctorReport };
}

const url = (db: Harness.Database, host = '127.0.0.1', query = ''): string => {
  const parsed = new URL(db.superuserUrl);
  return `postgres://postgres:${parsed.password}@${host}:${db.port}/postgres${query}`;
};

describe('TLS from the URL and the libpq environment', () => {
  it('sslmode=verify-full with sslrootcert: encrypted and verified, shown in the report', async () => {
    const result = await doctor(['--url', url(tlsDb, '127.0.0.1', `?sslmode=verify-full&sslrootcert=${tlsDb.certificate ?? ''}`)]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`settings from --url; TLS: sslmode=verify-full (--url sslmode), sslrootcert ${tlsDb.certificate ?? ''}, encrypted`);
    expect(result.stdout).not.toContain(password);
    expect(result.status).toBe(0);
    const { report } = await json(['--url', url(tlsDb, 'localhost', `?sslmode=verify-full&sslrootcert=${tlsDb.certificate ?? ''}`)]);
    expect(report.connection?.tls).toEqual({ mode: 'verify-full', modeFrom: '--url sslmode', encrypted: true, rootCert: tlsDb.certificate });
  });

  it('sslmode=require encrypts without verifying; disable does not encrypt; the default prefers TLS', async () => {
    expect((await json(['--url', url(tlsDb, '127.0.0.1', '?sslmode=require')])).report.connection?.tls).toMatchObject({ mode: 'require', encrypted: true });
    expect((await json(['--url', url(tlsDb, '127.0.0.1', '?sslmode=disable')])).report.connection?.tls).toMatchObject({ mode: 'disable', encrypted: false });
    expect((await json(['--url', url(tlsDb)])).report.connection?.tls).toMatchObject({ mode: 'prefer', modeFrom: "libpq's default", encrypted: true });
    // prefer against a server without TLS falls back to plaintext, as libpq does.
    expect((await json(['--url', url(plainDb)])).report.connection?.tls).toMatchObject({ mode: 'prefer', encrypted: false });
  });

  it('PGSSLMODE and PGSSLROOTCERT are honoured when the URL says nothing', async () => {
    const { status, report } = await json(['--url', url(tlsDb)], { PGSSLMODE: 'verify-ca', PGSSLROOTCERT: tlsDb.certificate ?? '' });
    expect(report.connection?.tls).toEqual({ mode: 'verify-ca', modeFrom: 'PGSSLMODE', encrypted: true, rootCert: tlsDb.certificate });
    expect(report.connection?.sources).toEqual(['--url', 'PGSSLMODE', 'PGSSLROOTCERT']);
    expect(status).toBe(0);
  });

  it('verify-full without the root certificate: one line, exit 2', async () => {
    const result = await doctor(['--url', url(tlsDb, '127.0.0.1', '?sslmode=verify-full')]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `eslint-plugin-sequelize-pool: cannot connect to postgres@127.0.0.1:${tlsDb.port}/postgres: the server's TLS certificate failed the sslmode=verify-full check (self-signed certificate)\n`,
    );
    expect(result.status).toBe(2);
  });

  it('sslmode=require against a server without TLS: refused, not plaintext; one line, exit 2', async () => {
    const result = await doctor(['--url', url(plainDb, '127.0.0.1', '?sslmode=require')]);
    expect(result.stderr).toBe(
      `eslint-plugin-sequelize-pool: cannot connect to postgres@127.0.0.1:${plainDb.port}/postgres: the server does not offer TLS, and sslmode=require requires it\n`,
    );
    expect(result.status).toBe(2);
  });

  it('an IPv6 literal: [::1] connects and is shown with brackets', async () => {
    const { status, report } = await json(['--url', url(tlsDb, '[::1]', '?sslmode=disable')]);
    expect(report.connection?.target).toBe(`postgres@[::1]:${tlsDb.port}/postgres`);
    expect(report.database?.maxConnections).toBe(40);
    expect(status).toBe(0);
  });
});

/** A TCP proxy to `port` that forwards until the server's first ReadyForQuery (or nothing at all), then goes silent. */
async function silentProxy(port: number, { fromStart = false } = {}): Promise<{ port: number; clientClosed: Promise<void>; close: () => void }> {
  let markClosed = (): void => undefined;
  const clientClosed = new Promise<void>((resolve) => (markClosed = resolve));
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    sockets.push(client);
    client.on('error', () => undefined);
    client.on('close', () => markClosed());
    if (fromStart) {
      // Read and drop what the client sends, so that its hang-up is seen.
      client.resume();
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    sockets.push(upstream);
    upstream.on('error', () => undefined);
    let silent = false;
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (!silent) upstream.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('data', (chunk: Buffer) => {
      if (silent) return;
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const length = pending.readUInt32BE(1);
        if (pending.length < 1 + length) break;
        const message = pending.subarray(0, 1 + length);
        pending = pending.subarray(1 + length);
        client.write(message);
        // 'Z' ReadyForQuery: login is done; from now on nothing passes either way.
        if (message[0] === 0x5a) {
          silent = true;
          break;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    clientClosed,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('a client-side deadline on every step', () => {
  it('a proxy silent after ReadyForQuery: exit 2 after --timeout, and the session is closed', async () => {
    const proxy = await silentProxy(plainDb.port);
    try {
      const target = `postgres://postgres:${encodeURIComponent(decodeURIComponent(new URL(plainDb.superuserUrl).password))}@127.0.0.1:${proxy.port}/postgres?sslmode=disable`;
      const result = await doctor(['--url', target, '--timeout', '1']);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`eslint-plugin-sequelize-pool: postgres@127.0.0.1:${proxy.port}/postgres: no answer to BEGIN within 1 s; the session was closed\n`);
      expect(result.status).toBe(2);
      await proxy.clientClosed;
      // The proxy closed its side when doctor hung up: PostgreSQL ends the session instead of leaving it idle.
      await harness.waitFor('the doctor session to end on the server', async () => {
        const { rows } = await plainDb.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [APPLICATION]);
        return rows[0]?.n === 0;
      });
    } finally {
      proxy.close();
    }
  });

  it('a server that never answers the login: exit 2 after --timeout', async () => {
    const proxy = await silentProxy(plainDb.port, { fromStart: true });
    try {
      const result = await doctor(['--url', `postgres://app:secret-pw@127.0.0.1:${proxy.port}/legacy?sslmode=disable`, '--timeout', '0.5']);
      expect(result.stderr).toBe(`eslint-plugin-sequelize-pool: app@127.0.0.1:${proxy.port}/legacy: no answer to the connection and login within 0.5 s; the session was closed\n`);
      expect(result.stderr).not.toContain('secret-pw');
      expect(result.status).toBe(2);
      await proxy.clientClosed;
    } finally {
      proxy.close();
    }
  });
});

describe('--help and --version without ESLint', () => {
  it('run with eslint, @typescript-eslint/parser and typescript unresolvable', async () => {
    const hook = path.join(root, 'no-eslint.cjs');
    writeFileSync(
      hook,
      `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (/^(?:eslint|@typescript-eslint\\/parser|typescript|jscodeshift)(?:\\/|$)/u.test(request)) {
    throw Object.assign(new Error(\`Cannot find module '\${request}'\`), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, ...rest);
};
`,
    );
    for (const args of [['--help'], ['--version'], ['doctor', '--help']]) {
      const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['-r', hook, CLI, ...args], { cwd: root });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.length).toBeGreaterThan(0);
    }
  });
});
