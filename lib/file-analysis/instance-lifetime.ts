/**
 * How long a `new Sequelize(...)` lives, judged from where it is written: once per process (module level, lazy
 * singleton, stored outside the call), or once per call, iteration or request. Each instance owns a pool, so
 * an instance created per call is a pool created per call.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';

import type { AnalysisHost } from './ast';

import { findVariable, isFunctionNode, memberName, skipTypeWrappers } from './ast';

/** What the lifetime analysis needs from a source file: its text per node (ESLint's SourceCode, or a module read from disk). */
export type SourceText = Pick<TSESLint.SourceCode, 'getText'>;

/** `getText` for a module's own text (a module read from disk has no ESLint SourceCode). */
export function sourceText(text: string): SourceText {
  return { getText: (node?: TSESTree.Node) => (node === undefined ? text : text.slice(node.range[0], node.range[1])) };
}

export type Lifetime =
  /** `return new Sequelize()` (directly or through a local): a factory, judged at its call sites. */
  | { kind: 'factory'; factory: TSESTree.Node | null }
  /** A local that nothing keeps: a new pool on every call of the function. */
  | { kind: 'per-call'; fn: TSESTree.Node }
  /** A local closed (`.close()`) in the function that created it: a short-lived pool, once per call. */
  | { kind: 'short-lived'; fn: TSESTree.Node }
  /** Inside a request handler, middleware, event listener or timer callback. */
  | { kind: 'per-event'; registration: string; closed: boolean }
  /** Inside a loop or an array iteration callback. */
  | { kind: 'per-iteration'; loop: TSESTree.Node; closed: boolean }
  /** `if (!db) db = new Sequelize()`, `db ??= new Sequelize()`: once. */
  | { kind: 'lazy' }
  /** At module level: once per process that loads the module. */
  | { kind: 'module' }
  /** Kept somewhere that outlives the call (outer variable, `this`, a cache, an argument): not judged. */
  | { kind: 'stored' };

/** Array methods whose callback runs once per element. */
const ITERATION_METHODS = new Set(['every', 'filter', 'find', 'findIndex', 'flatMap', 'forEach', 'map', 'reduce', 'reduceRight', 'some']);

/** Methods that register a callback run per request, message or event. */
const REGISTRATION_METHODS = new Set([
  'addEventListener',
  'addListener',
  'all',
  'delete',
  'get',
  'handle',
  'head',
  'on',
  'once',
  'options',
  'patch',
  'post',
  'prependListener',
  'process',
  'put',
  'register',
  'route',
  'schedule',
  'subscribe',
  'use',
]);

const TIMERS = new Set(['setImmediate', 'setInterval', 'setTimeout']);

const LOOPS = new Set<string>([
  AST_NODE_TYPES.DoWhileStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.WhileStatement,
]);


/** Job and cron libraries whose constructor takes a callback run per tick or per job: `new CronJob(expr, fn)` (cron), `new Worker(queue, fn)` (bullmq). */
const CALLBACK_CONSTRUCTORS = new Set(['CronJob', 'Worker']);

/** Registration methods that also take a callback run per request or per tick: node-schedule, agenda, fastify hooks. */
const MORE_REGISTRATION_METHODS = new Set(['scheduleJob', 'define', 'addHook']);

/** HTTP-verb methods: with a reference (not an inline function) they register a handler only after a path (`router.get('/x', fn)`). */
const VERB_METHODS = new Set(['all', 'delete', 'get', 'head', 'options', 'patch', 'post', 'put']);

/**
 * Methods that, given a reference to a function, run it per request, message or tick: a subset of the above
 * (`register`, `once`, `route`, `handle` and `setTimeout` run a referenced plugin or callback once, or are too
 * common on other objects to prove anything).
 */
const REFERENCE_REGISTRATION_METHODS = new Set([
  ...VERB_METHODS,
  'addEventListener',
  'addHook',
  'addListener',
  'define',
  'on',
  'process',
  'schedule',
  'scheduleJob',
  'subscribe',
  'use',
]);

/** `app.get`, `setInterval`: the call a callback is registered with, when it is a per-event registration. */
function registrationOf(fn: TSESTree.Node, sourceCode: SourceText): string | null {
  const call = fn.parent;
  if (call?.type === AST_NODE_TYPES.NewExpression && call.arguments.includes(fn as TSESTree.Expression)) {
    const callee = skipTypeWrappers(call.callee);
    const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression ? memberName(callee) : null;
    return name !== null && CALLBACK_CONSTRUCTORS.has(name) ? `new ${sourceCode.getText(callee)}` : null;
  }
  if (call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(fn as TSESTree.Expression)) return null;
  const callee = skipTypeWrappers(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier && TIMERS.has(callee.name)) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression) {
    const name = memberName(callee);
    if (name !== null && (REGISTRATION_METHODS.has(name) || MORE_REGISTRATION_METHODS.has(name))) return sourceCode.getText(callee);
    if (name === 'nextTick' || (name !== null && TIMERS.has(name))) return sourceCode.getText(callee);
  }
  return null;
}

/**
 * For a reference to a function passed as an argument (`app.use(InitializeCompanyDB)`, `router.get('/', auth,
 * controller.list)`, `setInterval(tick, 1000)`, `cron.schedule('* * * * *', job)`), the registration that runs
 * it per request, message or tick, else null.
 */
export function referenceRegistration(argument: TSESTree.Node, sourceCode: SourceText): string | null {
  const call = argument.parent;
  if (call?.type === AST_NODE_TYPES.NewExpression) return registrationOf(argument, sourceCode);
  if (call?.type !== AST_NODE_TYPES.CallExpression) return null;
  const index = call.arguments.indexOf(argument as TSESTree.Expression);
  if (index === -1) return null;
  const callee = skipTypeWrappers(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name === 'setInterval' && index === 0 ? callee.name : null;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  const name = memberName(callee);
  if (name === null || !REFERENCE_REGISTRATION_METHODS.has(name)) return null;
  if (VERB_METHODS.has(name) && index === 0) return null;
  if ((name === 'on' || name === 'addListener' || name === 'addEventListener' || name === 'define' || name === 'schedule' || name === 'scheduleJob') && index === 0) {
    return null;
  }
  return sourceCode.getText(callee);
}

function isIterationCallback(fn: TSESTree.Node): boolean {
  const call = fn.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn) return false;
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const name = memberName(callee);
  return name !== null && ITERATION_METHODS.has(name);
}

/** The loop or per-event registration between `node` and the top of the file, innermost first. */
export function repetitionAround(
  node: TSESTree.Node,
  sourceCode: SourceText,
): { kind: 'per-event'; registration: string; closed: boolean } | { kind: 'per-iteration'; loop: TSESTree.Node; closed: boolean } | null {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current != null; child = current, current = current.parent) {
    if (LOOPS.has(current.type)) {
      // The loop's init or iterated expression runs once; its body (and test/update) repeat.
      const once =
        (current.type === AST_NODE_TYPES.ForStatement && child === current.init) ||
        ((current.type === AST_NODE_TYPES.ForOfStatement || current.type === AST_NODE_TYPES.ForInStatement) &&
          child === current.right);
      if (!once) return { kind: 'per-iteration', loop: current, closed: false };
    }
    if (isFunctionNode(current)) {
      if (isIterationCallback(current) && current.parent != null) return { kind: 'per-iteration', loop: current.parent, closed: false };
      const registration = registrationOf(current, sourceCode);
      if (registration !== null) return { kind: 'per-event', registration, closed: false };
    }
  }
  return null;
}

/** `db` in `if (!db) db = …`, `db ??= …`, `db ?? (db = …)`, `if (!cache.has(k)) cache.set(k, …)`: a guarded one-time init. */
function isLazyInit(node: TSESTree.Node, sourceCode: SourceText): boolean {
  const parent = node.parent;
  let target: TSESTree.Node | null = null;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node) {
    if (parent.operator === '??=' || parent.operator === '||=') return true;
    if (parent.operator !== '=') return false;
    target = parent.left;
    const outer = parent.parent;
    if (outer?.type === AST_NODE_TYPES.LogicalExpression && outer.right === parent && sourceCode.getText(outer.left) === sourceCode.getText(target)) {
      return true;
    }
  } else if (
    parent?.type === AST_NODE_TYPES.CallExpression &&
    parent.arguments.includes(node as TSESTree.Expression) &&
    parent.callee.type === AST_NODE_TYPES.MemberExpression &&
    memberName(parent.callee) === 'set'
  ) {
    target = parent.callee.object;
  }
  if (target === null) return false;
  const targetText = sourceCode.getText(target).replace(/\s+/gu, '');
  // A guard above the assignment that tests the same variable, property or cache.
  for (let current = parent?.parent; current != null && !isFunctionNode(current); current = current.parent) {
    if (current.type === AST_NODE_TYPES.IfStatement || current.type === AST_NODE_TYPES.ConditionalExpression) {
      if (sourceCode.getText(current.test).replace(/\s+/gu, '').includes(targetText)) return true;
    }
  }
  // `if (db) return db;` earlier in the same function body.
  const fn = enclosingFunction(node);
  if (fn !== null && fn.body.type === AST_NODE_TYPES.BlockStatement) {
    for (const statement of fn.body.body) {
      if (statement.range[0] >= node.range[0]) break;
      if (
        statement.type === AST_NODE_TYPES.IfStatement &&
        sourceCode.getText(statement.test).replace(/\s+/gu, '').includes(targetText) &&
        containsReturn(statement.consequent)
      ) {
        return true;
      }
    }
  }
  return false;
}

function containsReturn(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.ReturnStatement) return true;
  if (node.type === AST_NODE_TYPES.BlockStatement) return node.body.some((statement) => statement.type === AST_NODE_TYPES.ReturnStatement);
  return false;
}

export function enclosingFunction(
  node: TSESTree.Node,
): TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | null {
  for (let current = node.parent; current != null; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return null;
}

/** The node a factory is called by: its function declaration, or the variable it is assigned to. */
function factoryHandle(fn: TSESTree.Node): TSESTree.Node | null {
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration) return fn.id;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id;
  return null;
}

function isWithin(node: TSESTree.Node, ancestor: TSESTree.Node): boolean {
  return node.range[0] >= ancestor.range[0] && node.range[1] <= ancestor.range[1];
}

/** What happens to the value of `expression` (an instance) inside `fn`: returned, kept, or dropped. */
function fate(
  expression: TSESTree.Node,
  fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression,
  host: AnalysisHost,
  depth = 0,
): 'dropped' | 'kept' | 'returned' {
  let node = expression;
  while (
    node.parent != null &&
    (node.parent.type === AST_NODE_TYPES.AwaitExpression ||
      node.parent.type === AST_NODE_TYPES.TSAsExpression ||
      node.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      node.parent.type === AST_NODE_TYPES.TSSatisfiesExpression)
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent === undefined) return 'kept';
  if (parent.type === AST_NODE_TYPES.ReturnStatement) return 'returned';
  if (parent === fn && fn.body === node) return 'returned';
  if (parent.type === AST_NODE_TYPES.ExpressionStatement) return 'dropped';
  if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node) return 'dropped';
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    return bindingFate(parent.id, fn, host, depth);
  }
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node && parent.left.type === AST_NODE_TYPES.Identifier) {
    const variable = findVariable(host, parent.left);
    const declaredInside = variable?.defs.some((def) => isWithin(def.name, fn)) === true;
    return declaredInside ? bindingFate(parent.left, fn, host, depth) : 'kept';
  }
  // Assigned to a property, passed to a call, put in an object or array, thrown: it outlives the call.
  return 'kept';
}

function bindingFate(
  identifier: TSESTree.Identifier,
  fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression,
  host: AnalysisHost,
  depth: number,
): 'dropped' | 'kept' | 'returned' {
  const variable = findVariable(host, identifier);
  if (variable === null || depth > 3) return 'kept';
  let result: 'dropped' | 'kept' | 'returned' = 'dropped';
  for (const reference of variable.references) {
    if (!reference.isRead()) continue;
    const use = reference.identifier;
    // A closure that outlives the call may keep it: treat a use inside a nested function as kept.
    if (enclosingFunction(use) !== fn) return 'kept';
    const outcome = fate(use, fn, host, depth + 1);
    if (outcome === 'kept') return 'kept';
    if (outcome === 'returned') result = 'returned';
  }
  return result;
}

/** Where and how often a construction runs. */
export function instanceLifetime(
  node: TSESTree.NewExpression,
  sourceCode: SourceText,
  host: AnalysisHost,
): Lifetime {
  if (isLazyInit(node, sourceCode)) return { kind: 'lazy' };
  const repetition = repetitionAround(node, sourceCode);
  const fn = enclosingFunction(node);
  if (repetition !== null) return { ...repetition, closed: fn !== null && isClosedIn(node, fn, host) };
  if (fn === null) return { kind: 'module' };
  const outcome = fate(node, fn, host);
  if (outcome === 'returned') return { kind: 'factory', factory: factoryHandle(fn) };
  if (outcome === 'dropped') return isClosedIn(node, fn, host) ? { kind: 'short-lived', fn } : { kind: 'per-call', fn };
  return { kind: 'stored' };
}

/**
 * `const db = new Sequelize(…); try { … } finally { await db.close(); }`: the instance is closed in the function
 * that created it (in a `finally` or on its normal path), so its pool does not outlive the call.
 */
export function isClosedIn(node: TSESTree.Node, fn: TSESTree.Node, host: AnalysisHost): boolean {
  let value = node;
  while (value.parent?.type === AST_NODE_TYPES.AwaitExpression || value.parent?.type === AST_NODE_TYPES.TSAsExpression) value = value.parent;
  const parent = value.parent;
  let binding: TSESTree.Identifier | null = null;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === value && parent.id.type === AST_NODE_TYPES.Identifier) binding = parent.id;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === value && parent.left.type === AST_NODE_TYPES.Identifier) binding = parent.left;
  if (binding === null) return false;
  const variable = findVariable(host, binding);
  if (variable === null || !variable.defs.some((def) => isWithin(def.name, fn))) return false;
  return variable.references.some((reference) => {
    const member = reference.identifier.parent;
    return (
      member?.type === AST_NODE_TYPES.MemberExpression &&
      member.object === reference.identifier &&
      memberName(member) === 'close' &&
      member.parent.type === AST_NODE_TYPES.CallExpression &&
      member.parent.callee === member
    );
  });
}

/** Whether `call` (a call of a factory) is itself a guarded one-time init (`if (!db) db = makeDb()`). */
export function isLazyCall(call: TSESTree.Node, sourceCode: SourceText): boolean {
  return isLazyInit(call, sourceCode);
}

/** Two module-level nodes that can never both run: different branches of one `if`/`? :`. */
export function mutuallyExclusive(a: TSESTree.Node, b: TSESTree.Node): boolean {
  const ancestors = new Set<TSESTree.Node>();
  for (let current: TSESTree.Node | undefined = a; current != null; current = current.parent) ancestors.add(current);
  let childOfB: TSESTree.Node = b;
  for (let current = b.parent; current != null; childOfB = current, current = current.parent) {
    if (!ancestors.has(current)) continue;
    if (current.type !== AST_NODE_TYPES.IfStatement && current.type !== AST_NODE_TYPES.ConditionalExpression) return false;
    let childOfA: TSESTree.Node = a;
    while (childOfA.parent !== current && childOfA.parent != null) childOfA = childOfA.parent;
    const branches: (TSESTree.Node | null)[] = [current.consequent, current.alternate];
    return childOfA !== childOfB && branches.includes(childOfA) && branches.includes(childOfB);
  }
  return false;
}
