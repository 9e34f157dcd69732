/**
 * Where a file to edit lives: the git work tree that protects it (its own, which may not be the current
 * directory's: a submodule, a nested checkout) and whether that tree has uncommitted changes.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';

/** The top of the git work tree containing `directory`, or null outside one (or without git). */
export function workTreeOf(directory: string): string | null {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: directory,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return top === '' ? null : realpathSync(top);
  } catch {
    return null;
  }
}

/** The uncommitted changes (`git status --porcelain` lines, untracked files included) of the work tree at `top`. */
export function uncommittedChanges(top: string): string[] {
  const output = execFileSync('git', ['status', '--porcelain'], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return output.split('\n').filter((line) => line.trim() !== '');
}

/** Whether `file` is `directory` or below it (both absolute, symlinks already resolved). */
export function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}
