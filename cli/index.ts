#!/usr/bin/env node
import { readPackageInfo } from '../lib/package-info';

/** A failure the user can fix: printed as one line, no stack trace. */
export class UsageError extends Error {}

const HELP = `Usage: eslint-plugin-sequelize-pool <command> [options]

Stop Sequelize applications from exhausting their database's connections.

Commands:
  help                 Show this help
  version              Show the version

Options:
  -h, --help           Show this help
  -v, --version        Show the version

The lint rules run through ESLint: see the README for the flat config and eslintrc set-up.`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs the CLI and returns its exit code: 0 success, 2 bad usage. */
export function run(argv: readonly string[], io: CliIO): number {
  const [command] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(HELP);
      return 0;
    }
    if (command === 'version' || command === '--version' || command === '-v') {
      io.stdout(readPackageInfo().version);
      return 0;
    }
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; run \`eslint-plugin-sequelize-pool --help\` for the commands`,
    );
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`eslint-plugin-sequelize-pool: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  });
}
