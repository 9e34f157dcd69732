/**
 * A run's file edits, applied all or nothing: every file is checked and staged (written to a temporary file
 * beside it) before the first is replaced, a failure at any step removes every temporary file and puts back
 * every file already replaced, and nothing is ever written through a symbolic link.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

import type { SourceFile } from './source-file';

import { describeFsError } from './source-file';

/** One file's new bytes, planned from the file as it was read. */
export interface PlannedWrite {
  file: SourceFile;
  bytes: Buffer;
}

export type ApplyOutcome =
  | { ok: true; written: string[] }
  | {
      ok: false;
      /** The file that could not be written (its path as given). */
      file: string;
      reason: string;
      /** Whether the files already replaced were put back (false only if a roll-back itself failed). */
      rolledBack: boolean;
    };

/** The file system calls this module makes; tests inject failures through it. */
export interface FileOperations {
  openSync: typeof openSync;
  writeSync: (fd: number, buffer: Buffer) => number;
  fsyncSync: typeof fsyncSync;
  fchmodSync: typeof fchmodSync;
  fchownSync: typeof fchownSync;
  closeSync: typeof closeSync;
  renameSync: typeof renameSync;
  unlinkSync: typeof unlinkSync;
  lstatSync: typeof lstatSync;
  readFileSync: (file: string) => Buffer;
}

export const nodeFileOperations: FileOperations = {
  openSync,
  writeSync: (fd, buffer) => writeSync(fd, buffer),
  fsyncSync,
  fchmodSync,
  fchownSync,
  closeSync,
  renameSync,
  unlinkSync,
  lstatSync,
  readFileSync: (file) => readFileSync(file),
};

/** Permission bits: the file type bits of `stat.mode` masked off. */
const PERMISSIONS = 0o7777;

/**
 * Why `file` must not be rewritten, checked before anything is written, or null. A file without its owner's
 * write bit (0444) was made read-only on purpose: refused, not overwritten (a rename would replace it anyway).
 * A file owned by someone else can only keep its owner when we run as root.
 */
export function writeRefusal(file: SourceFile): string | null {
  if ((file.mode & 0o200) === 0) {
    return `it is read-only (mode ${(file.mode & PERMISSIONS).toString(8).padStart(4, '0')}); make it writable to migrate it`;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && uid !== file.uid) {
    return `it is owned by uid ${file.uid}, and rewriting it as uid ${uid} would change its owner; run as its owner`;
  }
  return null;
}

/** A name in `directory` nobody can predict, for a temporary file opened with O_EXCL. */
function temporaryName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(12).toString('hex')}.sequelize-pool.tmp`);
}

/**
 * Writes `bytes` to a new temporary file beside `target`, with `target`'s mode and owner, and returns its path.
 * O_EXCL and O_NOFOLLOW: a file or link planted at the name makes this fail instead of writing through it.
 */
function stage(ops: FileOperations, target: string, bytes: Buffer, like: SourceFile): string {
  const temporary = temporaryName(target);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const fd = ops.openSync(temporary, flags, 0o600);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += ops.writeSync(fd, bytes.subarray(offset));
    // Owner first: chown clears the set-user-ID and set-group-ID bits, chmod then sets the full mode.
    if (process.getuid?.() === 0) ops.fchownSync(fd, like.uid, like.gid);
    ops.fchmodSync(fd, like.mode & PERMISSIONS);
    ops.fsyncSync(fd);
  } catch (error) {
    ops.closeSync(fd);
    removeQuietly(ops, temporary);
    throw error;
  }
  ops.closeSync(fd);
  return temporary;
}

function removeQuietly(ops: FileOperations, file: string): void {
  try {
    ops.unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Why the file on disk is no longer the one that was read (so the plan is stale), or null. */
function changedSinceRead(ops: FileOperations, file: SourceFile): string | null {
  let stats;
  try {
    stats = ops.lstatSync(file.realPath);
  } catch (error) {
    return `it was ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'removed' : 'made unreadable'} while the codemod ran`;
  }
  if (!stats.isFile()) return 'it was replaced by something that is not a regular file while the codemod ran';
  if (stats.ino !== file.ino || stats.size !== file.bytes.length || stats.mtimeMs !== file.mtimeMs) {
    if (!ops.readFileSync(file.realPath).equals(file.bytes)) return 'it was changed by something else while the codemod ran';
  }
  return null;
}

/**
 * Applies every write or none. Order: check each file is still the one read and may be written; stage every new
 * text in a temporary file (same directory, same mode and owner); rename each over its file. On any failure the
 * temporary files are removed and the files already renamed get their original bytes back the same way.
 */
export function applyPlannedWrites(writes: readonly PlannedWrite[], ops: FileOperations = nodeFileOperations): ApplyOutcome {
  // Ctrl-C or a TERM while files are being replaced would leave some replaced and others not. With a listener
  // attached, Node handles those signals on its event loop, which this synchronous function never yields to:
  // the writes (milliseconds) finish first.
  const defer = (): void => undefined;
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, defer);
  try {
    return applyAll(writes, ops);
  } finally {
    for (const signal of signals) process.off(signal, defer);
  }
}

function applyAll(writes: readonly PlannedWrite[], ops: FileOperations): ApplyOutcome {
  for (const { file } of writes) {
    const reason = writeRefusal(file) ?? changedSinceRead(ops, file);
    if (reason !== null) return { ok: false, file: file.path, reason, rolledBack: true };
  }
  const staged: { write: PlannedWrite; temporary: string }[] = [];
  const fail = (file: SourceFile, error: unknown, replaced: PlannedWrite[]): ApplyOutcome => {
    for (const entry of staged) removeQuietly(ops, entry.temporary);
    const rolledBack = rollBack(ops, replaced);
    return { ok: false, file: file.path, reason: typeof error === 'string' ? error : describeFsError(error, false), rolledBack };
  };
  for (const write of writes) {
    try {
      staged.push({ write, temporary: stage(ops, write.file.realPath, write.bytes, write.file) });
    } catch (error) {
      return fail(write.file, error, []);
    }
  }
  const replaced: PlannedWrite[] = [];
  for (const { write, temporary } of staged) {
    const reason = changedSinceRead(ops, write.file);
    if (reason !== null) return fail(write.file, reason, replaced);
    try {
      ops.renameSync(temporary, write.file.realPath);
    } catch (error) {
      return fail(write.file, error, replaced);
    }
    replaced.push(write);
  }
  return { ok: true, written: writes.map((write) => write.file.path) };
}

/** Puts the original bytes back into each replaced file (again through a temporary file and a rename). */
function rollBack(ops: FileOperations, replaced: readonly PlannedWrite[]): boolean {
  let complete = true;
  for (const { file } of [...replaced].reverse()) {
    try {
      ops.renameSync(stage(ops, file.realPath, file.bytes, file), file.realPath);
    } catch {
      complete = false;
    }
  }
  return complete;
}
