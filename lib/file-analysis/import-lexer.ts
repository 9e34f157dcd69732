/**
 * The modules a JavaScript or TypeScript file loads when it is loaded, read from its text by a small lexer
 * instead of a parser: static `import … from 'x'` / `import 'x'`, `export … from 'x'` (not `import type` /
 * `export type`), and `require('x')` outside functions. The import graph (lib/project/import-graph) reads every
 * module of a project this way, and parses only the few that can construct a Sequelize instance.
 *
 * Why not es-module-lexer / cjs-module-lexer: the first reads ES module syntax only, and the second reports a
 * CommonJS module's exports, not the `require()` calls it makes, which is what most Sequelize apps use.
 *
 * The lexer knows strings, templates, comments, regular expressions and brace nesting well enough to tell a
 * top-level `require` from one inside a function. Where it cannot be sure (a `require` inside a block whose kind it
 * cannot tell, e.g. after a TypeScript return type; a concise arrow body; a regular expression it may have misread)
 * it returns null and the caller parses the module. A test compares it with the parser on real code.
 */

type BraceKind = 'block' | 'class' | 'function' | 'object' | 'template' | 'unknown';

interface Token {
  kind: 'number' | 'punct' | 'regex' | 'string' | 'template' | 'word';
  value: string;
}

const CONTROL_KEYWORDS = new Set(['await', 'catch', 'for', 'if', 'switch', 'while', 'with']);
const BLOCK_KEYWORDS = new Set(['catch', 'do', 'else', 'finally', 'try']);
/** Words that start a statement: after a line break at the depth of a concise arrow body, the body has ended. */
const STATEMENT_STARTERS = new Set(['async', 'class', 'const', 'exports', 'export', 'for', 'function', 'if', 'import', 'let', 'module', 'return', 'var', 'while']);
/** After these words a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORDS = new Set(['await', 'case', 'delete', 'do', 'else', 'in', 'instanceof', 'new', 'of', 'return', 'throw', 'typeof', 'void', 'yield']);
/** After these punctuators a `{` opens an object literal (or a destructuring pattern), not a block. */
const OBJECT_AFTER_PUNCT = new Set(['(', ',', '=', ':', '[', '?', '||', '&&', '??', '!', '+', '-', '*', '...', '|', '&']);

/** A token after which a line break can end a statement (automatic semicolon insertion). */
function endsExpression(token: Token | null): boolean {
  if (token === null) return false;
  if (token.kind !== 'punct') return true;
  return token.value === ')' || token.value === ']' || token.value === '}' || token.value === '}object';
}

function isIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95 || code > 127;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || (code >= 48 && code <= 57);
}

/** The load-time specifiers of a module, or null when the lexer cannot be sure (parse it instead). */
export function lexLoadedSpecifiers(text: string): string[] | null {
  const specifiers: string[] = [];
  const braces: BraceKind[] = [];
  /** For each open `(`: the token before it (to tell `if (…) {` from `method(…) {` and `function f(…) {`). */
  const parens: (Token | null)[] = [];
  let previous: Token | null = null;
  /** The token before the `(` matched by the last `)`. */
  let lastParenOpener: Token | null = null;
  let pendingClass = false;
  /** Depth (parens + braces) at which a concise arrow body is open, or -1. */
  let conciseArrowDepth = -1;
  const length = text.length;
  let index = 0;
  if (text.startsWith('#!')) index = text.indexOf('\n') === -1 ? length : text.indexOf('\n');

  const depth = (): number => braces.length + parens.length;
  const inFunction = (): boolean => braces.includes('function');

  /** Whether the last skipSpace crossed a line break. */
  let sawNewline = false;
  const skipSpace = (from: number): number => {
    let at = from;
    sawNewline = false;
    while (at < length) {
      const code = text.charCodeAt(at);
      if (code === 10 || code === 13) sawNewline = true;
      if (code === 32 || code === 9 || code === 10 || code === 13 || code === 0xfeff || code === 0xa0 || code === 11 || code === 12) {
        at += 1;
      } else if (code === 47 && text.charCodeAt(at + 1) === 47) {
        const end = text.indexOf('\n', at);
        at = end === -1 ? length : end;
      } else if (code === 47 && text.charCodeAt(at + 1) === 42) {
        const end = text.indexOf('*/', at + 2);
        if (end === -1) return -1;
        if (text.slice(at, end).includes('\n')) sawNewline = true;
        at = end + 2;
      } else {
        break;
      }
    }
    return at;
  };

  /** Reads a quoted string starting at `from` (the quote); returns [value, end] or null. */
  const readString = (from: number): [string, number] | null => {
    const quote = text.charCodeAt(from);
    let at = from + 1;
    let value = '';
    while (at < length) {
      const code = text.charCodeAt(at);
      if (code === quote) return [value, at + 1];
      if (code === 92) {
        value += text[at + 1] ?? '';
        at += 2;
        continue;
      }
      if (code === 10) return null;
      value += text[at];
      at += 1;
    }
    return null;
  };

  /** Continues a template from `from` (after a backtick or a `}` closing `${`); returns the index after it, or the `${`. */
  const readTemplate = (from: number): { end: number; interpolation: boolean } | null => {
    let at = from;
    while (at < length) {
      const code = text.charCodeAt(at);
      if (code === 92) {
        at += 2;
        continue;
      }
      if (code === 96) return { end: at + 1, interpolation: false };
      if (code === 36 && text.charCodeAt(at + 1) === 123) return { end: at + 2, interpolation: true };
      at += 1;
    }
    return null;
  };

  /** A template literal without `${` at `from`: [value, end], else null. */
  const plainTemplate = (from: number): [string, number] | null => {
    const end = text.indexOf('`', from + 1);
    if (end === -1) return null;
    const value = text.slice(from + 1, end);
    return value.includes('${') || value.includes('\\') ? null : [value, end + 1];
  };

  const readRegex = (from: number): number => {
    let at = from + 1;
    let inClass = false;
    while (at < length) {
      const code = text.charCodeAt(at);
      if (code === 92) {
        at += 2;
        continue;
      }
      if (code === 10) return -1;
      if (code === 91) inClass = true;
      else if (code === 93) inClass = false;
      else if (code === 47 && !inClass) {
        at += 1;
        while (at < length && isIdentifierPart(text.charCodeAt(at))) at += 1;
        return at;
      }
      at += 1;
    }
    return -1;
  };

  const regexAllowed = (): boolean => {
    if (previous === null) return true;
    if (previous.kind === 'word') return REGEX_AFTER_WORDS.has(previous.value);
    if (previous.kind !== 'punct') return false;
    return previous.value !== ')' && previous.value !== ']' && previous.value !== '}' && previous.value !== '}object';
  };

  /** The next significant token's first character index after `from`, or -1. */
  const peek = (from: number): number => skipSpace(from);

  const readWordAt = (from: number): string => {
    let end = from;
    while (end < length && isIdentifierPart(text.charCodeAt(end))) end += 1;
    return text.slice(from, end);
  };

  /** `require ( 'x' )` at `from` (just after the word `require`): the specifier and the index after `)`. */
  const requireCall = (from: number): [string, number] | null => {
    const open = peek(from);
    if (open === -1 || text[open] !== '(') return null;
    const quote = peek(open + 1);
    if (quote === -1 || (text[quote] !== "'" && text[quote] !== '"' && text[quote] !== '`')) return null;
    const string = text[quote] === '`' ? plainTemplate(quote) : readString(quote);
    if (string === null) return null;
    const close = peek(string[1]);
    if (close === -1 || text[close] !== ')') return null;
    return [string[0], close + 1];
  };

  /** After `from`, the `from '…'` clause of an import or export: the specifier and the index after it. */
  const fromClause = (from: number): [string, number] | null => {
    let at = from;
    let lastWord: string | null = null;
    // Skip the import/export list up to `from` (a bounded scan: identifiers, `{ … }`, `*`, `as`, commas, types).
    for (let steps = 0; steps < 2000; steps += 1) {
      at = skipSpace(at);
      if (at === -1 || at >= length) return null;
      const character = text[at] as string;
      if (character === "'" || character === '"') {
        // `import 'x'` (a first token), or `… from 'x'`.
        if (steps !== 0 && lastWord !== 'from') return null;
        const string = readString(at);
        return string === null ? null : [string[0], string[1]];
      }
      if (character === ';') return null;
      if (isIdentifierStart(text.charCodeAt(at))) {
        lastWord = readWordAt(at);
        at += lastWord.length;
        continue;
      }
      lastWord = null;
      if ('{},*'.includes(character)) {
        at += 1;
        continue;
      }
      return null;
    }
    return null;
  };

  while (index < length) {
    const at = skipSpace(index);
    if (at === -1) return null;
    if (at >= length) break;
    index = at;
    const code = text.charCodeAt(index);
    const character = text[index] as string;

    if (character === "'" || character === '"') {
      const string = readString(index);
      if (string === null) return null;
      index = string[1];
      previous = { kind: 'string', value: '' };
      continue;
    }
    if (character === '`') {
      const template = readTemplate(index + 1);
      if (template === null) return null;
      index = template.end;
      if (template.interpolation) braces.push('template');
      previous = { kind: 'template', value: '' };
      continue;
    }
    if (code >= 48 && code <= 57) {
      while (index < length && (isIdentifierPart(text.charCodeAt(index)) || text[index] === '.')) index += 1;
      previous = { kind: 'number', value: '' };
      continue;
    }
    if (isIdentifierStart(code)) {
      const word = readWordAt(index);
      if (sawNewline && conciseArrowDepth === depth() && STATEMENT_STARTERS.has(word) && endsExpression(previous)) {
        conciseArrowDepth = -1;
      }
      const afterDot = previous?.kind === 'punct' && (previous.value === '.' || previous.value === '?.');
      const wordEnd = index + word.length;
      if (!afterDot && word === 'require') {
        const call = requireCall(wordEnd);
        if (call !== null) {
          if (!inFunction()) {
            // Inside a concise arrow body, a class body (static fields run at load time) or a block of a kind the
            // lexer cannot name: let the parser decide.
            if (conciseArrowDepth !== -1 || braces.some((kind) => kind === 'class' || kind === 'unknown')) return null;
            specifiers.push(call[0]);
          }
          index = call[1];
          previous = { kind: 'punct', value: ')' };
          continue;
        }
      }
      if (!afterDot && (word === 'import' || word === 'export') && braces.length === 0 && parens.length === 0) {
        const next = peek(wordEnd);
        if (next === -1) return null;
        const nextCharacter = text[next] as string;
        if (word === 'import' && (nextCharacter === '(' || nextCharacter === '.')) {
          // `import('x')` (loaded later) and `import.meta`.
          index = wordEnd;
          previous = { kind: 'word', value: word };
          continue;
        }
        const nextWord = isIdentifierStart(text.charCodeAt(next)) ? readWordAt(next) : '';
        let typeOnly = false;
        if (nextWord === 'type') {
          const afterType = peek(next + 4);
          const following = afterType === -1 ? '' : (text[afterType] as string);
          // `import type from './x'` imports a default export named `type`.
          typeOnly = !(isIdentifierStart(text.charCodeAt(afterType)) && readWordAt(afterType) === 'from') && following !== ',' && following !== '=';
        }
        if (word === 'export' && nextCharacter !== '*' && nextCharacter !== '{' && !typeOnly) {
          // `export const …`, `export default …`, `export function …`: no module is loaded here.
          index = wordEnd;
          previous = { kind: 'word', value: word };
          continue;
        }
        if (word === 'import' && nextWord !== '' && nextWord !== 'type' && isIdentifierStart(text.charCodeAt(next))) {
          // `import x = require('y')` (TypeScript): the require is read on its own.
          const afterName = peek(next + nextWord.length);
          if (afterName !== -1 && text[afterName] === '=') {
            index = next + nextWord.length;
            previous = { kind: 'word', value: nextWord };
            continue;
          }
        }
        const clause = fromClause(wordEnd);
        if (clause === null) {
          if (word === 'import') return null;
          index = wordEnd;
          previous = { kind: 'word', value: word };
          continue;
        }
        if (!typeOnly) specifiers.push(clause[0]);
        index = clause[1];
        previous = { kind: 'string', value: '' };
        continue;
      }
      if (word === 'class') pendingClass = true;
      index = wordEnd;
      previous = { kind: 'word', value: word };
      continue;
    }

    // Punctuators.
    if (character === '/') {
      if (regexAllowed()) {
        const end = readRegex(index);
        if (end === -1) return null;
        index = end;
        previous = { kind: 'regex', value: '' };
        continue;
      }
      index += text[index + 1] === '=' ? 2 : 1;
      previous = { kind: 'punct', value: '/' };
      continue;
    }
    if (character === '(') {
      parens.push(previous);
      index += 1;
      previous = { kind: 'punct', value: '(' };
      continue;
    }
    if (character === ')') {
      if (parens.length === 0) return null;
      lastParenOpener = parens.pop() ?? null;
      if (conciseArrowDepth > depth()) conciseArrowDepth = -1;
      index += 1;
      previous = { kind: 'punct', value: ')' };
      continue;
    }
    if (character === '{') {
      let kind: BraceKind;
      if (pendingClass) {
        kind = 'class';
        pendingClass = false;
      } else if (previous === null) kind = 'block';
      else if (previous.kind === 'punct' && previous.value === '=>') kind = 'function';
      else if (previous.kind === 'punct' && previous.value === ')') {
        const opener = lastParenOpener;
        kind = opener?.kind === 'word' && CONTROL_KEYWORDS.has(opener.value) ? 'block' : 'function';
      } else if (previous.kind === 'punct' && (previous.value === ';' || previous.value === '{' || previous.value === '}')) kind = 'block';
      else if (previous.kind === 'punct' && OBJECT_AFTER_PUNCT.has(previous.value)) kind = 'object';
      else if (previous.kind === 'word' && BLOCK_KEYWORDS.has(previous.value)) kind = 'block';
      else if (previous.kind === 'word' && (previous.value === 'return' || previous.value === 'export' || previous.value === 'default')) kind = 'object';
      else kind = 'unknown';
      braces.push(kind);
      index += 1;
      previous = { kind: 'punct', value: '{' };
      continue;
    }
    if (character === '}') {
      const kind = braces.pop();
      if (kind === undefined) return null;
      if (conciseArrowDepth > depth()) conciseArrowDepth = -1;
      if (kind === 'template') {
        const template = readTemplate(index + 1);
        if (template === null) return null;
        index = template.end;
        if (template.interpolation) braces.push('template');
        previous = { kind: 'template', value: '' };
        continue;
      }
      index += 1;
      // After an object literal (or a template-like expression) a `/` divides; after a block it starts a regex.
      previous = kind === 'object' ? { kind: 'punct', value: '}object' } : { kind: 'punct', value: '}' };
      continue;
    }
    if (character === '=' && text[index + 1] === '>') {
      index += 2;
      previous = { kind: 'punct', value: '=>' };
      const next = peek(index);
      if (next !== -1 && text[next] !== '{' && conciseArrowDepth === -1) conciseArrowDepth = depth();
      continue;
    }
    if (character === ';' || character === ',') {
      if (conciseArrowDepth !== -1 && conciseArrowDepth >= depth()) conciseArrowDepth = -1;
      index += 1;
      previous = { kind: 'punct', value: character };
      continue;
    }
    // Multi-character operators matter only for what follows them; read the longest run of operator characters.
    let end = index + 1;
    if (character === '.' && text[index + 1] === '.' && text[index + 2] === '.') end = index + 3;
    else if (character === '?' && text[index + 1] === '.' && !/[0-9]/u.test(text[index + 2] ?? '')) end = index + 2;
    else if ('=!<>&|?+-*%^~'.includes(character)) {
      while (end < length && '=!<>&|?+-*%^~'.includes(text[end] as string) && end - index < 4) end += 1;
    }
    const value = text.slice(index, end);
    index = end;
    previous = { kind: 'punct', value: value === '++' || value === '--' ? ')' : value };
    // A statement-ending newline closes a concise arrow body only if followed by a new statement: left to `;`.
  }
  if (braces.length !== 0 || parens.length !== 0) return null;
  return specifiers;
}
