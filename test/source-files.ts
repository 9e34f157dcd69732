/** Source files of a folder for tests that run analysis over real code (fixtures, examples, the app corpus, packages). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { ProjectModule } from '../lib/project/project-modules';

import { loadProjectModule } from '../lib/project/project-modules';

/** Up to `limit` JavaScript and TypeScript sources under `directory` (no declarations, no node_modules, under 500 KB). */
export function sources(directory: string, limit: number): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= limit) return;
      const full = path.join(current, entry.name);
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && /\.(?:c|m)?[jt]sx?$/u.test(entry.name) && !entry.name.endsWith('.d.ts') && statSync(full).size < 500_000) {
        found.push(full);
      }
    }
  };
  walk(directory);
  return found;
}

/**
 * Sources of the corpus of public apps (docs/benchmarks.md), when this machine has it (never committed): up to `limit`
 * whose text `keep` accepts, in app and path order. Empty elsewhere.
 */
export function appCorpusSources(limit: number, keep: (text: string) => boolean): string[] {
  try {
    return readdirSync('/work/corpus/apps', { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => sources(path.join('/work/corpus/apps', entry.name), 4000))
      .filter((file) => keep(readFileSync(file, 'utf8')))
      .slice(0, limit);
  } catch {
    return [];
  }
}

/**
 * A gate's text test checked against the parser on real code: of `files` whose text `mentions` (a cheap filter) and
 * that parse, how many were checked, how many the parser-based analysis `holds` for, and the paths (relative to
 * `root`) where it holds but `textTest` says no: a text test may only err towards "maybe".
 */
export function textTestAgainstParser(
  files: readonly string[],
  root: string,
  test: { mentions: (text: string) => boolean; holds: (module: ProjectModule) => boolean; textTest: (text: string, file: string) => boolean },
): { checked: number; held: number; missed: string[] } {
  let checked = 0;
  let held = 0;
  const missed: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!test.mentions(text)) continue;
    const module = loadProjectModule(file);
    if (module === null) continue;
    checked += 1;
    if (!test.holds(module)) continue;
    held += 1;
    if (!test.textTest(text, file)) missed.push(path.relative(root, file));
  }
  return { checked, held, missed };
}
