/**
 * The layers of lib/ (see docs/architecture.md): an import may only run down this list, never up or sideways
 * into rules/, cli/ or codemods/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

/** What each folder of lib/ may import from lib/ (lib's root files hold facts and the rule factory). */
const ALLOWED: Record<string, readonly string[]> = {
  '.': ['.'],
  edits: ['.', 'edits'],
  'file-analysis': ['.', 'edits', 'file-analysis'],
  project: ['.', 'edits', 'file-analysis', 'project'],
  database: ['.', 'database'],
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/gu)].map((match) => match[1]!);
}

describe('lib/ layering', () => {
  const files = sourceFiles(path.join(root, 'lib'));

  it('has every lib/ file in a known layer', () => {
    const layers = new Set(files.map((file) => path.relative(path.join(root, 'lib'), path.dirname(file)) || '.'));
    expect([...layers].filter((layer) => !(layer in ALLOWED))).toEqual([]);
  });

  it.each(files.map((file) => [path.relative(root, file), file]))('%s imports only lower layers', (_name, file) => {
    const layer = path.relative(path.join(root, 'lib'), path.dirname(file)) || '.';
    const violations = relativeImports(file).filter((specifier) => {
      const target = path.resolve(path.dirname(file), specifier);
      const fromLib = path.relative(path.join(root, 'lib'), target);
      if (fromLib.startsWith('..')) return true; // rules/, cli/, codemods/ or outside
      const targetLayer = path.dirname(fromLib) === '.' ? '.' : fromLib.split(path.sep)[0]!;
      return !ALLOWED[layer]!.includes(targetLayer);
    });
    expect(violations).toEqual([]);
  });
});
