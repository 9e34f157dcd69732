/**
 * Name gates: load gates that follow names, for questions whose holders are reached from everywhere.
 *
 * load-gates' `mayLeadTo` asks whether any module a module may load, transitively, can hold the answer. For some
 * questions that is true of nearly every module: in a typical application every model reaches the module that
 * constructs the Sequelize instance. But a query reaches another module only through a name (an import, a member,
 * a re-export), so what matters is whether the names a module uses can lead to a holder. A name gate answers that:
 *
 * - A module is a **candidate** for a question when its text passes the question's base test (`holds`: it may hold
 *   the answer itself), or when it may load a candidate U (load-gates' `possibleImports`) and either its text
 *   mentions, as a word, a name in provides(U), or provides(U) holds `ANY_NAME`, or it binds U's module value (a
 *   default or namespace import, a `require`) and uses that binding other than by selecting a member not in
 *   provides(U), or takes it in a form the text test does not read (`export *`, `module.exports = require(…)`):
 *   then the names are written by whoever selects from it, possibly in another module, so provides(U) passes on.
 * - provides(U) is computed only for candidates, from their syntax (the question's `provides`, given the provides of
 *   the candidates U imports): the names under which what U holds, or leads to, can be selected from U by another
 *   module; `ANY_NAME` when it can be reached without a name (a default export, `module.exports =`, a value nothing
 *   names). A superset is fine: the precise analysis runs after the gate opens.
 *
 * A query that loads a module only when it is a candidate finds what it found without the gate, as long as every
 * step from one module to the next is written as a name the provides of the next module contains (or as a whole
 * module value, see above). Cycles are settled as a least fixed point: Tarjan's strongly connected components of
 * the graph of possible imports, sinks first, iterating inside a component until nothing grows. Answers are kept for
 * one epoch (see projectEpoch), so a whole-project lint settles each module once per question.
 *
 * Adding a question: a base text test (cheap, true whenever the full analysis could find the answer in the module
 * itself; escapes are written out and the test run again, as for load-gates' questions) and a `provides` over a
 * parsed module; then pass the question to resolveReference (lib/project/module-summary).
 */
import path from 'node:path';

import type { GateQuestion } from './load-gates';
import type { ProjectModule } from './project-modules';

import { resolveProjectSpecifier } from './import-graph';
import { decodedEscapes, holds, mayLeadTo, possibleImports, possibleSpecifiers } from './load-gates';
import { loadProjectModule, projectEpoch, readModuleText } from './project-modules';

/** In a provides set: reachable without a name the importer writes (default export, `module.exports`, unknown). */
export const ANY_NAME = '*';

/** A question a name gate answers for. */
export interface NamesQuestion {
  /** Unique among questions (the key of its answers). */
  readonly name: string;
  /** Can the module itself hold the answer? True for every module in which the full analysis could find it. */
  holds(filename: string, text: string): boolean;
  /**
   * The names under which another module can select, from `module` (a candidate), something that holds the answer
   * or leads to it; `imported(specifier)` gives the same for a module `module` imports (empty when it is no
   * candidate). Must only grow when what `imported` returns grows (the fixed point relies on it).
   */
  provides(module: ProjectModule, imported: (specifier: string) => ReadonlySet<string>): ReadonlySet<string>;
}

interface Answer {
  candidate: boolean;
  provides: Set<string>;
}

/**
 * In a provides set: any member of what it names may be one (a module whose specifier the text cannot read). Other
 * sets name members too (`connect` for `module.exports = { connect }`), so a `provides` may rely on them otherwise.
 */
export const ANY_MEMBER = '**';

/**
 * Before a name in a provides set: it leads only through its members (`Repo` of `class Repo { static connect() }`,
 * an object of functions), which the set names too. Its mention alone (`import { Repo } from`, `Repo.find()`) is no
 * use; a use is `Repo.connect()` with `connect` in the set, or `Repo` passed on (exported, aliased, an argument).
 */
export const MEMBERS_ONLY = '.';

const NONE: Answer = Object.freeze({ candidate: false, provides: new Set<string>() });
const UNKNOWN: ReadonlySet<string> = new Set([ANY_NAME, ANY_MEMBER]);

interface QuestionState {
  epoch: number;
  answers: Map<string, Answer>;
  /** Candidates known without settling (see provenByDirectImports). */
  accepted: Set<string>;
}

const states = new Map<string, QuestionState>();
const baseQuestions = new WeakMap<NamesQuestion, GateQuestion>();

function stateFor(question: NamesQuestion): QuestionState {
  const current = projectEpoch();
  let state = states.get(question.name);
  if (state?.epoch !== current) {
    state = { epoch: current, answers: new Map(), accepted: new Set() };
    states.set(question.name, state);
  }
  return state;
}

function baseOf(question: NamesQuestion): GateQuestion {
  let base = baseQuestions.get(question);
  if (base === undefined) {
    base = { name: `${question.name} (base)`, holds: (filename, text) => question.holds(filename, text) };
    baseQuestions.set(question, base);
  }
  return base;
}

/** Counts of this process's work, for tests and measurements: modules whose provides were computed, questions asked. */
export const nameGateStats = { provides: 0, asked: 0 };

/**
 * Whether a query for `question` that reaches `filename` (a project module on disk) may find its answer through it:
 * false means the module need not be parsed for this question.
 */
export function mayProvide(filename: string, question: NamesQuestion): boolean {
  nameGateStats.asked += 1;
  if (!path.isAbsolute(filename)) return true;
  const state = stateFor(question);
  const known = state.answers.get(filename);
  if (known !== undefined) return known.candidate;
  // A module that may hold the answer itself is a candidate whatever it imports: its provides (and so the parse of
  // every candidate it may load) are needed only when a module that imports it is asked about.
  if (state.accepted.has(filename)) return true;
  const text = readModuleText(filename);
  if (text !== null && (holds(baseOf(question), filename, text) || provenByDirectImports(filename, text, question))) {
    state.accepted.add(filename);
    return true;
  }
  settle(filename, question, state);
  return state.answers.get(filename)?.candidate ?? true;
}

/**
 * Whether a query for `question` that starts in the module at `filename`, read as `text` (the file being linted,
 * whose editor text may be unsaved), may find its answer: the module is a candidate by this text, as mayProvide
 * judges one on disk. False means neither the module itself nor any name it uses of what it imports can lead to the
 * answer, so no query from it needs to resolve anything. Settles every module the text may load.
 */
export function textMayProvide(filename: string, text: string, question: NamesQuestion): boolean {
  if (!path.isAbsolute(filename)) return true;
  const base = baseOf(question);
  if (holds(base, filename, text)) return true;
  const specifiers = possibleSpecifiers(filename, text);
  if (specifiers === null) return true;
  const state = stateFor(question);
  for (const target of new Set(specifiers.values())) {
    if (mayProvide(target, question) && !state.answers.has(target)) settle(target, question, state);
  }
  return becomesCandidate(filename, text, base, state.answers);
}

/**
 * Whether a query for `question` that selects `name` from the project module `filename` (`import { name }`,
 * `require(…).name`, `db.name` of a module bound whole) may find its answer through it: the module is a candidate
 * and its provides hold `name` (or `.name`, or ANY_NAME / ANY_MEMBER). What is selected under any other name leads
 * nowhere: that is what provides says, and what the gate already relies on for the importers of a candidate. A
 * `default` selection is not judged by name (a CommonJS module's default is its whole value).
 */
export function maySelect(filename: string, name: string, question: NamesQuestion): boolean {
  if (!mayProvide(filename, question)) return false;
  if (!path.isAbsolute(filename) || name === 'default') return true;
  const provides = providedNames(filename, question);
  return provides.has(ANY_NAME) || provides.has(ANY_MEMBER) || provides.has(name) || provides.has(`${MEMBERS_ONLY}${name}`);
}

/** The provides of `filename` for `question` (empty when it is no candidate). */
export function providedNames(filename: string, question: NamesQuestion): ReadonlySet<string> {
  if (!mayProvide(filename, question)) return NONE.provides;
  const state = stateFor(question);
  if (!state.answers.has(filename)) settle(filename, question, state);
  return state.answers.get(filename)?.provides ?? UNKNOWN;
}

/**
 * A candidate proven from the modules it imports that hold the answer themselves, before settling its whole import
 * graph (a controller that imports the app's entry point reaches every other controller): provides only grow, so
 * what such a module provides with nothing provided to it (a parse of it alone) is some of what it provides, and a
 * module that uses one of those names is a candidate whatever the rest provide.
 */
function provenByDirectImports(filename: string, text: string, question: NamesQuestion): boolean {
  const specifiers = possibleSpecifiers(filename, text);
  if (specifiers === null) return false;
  const base = baseOf(question);
  const lower = new Map<string, Answer>();
  for (const [, target] of specifiers) {
    const targetText = readModuleText(target);
    if (lower.has(target) || targetText === null || !holds(base, target, targetText)) continue;
    const module = loadProjectModule(target);
    if (module !== null) lower.set(target, { candidate: true, provides: new Set(question.provides(module, () => NONE.provides)) });
  }
  return lower.size > 0 && becomesCandidate(filename, text, base, lower);
}

interface Frame {
  file: string;
  edges: readonly string[];
  next: number;
}

/** Tarjan's algorithm, iterative (import chains can be thousands of modules long), settling components sinks first. */
function settle(start: string, question: NamesQuestion, state: QuestionState): void {
  const base = baseOf(question);
  const { answers } = state;
  // A module from which no module it may load passes the base test leads nowhere (load-gates settles that cheaply).
  if (!mayLeadTo(start, base)) {
    answers.set(start, NONE);
    return;
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const frames: Frame[] = [];
  const open = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    const text = readModuleText(file);
    frames.push({ file, edges: text === null ? [] : (possibleImports(file, text) ?? []), next: 0 });
  };
  open(start);
  while (frames.length > 0) {
    const frame = frames.at(-1) as Frame;
    if (frame.next < frame.edges.length) {
      const target = frame.edges[frame.next] as string;
      frame.next += 1;
      if (answers.has(target)) continue;
      if (!index.has(target)) {
        if (!mayLeadTo(target, base)) answers.set(target, NONE);
        else open(target);
      } else if (onStack.has(target)) {
        low.set(frame.file, Math.min(low.get(frame.file) as number, index.get(target) as number));
      }
      continue;
    }
    frames.pop();
    const parent = frames.at(-1);
    if (parent !== undefined) low.set(parent.file, Math.min(low.get(parent.file) as number, low.get(frame.file) as number));
    if (low.get(frame.file) !== index.get(frame.file)) continue;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === frame.file) break;
    }
    solveComponent(component, question, base, answers);
  }
}

/** The least fixed point inside one component; every module it imports outside it is settled already. */
function solveComponent(component: readonly string[], question: NamesQuestion, base: GateQuestion, answers: Map<string, Answer>): void {
  for (const file of component) answers.set(file, { candidate: false, provides: new Set() });
  for (let changed = true; changed; ) {
    changed = false;
    for (const file of component) {
      const answer = answers.get(file) as Answer;
      const text = readModuleText(file);
      if (text === null) continue;
      if (!answer.candidate && becomesCandidate(file, text, base, answers)) {
        answer.candidate = true;
        // One module alone (no cycle) needs one pass: what it imports is settled.
        changed = component.length > 1;
      }
      if (!answer.candidate) continue;
      const before = answer.provides.size;
      for (const name of providesOf(file, question, answers)) answer.provides.add(name);
      if (answer.provides.size !== before && component.length > 1) changed = true;
    }
  }
}

function providesOf(file: string, question: NamesQuestion, answers: Map<string, Answer>): ReadonlySet<string> {
  const module = loadProjectModule(file);
  // A module that does not parse is not read by the analysis either.
  if (module === null) return NONE.provides;
  nameGateStats.provides += 1;
  return question.provides(module, (specifier) => {
    const target = resolveProjectSpecifier(file, specifier);
    if (target === null) return NONE.provides;
    // Not among the edges read from the text (a specifier spelled with escapes): anything may come from it.
    return answers.get(target)?.provides ?? UNKNOWN;
  });
}

function becomesCandidate(file: string, text: string, base: GateQuestion, answers: Map<string, Answer>): boolean {
  if (holds(base, file, text)) return true;
  const specifiers = possibleSpecifiers(file, text);
  if (specifiers === null) return true;
  // Written out only when a provided name is looked for (most modules import no candidate).
  let decoded: string | null | undefined;
  const decodedText = (): string | null => (decoded === undefined ? (decoded = decodedEscapes(text)) : decoded);
  for (const [specifier, target] of specifiers) {
    const imported = answers.get(target);
    if (imported?.candidate !== true || imported.provides.size === 0) continue;
    if (imported.provides.has(ANY_NAME) || usesProvided(text, specifier, imported.provides)) return true;
    for (const name of imported.provides) {
      if (name === ANY_MEMBER) continue;
      if (name.startsWith(MEMBERS_ONLY)) {
        const bare = name.slice(MEMBERS_ONLY.length);
        if (bindingUses(text, bare, -1, -1, imported.provides, true)) return true;
        const written = decodedText();
        if (written !== null && bindingUses(written, bare, -1, -1, imported.provides, true)) return true;
      } else if (mentions(text, name)) return true;
      else {
        const written = decodedText();
        if (written !== null && mentions(written, name)) return true;
      }
    }
  }
  return false;
}

const IDENTIFIER_CHAR = /[\w$]/u;

/** Is `name` written in `text` as a word (not inside a longer identifier)? */
export function mentions(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    if (IDENTIFIER_CHAR.test(text.charAt(at - 1)) || IDENTIFIER_CHAR.test(text.charAt(at + name.length))) continue;
    return true;
  }
  return false;
}

/** `import { a } from`, `export { a } from`, `import type … from`: the names taken are written in the clause. */
const NAMED_ONLY = /\b(?:import\s+type\b[^;'"`]*|(?:import|export)\s+(?:type\s+)?\{[^{}'"`;]*\}\s*)from\s*$/u;
/** `import D from`, `import D, { a } from`, `import * as ns from`, `import D, * as ns from`: names bound to the module value. */
const BINDING_IMPORT = /\bimport\s+(?:([\w$]+)\s*(?:,\s*)?)?(?:\{[^{}'"`;]*\}|\*\s*as\s+([\w$]+))?\s*from\s*$/u;
/** `const { a, b: c } = require(` (one level): the names are written. */
const DESTRUCTURING_REQUIRE = /\b(?:const|let|var)\s*\{[^{}'"`;]*\}\s*=\s*require\s*\(\s*$/u;
/** `const db = require(`, `import db = require(`. */
const BOUND_REQUIRE = /(?:\b(?:const|let|var)|\bimport)\s+([\w$]+)\s*=\s*require\s*\(\s*$/u;
const REQUIRE_CALL = /\brequire\s*\(\s*$/u;
/** `require('./u').name` / `?.name`: the name is written here. */
const SELECTED_AFTER_REQUIRE = /^\s*\)\s*(?:\?\.|\.)\s*[\w$]/u;
/** After a bound `require('./u'`: the call closes and the statement ends (no call, member or operator follows). */
const REQUIRE_ENDS = /^\s*\)\s*(?:;|,|\r?\n|$)/u;
const MEMBER_AFTER = /^\s*(?:\?\.|\.)\s*([\w$]+)/u;

/**
 * Does `text` use something of the module it loads as `specifier` by a name in `provides`, or take that module's
 * value where a name this test does not see may select from it (passed on, exported, aliased, called)? Named imports
 * are left to the word test (their names are written in the clause); a default, namespace or `require` binding is
 * read use by use: `Repo.find()` with `find` not in `provides` cannot lead anywhere, `Repo.connect()` with `connect`
 * in it may, and a bare `Repo` (an argument, an export, a type) may pass it on. Any form this test does not read
 * (`export *`, `module.exports = require(…)`, a `require` inside an expression) counts as a use.
 */
export function usesProvided(text: string, specifier: string, provides: ReadonlySet<string>): boolean {
  for (const quote of ['"', "'", '`']) {
    const written = `${quote}${specifier}${quote}`;
    for (let at = text.indexOf(written); at !== -1; at = text.indexOf(written, at + 1)) {
      const windowStart = Math.max(0, at - 500);
      const before = text.slice(windowStart, at);
      const after = text.slice(at + written.length);
      if (NAMED_ONLY.test(before) || DESTRUCTURING_REQUIRE.test(before)) continue;
      const bound: string[] = [];
      let statement: RegExpExecArray | null = BINDING_IMPORT.exec(before);
      if (statement !== null && (statement[1] !== undefined || statement[2] !== undefined)) {
        if (statement[1] !== undefined) bound.push(statement[1]);
        if (statement[2] !== undefined) bound.push(statement[2]);
      } else if (REQUIRE_CALL.test(before)) {
        if (SELECTED_AFTER_REQUIRE.test(after)) continue;
        statement = BOUND_REQUIRE.exec(before);
        if (statement === null || !REQUIRE_ENDS.test(after)) return true;
        bound.push(statement[1] as string);
      } else return true;
      const from = windowStart + statement.index;
      const to = at + written.length;
      for (const local of bound) if (bindingUses(text, local, from, to, provides)) return true;
    }
  }
  return false;
}

/** An import clause up to a name in it: `import Repo`, `import { a, Repo`, `import D, { Repo as R`, `import * as Repo`. */
const IN_IMPORT_CLAUSE = /\bimport\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^{}'"`;]*|\*\s*as\s+)?$/u;

/**
 * Does a use of `local` outside `[from, to)` select a name in `provides` (or one that leads through its members),
 * or take the value itself? With `skipImports`, its place in an import clause is not a use.
 */
function bindingUses(text: string, local: string, from: number, to: number, provides: ReadonlySet<string>, skipImports = false): boolean {
  for (let at = text.indexOf(local); at !== -1; at = text.indexOf(local, at + 1)) {
    const end = at + local.length;
    if (IDENTIFIER_CHAR.test(text.charAt(at - 1)) || IDENTIFIER_CHAR.test(text.charAt(end))) continue;
    if (at >= from && end <= to) continue;
    // `x.Repo`: a member that happens to have the name.
    if (/(?:^|[^.])\.\s*$/u.test(text.slice(Math.max(0, at - 20), at))) continue;
    if (skipImports && IN_IMPORT_CLAUSE.test(text.slice(Math.max(0, at - 500), at))) continue;
    // `const Repo = …`: declared here, used below.
    if (/\b(?:const|let|var)\s+$/u.test(text.slice(Math.max(0, at - 20), at)) && /^\s*=(?!=)/u.test(text.slice(end, end + 20))) continue;
    const member = MEMBER_AFTER.exec(text.slice(end, end + 200))?.[1];
    if (member === undefined) {
      // `new Repo(…)`, `Repo(…)`: the value itself, which leads only when `provides` holds ANY_NAME (asked before).
      if (/\bnew\s+$/u.test(text.slice(Math.max(0, at - 20), at)) || /^\s*\(/u.test(text.slice(end, end + 20))) continue;
      return true;
    }
    if (provides.has(member) || provides.has(`${MEMBERS_ONLY}${member}`)) return true;
  }
  return false;
}
