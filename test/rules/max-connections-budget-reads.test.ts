/**
 * max-connections-budget reads the deployment (process files, package.json "sequelizePool") and pgbouncer.ini only
 * for a file that has a pool to judge, and once per project in a lint run: the files it opens are recorded through
 * a wrapper around node:fs, so what is asserted is what it reads, not how long it takes.
 */
import type * as Fs from 'node:fs';

import path from 'node:path';

import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { clearProjectModuleCache } from '../../lib/project/project-modules';
import { ProjectOnDisk } from '../project-lint';

/** What the plugin's own modules asked node:fs, in order: the function and the path. */
const touched = vi.hoisted((): { call: string; file: string }[] => []);

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const recorded = <T extends (...args: never[]) => unknown>(call: string, fn: T): T =>
    ((...args: Parameters<T>) => {
      if (typeof args[0] === 'string') touched.push({ call, file: args[0] });
      return fn(...args);
    }) as T;
  const wrapped = {
    ...fs,
    existsSync: recorded('existsSync', fs.existsSync),
    readdirSync: recorded('readdirSync', fs.readdirSync),
    readFileSync: recorded('readFileSync', fs.readFileSync),
    statSync: recorded('statSync', fs.statSync),
  };
  return { ...wrapped, default: wrapped };
});

const SETUP = (max: number) => `const { Sequelize } = require('sequelize');
module.exports = new Sequelize(process.env.DATABASE_URL, { pool: { max: ${max}, min: 0, idle: 10000, acquire: 30000, evict: 10000 } });
`;

const project = new ProjectOnDisk('budget-reads-', {
  'package.json': JSON.stringify({ name: 'app', private: true }),
  'supervisord.conf': '[program:web]\ncommand=node server.js\nnumprocs=7\n',
  'deploy/pgbouncer.ini': '[pgbouncer]\nmax_client_conn = 200\n',
  'lib/format.js': 'module.exports = (value) => new Date(value).toISOString();\n',
  'lib/money.js': 'class Money { constructor(cents) { this.cents = cents; } }\nmodule.exports = (cents) => new Money(cents);\n',
  'db/main.js': SETUP(50),
  'db/reports.js': SETUP(10),
});
afterAll(() => project.remove());

/** Calls that opened or looked for a file of this name (any fs function), and those that read its text. */
const looks = (name: string): number => touched.filter(({ file }) => path.basename(file) === name).length;
const reads = (name: string): number => touched.filter(({ call, file }) => call === 'readFileSync' && path.basename(file) === name).length;

describe('max-connections-budget: the deployment is read where a pool is judged', () => {
  beforeEach(() => {
    clearProjectModuleCache();
    touched.length = 0;
  });

  it('files without a Sequelize construction: no process file, pgbouncer.ini or package.json read', async () => {
    expect(await project.lint(['max-connections-budget'], ['lib/format.js', 'lib/money.js'])).toEqual([]);
    expect(looks('supervisord.conf')).toBe(0);
    expect(looks('pgbouncer.ini')).toBe(0);
    expect(looks('package.json')).toBe(0);
  });

  it('files with one: judged against the deployment and PgBouncer, read once for the whole run', async () => {
    const found = await project.lint(['max-connections-budget'], ['db/main.js', 'db/reports.js', 'lib/format.js']);
    // 7 × 50 = 350 clients over max_client_conn 200; 7 × 10 = 70 fits.
    expect(found.map(({ file, line, messageId }) => ({ file, line, messageId }))).toEqual([{ file: 'db/main.js', line: 2, messageId: 'clientsOverPgBouncer' }]);
    expect(found[0]?.message).toContain('7 processes (supervisord.conf)');
    expect(found[0]?.message).toContain('max_client_conn, deploy/pgbouncer.ini');
    expect(reads('supervisord.conf')).toBe(1);
    expect(reads('pgbouncer.ini')).toBe(1);
    // Looked for in the usual folders (the root, pgbouncer/, then deploy/ where it is) once, not per file.
    expect(touched.filter(({ call, file }) => call === 'statSync' && path.basename(file) === 'pgbouncer.ini').map(({ file }) => path.relative(project.root, file))).toEqual([
      'pgbouncer.ini',
      path.join('pgbouncer', 'pgbouncer.ini'),
      path.join('deploy', 'pgbouncer.ini'),
    ]);
  });
});
