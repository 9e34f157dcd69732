import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface PackageInfo {
  name: string;
  version: string;
}

/**
 * This package's package.json, found by walking up from the running file: the same code runs from the
 * TypeScript sources (tests) and from `dist/` (published), which sit at different depths.
 */
export function readPackageInfo(): PackageInfo {
  for (let directory = __dirname; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as Partial<PackageInfo>;
      if (parsed.name === 'eslint-plugin-sequelize-pool' && typeof parsed.version === 'string') {
        return { name: parsed.name, version: parsed.version };
      }
    }
    if (path.dirname(directory) === directory) {
      throw new Error('eslint-plugin-sequelize-pool: cannot find its own package.json');
    }
  }
}
