/**
 * registrationOf: where a function is registered to run per request or tick, in its own module or in any project
 * module that imports it. The cross-file search reads only what can name the function: a module is parsed only when
 * it may load the function's module (load-gates' text edges), and the function's own registrations follow its
 * imports only when one of them may lead back to it.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { registrationOf } from '../../lib/project/instance-factories';
import { clearProjectModuleCache, loadProjectModule, noteLintedFile, wasParsed } from '../../lib/project/project-modules';
import { sources } from '../source-files';

describe('registrationOf across modules', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'registrations-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'package.json': '{ "name": "registrations" }\n',
    'db.js': "const { Sequelize } = require('sequelize');\nexports.connect = () => new Sequelize(process.env.URL);\n",
    'models.js': "exports.options = { timestamps: false };\n",
    // The function's module registers something imported (a model's options): not the function, whatever it is.
    'jobs.js': "const { connect } = require('./db');\nconst models = require('./models');\nconst sequelize = connect();\nsequelize.define('Job', models.options);\nfunction tick() { return connect(); }\nmodule.exports = { tick };\n",
    // Mentions the name and registers, but cannot load jobs.js: never parsed.
    'other.js': "const express = require('express');\nconst app = express();\nfunction tick(req, res) { res.end(); }\napp.use(tick);\n",
    'cron.js': "const { tick } = require('./jobs');\nsetInterval(tick, 60000);\n",
    // A cycle: the module's own registration names its function through a module that imports it back.
    'loop/a.js': "const b = require('./b');\nfunction poll() { return 1; }\nsetInterval(b.poll, 1000);\nmodule.exports = { poll };\n",
    'loop/b.js': "exports.poll = require('./a').poll;\n",
  };
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, relative)), { recursive: true });
    writeFileSync(path.join(directory, relative), text);
  }
  const functionNamed = (module: NonNullable<ReturnType<typeof loadProjectModule>>, name: string): TSESTree.FunctionDeclaration => {
    const found = module.ast.body.find((node) => node.type === AST_NODE_TYPES.FunctionDeclaration && node.id?.name === name);
    if (found?.type !== AST_NODE_TYPES.FunctionDeclaration) throw new Error(`no function ${name}`);
    return found;
  };
  const parsed = (): string[] =>
    sources(directory, 100)
      .filter((file) => wasParsed(file))
      .map((file) => path.relative(directory, file))
      .sort();

  it('finds the module that registers an imported function, parsing neither what cannot load it nor what the owner registers from elsewhere', () => {
    clearProjectModuleCache();
    const filename = path.join(directory, 'jobs.js');
    noteLintedFile(filename);
    const jobs = loadProjectModule(filename);
    if (jobs === null) throw new Error('jobs.js does not parse');
    expect(registrationOf(jobs, functionNamed(jobs, 'tick'))).toEqual({ registration: 'setInterval', file: path.join(directory, 'cron.js'), line: 2 });
    expect(parsed()).toEqual(['cron.js', 'jobs.js']);
  });

  it('follows the imports of the function’s own module when one leads back to it', () => {
    clearProjectModuleCache();
    const filename = path.join(directory, 'loop/a.js');
    noteLintedFile(filename);
    const a = loadProjectModule(filename);
    if (a === null) throw new Error('loop/a.js does not parse');
    expect(registrationOf(a, functionNamed(a, 'poll'))).toEqual({ registration: 'setInterval', file: filename, line: 3 });
  });
});
