/**
 * The import lexer against the parser: on real code (this repository's fixtures and examples, the corpus of
 * public apps when present, and the sources of installed packages) every answer the lexer gives must equal the
 * parser's; where it is unsure it must say so (null), never guess.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { lexLoadedSpecifiers } from '../../lib/file-analysis/import-lexer';
import { loadedSpecifiers } from '../../lib/project/import-graph';
import { loadModuleSyntax } from '../../lib/project/project-modules';
import { sources } from '../source-files';

const root = path.resolve(__dirname, '../..');

const FILES = [
  ...sources(path.join(root, 'test/fixtures'), 500),
  ...sources(path.join(root, 'examples'), 500),
  // The corpus of public apps (docs/precision.md), when this machine has it: a sample of each app.
  ...(() => {
    try {
      return readdirSync('/work/corpus/apps', { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .flatMap((entry) => sources(path.join('/work/corpus/apps', entry.name), 40));
    } catch {
      return [];
    }
  })(),
  // Installed packages: real CommonJS and ESM of every style.
  ...['sequelize/lib', 'express/lib', 'pg/lib', 'config/lib', 'jscodeshift/src', 'eslint/lib/rules', 'yaml/dist', 'recast/lib'].flatMap((folder) =>
    sources(path.join(root, 'node_modules', folder), 60),
  ),
];

describe('import lexer', () => {
  it('agrees with the parser on every file where it answers, and answers on most files', () => {
    let answered = 0;
    let compared = 0;
    const disagreements: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      const syntax = loadModuleSyntax(file);
      if (syntax === null) continue;
      compared += 1;
      const lexed = lexLoadedSpecifiers(text);
      if (lexed === null) continue;
      answered += 1;
      const parsed = loadedSpecifiers({ ast: syntax.ast });
      if (JSON.stringify([...lexed].sort()) !== JSON.stringify([...parsed].sort())) {
        disagreements.push(`${path.relative(root, file)}: lexer ${JSON.stringify(lexed)} parser ${JSON.stringify(parsed)}`);
      }
    }
    console.log(`import lexer: answered ${answered} of ${compared} files`);
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(300);
    // The lexer is the fast path: it must not hand most modules back to the parser.
    expect(answered / compared).toBeGreaterThan(0.9);
  });

  it('reads load-time imports and requires, and leaves out what runs later or loads nothing', () => {
    expect(
      lexLoadedSpecifiers(`'use strict';
const a = require('./a');
const { b } = require("./b");
import c, { d } from './c';
import './side-effect';
import type { T } from './types';
export * from './all';
export { e } from './e';
export type { U } from './u';
const re = /require\\('.\\/not'\\)/u;
const s = "require('./not-either')";
// require('./commented');
/* import x from './commented'; */
const t = \`\${require('./in-template')}\`;
function later() { return require('./later'); }
const lazy = async () => { await import('./dynamic'); };
module.exports = { a, b, c, d, re, s, t, later, lazy, x: require('./in-object') };
`),
    ).toEqual(['./a', './b', './c', './side-effect', './all', './e', './in-template', './in-object']);
  });

  it('hands back what it cannot be sure of', () => {
    // A require inside a TypeScript function with a return type: a block of a kind the lexer cannot name.
    expect(lexLoadedSpecifiers("function f(): Db {\n  return require('./db');\n}\n")).toBeNull();
    // A concise arrow body.
    expect(lexLoadedSpecifiers("const f = () => require('./db');\n")).toBeNull();
    // Unbalanced text.
    expect(lexLoadedSpecifiers("const a = require('./a');\n{\n")).toBeNull();
  });
});
