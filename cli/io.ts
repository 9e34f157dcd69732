/** A failure the user can fix (bad arguments, a dirty tree): printed as one line, no stack trace, exit 2. */
export class UsageError extends Error {}

/** Where the CLI writes; tests pass collectors instead of the process streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
