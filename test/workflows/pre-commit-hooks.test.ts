/**
 * .pre-commit-hooks.yaml, the pre-commit framework's manifest: the hook runs eslint with the plugin of the pinned
 * release. pre-commit installs the repository at that tag (which carries dist/), so the plugin is that package and
 * only eslint comes from the registry. test/workflows/pre-commit-framework.test.ts runs it for real.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const manifest = readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8');

/** The value of a top-level key of the manifest's one hook (flow style, one line). */
function field(key: string): string | undefined {
  return new RegExp(`^\\s*-?\\s*${key}: (.+)$`, 'mu').exec(manifest)?.[1];
}

describe('.pre-commit-hooks.yaml', () => {
  it('declares one node hook that runs eslint on JavaScript and TypeScript files', () => {
    expect(manifest.match(/^- id: /gmu)).toHaveLength(1);
    expect(field('id')).toBe('sequelize-pool');
    expect(field('entry')).toBe('eslint');
    expect(field('language')).toBe('node');
    expect(field('types_or')).toBe('[javascript, jsx, ts, tsx]');
    const files = new RegExp(field('files') ?? '(?!)', 'u');
    for (const file of ['a.js', 'a.cjs', 'a.mjs', 'a.jsx', 'a.ts', 'a.cts', 'a.mts', 'a.tsx']) expect(files.test(file), file).toBe(true);
    for (const file of ['a.json', 'a.md', 'a.jsonc']) expect(files.test(file), file).toBe(false);
  });

  it('installs eslint; the plugin is the repository\'s own package at the tag, not a registry version', () => {
    expect(field('additional_dependencies')).toBe(`['eslint@>=8.57.0 <11']`);
    expect(manifest).not.toContain('eslint-plugin-sequelize-pool@');
  });
});
