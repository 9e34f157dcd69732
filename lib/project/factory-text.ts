/**
 * What a call of a module's export gives, read from the module's text instead of parsing it: the proof the instance
 * analysis (lib/project/sequelize-instances) needs about a model factory without scope analysis of the factory's module.
 *
 * The question comes from sequelize-cli style models modules: `db.t_daftarpasien = t_daftarpasienM(sequelize,
 * Sequelize)` next to `db.sequelize = sequelize` makes `db.t_daftarpasien` a model of that instance, unless the call is
 * provably something else (a factory that returns another library's client, a literal). Answering "something else?"
 * with the parser means parsing the factory's module with scope analysis, once per model a lint reads: 46 of
 * Ilhamddy/PT.SNB-FE's model files. The text of such a file usually settles it:
 *
 *     export default (sequelize, Sequelize) => {          // the export is this function (if the module parses)
 *       const m_pasien = sequelize.define('m_pasien', {…}); // `sequelize` is only ever this parameter
 *       return m_pasien;                                   // every `return` of the module returns a value analysis
 *     };                                                   //   cannot classify: the call's result is unknown
 *
 *     export default class t_daftarpasien extends Model {…} // a class that extends `Model`: a model (or unknown),
 *                                                           //   never a function nor another library's value
 *
 * `exportCallIsUnclassified(text, name)` is true only when, for every way the module can parse, calling the export
 * (`F(…)`) or a member of it (`F.init(…)`) classifies as unknown in sequelize-instances: the module's export is such a
 * function or class, or (when it does not parse) the analysis falls back to the specifier, which gives no function
 * either. Anything the reading below cannot be sure of (a regular expression or a division, a template with `${`, a
 * name used other than as listed, a `return` of anything else) gives false, and the caller parses the module. A test
 * compares the answers with the parser-based analysis on real model files (test/lib/factory-text.test.ts).
 *
 * Names are read by their occurrences in the code (strings and comments blanked): a name every occurrence of which is
 * one parameter of the exported function, or the object of a member read (`sequelize.define`), can only refer to that
 * parameter or to nothing, and either is unknown to the analysis; the same holds for a name declared once
 * (`const m = sequelize.define(…)`) and otherwise only read as an object or returned.
 */

/** `(`, `[` and such after a line break continue an expression; a word (other than these operators) starts a statement. */
const CONTINUING_WORDS = new Set(['in', 'instanceof']);

const IDENTIFIER = /[A-Za-z_$][\w$]*/uy;

/** A line terminator as the parsers read one: a `//` comment or a hashbang line ends at the first. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/gu;

/** The index of the first line terminator at or after `from`, or the length. */
function lineEnd(text: string, from: number): number {
  LINE_TERMINATOR.lastIndex = from;
  return LINE_TERMINATOR.exec(text)?.index ?? text.length;
}

function isIdentifierCharacter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 36 || code === 95;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

/**
 * `text` with the contents of comments, strings and templates blanked (same length; quotes kept, comments become
 * spaces with their line breaks), or null when the text has something this reading does not follow: a `/` that is not
 * a comment (a regular expression or a division), a template with `${`, a backslash or a non-ASCII character in code
 * (escaped identifiers), HTML-like comments, an unterminated literal.
 */
export function codeSkeleton(text: string): string | null {
  const parts: string[] = [];
  // Quotes, slashes, backslashes, `#`, the characters of HTML-like comments, and anything beyond ASCII.
  const special = /['"`/\\#<>-]|[^\t\n\r -~]/gu;
  let copied = 0;
  let at = 0;
  if (text.startsWith('\ufeff')) {
    // A byte order mark is white space to the parsers.
    parts.push(' ');
    copied = 1;
    at = 1;
  }
  if (text.startsWith('#!', at)) {
    const stop = lineEnd(text, at);
    parts.push(' '.repeat(stop - at));
    copied = stop;
    at = stop;
  }
  /** Spaces for `text[from, to)`, its line breaks kept. */
  const spaces = (from: number, to: number): string => {
    const inner = text.slice(from, to);
    return inner.includes('\n') ? inner.replace(/[^\n]/gu, ' ') : ' '.repeat(to - from);
  };
  const blank = (from: number, to: number, keepEnds: boolean): void => {
    parts.push(text.slice(copied, from));
    parts.push(keepEnds ? `${text[from] as string}${spaces(from + 1, to - 1)}${text[to - 1] as string}` : spaces(from, to));
    copied = to;
  };
  for (;;) {
    special.lastIndex = at;
    const match = special.exec(text);
    if (match === null) break;
    const index = match.index;
    const character = match[0];
    if (character === "'" || character === '"') {
      let end = index + 1;
      for (;;) {
        const code = text.charCodeAt(end);
        if (Number.isNaN(code) || code === 10 || code === 13) return null;
        if (code === 92) end += 2;
        else if (text[end] === character) break;
        else end += 1;
      }
      blank(index, end + 1, true);
      at = end + 1;
    } else if (character === '`') {
      let end = index + 1;
      for (;;) {
        const code = text.charCodeAt(end);
        if (Number.isNaN(code)) return null;
        if (code === 92) end += 2;
        else if (code === 96) break;
        else if (code === 36 && text.charCodeAt(end + 1) === 123) return null;
        else end += 1;
      }
      blank(index, end + 1, true);
      at = end + 1;
    } else if (character === '/') {
      const next = text[index + 1];
      if (next === '/') {
        // Not only `\n`: a comment that ran on to the next `\n` over a `\r` or U+2028 would blank code.
        const stop = lineEnd(text, index);
        blank(index, stop, false);
        at = stop;
      } else if (next === '*') {
        const end = text.indexOf('*/', index + 2);
        if (end === -1) return null;
        blank(index, end + 2, false);
        at = end + 2;
      } else return null;
    } else if (character === '<') {
      if (text.startsWith('<!--', index)) return null;
      at = index + 1;
    } else if (character === '-') {
      if (text.startsWith('-->', index)) return null;
      at = index + 1;
    } else if (character === '#' || character === '>') {
      // A private name (`#x`) is no identifier of ours; `>` only matters as part of `-->`, read above.
      at = index + 1;
    } else {
      // A backslash or a non-ASCII character in code: an escaped or non-ASCII identifier could spell a name.
      return null;
    }
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** The index of the first non-space character at or after `from` (the length at the end). */
function skipSpace(code: string, from: number): number {
  let at = from;
  while (at < code.length && isSpace(code.charCodeAt(at))) at += 1;
  return at;
}

/** The index of the last non-space character before `from`, or -1. */
function previousSignificant(code: string, from: number): number {
  let at = from - 1;
  while (at >= 0 && isSpace(code.charCodeAt(at))) at -= 1;
  return at;
}

/** The identifier starting at `at`, or null. */
function wordAt(code: string, at: number): string | null {
  IDENTIFIER.lastIndex = at;
  const match = IDENTIFIER.exec(code);
  return match === null ? null : match[0];
}

/** The identifier ending right before `from` (spaces skipped), or null. */
function wordBefore(code: string, from: number): string | null {
  const end = previousSignificant(code, from) + 1;
  let start = end;
  while (start > 0 && isIdentifierCharacter(code.charCodeAt(start - 1))) start -= 1;
  return start === end ? null : code.slice(start, end);
}

/** The index of the bracket that closes the one at `open` (`(` or `{`), or -1. */
function closing(code: string, open: number): number {
  let depth = 0;
  for (let at = open; at < code.length; at += 1) {
    const character = code.charCodeAt(at);
    // ( [ { and ) ] }
    if (character === 40 || character === 91 || character === 123) depth += 1;
    else if (character === 41 || character === 93 || character === 125) {
      depth -= 1;
      if (depth === 0) return at;
    }
  }
  return -1;
}

/**
 * Does the expression that ends right before `from` end there: a `;`, a `}`, the end of the module, a `,` when
 * `comma` (a declarator list), or a line break before a word that starts a new statement (automatic semicolon
 * insertion: a word cannot continue an expression, except the operators `in` and `instanceof`)?
 */
function endsAt(code: string, from: number, comma: boolean): boolean {
  const next = skipSpace(code, from);
  if (next >= code.length) return true;
  const character = code[next];
  if (character === ';' || character === '}' || (comma && character === ',')) return true;
  if (!code.slice(from, next).includes('\n')) return false;
  const word = wordAt(code, next);
  return word !== null && !CONTINUING_WORDS.has(word);
}

/** Where a name occurs in the code, other than as a property (`x.name`): each occurrence's start. */
function occurrences(code: string, name: string): number[] {
  const found: number[] = [];
  let from = 0;
  for (;;) {
    const at = code.indexOf(name, from);
    if (at === -1) return found;
    from = at + name.length;
    if (at > 0 && (isIdentifierCharacter(code.charCodeAt(at - 1)) || code[at - 1] === '#')) continue;
    if (isIdentifierCharacter(code.charCodeAt(from))) continue;
    const before = previousSignificant(code, at);
    // `x.name` / `x?.name` is a property; `...name` is a spread (a binding in a pattern), an occurrence.
    if (before >= 0 && code[before] === '.' && code[before - 1] !== '.') continue;
    found.push(at);
  }
}

/** Every occurrence of the word `name`, properties (`module.exports`) included. */
function wordOccurrences(code: string, name: string): number[] {
  const found: number[] = [];
  for (let at = code.indexOf(name); at !== -1; at = code.indexOf(name, at + name.length)) {
    const before = at === 0 ? 32 : code.charCodeAt(at - 1);
    if (!isIdentifierCharacter(before) && before !== 35 && !isIdentifierCharacter(code.charCodeAt(at + name.length))) found.push(at);
  }
  return found;
}

/** `name.` or `name?.` at `at`: the object of a member read. */
function isMemberObject(code: string, at: number, name: string): boolean {
  const next = skipSpace(code, at + name.length);
  if (code[next] === '.') return code[next + 1] !== '.';
  return code[next] === '?' && code[next + 1] === '.' && !/[0-9]/u.test(code[next + 2] ?? '');
}

/** `return name` ending there, at `at`. */
function isReturned(code: string, at: number, name: string): boolean {
  return wordBefore(code, at) === 'return' && !code.slice(previousSignificant(code, at) + 1, at).includes('\n') && endsAt(code, at + name.length, false);
}

/** The exported function or class: where its header starts, its parameters, the body's braces. */
interface Exported {
  kind: 'function' | 'class';
  /** The declared name (`function name(…)`, `class name`), or null. */
  name: string | null;
  /** Parameter names (functions). */
  parameters: Set<string>;
  /** Where the header (`function (…) {`, `(…) => {`) starts and ends: a parameter is written there, once. */
  header: [number, number];
  /** The class extends the plain name `Model` (not `x.Model`), whose bindings are to be read. */
  extendsModelName: boolean;
  bodyOpen: number;
  bodyClose: number;
}

const FUNCTION_HEADER = /(?:async\s+)?function(?![\w$])\s*\*?\s*(?:([A-Za-z_$][\w$]*)\s*)?\(([^()]*)\)\s*\{/uy;
const ARROW_HEADER = /(?:async\s+)?()\(([^()]*)\)\s*=>\s*\{/uy;
const SINGLE_PARAMETER_ARROW = /(?:async\s+)?()([A-Za-z_$][\w$]*)\s*=>\s*\{/uy;
/** `class [Name] extends Model {` or `extends a.b.Model {`: a superclass whose last name is `Model`. */
const CLASS_HEADER = /class(?:\s+([A-Za-z_$][\w$]*))?\s+extends\s+((?:[A-Za-z_$][\w$]*\s*\.\s*)*)Model\s*\{/uy;
const PARAMETER_LIST = /^\s*(?:[A-Za-z_$][\w$]*\s*(?:,\s*[A-Za-z_$][\w$]*\s*)*,?\s*)?$/u;

function exportedAt(code: string, at: number): Exported | null {
  for (const header of [FUNCTION_HEADER, ARROW_HEADER, SINGLE_PARAMETER_ARROW]) {
    header.lastIndex = at;
    const match = header.exec(code);
    if (match === null) continue;
    const list = match[2] ?? '';
    if (!PARAMETER_LIST.test(list)) return null;
    const parameters = new Set(list.match(/[A-Za-z_$][\w$]*/gu));
    const bodyOpen = header.lastIndex - 1;
    const bodyClose = closing(code, bodyOpen);
    const name = match[1] === '' ? null : (match[1] ?? null);
    return bodyClose === -1 ? null : { kind: 'function', name, parameters, header: [at, bodyOpen], extendsModelName: false, bodyOpen, bodyClose };
  }
  CLASS_HEADER.lastIndex = at;
  const match = CLASS_HEADER.exec(code);
  if (match === null) return null;
  const bodyOpen = CLASS_HEADER.lastIndex - 1;
  const bodyClose = closing(code, bodyOpen);
  if (bodyClose === -1) return null;
  return { kind: 'class', name: match[1] ?? null, parameters: new Set(), header: [at, bodyOpen], extendsModelName: match[2] === '', bodyOpen, bodyClose };
}

/**
 * The exported function or class `name` gives ('default': an ES default import, which for a CommonJS module is
 * `module.exports`; another name: an ES named export; null: `require()`, which reads `module.exports` only), or null
 * when the text does not say.
 */
function exportedValue(code: string, name: string | null): Exported | null {
  const exportWords = occurrences(code, 'export');
  const exportsWords = wordOccurrences(code, 'exports');
  if (exportWords.length === 1 && exportsWords.length === 0 && name !== null) {
    // The module's only `export`, so nothing else (`export { x as default }`, a second `export const x`) replaces it.
    const at = exportWords[0] as number;
    const after = skipSpace(code, at + 'export'.length);
    const word = wordAt(code, after);
    if (name === 'default') return word === 'default' ? endedExport(code, exportedAt(code, skipSpace(code, after + 'default'.length))) : null;
    if (word === 'const') {
      // `export const name = (sequelize, DataTypes) => {…}`: a const, never written again.
      const declared = skipSpace(code, after + 'const'.length);
      const equals = skipSpace(code, declared + name.length);
      if (wordAt(code, declared) !== name || code[equals] !== '=' || code[equals + 1] === '=' || code[equals + 1] === '>') return null;
      return endedExport(code, exportedAt(code, skipSpace(code, equals + 1)));
    }
    // `export function name(…) {…}`, `export class name extends Model {…}`.
    const exported = exportedAt(code, after);
    return exported?.name === name ? endedExport(code, exported) : null;
  }
  if (exportWords.length !== 0 || exportsWords.length !== 1) return null;
  // `module.exports = …`: the only mention of `exports`, so nothing reassigns it; and the only `module`, so no
  // `module['exports'] = …` (its string is blanked here) nor an alias of `module` does either.
  if (occurrences(code, 'module').length !== 1) return null;
  const at = exportsWords[0] as number;
  const dot = previousSignificant(code, at);
  if (dot < 0 || code[dot] !== '.' || code[dot - 1] === '.' || wordBefore(code, dot) !== 'module') return null;
  const moduleAt = previousSignificant(code, dot) + 1 - 'module'.length;
  if (previousSignificant(code, moduleAt) >= 0 && code[previousSignificant(code, moduleAt)] === '.') return null;
  const equals = skipSpace(code, at + 'exports'.length);
  if (code[equals] !== '=' || code[equals + 1] === '=' || code[equals + 1] === '>') return null;
  return endedExport(code, exportedAt(code, skipSpace(code, equals + 1)));
}

/**
 * The export, when its statement ends after it: a function or class expression is an operand (`module.exports =
 * function () {…} ? a : b` exports something else). A declaration (`export default function`) needs no such end, but
 * the check costs nothing and keeps one rule for every form.
 */
function endedExport(code: string, exported: Exported | null): Exported | null {
  return exported !== null && endsAt(code, exported.bodyClose + 1, false) ? exported : null;
}

/** Every occurrence of `name` is one of `allowed` (given the occurrence's start). */
function onlyUsedAs(code: string, name: string, allowed: (at: number) => boolean): boolean {
  return occurrences(code, name).every(allowed);
}

/**
 * A name that can only refer to a parameter of the exported function, or to nothing: written once, as that parameter,
 * and otherwise only as the object of a member read (or returned).
 */
function parameterOnly(code: string, exported: Exported, name: string): boolean {
  if (!exported.parameters.has(name)) return false;
  const [start, end] = exported.header;
  let written = 0;
  return (
    onlyUsedAs(code, name, (at) => {
      if (at >= start && at < end) {
        written += 1;
        return true;
      }
      return isMemberObject(code, at, name) || isReturned(code, at, name);
    }) && written === 1
  );
}

/** `p.method(…)` at `at`, ending there, with `p` a parameter-only name: unknown wherever it is. */
function unknownCallAt(code: string, at: number, exported: Exported, comma: boolean): boolean {
  const match = /([A-Za-z_$][\w$]*)\s*\.\s*[A-Za-z_$][\w$]*\s*\(/uy;
  match.lastIndex = at;
  const found = match.exec(code);
  if (found === null || !parameterOnly(code, exported, found[1] as string)) return false;
  const close = closing(code, match.lastIndex - 1);
  return close !== -1 && endsAt(code, close + 1, comma);
}

/** A name declared once (`const m = sequelize.define(…)`) and otherwise only read as an object or returned. */
function boundToUnknownCall(code: string, exported: Exported, name: string): boolean {
  if (exported.parameters.has(name)) return false;
  let declarations = 0;
  return (
    onlyUsedAs(code, name, (at) => {
      if (isMemberObject(code, at, name) || isReturned(code, at, name)) return true;
      const keyword = wordBefore(code, at);
      if (keyword !== 'const' && keyword !== 'let' && keyword !== 'var') return false;
      const equals = skipSpace(code, at + name.length);
      if (code[equals] !== '=' || code[equals + 1] === '=' || code[equals + 1] === '>') return false;
      declarations += 1;
      return unknownCallAt(code, skipSpace(code, equals + 1), exported, true);
    }) && declarations === 1
  );
}

/** Every `return` of the module returns nothing, a parameter-only name, a name bound to an unknown call, or such a call. */
function returnsOnlyUnknown(code: string, exported: Exported): boolean {
  return onlyUsedAs(code, 'return', (at) => {
    const value = skipSpace(code, at + 'return'.length);
    if (value >= code.length || code[value] === ';' || code[value] === '}' || code.slice(at, value).includes('\n')) return true;
    const word = wordAt(code, value);
    if (word === null) return false;
    if (endsAt(code, value + word.length, false)) return parameterOnly(code, exported, word) || boundToUnknownCall(code, exported, word);
    return unknownCallAt(code, value, exported, false);
  });
}

/**
 * A `Model` superclass that cannot be another Sequelize export: every binding of `Model` is an element of a flat
 * destructuring (`const { Model, Sequelize } = _sequelize`) or a named import (`import { Model } from …`), so whatever
 * it is bound to, the path ends in `Model`; elsewhere it is only read (`extends Model`, `Model.init`).
 */
function modelSuperclass(code: string): boolean {
  return onlyUsedAs(code, 'Model', (at) => {
    if (isMemberObject(code, at, 'Model') || wordBefore(code, at) === 'extends') return true;
    const before = previousSignificant(code, at);
    const after = skipSpace(code, at + 'Model'.length);
    if ((code[before] !== '{' && code[before] !== ',') || (code[after] !== ',' && code[after] !== '}')) return false;
    const open = code.lastIndexOf('{', at);
    const close = code.indexOf('}', at);
    if (!PARAMETER_LIST.test(code.slice(open + 1, close))) return false;
    const opener = wordBefore(code, open);
    if (opener === 'const' || opener === 'let' || opener === 'var') {
      const equals = skipSpace(code, close + 1);
      return code[equals] === '=' && code[equals + 1] !== '=' && code[equals + 1] !== '>';
    }
    return opener === 'import' && wordAt(code, skipSpace(code, close + 1)) === 'from';
  });
}

/** Memo per text: a lint asks once per model a query reads, often for the same few factories. */
const answers = new Map<string, { text: string; answer: boolean }>();

/**
 * True when calling what the module at `filename` (text `text`) exports under `name` ('default' for an ES default
 * import, another name for a named import, null for `require()`), or a member of it, provably gives a value
 * sequelize-instances classifies as unknown (see the top of this file); false when the text does not settle it.
 */
export function exportCallIsUnclassified(filename: string, text: string, name: string | null): boolean {
  const key = `${name === null ? '' : `=${name}`}\0${filename}`;
  const known = answers.get(key);
  if (known?.text === text) return known.answer;
  const answer = !/\.[cm]?[jt]sx$/u.test(filename) && readsUnclassified(text, name);
  answers.set(key, { text, answer });
  return answer;
}

function readsUnclassified(text: string, name: string | null): boolean {
  const code = codeSkeleton(text);
  if (code === null) return false;
  const exported = exportedValue(code, name);
  if (exported === null) return false;
  if (exported.kind === 'class') return !exported.extendsModelName || modelSuperclass(code);
  return returnsOnlyUnknown(code, exported);
}
