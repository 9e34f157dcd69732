/**
 * lib/edits' file layer: reading a file to edit (encodings, BOM, line endings, links) and applying a run's
 * writes all or nothing (temporary files, failures at every step, files removed mid-run). Failures are injected
 * through the file operations the module takes, on real files in a temporary directory.
 */
import { constants, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { FileOperations, PlannedWrite } from '../../lib/edits/file-plan';
import type { SourceFile } from '../../lib/edits/source-file';

import transformer from '../../codemods/pool-config';
import { applyPlannedWrites, nodeFileOperations, writeRefusal } from '../../lib/edits/file-plan';
import { encodeText, readSourceFile } from '../../lib/edits/source-file';
import { applyTextEdits } from '../../lib/edits/text-edits';

let directory = '';

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-edits-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function fileWith(name: string, content: string | Buffer): string {
  const file = path.join(directory, name);
  writeFileSync(file, content);
  return file;
}

function read(file: string): SourceFile {
  const outcome = readSourceFile(file);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.file;
}

const plan = (file: string, text: string): PlannedWrite => {
  const source = read(file);
  return { file: source, bytes: encodeText(source, text) };
};

/** File operations that throw `code` on the `nth` call of `operation` (1-based), and record every open. */
function failing(operation: keyof FileOperations, nth: number, code = 'EIO'): FileOperations & { opened: [string, number][] } {
  let calls = 0;
  const opened: [string, number][] = [];
  const ops = { ...nodeFileOperations, opened } as FileOperations & { opened: [string, number][] };
  const original = nodeFileOperations[operation] as (...args: unknown[]) => unknown;
  (ops as unknown as Record<string, unknown>)[operation] = (...args: unknown[]) => {
    calls += 1;
    if (calls === nth) throw Object.assign(new Error(`injected ${code}`), { code });
    return original(...args);
  };
  const open = ops.openSync;
  ops.openSync = ((file: string, flags: number, mode: number) => {
    opened.push([file, flags]);
    return open(file, flags, mode);
  }) as typeof ops.openSync;
  return ops;
}

const temporaries = (): string[] => readdirSync(directory).filter((name) => name.endsWith('.tmp'));

describe('readSourceFile and encodeText', () => {
  it('refuses a Latin-1 file with the byte and line, instead of decoding it lossily', () => {
    const file = fileWith('latin1.js', Buffer.from("const a = 1;\nconst greeting = 'Grüße';\n", 'latin1'));
    expect(readSourceFile(file)).toEqual({
      ok: false,
      skip: true,
      reason:
        'it is not valid UTF-8 (byte 0xfc on line 2, Latin-1 or another legacy encoding?); only UTF-8 files are edited, so that no byte outside the edit can change',
    });
  });

  it('refuses UTF-16', () => {
    const file = fileWith('utf16.js', Buffer.from('\uFEFFconst a = 1;\n', 'utf16le'));
    expect(readSourceFile(file)).toMatchObject({ ok: false, skip: true, reason: 'it is UTF-16 (byte order mark); only UTF-8 files are edited' });
  });

  it('hands out the text without BOM and CRLF, and encodes it back byte for byte', () => {
    const bytes = Buffer.from("\uFEFFconst a = 'é';\r\nconst b = 2;\r\n", 'utf8');
    const source = read(fileWith('crlf.js', bytes));
    expect(source).toMatchObject({ text: "const a = 'é';\nconst b = 2;\n", bom: true, eol: '\r\n' });
    expect(encodeText(source, source.text).equals(bytes)).toBe(true);
    expect(encodeText(source, `// new\n${source.text}`).toString('utf8')).toBe("\uFEFF// new\r\nconst a = 'é';\r\nconst b = 2;\r\n");
  });

  it('keeps mixed line endings as they are', () => {
    const bytes = Buffer.from('a;\r\nb;\nc;\r\n');
    const source = read(fileWith('mixed.js', bytes));
    expect(source.eol).toBe('\n');
    expect(encodeText(source, source.text).equals(bytes)).toBe(true);
  });

  it('follows a symlink to the file it names', () => {
    const target = fileWith('real.js', 'a;\n');
    symlinkSync('real.js', path.join(directory, 'link.js'));
    expect(read(path.join(directory, 'link.js'))).toMatchObject({ realPath: target, viaLink: true, text: 'a;\n' });
  });

  it('reports a dangling link in one line', () => {
    symlinkSync('missing.js', path.join(directory, 'dangling.js'));
    expect(readSourceFile(path.join(directory, 'dangling.js'))).toEqual({
      ok: false,
      skip: false,
      reason: 'it is a symbolic link to a file that does not exist',
    });
  });
});

describe('applyPlannedWrites', () => {
  it('creates temporary files exclusively, without following links, with unguessable names beside the file', () => {
    const file = fileWith('db.js', 'old\n');
    const ops = failing('fsyncSync', 0);
    expect(applyPlannedWrites([plan(file, 'new\n')], ops)).toEqual({ ok: true, written: [file] });
    const [[name, flags] = ['', 0]] = ops.opened;
    expect(path.dirname(name)).toBe(directory);
    expect(path.basename(name)).toMatch(/^\.db\.js\.[0-9a-f]{24}\.sequelize-pool\.tmp$/u);
    expect(flags & constants.O_EXCL).toBe(constants.O_EXCL);
    expect(flags & constants.O_NOFOLLOW).toBe(constants.O_NOFOLLOW);
    const second = failing('fsyncSync', 0);
    applyPlannedWrites([plan(file, 'newer\n')], second);
    expect(second.opened[0]?.[0]).not.toBe(name);
    expect(readFileSync(file, 'utf8')).toBe('newer\n');
    expect(temporaries()).toEqual([]);
  });

  it('does not write through a link planted at a temporary name (O_EXCL)', () => {
    const file = fileWith('db.js', 'old\n');
    const victim = fileWith('victim.txt', 'keep\n');
    const ops = failing('fsyncSync', 0);
    const planted = nodeFileOperations.openSync;
    // Plant a link at exactly the name the codemod picks, just before it opens it.
    ops.openSync = ((name: string, flags: number, mode: number) => {
      symlinkSync(victim, name);
      return planted(name, flags, mode);
    }) as typeof ops.openSync;
    const outcome = applyPlannedWrites([plan(file, 'new\n')], ops);
    expect(outcome).toMatchObject({ ok: false, file, rolledBack: true });
    expect(readFileSync(victim, 'utf8')).toBe('keep\n');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
  });

  it.each([
    ['openSync', 2],
    ['writeSync', 2],
    ['fchmodSync', 2],
    ['fsyncSync', 2],
    ['renameSync', 1],
    ['renameSync', 2],
  ] as const)('rolls back and removes every temporary file when %s fails (call %i)', (operation, nth) => {
    const first = fileWith('a.js', 'a old\n');
    const second = fileWith('b.json', '{ "b": "old" }\n');
    const outcome = applyPlannedWrites([plan(first, 'a new\n'), plan(second, '{ "b": "new" }\n')], failing(operation, nth));
    expect(outcome).toEqual({ ok: false, file: nth === 1 && operation === 'renameSync' ? first : second, reason: 'eio error', rolledBack: true });
    expect(readFileSync(first, 'utf8')).toBe('a old\n');
    expect(readFileSync(second, 'utf8')).toBe('{ "b": "old" }\n');
    expect(temporaries()).toEqual([]);
  });

  it('writes nothing when a file was removed after it was read (mid-run)', () => {
    const first = fileWith('a.js', 'a old\n');
    const second = fileWith('b.js', 'b old\n');
    const writes = [plan(first, 'a new\n'), plan(second, 'b new\n')];
    unlinkSync(second);
    expect(applyPlannedWrites(writes)).toEqual({ ok: false, file: second, reason: 'it was removed while the codemod ran', rolledBack: true });
    expect(readFileSync(first, 'utf8')).toBe('a old\n');
    expect(readdirSync(directory)).toEqual(['a.js']);
  });

  it('puts the first file back when the second is removed between staging and renaming', () => {
    const first = fileWith('a.js', 'a old\n');
    const second = fileWith('b.js', 'b old\n');
    const ops = failing('fsyncSync', 0);
    const rename = ops.renameSync;
    let renames = 0;
    ops.renameSync = ((from: string, to: string) => {
      renames += 1;
      rename(from, to);
      if (renames === 1) unlinkSync(second);
    }) as typeof ops.renameSync;
    expect(applyPlannedWrites([plan(first, 'a new\n'), plan(second, 'b new\n')], ops)).toEqual({
      ok: false,
      file: second,
      reason: 'it was removed while the codemod ran',
      rolledBack: true,
    });
    expect(readFileSync(first, 'utf8')).toBe('a old\n');
    expect(temporaries()).toEqual([]);
  });

  it('refuses a file changed by something else since it was read', () => {
    const file = fileWith('a.js', 'a old\n');
    const write = plan(file, 'a new\n');
    writeFileSync(file, 'edited meanwhile\n');
    expect(applyPlannedWrites([write])).toMatchObject({ ok: false, reason: 'it was changed by something else while the codemod ran' });
    expect(readFileSync(file, 'utf8')).toBe('edited meanwhile\n');
  });

  it('keeps a link a link and writes the file it names', () => {
    const target = fileWith('real.js', 'old\n');
    const link = path.join(directory, 'link.js');
    symlinkSync('real.js', link);
    expect(applyPlannedWrites([plan(link, 'new\n')])).toEqual({ ok: true, written: [link] });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });
});

describe('applyTextEdits', () => {
  it('applies thousands of edits in one pass, insertions at one offset in reverse order of arrival', () => {
    const source = 'x'.repeat(20_000);
    const edits = Array.from({ length: 10_000 }, (_, index) => ({ start: index * 2, end: index * 2 + 1, text: 'y' }));
    expect(applyTextEdits(source, edits)).toBe('yx'.repeat(10_000));
    expect(applyTextEdits('ab', [{ start: 1, end: 1, text: '1' }, { start: 1, end: 1, text: '2' }, { start: 1, end: 2, text: 'B' }])).toBe('a21B');
    expect(() => applyTextEdits('abc', [{ start: 0, end: 2, text: '' }, { start: 1, end: 3, text: '' }])).toThrow('overlapping edits at offset 1');
  });
});

describe('writeRefusal', () => {
  it('refuses to rewrite a file owned by someone else when not running as root (the rename would make it ours)', () => {
    const source = read(fileWith('db.js', 'a;\n'));
    const getuid = process.getuid;
    process.getuid = () => source.uid + 1;
    try {
      expect(writeRefusal({ ...source, uid: source.uid })).toBe(
        `it is owned by uid ${source.uid}, and rewriting it as uid ${source.uid + 1} would change its owner; run as its owner`,
      );
      expect(writeRefusal({ ...source, uid: source.uid + 1 })).toBeNull();
    } finally {
      process.getuid = getuid;
    }
  });
});

describe('the jscodeshift transform', () => {
  it('keeps a byte order mark and CRLF line breaks, generated lines included', () => {
    const module = readFileSync(path.join(__dirname, '..', '..', 'examples', 'legacy-server', 'server', 'db', 'sequelize.js'), 'utf8');
    const source = `\uFEFF${module.replaceAll('\n', '\r\n')}`;
    const output = transformer({ source, path: 'server/db/sequelize.js' }, { report: () => undefined } as never, { processes: 7 });
    expect(output).toBeDefined();
    expect(output?.startsWith('\uFEFF')).toBe(true);
    expect(output).toContain('withPoolSettings(');
    expect(output?.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/u);
    expect(output?.slice(output.indexOf('// Pool monitor'))).toBe(source.slice(source.indexOf('// Pool monitor')));
  });
});
