import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** JavaScript and TypeScript sources, in every module flavour. */
export const SOURCE_FILE = /\.(?:cjs|cts|js|jsx|mjs|mts|ts|tsx)$/u;

/** Dependencies and build output: never the project's own setup code. */
const BUILD_DIRECTORIES = ['node_modules', 'dist', 'build', 'coverage'];

/**
 * The project's source files under `root`, sorted: dot-folders, dependencies and build output skipped, plus
 * `skipDirectories` and files matching `skipFiles` (the doctor leaves tests out; the codemod does not).
 */
export function projectSourceFiles(
  root: string,
  { skipDirectories = [], skipFiles }: { skipDirectories?: readonly string[]; skipFiles?: RegExp } = {},
): string[] {
  const skipped = new Set([...BUILD_DIRECTORIES, ...skipDirectories]);
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!skipped.has(entry.name)) walk(full);
      } else if (entry.isFile() && SOURCE_FILE.test(entry.name) && skipFiles?.test(entry.name) !== true) {
        files.push(full);
      }
    }
  };
  walk(root);
  return files.sort();
}

/** `mtime:size` of each file (`-` when missing), joined: a cache stays valid while this string is unchanged. */
export function fileStamp(files: readonly string[]): string {
  return files
    .map((file) => {
      try {
        const stats = statSync(file);
        return `${stats.mtimeMs}:${stats.size}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}
