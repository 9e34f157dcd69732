/**
 * The name gate of single-instance's factory question: a module is parsed to follow a call only when the call can
 * reach a factory through it, by the names its text uses. Each skip must be provable: the text test of a module that
 * constructs Sequelize is checked against the parser on real code below, and the gate is checked on projects shaped
 * after the ways real apps reach their factories (re-exports, wrappers, cycles, default exports), with the parses it
 * causes observed through parseLog.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { childNodes } from '../../lib/file-analysis/ast';
import { mayConstructSequelize, sequelizeConstructorModule, sequelizeModuleMember } from '../../lib/file-analysis/sequelize-detection';
import { loadProjectModule } from '../../lib/project/project-modules';
import { sources } from '../source-files';

const root = path.resolve(__dirname, '../..');

describe('mayConstructSequelize (the text test of the factory gate)', () => {
  it('keeps the real setup modules and factories', () => {
    // outline/outline@d77dcdf853868c5d5fe125c895c9b71f0eff5c68 server/storage/database.ts (lines 12, 186-188).
    const outline = `import type { SequelizeOptions } from "sequelize-typescript";
import { Sequelize } from "sequelize-typescript";
export function createDatabaseInstance(databaseConfig, input) {
  let instance;
  if (typeof databaseConfig === "string") {
      instance = new Sequelize(databaseConfig, commonOptions);
  } else {
      instance = new Sequelize({ ...databaseConfig, ...commonOptions });
  }
  return instance;
}`;
    expect(mayConstructSequelize(outline)).toBe(true);
    // CrowdDotDev/crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/database/models/index.ts (lines 2, 64).
    expect(mayConstructSequelize("import Sequelize, { DataTypes } from 'sequelize'\nconst sequelize = new (Sequelize as any)(\n")).toBe(true);
    // joshuasingh/manage_employee_Api@a8c189616d6f19f5a4f59041f4866b49b46befac src/configuration/companySqlConnection.js.
    expect(mayConstructSequelize('const Sequelize = require("sequelize");\nexports.getCompanyDBConnection = (companyId) => {\n  return new Sequelize("empr000" + companyId);\n};')).toBe(true);
    // A class that extends Sequelize, constructed in another module (calledFactory follows it there).
    expect(mayConstructSequelize("import { Sequelize as Base } from '@sequelize/core';\nexport class Db extends Base {}\n")).toBe(true);
    // Bound again before `new`: the analysis follows const aliases and `{ Sequelize: S }` destructuring.
    expect(mayConstructSequelize("const lib = require('sequelize');\nconst { Sequelize: S } = lib;\nmodule.exports = () => new S();")).toBe(true);
    expect(mayConstructSequelize("const S = require('sequelize').Sequelize;\nmodule.exports = () => new S();")).toBe(true);
  });

  it('skips modules that import Sequelize for anything but constructing it', () => {
    // CrowdDotDev/crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/database/repositories/integrationRepository.ts
    // (lines 2, 25): the default import only gives up `Op`; `new Error` elsewhere.
    expect(mayConstructSequelize("import Sequelize, { QueryTypes } from 'sequelize'\nconst { Op } = Sequelize\nthrow new Error('x')\n")).toBe(false);
    // outline@d77dcdf server/models/AuthenticationProvider.ts (lines 1-6, 123): types and `Op`, `new` of other classes.
    const model = `import type {
  InferAttributes,
  Transaction,
} from "sequelize";
import { Op } from "sequelize";
import { Column, Table } from "sequelize-typescript";
export function client() { return new GoogleClient(); }`;
    expect(mayConstructSequelize(model)).toBe(false);
    // A member of the class is not the class: `Sequelize.literal(…)`, `= Sequelize.Op`.
    expect(mayConstructSequelize("const { Sequelize } = require('sequelize');\nconst Op = Sequelize.Op;\nconst x = new Date(Sequelize.literal('1'));")).toBe(false);
    // Re-exported, never bound here.
    expect(mayConstructSequelize("export { Sequelize } from 'sequelize';\nexport const x = new Map();")).toBe(false);
  });

  it('counts whatever it cannot read for sure as a possible construction', () => {
    expect(mayConstructSequelize("const { Sequelize } = await import('sequelize');\nnew Sequelize();")).toBe(true);
    expect(mayConstructSequelize("const load = createRequire(import.meta.url);\nconst S = load('sequelize');\nnew S();")).toBe(true);
    expect(mayConstructSequelize("module.exports = new (require('sequelize'))('sqlite::memory:');")).toBe(true);
    // `const { Op, ...rest } = S`: the rest holds the class.
    expect(mayConstructSequelize("import S from 'sequelize';\nconst { Op, ...rest } = S;\nnew rest.Sequelize();")).toBe(true);
  });

  it('is true for every module where the parser finds a construction (fixtures, corpus setup modules, the app corpus)', () => {
    const files = [
      ...sources(path.join(root, 'test/fixtures'), 400),
      ...sources(path.join(root, 'test/codemods/corpus'), 400),
      ...sources(path.join(root, 'examples'), 100),
      ...appCorpusFiles(300),
    ];
    let checked = 0;
    let constructing = 0;
    const missed: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('sequelize')) continue;
      const module = loadProjectModule(file);
      if (module === null) continue;
      checked += 1;
      if (!constructs(module)) continue;
      constructing += 1;
      if (!mayConstructSequelize(text)) missed.push(path.relative(root, file));
    }
    expect(missed).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    expect(constructing).toBeGreaterThan(40);
  });
});

/** Does `module` construct Sequelize (as sequelizeConstructorModule reads it) or declare a class that extends it? */
function constructs(module: NonNullable<ReturnType<typeof loadProjectModule>>): boolean {
  let found = false;
  const visit = (node: TSESTree.Node): void => {
    if (found) return;
    if (node.type === AST_NODE_TYPES.NewExpression && sequelizeConstructorModule(module.host, node.callee) !== null) found = true;
    if ((node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression) && node.superClass != null) {
      const member = sequelizeModuleMember(module.host, node.superClass);
      if (member !== null && member.path.filter((key) => key !== 'default').join('.') === 'Sequelize') found = true;
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(module.ast);
  return found;
}

/** The corpus of public apps (docs/benchmarks.md), when this machine has it: files that mention Sequelize and `new`. */
function appCorpusFiles(limit: number): string[] {
  try {
    return readdirSync('/work/corpus/apps', { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => sources(path.join('/work/corpus/apps', entry.name), 4000))
      .filter((file) => {
        const text = readFileSync(file, 'utf8');
        return text.includes('sequelize') && /\b(?:new|extends)\b/u.test(text);
      })
      .slice(0, limit);
  } catch {
    return [];
  }
}
