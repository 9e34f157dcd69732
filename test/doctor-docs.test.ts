/**
 * docs/doctor.md quotes doctor's report on the example app, before and after the codemod: every `file:line` it
 * quotes must be one the real report prints, so the sample cannot drift from the code it describes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(__dirname, '..');
const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const DOC = readFileSync(path.join(REPO_ROOT, 'docs', 'doctor.md'), 'utf8');

let scratch = '';

const report = (cwd: string, args: string[]): string => spawnSync(process.execPath, [CLI, 'doctor', '--no-live', '--supervisor', 'supervisord.conf', ...args], { cwd, encoding: 'utf8' }).stdout;
/** `server/….js:N` references in `text`. */
const locations = (text: string): string[] => [...new Set(text.match(/server\/[\w/]+\.js:\d+/gu) ?? [])].sort();

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-doctor-docs-'));
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('docs/doctor.md', () => {
  it('the sample report quotes the pools where the report finds them', () => {
    const sample = DOC.slice(DOC.indexOf('## Sample report'), DOC.indexOf('On a terminal'));
    expect(locations(sample)).toEqual(['server/db/sequelize.js:7', 'server/integration_log.js:11']);
    expect(locations(report(path.join(REPO_ROOT, 'examples', 'legacy-server'), []))).toEqual(locations(sample));
  });

  it('after the codemod, the setup module\'s pool is where the report says', () => {
    const app = path.join(scratch, 'app');
    cpSync(path.join(REPO_ROOT, 'examples', 'legacy-server'), app, { recursive: true });
    execFileSync(process.execPath, [CLI, 'codemod', '--processes', '7', '--max-connections', '100', '--force'], { cwd: app });
    const after = DOC.slice(DOC.indexOf('After `codemod'));
    const quoted = locations(after.slice(0, after.indexOf('\n\n')));
    expect(quoted).toEqual(['server/db/sequelize.js:87']);
    const real = report(app, ['--env', 'dev']);
    for (const location of quoted) expect(real).toContain(location);
    expect(real).toMatch(/server\/db\/sequelize\.js:87 +sequelize +12 +the file/u);
    expect(real).toContain('= 89 connections; PostgreSQL allows 97');
  });
});
