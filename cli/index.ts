#!/usr/bin/env node
import type { CliIO } from './io';

import { readPackageInfo } from '../lib/package-info';
import { runCodemod } from './codemod';
import { runDoctor } from './doctor';
import { UsageError } from './io';

export { UsageError } from './io';
export type { CliIO } from './io';

const HELP = `Usage: eslint-plugin-sequelize-pool <command> [options]

Stop Sequelize applications from exhausting their database's connections.

Commands:
  codemod [paths...]   Rewrite a Sequelize setup module to a right-sized, config-driven pool
                       (run \`eslint-plugin-sequelize-pool codemod --help\` for its options)
  doctor               Check the pools in this checkout against the process count and a live
                       PostgreSQL: limits, sessions, transactions left open (--help for options)
  help                 Show this help
  version              Show the version

Options:
  -h, --help           Show this help
  -v, --version        Show the version

The lint rules run through ESLint: see the README for the flat config and eslintrc set-up.`;

/** Runs the CLI and returns its exit code: 0 success, 1 a command found a problem, 2 bad usage. */
export async function run(argv: readonly string[], io: CliIO & { isTTY?: boolean }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(HELP);
      return 0;
    }
    if (command === 'version' || command === '--version' || command === '-v') {
      io.stdout(readPackageInfo().version);
      return 0;
    }
    if (command === 'codemod') return runCodemod(rest, io);
    if (command === 'doctor') return await runDoctor(rest, io);
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
  void run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    isTTY: process.stdout.isTTY,
  }).then((code) => {
    process.exitCode = code;
  });
}
