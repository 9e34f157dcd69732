/**
 * Load gates: before a cross-module question (does this call create a Sequelize instance? does it begin a
 * transaction?) parses an imported module, a cheap test of whether any module that parse could lead to can hold
 * the answer. Parsing other project modules is most of what the cross-file rules cost on real applications; most
 * of those parses end in "no".
 *
 * A question names what must be in a module for the answer to be found there (`holds`, a text test, refined by a
 * per-module fact where text alone says too little). A query that starts at module M only ever reads modules M loads
 * by a string specifier, and the modules those load, and so on; so when no module of that closure holds what the
 * question needs, the full analysis through M returns nothing, and M need not be parsed. The closure is read from
 * text, as a superset of the imports analysis follows: every quoted string that is a relative specifier (or, under a
 * tsconfig with `paths`, one an alias resolves), wherever it is written (also inside functions, comments and other
 * strings: an extra edge only makes the gate open more often). Escapes (`\u`, `\x`, octal, line continuations) can
 * spell a name so that no text test sees it: a question's test also runs on the text with them written out; and a
 * string that may be a specifier but holds an escape keeps the gate open.
 *
 * Answers are kept for one epoch (see projectEpoch): a whole-project lint walks the graph once per question.
 */
import path from 'node:path';

import { pathAliases, resolveProjectSpecifier } from './import-graph';
import { isRelativeSpecifier, projectEpoch, readModuleText } from './project-modules';

/** A question a gate answers for: what a module must hold for the question's answer to be found in it. */
export interface GateQuestion {
  /** Unique among questions (the key of its answers). */
  readonly name: string;
  /**
   * Can the module at `filename` (with `text`) hold what the question looks for? Must be true for every module in
   * which the full analysis could find it; false only when provably not.
   */
  holds(filename: string, text: string): boolean;
}

/** Escapes that can spell a name or a specifier without writing it: `\u0073equelize`, `'./d\x62'`, `'./d\<newline>b'`. */
const ESCAPE = /\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([0-7]{1,3})|(\r\n|[\r\n\u2028\u2029]))/gu;

/**
 * `text` with its escapes written out (and line continuations removed), or null when it has none: a question's text
 * test is also run on it, so a name spelled with escapes is seen. (Decoding outside strings and identifiers, in a
 * regular expression's `\1`, only adds text: a test can only match more often.)
 */
export function decodedEscapes(text: string): string | null {
  if (!text.includes('\\')) return null;
  let changed = false;
  const decoded = text.replace(ESCAPE, (whole: string, braced?: string, unicode?: string, hex?: string, octal?: string, continuation?: string) => {
    changed = true;
    if (continuation !== undefined) return '';
    const code = Number.parseInt(braced ?? unicode ?? hex ?? octal ?? '', braced === undefined && unicode === undefined && hex === undefined ? 8 : 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
  return changed ? decoded : null;
}

/** Per module and epoch: the project files its text may load, by the specifier that names each. */
const edgeCache = new Map<string, { epoch: number; text: string; specifiers: Map<string, string> | null; targets: string[] | null }>();

const QUOTES = new Set([0x22, 0x27, 0x60]);

/**
 * Every string in `text` that starts right after a quote with `start` and ends at the same quote (no line break or
 * backslash in between). Each quote is tried as an opening quote on its own, without pairing quotes up, so a quote
 * in a comment or a regular expression cannot hide a specifier.
 */
function quotedStartingWith(text: string, start: string, found: Set<string>): boolean {
  // Searched as quote and start together (a `.` alone is in nearly every line of code), one quote at a time.
  for (const quote of QUOTES) {
    const opening = `${String.fromCharCode(quote)}${start}`;
    for (let from = text.indexOf(opening); from !== -1; from = text.indexOf(opening, from + 1)) {
      if (!quotedAt(text, from + 1, quote, start, found)) return false;
    }
  }
  return true;
}

/** The string at `at` (right after its opening `quote`), added to `found`; false when it holds an escape and may be a specifier. */
function quotedAt(text: string, at: number, quote: number, start: string, found: Set<string>): boolean {
  let end = at;
  for (; end < text.length; end += 1) {
    const code = text.charCodeAt(end);
    if (code === quote || code === 0x5c || code === 0x0a || code === 0x0d) break;
  }
  // `'./it\'s'`: an escaped quote (or any escape) in a string that may be a specifier: its value is not read here.
  if (text.charCodeAt(end) === 0x5c) {
    // For relative specifiers: only a string that is one so far (`'.\n'` in a message is not).
    return start === '.' && !/^\.{1,2}(?:\/|$)/u.test(text.slice(at, end));
  }
  if (text.charCodeAt(end) === quote) found.add(text.slice(at, end));
  return true;
}

function edgesOf(filename: string, text: string): { specifiers: Map<string, string> | null; targets: string[] | null } {
  const current = projectEpoch();
  const cached = edgeCache.get(filename);
  if (cached?.epoch === current && cached.text === text) return cached;
  const specifiers = new Set<string>();
  // `.` and `..` alone, `./x`, `../x`: every relative specifier starts with a dot.
  let readable = quotedStartingWith(text, '.', specifiers);
  const aliases = pathAliases(filename);
  for (const [pattern] of aliases?.paths ?? []) {
    const star = pattern.indexOf('*');
    const prefix = star === -1 ? pattern : pattern.slice(0, star);
    // A pattern that starts with `*` could match any string: every quoted string is a candidate.
    readable = quotedStartingWith(text, prefix, specifiers) && readable;
  }
  if (!readable) {
    const entry = { epoch: current, text, specifiers: null, targets: null };
    edgeCache.set(filename, entry);
    return entry;
  }
  const targets: string[] = [];
  const resolved = new Map<string, string>();
  for (const specifier of specifiers) {
    if (!isRelativeSpecifier(specifier) && aliases === null) continue;
    const target = resolveProjectSpecifier(filename, specifier);
    if (target === null || target === filename) continue;
    resolved.set(specifier, target);
    if (!targets.includes(target)) targets.push(target);
  }
  const entry = { epoch: current, text, specifiers: resolved, targets };
  edgeCache.set(filename, entry);
  return entry;
}

/**
 * The project files `filename` may load by any string specifier written in `text`: a superset of what the
 * analysis follows (relative specifiers and tsconfig `paths` aliases); null when a string that may be a specifier
 * holds an escape (the gate then stays open).
 */
export function possibleImports(filename: string, text: string): string[] | null {
  return edgesOf(filename, text).targets;
}

/** The same edges as possibleImports, each with the specifier string that names it (a target may have several). */
export function possibleSpecifiers(filename: string, text: string): ReadonlyMap<string, string> | null {
  return edgesOf(filename, text).specifiers;
}

/** Per question: the answers of this epoch, per module. */
const answerCache = new Map<string, { epoch: number; answers: Map<string, boolean> }>();

function answersFor(question: GateQuestion): Map<string, boolean> {
  const current = projectEpoch();
  let entry = answerCache.get(question.name);
  if (entry?.epoch !== current) {
    entry = { epoch: current, answers: new Map() };
    answerCache.set(question.name, entry);
  }
  return entry.answers;
}

/**
 * Whether `filename` or any project module it may load, directly or through others, can hold what `question` looks
 * for. False means: a query through `filename` finds nothing for this question, so it need not be parsed for it.
 * One breadth-first walk per module and epoch at most: a walk that finds nothing settles every module it saw, one
 * that finds a holder settles the modules on the path to it.
 */
export function mayLeadTo(filename: string, question: GateQuestion): boolean {
  if (!path.isAbsolute(filename)) return true;
  const answers = answersFor(question);
  const known = answers.get(filename);
  if (known !== undefined) return known;
  const via = new Map<string, string | null>([[filename, null]]);
  const queue = [filename];
  for (let head = 0; head < queue.length; head += 1) {
    const file = queue[head] as string;
    const answer = answers.get(file);
    if (answer === false) continue;
    const text = answer === true ? null : readModuleText(file);
    const imports = text === null ? [] : possibleImports(file, text);
    if (answer === true || imports === null || (text !== null && holds(question, file, text))) {
      for (let on: string | null | undefined = file; on != null; on = via.get(on)) answers.set(on, true);
      return true;
    }
    for (const target of imports) {
      if (via.has(target)) continue;
      via.set(target, file);
      queue.push(target);
    }
  }
  for (const file of queue) answers.set(file, false);
  return false;
}

/** Per question: the text test's answer per module, for the text it was computed on (a walk asks it several times). */
const holdsCache = new WeakMap<GateQuestion, Map<string, { text: string; holds: boolean }>>();

/** The question's text test, on the text as written and with its escapes written out. */
export function holds(question: GateQuestion, filename: string, text: string): boolean {
  let answers = holdsCache.get(question);
  if (answers === undefined) {
    answers = new Map();
    holdsCache.set(question, answers);
  }
  const known = answers.get(filename);
  if (known?.text === text) return known.holds;
  let answer = question.holds(filename, text);
  if (!answer) {
    const decoded = decodedEscapes(text);
    answer = decoded !== null && question.holds(filename, decoded);
  }
  answers.set(filename, { text, holds: answer });
  return answer;
}
