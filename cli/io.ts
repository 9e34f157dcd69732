import type { ParseArgsConfig } from 'node:util';

import { parseArgs } from 'node:util';

/** A failure the user can fix (bad arguments, a dirty tree): printed as one line, no stack trace, exit 2. */
export class UsageError extends Error {}

/** Where the CLI writes; tests pass collectors instead of the process streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A whole-number option (`--processes 7`): undefined when absent, a UsageError when not an integer ≥ `minimum`. */
export function integerOption(flag: string, raw: string | undefined, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/u.test(raw) || Number(raw) < minimum || Number(raw) > maximum) {
    throw new UsageError(
      maximum === Number.MAX_SAFE_INTEGER
        ? `--${flag} must be an integer ≥ ${minimum}, got ${JSON.stringify(raw)}`
        : `--${flag} must be an integer from ${minimum} to ${maximum}, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

/** node:util's parseArgs (strict by default), its errors (unknown option, missing value) turned into one-line UsageErrors. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config); // strict by default: unknown options throw
  } catch (error) {
    throw new UsageError(error instanceof Error ? (error.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments');
  }
}
