#!/usr/bin/env node
import type { CliIO } from './io';

import { readPackageInfo } from '../lib/package-info';
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
    // Loaded on demand: --help and --version need neither, and doctor does not need ESLint or jscodeshift.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: codemod loads jscodeshift and the parsers
    if (command === 'codemod') return (require('./codemod') as typeof import('./codemod')).runCodemod(rest, io);
    if (command === 'doctor' && (rest.includes('--help') || rest.includes('-h'))) {
      io.stdout((require('./doctor-help') as typeof import('./doctor-help')).DOCTOR_HELP); // eslint-disable-line @typescript-eslint/no-require-imports
      return 0;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: doctor never loads ESLint
    if (command === 'doctor') return await (require('./doctor') as typeof import('./doctor')).runDoctor(rest, io);
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

/**
 * A writer to `stream` that stops writing once the reader has gone (`codemod --dry | head -1` closes the pipe):
 * EPIPE ends the output, not the command, so a run is never cut short between two file writes and keeps its exit
 * code. Any other stream error is reported as one line.
 */
function lineWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    open = false;
    if (error.code !== 'EPIPE' && stream !== process.stderr) {
      process.stderr.write(`eslint-plugin-sequelize-pool: cannot write the output (${error.code ?? error.message})\n`);
    }
  });
  return (text) => {
    if (open) stream.write(`${text}\n`);
  };
}

if (require.main === module) {
  void run(process.argv.slice(2), {
    stdout: lineWriter(process.stdout),
    stderr: lineWriter(process.stderr),
    isTTY: process.stdout.isTTY,
  }).then((code) => {
    process.exitCode = code;
  });
}
