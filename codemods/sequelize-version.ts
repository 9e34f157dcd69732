/**
 * The Sequelize major version a module runs with, and that version's pool defaults: codemod comments and
 * announcements name the version they assume ("unset, so Sequelize v4 used acquire 10000").
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { LifecycleKey } from '../lib/sequelize-facts';
import type { SequelizeModule } from '../lib/file-analysis/sequelize-detection';

import { SEQUELIZE_POOL_DEFAULTS } from '../lib/sequelize-facts';

export interface SequelizeVersion {
  major: number;
  defaults: Record<LifecycleKey, number>;
  /** No installed package or dependency was found: v6 (or v7 for @sequelize/core) is assumed. */
  assumed: boolean;
}

/** Sequelize v4.44's `ConnectionManager` defaults differ from v5/v6 (acquire 10000, evict 10000). */
const V4_DEFAULTS: Record<LifecycleKey, number> = { max: 5, min: 0, idle: 10_000, acquire: 10_000, evict: 10_000 };

function defaultsFor(major: number): Record<LifecycleKey, number> {
  return major <= 4 ? V4_DEFAULTS : { ...SEQUELIZE_POOL_DEFAULTS };
}

function majorOf(range: string): number | null {
  const match = /(\d+)/u.exec(range.replace(/^npm:[^@]+@/u, ''));
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** The installed `sequelize` (or `@sequelize/core`) nearest to `file`, else the range its package.json asks for. */
export function sequelizeVersionFor(file: string, module: SequelizeModule): SequelizeVersion {
  const packageName = module === '@sequelize/core' ? '@sequelize/core' : 'sequelize';
  for (let directory = path.dirname(path.resolve(file)); ; directory = path.dirname(directory)) {
    const installed = path.join(directory, 'node_modules', ...packageName.split('/'), 'package.json');
    if (existsSync(installed)) {
      const major = readMajor(installed, 'version');
      if (major !== null) return { major, defaults: defaultsFor(major), assumed: false };
    }
    const manifest = path.join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
        const range = json['dependencies']?.[packageName] ?? json['devDependencies']?.[packageName];
        const major = range === undefined ? null : majorOf(range);
        if (major !== null) return { major, defaults: defaultsFor(major), assumed: false };
      } catch {
        // An unreadable package.json says nothing about the version: keep looking up.
      }
    }
    if (path.dirname(directory) === directory) break;
  }
  const major = module === '@sequelize/core' ? 7 : 6;
  return { major, defaults: defaultsFor(major), assumed: true };
}

function readMajor(file: string, field: string): number | null {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const value = json[field];
    return typeof value === 'string' ? majorOf(value) : null;
  } catch {
    return null;
  }
}
