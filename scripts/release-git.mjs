#!/usr/bin/env node
// Makes the git release that `npm i github:…#v<version>` installs without building: a commit holding exactly the
// files `npm pack` ships (dist/ included), with a package.json that has no scripts (nothing to run or approve on
// install) and no devDependencies, plus .pre-commit-hooks.yaml so the pre-commit framework can use the same tag.
// The commit goes on the `dist` branch (parent: its previous tip) and gets the tag v<version>. Nothing in the
// working tree or the current branch changes. README.md#install documents the result.
//
//   npm run release:git                        # build, then commit and tag in this repository
//   node scripts/release-git.mjs --repo <dir>  # into another clone (tests do this)
//   options: --branch <name> (default dist), --no-tag, --force (move an existing tag), --tarball <file>
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: ROOT },
    branch: { type: 'string', default: 'dist' },
    tag: { type: 'boolean', default: true },
    'no-tag': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    tarball: { type: 'string' },
  },
});

const run = (command, args, options = {}) => execFileSync(command, args, { encoding: 'utf8', ...options }).trim();
const git = (...args) => run('git', ['-C', path.resolve(values.repo), ...args]);
const gitWith = (env, ...args) => run('git', ['-C', path.resolve(values.repo), ...args], { env: { ...process.env, ...env } });

const scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-release-'));
try {
  // The packed files: dist/ as built now (`npm run release:git` builds first), never rebuilt by a lifecycle script.
  let tarball = values.tarball && path.resolve(values.tarball);
  if (!tarball) {
    const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT }));
    tarball = path.join(scratch, packed.filename);
  }
  run('tar', ['-xzf', tarball, '-C', scratch]);
  const tree = path.join(scratch, 'package');

  const manifestFile = path.join(tree, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  delete manifest.scripts;
  delete manifest.devDependencies;
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), path.join(tree, '.pre-commit-hooks.yaml'));

  const source = run('git', ['-C', ROOT, 'rev-parse', 'HEAD']);
  const index = path.join(scratch, 'index');
  gitWith({ GIT_INDEX_FILE: index }, `--work-tree=${tree}`, 'add', '--all', '--force', '.');
  const treeId = gitWith({ GIT_INDEX_FILE: index }, 'write-tree');
  const ref = `refs/heads/${values.branch}`;
  let parent = '';
  try {
    parent = git('rev-parse', '--verify', '--quiet', ref);
  } catch {
    parent = '';
  }
  const tag = `v${manifest.version}`;
  const commit = git(
    'commit-tree',
    treeId,
    ...(parent ? ['-p', parent] : []),
    '-m',
    `Release ${tag}: the npm package as built from ${source}\n\nInstall with npm i github:<owner>/eslint-plugin-sequelize-pool#${tag}`,
  );
  git('update-ref', ref, commit, ...(parent ? [parent] : []));
  if (values.tag && !values['no-tag']) git('tag', ...(values.force ? ['--force'] : []), tag, commit);
  console.log(`${values.branch} ${commit}${values.tag && !values['no-tag'] ? ` (tag ${tag})` : ''}: ${manifest.name}@${manifest.version} from ${source}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
