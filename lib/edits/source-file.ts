/**
 * Reading a file to edit and encoding its new text, so that every byte the edit does not touch comes back
 * unchanged: UTF-8 only (anything else is refused with a reason, never decoded lossily), the byte order mark
 * and the line endings kept, symlinks followed to the file they name.
 */
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';

/** Larger files are generated or bundled code, not a setup module a person maintains: skipped with a reason. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/** A file read for editing: its bytes and metadata as read, and its text as an editor should see it. */
export interface SourceFile {
  /** The path as given (for messages). */
  path: string;
  /** The file the bytes live in: `path` with every symlink resolved. Writes go here, so a link stays a link. */
  realPath: string;
  /** Whether `path` itself is a symbolic link. */
  viaLink: boolean;
  /** The bytes as read, for the unchanged check before writing and for rolling back. */
  bytes: Buffer;
  /** The decoded text without the byte order mark, with `\r\n` turned into `\n` when every line ends in `\r\n`. */
  text: string;
  bom: boolean;
  /** `\r\n` when every line break of the file is `\r\n` (`text` then holds `\n`); `\n` otherwise (kept as read). */
  eol: '\n' | '\r\n';
  mode: number;
  uid: number;
  gid: number;
  ino: number;
  mtimeMs: number;
}

/** A file that cannot be edited: `skip` when it is readable but not editable text (encoding, size). */
export type ReadOutcome = { ok: true; file: SourceFile } | { ok: false; skip: boolean; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Why `bytes` cannot be edited as UTF-8 text, or null. Text that is not valid UTF-8 (Latin-1 `'Grüße'`, UTF-16)
 * would come back with U+FFFD in place of its bytes: it is refused instead.
 */
function encodingProblem(bytes: Buffer): string | null {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return 'it is UTF-16 (byte order mark); only UTF-8 files are edited';
  }
  try {
    utf8.decode(bytes);
    return null;
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
    return `it is not valid UTF-8 (byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} on line ${line}, Latin-1 or another legacy encoding?); only UTF-8 files are edited, so that no byte outside the edit can change`;
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] as number;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0) return index;
    try {
      utf8.decode(bytes.subarray(index, index + length));
    } catch {
      return index;
    }
    index += length;
  }
  return index;
}

/** `\r\n` when every line break is `\r\n` (and there is one), else `\n`. */
function lineEnding(text: string): '\n' | '\r\n' {
  const crlf = text.split('\r\n').length - 1;
  if (crlf === 0) return '\n';
  const lf = text.split('\n').length - 1;
  const cr = text.split('\r').length - 1;
  return crlf === lf && crlf === cr ? '\r\n' : '\n';
}

/**
 * Reads `file` for editing. Expected problems (missing, not a regular file, too large, not UTF-8) are an
 * outcome with a one-line reason, never an exception.
 */
export function readSourceFile(file: string, maxBytes = MAX_SOURCE_BYTES): ReadOutcome {
  let realPath: string;
  let viaLink: boolean;
  try {
    viaLink = lstatSync(file).isSymbolicLink();
    realPath = realpathSync(file);
  } catch (error) {
    return { ok: false, skip: false, reason: describeFsError(error, viaLinkSafe(file)) };
  }
  let stats;
  try {
    stats = statSync(realPath);
  } catch (error) {
    return { ok: false, skip: false, reason: describeFsError(error, false) };
  }
  if (!stats.isFile()) return { ok: false, skip: false, reason: 'it is not a regular file' };
  if (stats.size > maxBytes) {
    return {
      ok: false,
      skip: true,
      reason: `it is ${(stats.size / 1024 / 1024).toFixed(1)} MiB, over the ${maxBytes / 1024 / 1024} MiB limit for a hand-written setup module (generated or bundled code?)`,
    };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(realPath);
  } catch (error) {
    return { ok: false, skip: false, reason: describeFsError(error, false) };
  }
  const problem = encodingProblem(bytes);
  if (problem !== null) return { ok: false, skip: true, reason: problem };
  const { text, bom, eol } = editableText(bytes.toString('utf8'));
  return {
    ok: true,
    file: { path: file, realPath, viaLink, bytes, text, bom, eol, mode: stats.mode, uid: stats.uid, gid: stats.gid, ino: stats.ino, mtimeMs: stats.mtimeMs },
  };
}

function viaLinkSafe(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The bytes to write for `text` (as edited from `file.text`): the byte order mark back in front, and in a file
 * whose lines all end in `\r\n`, every line break, the generated ones included, as `\r\n`.
 */
export function encodeText(file: Pick<SourceFile, 'bom' | 'eol'>, text: string): Buffer {
  return Buffer.from(restoreText(file, text), 'utf8');
}

/**
 * A file's text as an editor should see it: without the byte order mark, and with `\n` line breaks when every
 * break is `\r\n`. For callers that get the text already decoded (jscodeshift hands transforms a string).
 */
export function editableText(raw: string): { text: string; bom: boolean; eol: '\n' | '\r\n' } {
  const bom = raw.startsWith('\uFEFF');
  const withoutBom = bom ? raw.slice(1) : raw;
  const eol = lineEnding(withoutBom);
  return { text: eol === '\r\n' ? withoutBom.replaceAll('\r\n', '\n') : withoutBom, bom, eol };
}

/** The inverse of editableText for an edited text: the byte order mark back, and every line break `\r\n` again. */
export function restoreText(conventions: { bom: boolean; eol: '\n' | '\r\n' }, text: string): string {
  const body = conventions.eol === '\r\n' ? text.replaceAll('\r\n', '\n').replaceAll('\n', '\r\n') : text;
  return conventions.bom ? `\uFEFF${body}` : body;
}

/** One line for a file system error: what happened, without a stack or the file's content. */
export function describeFsError(error: unknown, viaLink: boolean): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return viaLink ? 'it is a symbolic link to a file that does not exist' : 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'it is a directory';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code === undefined ? String((error as Error | null)?.message ?? error) : `${code.toLowerCase()} error`;
  }
}
