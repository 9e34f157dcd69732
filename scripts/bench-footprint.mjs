// Install footprint: what adding the plugin costs a lint-only user, in packages and megabytes of node_modules.
// Two apps as they exist before the plugin: an ESLint 9 JavaScript app (eslint, @eslint/js) and an ESLint 10
// typescript-eslint app (eslint, typescript-eslint, typescript). Each gets, on a copy of its node_modules:
// `@typescript-eslint/utils` alone (the floor: every rule built on typescript-eslint's helpers brings it), the plugin
// as it was before this change (its package.json dependencies at BEFORE_REF: jscodeshift and an exact
// @typescript-eslint/utils pin) and the plugin now (this checkout's `npm pack`). Installs go through the user's npm
// cache. Used by `npm run bench`; `node scripts/bench-footprint.mjs [--write]` alone prints the table (and writes it
// into docs/benchmarks.md).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { replaceSection } from './bench-doc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The last commit whose package.json had the old dependencies (jscodeshift, `@typescript-eslint/utils` pinned). */
export const BEFORE_REF = '7ec40ec';

const APPS = [
  { name: 'ESLint 9 JavaScript app', packages: ['eslint@9', '@eslint/js@9'] },
  { name: 'ESLint 10 + typescript-eslint TypeScript app', packages: ['eslint@10', 'typescript-eslint@8', 'typescript@5'] },
];

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });

/** Installed packages (each node_modules/<name> or node_modules/@scope/<name> with a package.json, nested ones too). */
function measure(directory) {
  let packages = 0;
  let bytes = 0;
  const walk = (dir, inNodeModules) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (inNodeModules && !entry.name.startsWith('.') && !entry.name.startsWith('@') && existsSync(path.join(full, 'package.json'))) packages += 1;
        if (inNodeModules && entry.name.startsWith('@')) {
          for (const scoped of readdirSync(full, { withFileTypes: true })) {
            if (scoped.isDirectory() && existsSync(path.join(full, scoped.name, 'package.json'))) packages += 1;
          }
        }
        walk(full, entry.name === 'node_modules' || (inNodeModules && entry.name.startsWith('@')) ? true : entry.name === 'node_modules');
      } else {
        bytes += statSync(full).size;
      }
    }
  };
  walk(path.join(directory, 'node_modules'), true);
  return { packages, bytes };
}

/** This checkout packed twice: as it is, and with BEFORE_REF's dependencies. */
function tarballs(scratch) {
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], root));
  const now = path.join(scratch, packed.filename);
  const unpacked = path.join(scratch, 'before');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', now, '-C', unpacked]);
  const manifestFile = path.join(unpacked, 'package', 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const old = JSON.parse(execFileSync('git', ['-C', root, 'show', `${BEFORE_REF}:package.json`], { encoding: 'utf8' }));
  manifest.dependencies = old.dependencies;
  manifest.peerDependencies = old.peerDependencies;
  manifest.peerDependenciesMeta = old.peerDependenciesMeta;
  manifest.version = `${manifest.version}-before`;
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  const [before] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], path.join(unpacked, 'package')));
  return { now, before: path.join(scratch, before.filename), utilsRange: manifest.dependencies['@typescript-eslint/utils'] ?? '^8' };
}

export function benchFootprint() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-footprint-'));
  try {
    const { now, before } = tarballs(scratch);
    const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const additions = [
      { name: '`@typescript-eslint/utils` alone', spec: `@typescript-eslint/utils@${dependencies['@typescript-eslint/utils']}` },
      { name: `plugin before (${BEFORE_REF})`, spec: before },
      { name: 'plugin now', spec: now },
    ];
    return APPS.map((app, index) => {
      const base = path.join(scratch, `app-${index}`);
      mkdirSync(base);
      writeFileSync(path.join(base, 'package.json'), '{ "name": "app", "version": "1.0.0", "private": true }\n');
      npm(['install', '--prefer-offline', '--save-dev', ...app.packages], base);
      const baseline = measure(base);
      const rows = additions.map((addition) => {
        const copy = `${base}-${additions.indexOf(addition)}`;
        cpSync(base, copy, { recursive: true, verbatimSymlinks: true });
        npm(['install', '--prefer-offline', '--save-dev', addition.spec], copy);
        const after = measure(copy);
        rmSync(copy, { recursive: true, force: true });
        return { name: addition.name, packages: after.packages - baseline.packages, bytes: after.bytes - baseline.bytes };
      });
      return { app: app.name, packages: app.packages, baseline, rows };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);

export function formatFootprint(results) {
  const lines = [];
  for (const { app, packages, baseline, rows } of results) {
    lines.push(
      `**${app}** (\`npm i -D ${packages.join(' ')}\`: ${baseline.packages} packages, ${mb(baseline.bytes)} MB), then one more install:`,
      '',
      '| added | packages added | MB added |',
      '| :--- | ---: | ---: |',
      ...rows.map((row) => `| ${row.name} | ${row.packages} | ${mb(row.bytes)} |`),
      '',
    );
  }
  return lines.join('\n').trimEnd();
}

export const FOOTPRINT_HEADING = '## Install footprint';

export function footprintSection(results) {
  return `${FOOTPRINT_HEADING}

What a lint-only install adds to an app that has its linter already (scripts/bench-footprint.mjs): packages in
node_modules and their bytes on disk, measured on a copy of the app's node_modules after \`npm i -D <added>\`. The
plugin "before" is this package with the dependencies it had at ${BEFORE_REF} (jscodeshift for the codemod, an exact
\`@typescript-eslint/utils\` pin); "now" has no codemod machinery (the \`codemod\` command needs none beyond \`diff\`,
loaded only when it runs) and takes typescript-eslint's packages as a range, so a typescript-eslint app's own copies
serve. Its \`espree\` and \`eslint-scope\` (what doctor and the codemod parse with when no ESLint is installed) take
ranges that ESLint 8, 9 and 10's own copies satisfy, so they add nothing here. \`@typescript-eslint/utils\` alone is the floor for any plugin built on typescript-eslint's rule helpers (it
brings TypeScript as its peer).

${formatFootprint(results)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const section = footprintSection(benchFootprint());
  console.log(section);
  if (process.argv.includes('--write')) replaceSection(path.join(root, 'docs', 'benchmarks.md'), FOOTPRINT_HEADING, section);
}
