/**
 * The docs that ship in the npm package (README.md, docs/, CHANGELOG.md, codemod/) are read on npmjs.com and in
 * node_modules, where only the packed files exist: a relative link must point at one of them. Links to the
 * repository's tests, scripts and examples are absolute GitHub URLs instead.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(__dirname, '..');

let packed: string[] = [];

beforeAll(() => {
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm pack --dry-run exited with ${run.status}:\n${run.stderr}`);
  packed = (JSON.parse(run.stdout) as { files: { path: string }[] }[])[0]?.files.map((file) => file.path) ?? [];
});

/** Markdown inline links and images outside code: `[text](target)`, with the target's line. */
export function relativeLinks(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  let inFence = false;
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*(?:```|~~~)/u.test(text)) inFence = !inFence;
    if (inFence) return;
    const prose = text.replace(/`[^`]*`/gu, '');
    for (const match of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/gu)) {
      const target = match[1] ?? '';
      if (/^(?:[a-z][a-z+.-]*:|#)/iu.test(target)) continue;
      links.push({ target, line: index + 1 });
    }
  });
  return links;
}

describe('shipped docs', () => {
  it('the package ships the README, the docs, the changelog and the Codemod workflow package', () => {
    expect(packed).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md', 'LICENSE', 'docs/why.md', 'codemod/codemod.yaml', 'codemod/workflow.yaml']));
    expect(packed.filter((file) => file.startsWith('test/') || file.startsWith('examples/'))).toEqual([]);
  });

  it('link only to files inside the package', () => {
    const markdown = packed.filter((file) => file.endsWith('.md'));
    expect(markdown.length).toBeGreaterThan(10);
    const broken: string[] = [];
    for (const file of markdown) {
      for (const { target, line } of relativeLinks(readFileSync(path.join(REPO_ROOT, file), 'utf8'))) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(target.split('#')[0] ?? '')));
        const exists = packed.includes(resolved) || packed.some((entry) => entry.startsWith(`${resolved.replace(/\/$/u, '')}/`));
        if (!exists) broken.push(`${file}:${line} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('finds the links it checks (this test can fail)', () => {
    expect(relativeLinks('See [a](../test/a.ts), `[b](c)`, [d](https://x.y/z) and [e](#f).\n```\n[g](h)\n```\n')).toEqual([
      { target: '../test/a.ts', line: 1 },
    ]);
  });
});
