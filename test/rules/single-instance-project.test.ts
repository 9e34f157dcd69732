/**
 * single-instance across files: small projects on disk linted by a real ESLint, as a whole and file by file.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Found } from '../project-lint';

import plugin from '../../index';
import { clearProjectModuleCache, FRESHNESS_MS } from '../../lib/project/project-modules';
import singleInstance from '../../rules/single-instance';
import { ProjectOnDisk } from '../project-lint';

const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "app", "private": true }',
  'tsconfig.json': `{
  // comments are allowed here
  "compilerOptions": { "baseUrl": ".", "paths": { "@server/*": ["src/server/*"] } }
}`,
  'server/db/sequelize.js': `const { Sequelize } = require('sequelize');
module.exports = new Sequelize(process.env.DATABASE_URL, { pool: { max: 10 } });
`,
  // Imports the shared instance through a chain of modules, then opens a second pool.
  'server/reports/index.js': `const { Sequelize } = require('sequelize');
const models = require('../models');
const reporting = new Sequelize(process.env.REPORTING_URL);
module.exports = { reporting, models };
`,
  'server/models/index.js': `const sequelize = require('../db/sequelize');
module.exports = { User: sequelize.define('User', {}) };
`,
  // Uses the shared instance only: fine.
  'server/main.js': `const sequelize = require('./db/sequelize');
const reports = require('./reports');
sequelize.authenticate();
`,
  // A standalone script: its own process, importing nothing that constructs.
  'scripts/migrate.js': `const { Sequelize } = require('sequelize');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const sequelize = new Sequelize(process.env.DATABASE_URL);
`,
  // Only a lazy require inside a function: not loaded with the module.
  'scripts/lazy.js': `const { Sequelize } = require('sequelize');
const own = new Sequelize(process.env.DATABASE_URL);
function later() { return require('../server/db/sequelize'); }
module.exports = { own, later };
`,
  // TypeScript with a tsconfig paths alias and an extension-less specifier.
  'src/server/db.ts': `import { Sequelize } from 'sequelize-typescript';
export const sequelize = new Sequelize({ dialect: 'postgres' });
`,
  'src/jobs/worker.ts': `import { Sequelize } from 'sequelize-typescript';
import { sequelize } from '@server/db';
import type { Options } from 'sequelize';
export const jobs = new Sequelize({ dialect: 'postgres' } satisfies Options);
void sequelize;
`,
  'src/types.ts': `import type { sequelize } from './server/db';
import { Sequelize } from 'sequelize-typescript';
export type Db = typeof sequelize;
export const other = new Sequelize({ dialect: 'postgres' });
`,
  // An ES module importing the CommonJS setup module with its extension.
  'server/esm.mjs': `import { Sequelize } from 'sequelize';
import shared from './db/sequelize.js';
export const second = new Sequelize(process.env.URL);
export { shared };
`,
  // A file that does not parse is skipped, not a crash, when someone imports it.
  'server/broken.js': 'module.exports = {{;\n',
  'server/uses-broken.js': `const { Sequelize } = require('sequelize');
require('./broken');
module.exports = new Sequelize(process.env.URL);
`,
};

let project: ProjectOnDisk;
let root = '';

const eslint = () => project.eslint(['single-instance']);
const lint = (patterns: string[]): Promise<Found[]> => project.lint(['single-instance'], patterns);
const write = (files: Record<string, string>): void => project.write(files);

beforeAll(() => {
  project = new ProjectOnDisk('single-instance-', PROJECT);
  root = project.root;
  // The plugin under test must be the one whose rule is imported here.
  expect(plugin.rules['single-instance']).toBe(singleInstance);
});

afterAll(() => {
  project.remove();
});

const EXPECTED: Found[] = [
  {
    file: 'server/esm.mjs',
    line: 3,
    messageId: 'secondInProcess',
    message:
      'This module creates a Sequelize instance and also loads ./db/sequelize.js, which creates another at line 2: one process, two pools. Import the shared instance from ./db/sequelize.js instead.',
  },
  {
    file: 'server/reports/index.js',
    line: 3,
    messageId: 'secondInProcess',
    message:
      'This module creates a Sequelize instance and also loads ../db/sequelize.js, which creates another at line 2: one process, two pools. Import the shared instance from ../db/sequelize.js instead.',
  },
  {
    file: 'src/jobs/worker.ts',
    line: 4,
    messageId: 'secondInProcess',
    message:
      'This module creates a Sequelize instance and also loads ../server/db.ts, which creates another at line 2: one process, two pools. Import the shared instance from ../server/db.ts instead.',
  },
];

describe('single-instance across files', () => {
  it('reports modules that construct and also load a constructing module, naming the other file and line', async () => {
    expect(await lint(['.'])).toEqual(EXPECTED);
  });

  it('gives each file the same answer when it is linted alone', async () => {
    for (const file of Object.keys(PROJECT).filter((name) => /\.(?:js|mjs|ts)$/u.test(name))) {
      clearProjectModuleCache();
      const alone = await lint([file]);
      expect(alone, file).toEqual(EXPECTED.filter((found) => found.file === file));
    }
  });

  it('lints unsaved editor text for a file the same way as the file on disk', async () => {
    const [result] = await eslint().lintText(PROJECT['server/reports/index.js'] ?? '', {
      filePath: path.join(root, 'server/reports/index.js'),
    });
    expect(result?.messages.map((message) => [message.line, message.messageId])).toEqual([[3, 'secondInProcess']]);
    // The unsaved text no longer imports the shared module: no report, whatever the disk says.
    const [edited] = await eslint().lintText("const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize(process.env.URL);\n", {
      filePath: path.join(root, 'server/reports/index.js'),
    });
    expect(edited?.messages).toEqual([]);
  });

  it('sees an edit to an imported module without a restart: at once when the edited file is linted, else within FRESHNESS_MS', async () => {
    expect((await lint(['server/reports/index.js'])).map((found) => found.messageId)).toEqual(['secondInProcess']);
    const file = path.join(root, 'server/db/sequelize.js');
    writeFileSync(file, "module.exports = require('./pool-from-elsewhere');\n");
    // Make sure the mtime moves even on a coarse-grained file system.
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    try {
      // An editor lints the file it saves: that lint sees the change on disk and starts a new epoch.
      await lint(['server/db/sequelize.js']);
      expect(await lint(['server/reports/index.js'])).toEqual([]);
    } finally {
      write({ 'server/db/sequelize.js': PROJECT['server/db/sequelize.js'] ?? '' });
      const evenLater = new Date(Date.now() + 10_000);
      utimesSync(file, evenLater, evenLater);
    }
    // Changed outside the editor (nothing lints it): seen once the epoch has run out.
    await new Promise((resolve) => setTimeout(resolve, FRESHNESS_MS + 50));
    expect((await lint(['server/reports/index.js'])).map((found) => found.messageId)).toEqual(['secondInProcess']);
  });
});

describe("single-instance's text test of the linted file (textMayProvide)", () => {
  // A call into a project module consults the factory gate first, which then asks the file's own text whether any of
  // its calls can reach a factory; a comment inside the file's own construction must not make that text say no.
  const FILE = `const { Sequelize } = require('sequelize');
const helper = require('./helper');
function make() { return new /* a fresh pool */ Sequelize(process.env.URL); }
exports.a = () => { for (const x of [1, 2]) helper.run(x); };
exports.b = () => { for (const x of [1, 2]) make(x); };
`;
  const commented = new ProjectOnDisk('single-instance-comments-', { 'helper.js': 'exports.run = (x) => x;\n', 'jobs.js': FILE });
  afterAll(() => commented.remove());

  it('reads comments as spaces: a local factory constructing through a comment is still found', async () => {
    const found = await commented.lint(['single-instance'], ['jobs.js']);
    expect(found.map(({ line, messageId }) => `${line} ${messageId}`)).toEqual(['5 factoryPerIteration']);
  });
});
