/**
 * The Sequelize major version a project runs: the one installed in its `node_modules`, else the range its
 * package.json declares, else the one installed where Node would find it from the project (a monorepo's hoisted
 * copy). `@sequelize/core` is v7. Messages name the version they assume when none is found.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { SequelizeMajor } from '../sequelize-facts';

import { fileStamp } from './project-files';

export interface SequelizeVersion {
  /** The major version, or null when the project neither installs nor declares Sequelize. */
  major: SequelizeMajor | null;
  package: '@sequelize/core' | 'sequelize' | null;
  /** `installed`: read from node_modules; `declared`: from package.json's range; `none`: not found. */
  from: 'declared' | 'installed' | 'none';
  /** The installed version or the declared range. */
  version: string | null;
}

const PACKAGES = ['@sequelize/core', 'sequelize'] as const;

const cache = new Map<string, { stamp: string; version: SequelizeVersion }>();


function readJson(file: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function majorOf(packageName: (typeof PACKAGES)[number], version: string): SequelizeMajor | null {
  if (packageName === '@sequelize/core') return 7;
  // `^6.37.8`, `~5.22`, `>=4.44.0 <5`, `6.x`, `npm:sequelize@^6`: the first number is the major.
  const match = /(\d+)(?:\.|$|\s|x)/u.exec(version.replace(/^npm:[^@]+@/u, ''));
  const major = match === null ? Number.NaN : Number(match[1]);
  return major === 4 || major === 5 || major === 6 || major === 7 ? major : null;
}

function installedIn(directory: string): SequelizeVersion | null {
  for (const name of PACKAGES) {
    const manifest = readJson(path.join(directory, 'node_modules', name, 'package.json'));
    const version = manifest?.version;
    if (typeof version === 'string') return { major: majorOf(name, version), package: name, from: 'installed', version };
  }
  return null;
}

/** The Sequelize version of the project at `projectRoot` (cached per package.json and installed manifest). */
export function sequelizeVersion(projectRoot: string): SequelizeVersion {
  const root = path.resolve(projectRoot);
  const stamp = fileStamp([path.join(root, 'package.json'), ...PACKAGES.map((name) => path.join(root, 'node_modules', name, 'package.json'))]);
  const cached = cache.get(root);
  if (cached !== undefined && cached.stamp === stamp) return cached.version;
  const version = findVersion(root);
  cache.set(root, { stamp, version });
  return version;
}

function findVersion(root: string): SequelizeVersion {
  const local = installedIn(root);
  if (local !== null) return local;
  const manifest = readJson(path.join(root, 'package.json'));
  for (const name of PACKAGES) {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const range = (manifest?.[field] as Record<string, unknown> | undefined)?.[name];
      if (typeof range === 'string') return { major: majorOf(name, range), package: name, from: 'declared', version: range };
    }
  }
  for (let directory = path.dirname(root); directory !== path.dirname(directory); directory = path.dirname(directory)) {
    const hoisted = installedIn(directory);
    if (hoisted !== null) return hoisted;
  }
  return { major: null, package: null, from: 'none', version: null };
}

/** How a message names the version: `Sequelize v4 (installed 4.44.4)`, or the assumption it makes. */
export function describeSequelizeVersion(version: SequelizeVersion, assumed: SequelizeMajor = 6): string {
  if (version.major === null) return `Sequelize v${assumed} (assumed: the project does not declare Sequelize)`;
  const name = version.package === '@sequelize/core' ? '@sequelize/core' : 'Sequelize';
  return `${name} v${version.major} (${version.from} ${version.version ?? ''})`.replace(' )', ')');
}
