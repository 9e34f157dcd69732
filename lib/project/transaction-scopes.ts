import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';

import type { CodePath, CodePathSegment, TimelineItem, TimelinePosition } from '../file-analysis/code-path-timeline';
import type { QueryCall } from './queries';
import type { SequelizeAnalysis, ValueKind } from './sequelize-instances';

import { childNodes, findVariable, memberName, skipTypeWrappers } from '../file-analysis/ast';
import { isFunctionNode } from '../file-analysis/ast';
import { CodePathTimeline } from '../file-analysis/code-path-timeline';
import type { TransactionHelperNames } from './transaction-helpers';

import { queryCall, settledByCall } from './queries';
import { classifyValue, isSequelizeInstance, sequelizeAnalysis } from './sequelize-instances';
import { argumentUse, beginningHelper, calleeName, NO_HELPER_NAMES, usesArgumentAsTransaction } from './transaction-helpers';

/**
 * Transaction scopes: where a transaction is open. A managed transaction (`sequelize.transaction(async (t) => …)`)
 * is open for its callback's body. An unmanaged one (`const t = await sequelize.transaction()`) is open from its
 * creation along every code path until `t.commit()` / `t.rollback()` on that binding, or until ownership moves
 * (`return t`, `helper(t)`, `this.t = t`). The walk runs over ESLint's code path segments, with the exceptional
 * edges ESLint does not draw added here: every `await` can throw to the innermost `catch`/`finally` of its function,
 * or out of it.
 */

type Variable = TSESLint.Scope.Variable;

export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

/** What a `x.transaction(…)` call starts. */
export type TransactionCall =
  | { form: 'managed'; call: TSESTree.CallExpression; receiver: TSESTree.Node; callback: FunctionNode | null }
  | { form: 'unmanaged'; call: TSESTree.CallExpression; receiver: TSESTree.Node; helper?: BeginHelper };

/** A project function that begins the transaction (`createTransaction(options)`), instead of `x.transaction()`. */
export interface BeginHelper {
  /** How the call names it: `SequelizeRepository.createTransaction`. */
  name: string;
  /** The instance it begins the transaction on, when analysis can see it. */
  instance: () => ValueKind | null;
  /** Set when it returns `[transaction, error]`: the transaction's index. */
  tupleIndex?: number;
  /** An async helper called without `await` (`const [t, error] = createTransaction(db, res)`): its transaction is orphaned. */
  unawaited?: boolean;
}

/** Classifies `call` as a Sequelize transaction call, or null when it is not one (or analysis cannot tell). */
export function transactionCall(analysis: SequelizeAnalysis, call: TSESTree.CallExpression): TransactionCall | null {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== 'transaction') return null;
  const receiver = callee.object;
  const typedTransaction = analysis.types?.isTransaction(call) ?? null;
  if (typedTransaction === true) return { form: 'unmanaged', call, receiver };
  if (!isSequelizeInstance(analysis, receiver)) return null;
  const last = call.arguments.at(-1);
  if (last === undefined) return { form: 'unmanaged', call, receiver };
  if (last.type === AST_NODE_TYPES.SpreadElement) return null;
  const argument = skipTypeWrappers(last);
  if (isFunctionNode(argument)) return { form: 'managed', call, receiver, callback: argument };
  if (argument.type === AST_NODE_TYPES.ObjectExpression) return { form: 'unmanaged', call, receiver };
  const callable = analysis.types?.isCallable(argument) ?? null;
  if (callable !== null) return callable ? { form: 'managed', call, receiver, callback: null } : { form: 'unmanaged', call, receiver };
  const kind = classifyValue(analysis, argument);
  if (kind.kind === 'function') return { form: 'managed', call, receiver, callback: null };
  if (kind.kind === 'object') return { form: 'unmanaged', call, receiver };
  // `transaction(work)` with `work` a parameter: a callback or options, analysis cannot tell.
  return null;
}

/** Why a path leaves an unmanaged transaction open. */
export type LeakPath =
  | { kind: 'end'; line: number }
  | { kind: 'exception'; line: number; node: TSESTree.Node }
  | { kind: 'overwrite'; line: number; node: TSESTree.Node }
  /** A promise chain (`transaction().then((t) => …)`) that commits but never rolls back. */
  | { kind: 'rejection'; line: number }
  /** An async begin helper called without `await`: the transaction it begins is never reachable. */
  | { kind: 'unawaited'; line: number }
  | { kind: 'return'; line: number; node: TSESTree.Node }
  | { kind: 'throw'; line: number; node: TSESTree.Node };

export interface ManagedScope {
  form: 'managed';
  /** The `transaction(…)` call, or for a transaction parameter, the parameter itself. */
  call: TSESTree.Node;
  receiver: TSESTree.Node;
  callback: FunctionNode;
  /** The callback's transaction parameter, or null for `async () => …` (which relies on CLS). */
  variable: Variable | null;
  /**
   * Set for a function that receives the transaction from its caller (`assignCategory(product, id, t)` that uses
   * `{ transaction: t }`): its whole body runs inside whatever transaction it is given.
   */
  parameter?: boolean;
  /**
   * Set for a transaction the function receives inside a request or context object (`req.transaction`,
   * `ctx.state.transaction`, `const { transaction } = ctx.state`): the parameter that carries it. A helper given that
   * parameter may take the transaction from it.
   */
  carrier?: Variable;
  /** With `carrier` and no `variable`: how the code names the transaction (`req.transaction`). */
  expression?: string;
  /** With `carrier`: where the function first commits or rolls it back; code from there on is not inside. */
  endsAt?: number;
}

export interface UnmanagedScope {
  form: 'unmanaged';
  call: TSESTree.CallExpression;
  receiver: TSESTree.Node;
  /** Set when a project helper begins it (`const t = await createTransaction()`); `receiver` is then its callee. */
  helper?: BeginHelper;
  variable: Variable;
  /** The node that binds the transaction: a declarator, an assignment, or the `.then()` callback. */
  binding: TSESTree.AssignmentExpression | TSESTree.VariableDeclarator | FunctionNode;
  /** The function (or program) the transaction lives in. */
  owner: TSESTree.Node;
  /**
   * Paths that leave it open, or null when ownership may move where analysis cannot follow (a closure that
   * commits, an alias): then nothing is claimed.
   */
  leaks: LeakPath[] | null;
  /** Is the node (a call in `owner`'s own code path) reached while the transaction is open? */
  isOpenAt: (node: TSESTree.Node) => boolean;
}

export type TransactionScope = ManagedScope | UnmanagedScope;

/**
 * Express middleware that receives the request's transaction (`req.transaction`, begun by an earlier middleware),
 * ends it itself on one path (`req.transaction.rollback()` when the balance is short), and on another neither ends it
 * nor calls `next()` nor hands the request on: the chain stops there, so no later middleware ends it either.
 */
export interface CarriedLeak {
  /** How the code names it: `req.transaction`. */
  expression: string;
  /** The middleware's own commit or rollback of it: proof that ending it is this function's job. */
  release: TSESTree.Node;
  fn: FunctionNode;
  leaks: LeakPath[];
}

/**
 * An unmanaged transaction never bound to a name, handed straight to a project function that only passes it on to
 * queries (`this.createOrUpdate(data, await SequelizeRepository.createTransaction(this.options))`): nothing can commit
 * or roll it back.
 */
export interface OrphanTransaction {
  /** The `transaction()` call, or the begin helper's call. */
  call: TSESTree.CallExpression;
  /** How the code names what began it: `sequelize.transaction` or `SequelizeRepository.createTransaction`. */
  begun: string;
  /** The function it is handed to, as the call names it (`this.createOrUpdate`). */
  handedTo: string;
  handedAt: TSESTree.CallExpression;
}

const RELEASE_METHODS = new Set(['commit', 'rollback']);

/** Array methods (and executors) that run a callback before they return: its queries run where the call is. */
const SYNCHRONOUS_CALLBACK_METHODS = new Set([
  'forEach',
  'map',
  'flatMap',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'some',
  'every',
  'reduce',
  'reduceRight',
]);

/** What tracking finds in one file, at `Program:exit`. */
export interface TrackedTransactions {
  scopes: TransactionScope[];
  timeline: CodePathTimeline;
  orphans: OrphanTransaction[];
  carriedLeaks: CarriedLeak[];
  parameterScopes: ParameterScopes;
}

/**
 * The functions that may receive a transaction as a parameter (`async (items, t) => …`) and hold no other scope, each
 * with the proof that it does (its scope, or null), computed on first call: the proof may read the modules of the
 * functions the parameter is passed to (`updateStock(items, t)`), which only a query or helper call inside that
 * could be reported needs. innermostScopeFinder asks for it.
 */
export type ParameterScopes = ReadonlyMap<TSESTree.Node, () => ManagedScope | null>;

export type OnTracked = (
  scopes: TransactionScope[],
  timeline: CodePathTimeline,
  orphans: OrphanTransaction[],
  carriedLeaks: CarriedLeak[],
  parameterScopes: ParameterScopes,
) => void;

/** Counts of this process's work, for tests and measurements: files whose transactions were tracked (per options). */
export const trackingStats = { files: 0 };

/**
 * Tracks transactions over one file: merge `listeners` into the rule's listeners; `onDone` receives every scope at
 * `Program:exit`.
 */
export function trackTransactions(analysis: SequelizeAnalysis, onDone: OnTracked, helperNames: TransactionHelperNames = NO_HELPER_NAMES): TSESLint.RuleListener {
  const tracker = transactionTracker(analysis, helperNames);
  return {
    ...tracker.listeners,
    'Program:exit'() {
      const { scopes, timeline, orphans, carriedLeaks, parameterScopes } = tracker.finish();
      onDone(scopes, timeline, orphans, carriedLeaks, parameterScopes);
    },
  };
}

/** One file's tracking, shared by the rules that track it with the same options. */
interface SharedTracking {
  key: string;
  analysis: SequelizeAnalysis;
  tracker: Tracker;
  /** The rules (by id) that took part: one that asks again is linting the file again. */
  rules: Set<string>;
}

/** Per parsed file (its AST, which no other file shares), the trackings of the rules linting it. */
const sharedTrackings = new WeakMap<TSESTree.Program, SharedTracking[]>();

/**
 * The transaction rules' tracking of the file `context` lints, computed once for every rule that asks with the same
 * instance pattern and helper names (no-unreleased-transaction and require-transaction-option in one lint): the
 * first rule to ask records the code path timeline and the candidates; every rule, the first included, receives the
 * result at its own `Program:exit`, whichever runs first computing it (the scopes, and the helper summaries through
 * the shared analysis). A rule that asks again for the same file starts a new lint of it; other options, their own
 * tracking.
 */
export function sharedTransactionTracking(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  instancePattern: string,
  helperNames: TransactionHelperNames = NO_HELPER_NAMES,
): { analysis: SequelizeAnalysis; listeners: (onDone: OnTracked) => TSESLint.RuleListener } {
  const ast = context.sourceCode.ast as TSESTree.Program;
  const key = `${instancePattern}\0${JSON.stringify(helperNames)}`;
  let trackings = sharedTrackings.get(ast);
  if (trackings === undefined) {
    trackings = [];
    sharedTrackings.set(ast, trackings);
  }
  let shared = trackings.find((tracking) => tracking.key === key);
  const first = shared === undefined || shared.rules.has(context.id);
  if (shared === undefined || first) {
    if (shared !== undefined) trackings.splice(trackings.indexOf(shared), 1);
    const analysis = sequelizeAnalysis(context, instancePattern);
    shared = { key, analysis, tracker: transactionTracker(analysis, helperNames), rules: new Set() };
    trackings.push(shared);
  }
  shared.rules.add(context.id);
  const { analysis, tracker } = shared;
  return {
    analysis,
    listeners: (onDone) => ({
      ...(first ? tracker.listeners : {}),
      'Program:exit'() {
        const { scopes, timeline, orphans, carriedLeaks, parameterScopes } = tracker.finish();
        onDone(scopes, timeline, orphans, carriedLeaks, parameterScopes);
      },
    }),
  };
}

interface Tracker {
  /** The listeners that record the file (no `Program:exit`). */
  listeners: TSESLint.RuleListener;
  /** The result, computed on the first call (after the traversal). */
  finish: () => TrackedTransactions;
}

function transactionTracker(analysis: SequelizeAnalysis, helperNames: TransactionHelperNames): Tracker {
  const timeline = new CodePathTimeline();
  const transactionCalls: TransactionCall[] = [];
  const receivingFunctions: FunctionNode[] = [];
  const carried: Carried = { uses: [], bindings: [] };
  const collectReceiver = (node: FunctionNode): void => {
    if (node.params.some((param) => param.type === AST_NODE_TYPES.Identifier && TRANSACTION_PARAMETER.test(param.name))) receivingFunctions.push(node);
  };
  const record =
    (phase: 'enter' | 'exit') =>
    (node: TSESTree.Node): void =>
      timeline.record(node, phase);
  const listeners: Record<string, (...args: never[]) => void> = {
    ...timeline.listeners(),
    Identifier: record('enter'),
    IfStatement: record('enter'),
    ConditionalExpression: record('enter'),
    LogicalExpression: record('enter'),
    CallExpression(node: TSESTree.CallExpression) {
      timeline.record(node, 'enter');
      const found = transactionCall(analysis, node) ?? helperTransactionCall(analysis, node, helperNames);
      if (found !== null) transactionCalls.push(found);
    },
    'VariableDeclarator:exit': record('exit'),
    'AssignmentExpression:exit': record('exit'),
    'AwaitExpression:exit': record('exit'),
    'ReturnStatement:exit': record('exit'),
    'ThrowStatement:exit': record('exit'),
    CatchClause(node: TSESTree.CatchClause) {
      timeline.record(node.parent, 'enter', 'catchStart');
    },
    'CatchClause:exit'(node: TSESTree.CatchClause) {
      timeline.record(node.parent, 'exit', 'catchEnd');
    },
    BlockStatement(node: TSESTree.BlockStatement) {
      if (node.parent.type === AST_NODE_TYPES.TryStatement && node.parent.finalizer === node) {
        timeline.record(node.parent, 'enter', 'finallyStart');
      }
    },
    'BlockStatement:exit'(node: TSESTree.BlockStatement) {
      if (node.parent.type !== AST_NODE_TYPES.TryStatement) return;
      if (node.parent.finalizer === node) timeline.record(node.parent, 'exit', 'finallyEnd');
      if (node.parent.block === node) timeline.record(node.parent, 'exit', 'tryBlockEnd');
    },
    'TryStatement:exit'(node: TSESTree.TryStatement) {
      timeline.record(node, 'exit', 'afterTry');
    },
    FunctionDeclaration: collectReceiver,
    FunctionExpression: collectReceiver,
    ArrowFunctionExpression: collectReceiver,
    MemberExpression(node: TSESTree.MemberExpression) {
      if (!node.computed && node.property.type === AST_NODE_TYPES.Identifier && TRANSACTION_PARAMETER.test(node.property.name)) carried.uses.push(node);
    },
    VariableDeclarator(node: TSESTree.VariableDeclarator) {
      if (node.parent.kind === 'const' && node.init !== null && bindingIdentifiers(node.id).some((id) => TRANSACTION_PARAMETER.test(id.name))) {
        carried.bindings.push(node);
      }
    },
  };
  let result: TrackedTransactions | null = null;
  const finish = (): TrackedTransactions => {
    if (result !== null) return result;
    trackingStats.files += 1;
    const scopes: TransactionScope[] = [];
    const orphans: OrphanTransaction[] = [];
    for (const found of transactionCalls) {
      const scope = scopeOf(analysis, timeline, found, helperNames);
      if (scope !== null) scopes.push(scope);
      else if (found.form === 'unmanaged') {
        const orphan = handedStraight(analysis, found, helperNames);
        if (orphan !== null) orphans.push(orphan);
      }
    }
    const holders = new Set<TSESTree.Node>(scopes.map((scope) => (scope.form === 'managed' ? scope.callback : scope.owner)));
    const parameterScopes = new Map<TSESTree.Node, () => ManagedScope | null>();
    for (const fn of receivingFunctions) {
      if (holders.has(fn)) continue;
      let proven: ManagedScope | null | undefined;
      parameterScopes.set(fn, () => (proven ??= parameterScope(analysis, fn)));
    }
    const isHolder = (fn: TSESTree.Node): boolean => holders.has(fn) || (parameterScopes.get(fn)?.() ?? null) !== null;
    const carriedLeaks: CarriedLeak[] = [];
    const callUse = (call: TSESTree.CallExpression, index: number) => argumentUse(analysis, call, index, helperNames);
    scopes.push(...carriedScopes(analysis, carried, isHolder, (leak) => carriedLeaks.push(leak), timeline, callUse));
    result = { scopes, timeline, orphans, carriedLeaks, parameterScopes };
    return result;
  };
  return { listeners, finish };
}

/** Parameter names that say "a transaction": `t`, `tx`, `trx`, `transaction`, `sqlTransaction`, `dbTransaction`. */
const TRANSACTION_PARAMETER = /^(?:t|tx|trx|transaction|\w+Transaction)$/u;

/** White space and comments between two tokens. */
const GAP = String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*`;

/**
 * A parameter named `t`, `tx` or `trx` as it can be written: after `(` or `,` and before `,`, `)`, `:` or `?` (a type),
 * or before `=>`. The other transaction parameter names contain `transaction`.
 */
const SHORT_TRANSACTION_PARAMETER = new RegExp(`[(,]${GAP}(?:t|tx|trx)${GAP}[,):?]|\\b(?:t|tx|trx)${GAP}=>`, 'u');

/**
 * Can a file with this text hold a transaction scope (see {@link TRANSACTION_PARAMETER})? A cheap test on the text
 * before any listener is registered: `transaction` anywhere (a `transaction()` call, `{ transaction: t }`,
 * `req.transaction`, a `…Transaction` name), or a parameter named `t`, `tx` or `trx`, which a function proves a
 * transaction by passing it on to a project function that uses it as one (Shop-Backend-express's
 * `updateStock(items, operation, t)`, in a file that never says "transaction").
 */
export function mayHoldTransactionScope(text: string): boolean {
  return /transaction/iu.test(text) || SHORT_TRANSACTION_PARAMETER.test(text);
}

/**
 * A function that receives a transaction (`const assingCategory = async (product, categoryId, t) => …`): proven when
 * the parameter, never reassigned, is used as one in the function's own code (see `usedAsTransaction`). Its body is
 * then a scope of that transaction, like a managed callback's.
 */
function parameterScope(analysis: SequelizeAnalysis, fn: FunctionNode): ManagedScope | null {
  for (const param of fn.params) {
    if (param.type !== AST_NODE_TYPES.Identifier || !TRANSACTION_PARAMETER.test(param.name)) continue;
    const variable = findVariable(analysis.host, param);
    if (variable === null || variable.references.some((reference) => reference.isWrite() && reference.init !== true)) continue;
    const own = variable.references.filter((reference) => ownerFunction(reference.identifier) === fn);
    // Its own uses first; only then what the functions it is passed to do with it (which may read other modules).
    const used =
      own.some((reference) => usedAsTransaction(analysis, reference.identifier)) ||
      own.some((reference) => forwardedAsTransaction(analysis, reference.identifier));
    if (used) return { form: 'managed', call: param, receiver: param, callback: fn, variable, parameter: true };
  }
  return null;
}

/** Candidates for transactions carried by a parameter: `req.transaction` uses, `const { transaction } = ctx.state`. */
interface Carried {
  uses: TSESTree.MemberExpression[];
  bindings: TSESTree.VariableDeclarator[];
}

/** `req.transaction` / `ctx.state.transaction` as the names it is made of, or null (computed, optional, not rooted at a name). */
function memberPath(raw: TSESTree.Node): { root: TSESTree.Identifier; names: string[] } | null {
  const names: string[] = [];
  let node = skipTypeWrappers(raw);
  while (node.type === AST_NODE_TYPES.MemberExpression) {
    if (node.computed || node.optional || node.property.type !== AST_NODE_TYPES.Identifier) return null;
    names.unshift(node.property.name);
    node = skipTypeWrappers(node.object);
  }
  return node.type === AST_NODE_TYPES.Identifier ? { root: node, names } : null;
}

/** The plain, never reassigned parameter of `fn` that `identifier` reads, or null. */
function carrierParameter(analysis: SequelizeAnalysis, identifier: TSESTree.Identifier, fn: TSESTree.Node | null): Variable | null {
  if (fn === null || !isFunctionNode(fn)) return null;
  const variable = findVariable(analysis.host, identifier);
  if (variable === null || variable.defs.length !== 1 || variable.defs[0]?.type !== DefinitionType.Parameter) return null;
  if (!fn.params.some((param) => param === variable.identifiers[0])) return null;
  return variable.references.some((reference) => reference.isWrite()) ? null : variable;
}

/**
 * Is `use` inside a branch chosen by a test on the same value (`if (req.transaction) await req.transaction.commit()`,
 * `transaction && …`, `transaction ? { transaction } : {}`), below `holder`? Such a use proves only that a transaction
 * may be there.
 */
function guardedUse(use: TSESTree.Node, holder: TSESTree.Node, same: (node: TSESTree.Node) => boolean): boolean {
  const mentions = (node: TSESTree.Node): boolean => same(node) || childNodes(node).some(mentions);
  let child: TSESTree.Node = use;
  for (let node = use.parent; node != null && node !== holder; child = node, node = node.parent) {
    if (node.type === AST_NODE_TYPES.ChainExpression) return true;
    if ((node.type === AST_NODE_TYPES.IfStatement || node.type === AST_NODE_TYPES.ConditionalExpression) && child !== node.test && mentions(node.test)) return true;
    if (node.type === AST_NODE_TYPES.LogicalExpression && child === node.right && mentions(node.left)) return true;
  }
  return false;
}

/** `req.transaction.commit()` / `.rollback()`: where a carried transaction is released. */
function releasesCarried(use: TSESTree.Node): boolean {
  const parent = use.parent;
  return (
    parent?.type === AST_NODE_TYPES.MemberExpression &&
    parent.object === use &&
    RELEASE_METHODS.has(memberName(parent) ?? '') &&
    parent.parent.type === AST_NODE_TYPES.CallExpression &&
    parent.parent.callee === parent
  );
}

/**
 * Transactions a function receives inside a request or context object: Express middleware after one that ran
 * `req.transaction = await sequelize.transaction()` (`req.transaction.rollback()`, `{ transaction: req.transaction }`),
 * a Koa route under a transaction middleware (`const { transaction } = ctx.state` used as `{ transaction }` or
 * `transaction.LOCK`), a hook's `options.transaction`. Proven like a transaction parameter: the function itself uses
 * the value as a transaction, unguarded, and never assigns it. Its body is then a scope of that transaction up to its
 * first commit or rollback there.
 */
function carriedScopes(
  analysis: SequelizeAnalysis,
  carried: Carried,
  isHolder: (fn: TSESTree.Node) => boolean,
  onLeak: (leak: CarriedLeak) => void,
  timeline: CodePathTimeline,
  callUse: CallUse,
): ManagedScope[] {
  const scopes: ManagedScope[] = [];
  // `req.transaction` used directly.
  const byPath = new Map<string, { fn: FunctionNode; carrier: Variable; uses: TSESTree.MemberExpression[] }>();
  for (const use of carried.uses) {
    const path = memberPath(use);
    if (path === null) continue;
    const fn = ownerFunction(use);
    const carrier = carrierParameter(analysis, path.root, fn);
    if (carrier === null || fn === null || isHolder(fn)) continue;
    const key = `${fn.range[0]}:${[path.root.name, ...path.names].join('.')}`;
    const entry = byPath.get(key);
    if (entry === undefined) byPath.set(key, { fn: fn as FunctionNode, carrier, uses: [use] });
    else entry.uses.push(use);
  }
  for (const [key, { fn, carrier, uses }] of byPath) {
    const expression = key.slice(key.indexOf(':') + 1);
    const same = (node: TSESTree.Node): boolean => {
      const path = node.type === AST_NODE_TYPES.MemberExpression ? memberPath(node) : null;
      return path !== null && [path.root.name, ...path.names].join('.') === expression && findVariable(analysis.host, path.root) === carrier;
    };
    // `req.transaction = await sequelize.transaction()` here: this function begins it, not receives it.
    if (uses.some((use) => isWritten(use))) continue;
    if (!uses.some((use) => provesCarried(analysis, use, fn) && !guardedUse(use, fn, same))) continue;
    const releases = uses.filter(releasesCarried).map((use) => use.range[0]);
    const leak = carriedLeak(analysis, timeline, fn, carrier, uses, callUse);
    if (leak !== null) onLeak({ ...leak, expression });
    const param = carrier.identifiers[0] as TSESTree.Identifier;
    scopes.push({
      form: 'managed',
      call: param,
      receiver: param,
      callback: fn,
      variable: null,
      parameter: true,
      carrier,
      expression,
      ...(releases.length === 0 ? {} : { endsAt: Math.min(...releases) }),
    });
  }
  // `const { transaction } = ctx.state`, `const t = req.transaction`.
  for (const declarator of carried.bindings) {
    const init = skipTypeWrappers(declarator.init as TSESTree.Expression);
    const path = init.type === AST_NODE_TYPES.Identifier ? { root: init, names: [] } : memberPath(init);
    if (path === null) continue;
    const fn = ownerFunction(declarator);
    const carrier = carrierParameter(analysis, path.root, fn);
    if (carrier === null || fn === null || isHolder(fn)) continue;
    for (const id of bindingIdentifiers(declarator.id)) {
      if (!TRANSACTION_PARAMETER.test(id.name)) continue;
      const variable = findVariable(analysis.host, id);
      if (variable === null) continue;
      const own = variable.references.filter((reference) => ownerFunction(reference.identifier) === fn);
      const same = (node: TSESTree.Node): boolean => node.type === AST_NODE_TYPES.Identifier && findVariable(analysis.host, node) === variable;
      if (!own.some((reference) => provesCarried(analysis, reference.identifier, fn as FunctionNode) && !guardedUse(reference.identifier, fn, same))) continue;
      const releases = variable.references.filter((reference) => releasesCarried(reference.identifier)).map((reference) => reference.identifier.range[0]);
      scopes.push({
        form: 'managed',
        call: declarator,
        receiver: path.root,
        callback: fn as FunctionNode,
        variable,
        parameter: true,
        carrier,
        ...(releases.length === 0 ? {} : { endsAt: Math.min(...releases) }),
      });
      break;
    }
  }
  return scopes;
}

/**
 * A carried value is proven a transaction that is there by a use that throws without one (`req.transaction.rollback()`,
 * `transaction.LOCK.UPDATE`). As a query's `transaction` option it may be undefined (a Koa route without the
 * transaction middleware reads `ctx.state.transaction` all the same), except in a model hook, whose `options` carry
 * the triggering query's transaction whenever it has one.
 */
function provesCarried(analysis: SequelizeAnalysis, use: TSESTree.Node, fn: FunctionNode): boolean {
  return transactionApiUse(use) || (usedAsTransaction(analysis, use) && isModelHook(analysis, fn));
}

/**
 * The paths of Express middleware `(req, res, next)` that leave `req.transaction` open: the middleware commits or rolls
 * it back itself somewhere (unguarded) and calls `next` somewhere, so it is a link of the chain that owns the
 * transaction where it does not pass it on. A path that neither releases it, nor calls `next`, nor hands `req` to
 * another function, and ends in this function (an exception thrown out of it is the error handler's), leaks. Any use
 * of `req` or `next` in a nested function (a callback may end it later) claims nothing.
 */
function carriedLeak(
  analysis: SequelizeAnalysis,
  timeline: CodePathTimeline,
  fn: FunctionNode,
  carrier: Variable,
  uses: TSESTree.MemberExpression[],
  callUse: CallUse,
): Omit<CarriedLeak, 'expression'> | null {
  const nextParam = fn.params[2];
  if (fn.params[0] !== carrier.identifiers[0] || nextParam?.type !== AST_NODE_TYPES.Identifier) return null;
  const next = findVariable(analysis.host, nextParam);
  const codePath = timeline.codePaths.get(fn);
  const release = uses.find((use) => releasesCarried(use) && !guardedUse(use, fn, () => false));
  if (next === null || codePath === undefined || release === undefined) return null;
  if (!next.references.some((reference) => reference.identifier.parent?.type === AST_NODE_TYPES.CallExpression && reference.identifier.parent.callee === reference.identifier)) {
    return null;
  }
  if ([...carrier.references, ...next.references].some((reference) => ownerFunction(reference.identifier) !== fn)) return null;
  const roles = new Map<TSESTree.Node, Role>();
  for (const reference of next.references) roles.set(reference.identifier, 'escape');
  for (const reference of carrier.references) {
    const parent = reference.identifier.parent;
    // `req.body`, `req.transaction.rollback()`: reads; `helper(req)`, `req` stored or returned: handed on.
    if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== reference.identifier) roles.set(reference.identifier, 'escape');
  }
  for (const use of uses) {
    const found = referenceUse(use, callUse);
    if (found.kind !== 'neutral') roles.set(found.node, found.kind);
  }
  const walk = walkRoles(timeline, codePath, fn, fn, { roles, escapes: false }, new Set(), { thrownOutLeaks: false, escapeClaimsNothing: false });
  if (walk.leaks === null || walk.leaks.length === 0) return null;
  return { release: release.parent, fn, leaks: walk.leaks };
}

/** The names a declarator binds at its top level: `t` in `const t = …`, `transaction` and `t` in `const { transaction, x: t } = …`. */
function bindingIdentifiers(id: TSESTree.Node): TSESTree.Identifier[] {
  if (id.type === AST_NODE_TYPES.Identifier) return [id];
  if (id.type !== AST_NODE_TYPES.ObjectPattern) return [];
  return id.properties.flatMap((property) =>
    property.type === AST_NODE_TYPES.Property && !property.computed && property.value.type === AST_NODE_TYPES.Identifier ? [property.value] : [],
  );
}

/** `req.transaction = …`, `req.transaction ??= …`, `delete req.transaction`. */
function isWritten(use: TSESTree.MemberExpression): boolean {
  const parent = use.parent;
  return (
    (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.left === use) ||
    (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'delete')
  );
}

/** `t.commit()`, `t.rollback()`, `t.afterCommit()`, `t.LOCK`: a use that throws unless a transaction is there. */
function transactionApiUse(node: TSESTree.Node): boolean {
  const parent = node.parent;
  return parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === node && !parent.optional && ['commit', 'rollback', 'afterCommit', 'LOCK'].includes(memberName(parent) ?? '');
}

/** Sequelize's model hooks (`afterCreate(instance, options)`, `beforeBulkUpdate(options)`, …). */
const HOOK_NAME =
  /^(?:(?:before|after)(?:Validate|Create|Destroy|Restore|Update|Save|Upsert|BulkCreate|BulkDestroy|BulkRestore|BulkUpdate|Find|FindAfterExpandIncludeAll|FindAfterOptions|Count)|validationFailed)$/u;

/**
 * A function Sequelize runs as a model hook: `hooks: { beforeDestroy: async (comment, options) => … }` in a model's
 * options, `Model.afterCreate(fn)`, `Model.addHook('afterCreate', fn)`, with `fn` written there or declared in the file.
 */
function isModelHook(analysis: SequelizeAnalysis, fn: FunctionNode): boolean {
  const registers = (node: TSESTree.Node): boolean => {
    const parent = node.parent;
    if (parent?.type === AST_NODE_TYPES.Property && parent.value === node) {
      const holder = parent.parent.parent;
      return HOOK_NAME.test(keyName(parent) ?? '') && holder?.type === AST_NODE_TYPES.Property && keyName(holder) === 'hooks';
    }
    if (parent?.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(node as TSESTree.CallExpressionArgument)) return false;
    const callee = skipTypeWrappers(parent.callee);
    const name = callee.type === AST_NODE_TYPES.MemberExpression ? memberName(callee) : null;
    return name !== null && (HOOK_NAME.test(name) || (name === 'addHook' && parent.arguments.at(-1) === node));
  };
  if (registers(fn)) return true;
  const id = fn.type === AST_NODE_TYPES.FunctionDeclaration ? fn.id : fn.parent.type === AST_NODE_TYPES.VariableDeclarator && fn.parent.id.type === AST_NODE_TYPES.Identifier ? fn.parent.id : null;
  if (id === null) return false;
  const variable = findVariable(analysis.host, id);
  return variable !== null && variable.references.some((reference) => registers(reference.identifier));
}

/**
 * Proof that a parameter holds a Sequelize transaction, not a payment or a ledger row that shares the name: it is the
 * `transaction` option of a proven query (`Model.update(values, { where, transaction: t })`), or its own API is used
 * (`t.commit()`, `t.rollback()`, `t.afterCommit()`, `t.LOCK`).
 */
function usedAsTransaction(analysis: SequelizeAnalysis, identifier: TSESTree.Node): boolean {
  const parent = identifier.parent;
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) return transactionApiUse(identifier);
  if (parent?.type !== AST_NODE_TYPES.Property || parent.value !== identifier || parent.computed || keyName(parent) !== 'transaction') return false;
  const options = parent.parent;
  const call = options.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression) return false;
  const use = (query: QueryCall | null): boolean => (query !== null ? call.arguments[query.optionsIndex] === options : associationCall(call, options));
  const settled = settledByCall(call, use);
  return settled === null ? use(queryCall(analysis, call)) : settled.answer;
}

/**
 * `product.setCategories([id], { transaction: t })`: the options (last argument) of a Sequelize association method
 * (`set`/`add`/`remove`/`has`/`count` + a capitalised association name), which takes them as query options.
 */
function associationCall(call: TSESTree.CallExpression, options: TSESTree.Node): boolean {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || call.arguments.at(-1) !== options || call.arguments.length < 1) return false;
  return /^(?:set|add|remove|has|count)[A-Z]/u.test(memberName(callee) ?? '');
}

/**
 * Proof for a transaction parameter the function does not use as one itself: passed to a project function that does
 * (`updateStock(items, operation, t)` → `variantsRepository.bulkUpdateStock(rows, t)`).
 */
function forwardedAsTransaction(analysis: SequelizeAnalysis, identifier: TSESTree.Node): boolean {
  const parent = identifier.parent;
  if (parent?.type !== AST_NODE_TYPES.CallExpression) return false;
  const index = parent.arguments.indexOf(identifier as TSESTree.CallExpressionArgument);
  return index !== -1 && usesArgumentAsTransaction(analysis, parent, index);
}

/** `await createTransaction(options)` / `begin().then((t) => …)` where the callee returns an unmanaged transaction. */
function helperTransactionCall(
  analysis: SequelizeAnalysis,
  call: TSESTree.CallExpression,
  names: TransactionHelperNames,
): TransactionCall | null {
  // Where the result goes first (this file's syntax), only then what the callee is (which may parse other modules).
  const held = heldBy(call);
  if (held === null) return null;
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  if (refutedByUse(analysis, held)) return null;
  const helper = beginningHelper(analysis, call, names);
  const unawaited = held.kind === 'declarator' && !held.awaited;
  if (helper === null || (unawaited && !helper.async)) return null;
  const { receiver, analysis: where } = helper;
  return {
    form: 'unmanaged',
    call,
    receiver: call.callee,
    helper: {
      name: helper.name,
      instance: () => (receiver === null ? null : classifyValue(where, receiver)),
      ...(helper.tupleIndex === undefined ? {} : { tupleIndex: helper.tupleIndex }),
      ...(unawaited ? { unawaited: true } : {}),
    },
  };
}

/** Where a call's result is kept, when a transaction in it could be tracked there. */
type ResultHold =
  /** `const t = await begin()`, `const [t, error] = await begin()`; without `await`: `const [t, error] = begin()`. */
  | { kind: 'declarator'; node: TSESTree.VariableDeclarator; awaited: boolean }
  /** `t = await begin()`. */
  | { kind: 'assignment'; node: TSESTree.AssignmentExpression & { left: TSESTree.Identifier } }
  /** `save(data, await begin())`: handed straight to a call, never bound. */
  | { kind: 'argument'; call: TSESTree.CallExpression; index: number }
  /** `begin().then((t) => …)`. */
  | { kind: 'then'; callback: FunctionNode; param: TSESTree.Identifier };

/**
 * How the caller keeps what `call` returns, where a transaction in it could be tracked (type-only wrappers aside), or
 * null for any other use (dropped, returned, destructured as an object, stored in a property, tested): scopes, leaks
 * and hand-overs are built from these shapes only, so for any other the callee, which may live in another module, is
 * never resolved.
 */
function heldBy(call: TSESTree.CallExpression): ResultHold | null {
  const node = outermostWrapper(call);
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.AwaitExpression) {
    const awaited = outermostWrapper(parent);
    const holder = awaited.parent;
    switch (holder?.type) {
      case AST_NODE_TYPES.VariableDeclarator:
        return holder.init === awaited && (holder.id.type === AST_NODE_TYPES.Identifier || holder.id.type === AST_NODE_TYPES.ArrayPattern)
          ? { kind: 'declarator', node: holder, awaited: true }
          : null;
      case AST_NODE_TYPES.AssignmentExpression:
        return holder.operator === '=' && holder.right === awaited && holder.left.type === AST_NODE_TYPES.Identifier
          ? { kind: 'assignment', node: holder as TSESTree.AssignmentExpression & { left: TSESTree.Identifier } }
          : null;
      case AST_NODE_TYPES.CallExpression: {
        const index = holder.arguments.indexOf(awaited as TSESTree.CallExpressionArgument);
        return index === -1 ? null : { kind: 'argument', call: holder, index };
      }
      default:
        return null;
    }
  }
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === node && memberName(parent) === 'then') {
    const thenCall = parent.parent;
    const callback = thenCall.type === AST_NODE_TYPES.CallExpression && thenCall.callee === parent ? thenCall.arguments[0] : undefined;
    if (callback === undefined || !isFunctionNode(callback)) return null;
    const [param] = callback.params;
    return param?.type === AST_NODE_TYPES.Identifier ? { kind: 'then', callback, param } : null;
  }
  // Without `await`, only as the declarator's own initializer (what unawaitedScope reads).
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === call) {
    return parent.id.type === AST_NODE_TYPES.Identifier || parent.id.type === AST_NODE_TYPES.ArrayPattern ? { kind: 'declarator', node: parent, awaited: false } : null;
  }
  return null;
}

/**
 * The members of a Sequelize `Transaction`, v4 to v7 (with v1-3's event emitter ones and every object's): calling any
 * other member of a transaction, or reading through it, throws.
 */
const TRANSACTION_MEMBERS = new Set([
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
  '__proto__',
  'commit',
  'rollback',
  'afterCommit',
  'afterRollback',
  'afterTransaction',
  'prepareEnvironment',
  'begin',
  'setDeferrable',
  'setAutocommit',
  'setIsolationLevel',
  'cleanup',
  'forceCleanup',
  '_clearCls',
  'getConnection',
  'getConnectionIfExists',
  'sequelize',
  'savepoints',
  'options',
  'parent',
  'id',
  'name',
  'finished',
  'connection',
  'LOCK',
  'TYPES',
  'ISOLATION_LEVELS',
  'rootTransaction',
  '_afterCommitHooks',
  'on',
  'once',
  'emit',
  'addListener',
  'removeListener',
  'off',
  'removeAllListeners',
  'listeners',
]);

/**
 * Does this file use the name `call`'s awaited result is bound to as something a transaction is not? At least one use
 * throws on a transaction (calling a member it does not have, `orders.map(…)`, `kysely.selectFrom(…)`; reading through
 * one, `subscription.data.paypalId`; iterating it, `for (const order of orders)`, `[...rows]`, `const [a] = rows`;
 * calling it), and no use is one a transaction has (`t.commit()`, `t.LOCK`, `{ transaction: t }`, passed on, returned,
 * stored): the others only read members it lacks (`rows.length`) or test it (`if (!rows)`). Such a name holds no
 * transaction in code that runs, so the callee is not resolved (which may parse other modules) to learn whether it
 * begins one. Only a name written once, by this call, counts; a tuple (`const [t, error] = …`) does not, nor a promise
 * bound without `await`, where a transaction's use (`t.commit()` on the promise) is the bug its report names.
 */
function refutedByUse(analysis: SequelizeAnalysis, held: ResultHold): boolean {
  // A promise bound without `await` and used as the transaction (`t.commit()`) is the bug the rule reports there.
  if (held.kind === 'argument' || (held.kind === 'declarator' && !held.awaited)) return false;
  const id = held.kind === 'then' ? held.param : held.kind === 'assignment' ? held.node.left : held.node.id;
  if (id.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = findVariable(analysis.host, id);
  if (variable === null) return false;
  const writes = variable.references.filter((reference) => reference.isWrite());
  if (held.kind === 'then' ? writes.length > 0 : writes.length !== 1 || writes[0]?.identifier !== id) return false;
  const reads = variable.references.filter((reference) => !reference.isWrite()).map((reference) => reference.identifier);
  return reads.some((read) => throwsOnUse(read)) && reads.every((read) => throwsOnUse(read) || saysNothing(read));
}

/** A read that neither hands the value on nor uses it as a transaction: `rows.length`, `if (!rows)`, `rows === null`. */
function saysNothing(identifier: TSESTree.Node): boolean {
  const use = outermostWrapper(identifier);
  const parent = use.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.MemberExpression: {
      const name = parent.object === use ? memberName(parent) : null;
      return name !== null && !TRANSACTION_MEMBERS.has(name);
    }
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === use;
    case AST_NODE_TYPES.LogicalExpression:
      return parent.left === use;
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.BinaryExpression:
      return true;
    default:
      return false;
  }
}

/** Does evaluating this use of `identifier` throw when its value is a transaction? */
function throwsOnUse(identifier: TSESTree.Node): boolean {
  const use = outermostWrapper(identifier);
  const parent = use.parent;
  if (parent === undefined) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.MemberExpression: {
      if (parent.object !== use) return false;
      const name = memberName(parent);
      if (name === null || TRANSACTION_MEMBERS.has(name)) return false;
      // `value.missing(…)` calls undefined; `value.missing.x` reads a property of undefined.
      const member = outermostWrapper(parent);
      const outer = member.parent;
      if (outer?.type === AST_NODE_TYPES.CallExpression) return outer.callee === member && !outer.optional;
      return outer?.type === AST_NODE_TYPES.MemberExpression && outer.object === member && !outer.optional;
    }
    case AST_NODE_TYPES.CallExpression:
      return parent.callee === use && !parent.optional;
    case AST_NODE_TYPES.NewExpression:
      return parent.callee === use;
    case AST_NODE_TYPES.SpreadElement:
      // `[...value]`, `f(...value)` iterate it; `{ ...value }` copies its own properties.
      return parent.parent.type !== AST_NODE_TYPES.ObjectExpression;
    case AST_NODE_TYPES.ForOfStatement:
      return parent.right === use;
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === use && parent.id.type === AST_NODE_TYPES.ArrayPattern;
    case AST_NODE_TYPES.AssignmentExpression:
      return parent.right === use && parent.left.type === AST_NODE_TYPES.ArrayPattern;
    default:
      return false;
  }
}

/** `node` with the type-only wrappers around it (`value as Rows`, `value!`). */
function outermostWrapper(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.parent != null && isTransparentWrapper(current.parent)) current = current.parent;
  return current;
}

function scopeOf(
  analysis: SequelizeAnalysis,
  timeline: CodePathTimeline,
  found: TransactionCall,
  names: TransactionHelperNames,
): TransactionScope | null {
  if (found.form === 'managed') {
    if (found.callback === null) return null;
    const [param] = found.callback.params;
    let variable: Variable | null = null;
    if (param !== undefined) {
      if (param.type !== AST_NODE_TYPES.Identifier) return null;
      variable = findVariable(analysis.host, param);
    }
    return { form: 'managed', call: found.call, receiver: found.receiver, callback: found.callback, variable };
  }
  if (found.helper?.unawaited === true) return unawaitedScope(analysis, timeline, found);
  const binding = unmanagedBinding(analysis, found.call, found.helper?.tupleIndex);
  if (binding === null) return null;
  const owned = binding.kind === 'then' ? { owner: binding.node, codePath: timeline.codePaths.get(binding.node) } : timeline.ownerOf(binding.node);
  if (owned?.codePath === undefined) return null;
  const callUse = (call: TSESTree.CallExpression, index: number) => argumentUse(analysis, call, index, names);
  const notStarted = new Set<TSESTree.Node>();
  if (found.helper?.tupleIndex !== undefined && binding.node.type === AST_NODE_TYPES.VariableDeclarator) {
    // `const [transaction, error] = await createTransaction(db, res); if (error) return;`: no transaction then.
    for (const element of (binding.node.id as TSESTree.ArrayPattern).elements) {
      if (element?.type !== AST_NODE_TYPES.Identifier || element === binding.variable.identifiers[0]) continue;
      const sibling = findVariable(analysis.host, element);
      if (sibling !== null) for (const exit of failureExits(sibling)) notStarted.add(exit);
    }
  }
  const walk = walkTransaction(timeline, owned.codePath, owned.owner, binding.variable, binding.node, callUse, notStarted);
  const leaks = walk.leaks ?? (binding.kind === 'then' ? chainLeaks(binding.node, binding.variable, callUse) : null);
  return {
    form: 'unmanaged',
    call: found.call,
    receiver: found.receiver,
    ...(found.helper === undefined ? {} : { helper: found.helper }),
    variable: binding.variable,
    binding: binding.node,
    owner: owned.owner,
    leaks,
    isOpenAt: walk.isOpenAt,
  };
}

/**
 * `helper(data, await sequelize.transaction())`: an awaited transaction passed as an argument, never bound, to a
 * project function whose summary says it only forwards that parameter to queries. A helper that commits, rolls back,
 * keeps or returns it, or one analysis cannot read, claims nothing.
 */
function handedStraight(analysis: SequelizeAnalysis, found: TransactionCall & { form: 'unmanaged' }, names: TransactionHelperNames): OrphanTransaction | null {
  if (found.helper?.tupleIndex !== undefined || found.helper?.unawaited === true) return null;
  const held = heldBy(found.call);
  if (held?.kind !== 'argument') return null;
  const { call, index } = held;
  if (argumentUse(analysis, call, index, names) !== 'forward') return null;
  // A query given the transaction as an argument (`Model.findAll(await begin())`) is no function that forwards it.
  if (queryCall(analysis, call) !== null) return null;
  return {
    call: found.call,
    begun: found.helper?.name ?? `${calleeName(found.receiver) ?? 'sequelize'}.transaction`,
    handedTo: calleeName(call.callee) ?? 'helper',
    handedAt: call,
  };
}

/** `const [transaction, error] = createTransaction(db, res)` without `await`: one leak, at the call. */
function unawaitedScope(analysis: SequelizeAnalysis, timeline: CodePathTimeline, found: TransactionCall & { form: 'unmanaged' }): UnmanagedScope | null {
  const declarator = found.call.parent;
  if (declarator.type !== AST_NODE_TYPES.VariableDeclarator) return null;
  const id = declarator.id.type === AST_NODE_TYPES.ArrayPattern ? declarator.id.elements[found.helper?.tupleIndex ?? 0] : declarator.id;
  if (id?.type !== AST_NODE_TYPES.Identifier) return null;
  const variable = findVariable(analysis.host, id);
  const owned = timeline.ownerOf(declarator);
  if (variable === null || owned === null) return null;
  return {
    form: 'unmanaged',
    call: found.call,
    receiver: found.receiver,
    ...(found.helper === undefined ? {} : { helper: found.helper }),
    variable,
    binding: declarator,
    owner: owned.owner,
    leaks: [{ kind: 'unawaited', line: found.call.loc.start.line }],
    isOpenAt: () => false,
  };
}

/** Where an unmanaged transaction is bound: `const t = await x.transaction()`, `t = await …`, `.then((t) => …)`. */
function unmanagedBinding(
  analysis: SequelizeAnalysis,
  call: TSESTree.CallExpression,
  tupleIndex?: number,
):
  | { kind: 'assignment'; node: TSESTree.AssignmentExpression; variable: Variable }
  | { kind: 'declarator'; node: TSESTree.VariableDeclarator; variable: Variable }
  | { kind: 'then'; node: FunctionNode; variable: Variable }
  | null {
  const held = heldBy(call);
  if (held === null) return null;
  if (held.kind === 'then') {
    // `sequelize.transaction().then((t) => …)`
    const variable = findVariable(analysis.host, held.param);
    return variable === null ? null : { kind: 'then', node: held.callback, variable };
  }
  if (held.kind === 'assignment') {
    if (tupleIndex !== undefined) return null;
    const variable = findVariable(analysis.host, held.node.left);
    return variable === null ? null : { kind: 'assignment', node: held.node, variable };
  }
  if (held.kind !== 'declarator' || !held.awaited) return null;
  // `const [transaction, errorTransaction] = await createTransaction(db, res)`
  const id = tupleIndex === undefined ? held.node.id : held.node.id.type === AST_NODE_TYPES.ArrayPattern ? held.node.id.elements[tupleIndex] : null;
  if (id?.type !== AST_NODE_TYPES.Identifier) return null;
  const variable = findVariable(analysis.host, id);
  return variable === null ? null : { kind: 'declarator', node: held.node, variable };
}

function isTransparentWrapper(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.TSAsExpression ||
    node.type === AST_NODE_TYPES.TSNonNullExpression ||
    node.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    node.type === AST_NODE_TYPES.TSTypeAssertion
  );
}

//------------------------------------------------------------------------------
// The walk
//------------------------------------------------------------------------------

/** What one node means for the transaction being walked. */
type Role = 'escape' | 'release' | 'write';

interface WalkResult {
  leaks: LeakPath[] | null;
  isOpenAt: (node: TSESTree.Node) => boolean;
}

/** An exception or a `return` on its way out through the `finally` of `tryStatement`. */
interface Leaving {
  kind: 'return' | 'throw';
  tryStatement: TSESTree.TryStatement;
}

interface WalkState {
  segment: CodePathSegment;
  index: number;
  leaving: Leaving | null;
  /** How the path started leaking if it ends open, decided at the first return/throw/exception on it. */
  cause: LeakPath | null;
}

/**
 * Node roles for one transaction binding: releases, ownership moves, overwrites, in its own function's code.
 * `escapes` is set when a closure releases or receives it (it runs at a time the walk cannot know).
 */
/** What a call does with the transaction passed as its argument `index` (from the callee's summary). */
type CallUse = (call: TSESTree.CallExpression, index: number) => 'escape' | 'forward' | 'release';

function rolesOf(
  variable: Variable,
  owner: TSESTree.Node,
  creation: TSESTree.Node,
  callUse: CallUse,
): { roles: Map<TSESTree.Node, Role>; escapes: boolean } {
  const roles = new Map<TSESTree.Node, Role>();
  let escapes = false;
  for (const reference of variable.references) {
    const identifier = reference.identifier;
    const inOwnCode = ownerFunction(identifier) === owner;
    if (reference.isWrite()) {
      const assignment = identifier.parent;
      if (assignment === creation) continue;
      if (!inOwnCode) escapes = true;
      else if (assignment?.type === AST_NODE_TYPES.AssignmentExpression || assignment?.type === AST_NODE_TYPES.VariableDeclarator) {
        roles.set(assignment, 'write');
      }
      continue;
    }
    const use = referenceUse(identifier, callUse);
    if (use.kind === 'neutral') continue;
    if (!inOwnCode) {
      escapes = true;
      continue;
    }
    roles.set(use.node, use.kind);
    if (use.kind === 'release') {
      for (const guard of releaseGuards(use.node, variable, owner, creation)) roles.set(guard, 'release');
    }
  }
  return { roles, escapes };
}

/** `if (error) return;` / `if (error) { return res.status(500).send(…) }`: the `return`s taken when `error` is set. */
function failureExits(error: Variable): TSESTree.Node[] {
  const exits: TSESTree.Node[] = [];
  for (const reference of error.references) {
    const test = reference.identifier;
    const statement = test.parent;
    if (statement?.type !== AST_NODE_TYPES.IfStatement || statement.test !== test) continue;
    const body = statement.consequent.type === AST_NODE_TYPES.BlockStatement ? statement.consequent.body.at(-1) : statement.consequent;
    if (body?.type === AST_NODE_TYPES.ReturnStatement || body?.type === AST_NODE_TYPES.ThrowStatement) exits.push(body);
  }
  return exits;
}

/** What a read of the transaction does: releases it, moves ownership, or neither. */
function referenceUse(
  identifier: TSESTree.Node,
  callUse: CallUse,
): { kind: 'neutral' } | { kind: 'escape' | 'release'; node: TSESTree.Node } {
  let node: TSESTree.Node = identifier;
  while (node.parent != null && (isTransparentWrapper(node.parent) || node.parent.type === AST_NODE_TYPES.ChainExpression)) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent === undefined) return { kind: 'escape', node: identifier };
  switch (parent.type) {
    case AST_NODE_TYPES.MemberExpression: {
      if (parent.object !== node) return { kind: 'neutral' };
      const name = memberName(parent);
      if (name !== null && RELEASE_METHODS.has(name)) {
        let callee: TSESTree.Node = parent;
        while (callee.parent != null && isTransparentWrapper(callee.parent)) callee = callee.parent;
        const call = callee.parent;
        if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === callee) return { kind: 'release', node: call };
        // `done(t.commit)`: who calls it, and when, is unknown.
        return { kind: 'escape', node: identifier };
      }
      return { kind: 'neutral' };
    }
    case AST_NODE_TYPES.Property:
      // `{ transaction: t }` handed to a call: query options, the transaction is used, not handed over. Returned or
      // stored (`return { ...options, transaction }`), it goes with the object.
      if (parent.value === node && !parent.computed && keyName(parent) === 'transaction' && !optionsKept(parent.parent)) {
        return { kind: 'neutral' };
      }
      return { kind: 'escape', node: identifier };
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === node ? { kind: 'neutral' } : { kind: 'escape', node: identifier };
    case AST_NODE_TYPES.LogicalExpression:
      return parent.left === node ? { kind: 'neutral' } : { kind: 'escape', node: identifier };
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.AwaitExpression:
      return { kind: 'neutral' };
    case AST_NODE_TYPES.CallExpression: {
      // `commitTransaction(t)` releases it; `orderRepository.createOrder(data, t)` that only forwards it to queries
      // leaves it with the caller; anything else (stored, returned, unknown) takes it over.
      const index = parent.arguments.indexOf(node as TSESTree.CallExpressionArgument);
      if (index === -1) return { kind: 'escape', node: identifier };
      const use = callUse(parent, index);
      if (use === 'forward') return { kind: 'neutral' };
      return use === 'release' ? { kind: 'release', node: parent } : { kind: 'escape', node: identifier };
    }
    default:
      return { kind: 'escape', node: identifier };
  }
}

/** An options object that is returned, stored or thrown rather than passed to a call or bound to a local. */
function optionsKept(object: TSESTree.Node): boolean {
  let node: TSESTree.Node = object;
  while (
    node.parent?.type === AST_NODE_TYPES.ObjectExpression ||
    node.parent?.type === AST_NODE_TYPES.Property ||
    node.parent?.type === AST_NODE_TYPES.SpreadElement ||
    (node.parent != null && isTransparentWrapper(node.parent))
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) {
    return !parent.arguments.includes(node as TSESTree.CallExpressionArgument);
  }
  return parent?.type !== AST_NODE_TYPES.VariableDeclarator;
}

function keyName(property: TSESTree.Property): string | null {
  if (property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  return property.key.type === AST_NODE_TYPES.Literal && typeof property.key.value === 'string' ? property.key.value : null;
}

/**
 * `if (!t.finished) await t.rollback()`, `if (t) await t.rollback()`, `t && (await t.rollback())`: a release guarded
 * by the transaction's own state counts as a release where the test runs (the skipped branch only runs once it is
 * finished, or when it never started).
 */
function releaseGuards(release: TSESTree.Node, variable: Variable, owner: TSESTree.Node, creation: TSESTree.Node): TSESTree.Node[] {
  const guards: TSESTree.Node[] = [];
  let child: TSESTree.Node = release;
  for (let node = release.parent; node != null && node !== owner; child = node, node = node.parent) {
    if (isFunctionNode(node)) break;
    let test: TSESTree.Node | null = null;
    if (node.type === AST_NODE_TYPES.IfStatement && child !== node.test) test = node.test;
    if (node.type === AST_NODE_TYPES.ConditionalExpression && child !== node.test) test = node.test;
    if (node.type === AST_NODE_TYPES.LogicalExpression && child === node.right) test = node.left;
    if (test !== null && (mentions(test, variable) || sharesCondition(test, creation, owner))) guards.push(node);
  }
  return guards;
}

/**
 * `if (carry) { t = carry } else { t = await begin() } … if (!carry) await commit(t)`: the release is guarded by the
 * condition that chose to begin, so when it is skipped, nothing was begun here. True when `test` reads a name that a
 * condition around the transaction's creation also reads.
 */
function sharesCondition(test: TSESTree.Node, creation: TSESTree.Node, owner: TSESTree.Node): boolean {
  const names = new Set<string>();
  let child: TSESTree.Node = creation;
  for (let node = creation.parent; node != null && node !== owner; child = node, node = node.parent) {
    if (isFunctionNode(node)) break;
    const condition =
      (node.type === AST_NODE_TYPES.IfStatement || node.type === AST_NODE_TYPES.ConditionalExpression) && child !== node.test ? node.test : null;
    if (condition !== null) for (const name of identifierNames(condition)) names.add(name);
  }
  if (names.size === 0) return false;
  return identifierNames(test).some((name) => names.has(name));
}

function identifierNames(node: TSESTree.Node): string[] {
  if (node.type === AST_NODE_TYPES.Identifier) return [node.name];
  if (node.type === AST_NODE_TYPES.UnaryExpression) return identifierNames(node.argument);
  if (node.type === AST_NODE_TYPES.LogicalExpression || node.type === AST_NODE_TYPES.BinaryExpression) {
    return [...identifierNames(node.left), ...identifierNames(node.right)];
  }
  return [];
}

function mentions(node: TSESTree.Node, variable: Variable): boolean {
  return variable.references.some(
    (reference) => reference.identifier.range[0] >= node.range[0] && reference.identifier.range[1] <= node.range[1],
  );
}

/** The function (or program) whose own code runs `node`. */
function ownerFunction(node: TSESTree.Node): TSESTree.Node | null {
  for (let current = node.parent; current != null; current = current.parent) {
    if (isFunctionNode(current) || current.type === AST_NODE_TYPES.Program || current.type === AST_NODE_TYPES.StaticBlock) {
      return current;
    }
    if (current.parent?.type === AST_NODE_TYPES.PropertyDefinition && current.parent.value === current) return current;
  }
  return null;
}

function walkTransaction(
  timeline: CodePathTimeline,
  codePath: CodePath,
  owner: TSESTree.Node,
  variable: Variable,
  binding: TSESTree.Node,
  callUse: CallUse,
  notStarted: ReadonlySet<TSESTree.Node> = new Set(),
): WalkResult {
  return walkRoles(timeline, codePath, owner, binding, rolesOf(variable, owner, binding, callUse), notStarted, OWNED_WALK);
}

/**
 * How a walk counts its paths. An owned transaction (`const t = await sequelize.transaction()`): an exception that
 * leaves the function leaks, and a hand-over on any path means nothing is claimed. A request's transaction in Express
 * middleware (`carriedLeak`): an exception that leaves the middleware is the error handler's, and `next()` on one path
 * hands it on there only.
 */
interface WalkMode {
  thrownOutLeaks: boolean;
  escapeClaimsNothing: boolean;
}

const OWNED_WALK: WalkMode = { thrownOutLeaks: true, escapeClaimsNothing: true };

function walkRoles(
  timeline: CodePathTimeline,
  codePath: CodePath,
  owner: TSESTree.Node,
  binding: TSESTree.Node,
  { roles, escapes }: { roles: Map<TSESTree.Node, Role>; escapes: boolean },
  notStarted: ReadonlySet<TSESTree.Node>,
  mode: WalkMode,
): WalkResult {
  const final = new Set(codePath.finalSegments);
  const leaks: LeakPath[] = [];
  const open = new Map<CodePathSegment, [number, number][]>();
  const visited = new Set<string>();
  const queue: WalkState[] = [];

  const push = (state: WalkState): void => {
    const leavingKey = state.leaving === null ? '' : `${state.leaving.kind}${state.leaving.tryStatement.range[0]}`;
    const key = `${state.segment.id}:${state.index}:${leavingKey}`;
    if (visited.has(key) || !state.segment.reachable) return;
    visited.add(key);
    queue.push(state);
  };
  const pushAt = (positions: TimelinePosition[], state: Pick<WalkState, 'cause' | 'leaving'>): void => {
    // Parallel copies (a `finally` block ESLint duplicates per way of leaving) hold the same items: one is enough.
    const reachable = positions.find((position) => position.segment.reachable);
    if (reachable !== undefined) push({ ...state, segment: reachable.segment, index: reachable.index + 1 });
  };

  /** Sends an exception (or a `return`) from `from` to the `catch`/`finally` that gets it, or out of the function. */
  const route = (kind: 'return' | 'throw', from: TSESTree.Node, cause: LeakPath): void => {
    let child: TSESTree.Node = from;
    for (let node = from.parent; node != null && node !== owner; child = node, node = node.parent) {
      if (node.type !== AST_NODE_TYPES.TryStatement) continue;
      if (kind === 'throw' && child === node.block && node.handler !== null) {
        pushAt(timeline.markerPosition(node, 'catchStart'), { leaving: null, cause });
        return;
      }
      if ((child === node.block || child === node.handler) && node.finalizer !== null) {
        pushAt(timeline.markerPosition(node, 'finallyStart'), { leaving: { kind, tryStatement: node }, cause });
        return;
      }
    }
    if (kind === 'throw' && !mode.thrownOutLeaks) return;
    leaks.push(cause);
  };

  /** A `try` block or `catch` clause completed normally: into the `finally`, or past the statement. */
  const complete = (tryStatement: TSESTree.TryStatement, state: Pick<WalkState, 'cause' | 'leaving'>): void => {
    if (tryStatement.finalizer === null) pushAt(timeline.markerPosition(tryStatement, 'afterTry'), state);
    else pushAt(timeline.markerPosition(tryStatement, 'finallyStart'), state);
  };

  const starts = binding === owner ? [{ segment: codePath.initialSegment, index: -1 }] : timeline.exitPosition(binding);
  for (const position of starts) push({ segment: position.segment, index: position.index + 1, leaving: null, cause: null });

  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    const { segment, leaving, cause } = state;
    const items = timeline.itemsOf(segment);
    let stoppedAt: number | null = null;
    for (let index = state.index; index < items.length && stoppedAt === null; index++) {
      const item = items[index] as TimelineItem;
      if (item.marker !== null) {
        const tryStatement = item.node as TSESTree.TryStatement;
        switch (item.marker) {
          case 'tryBlockEnd':
          case 'catchEnd':
            complete(tryStatement, { leaving, cause });
            stoppedAt = index;
            break;
          case 'finallyEnd':
            if (leaving?.tryStatement === tryStatement) {
              route(leaving.kind, tryStatement, cause ?? { kind: 'end', line: owner.loc.end.line });
            } else {
              pushAt(timeline.markerPosition(tryStatement, 'afterTry'), { leaving, cause });
            }
            stoppedAt = index;
            break;
          default:
            break;
        }
        continue;
      }
      const role = itemRole(item, roles, binding);
      if (role === 'release' || role === 'escape') {
        stoppedAt = index;
        continue;
      }
      if (role === 'write') {
        leaks.push(cause ?? { kind: 'overwrite', line: item.node.loc.start.line, node: item.node });
        stoppedAt = index;
        continue;
      }
      if (item.phase !== 'exit') continue;
      if (notStarted.has(item.node)) {
        stoppedAt = index;
        continue;
      }
      // A new exception or return is what the path leaks by from here on (a `catch` that rethrows after an
      // `await` that fails leaks at that `await`, not where the first exception came from).
      const { line } = item.node.loc.start;
      switch (item.node.type) {
        case AST_NODE_TYPES.AwaitExpression:
          // The awaited promise may reject: the path forks to wherever the exception goes.
          route('throw', item.node, { kind: 'exception', line, node: item.node });
          break;
        case AST_NODE_TYPES.ThrowStatement:
          route('throw', item.node, cause?.kind === 'exception' ? cause : { kind: 'throw', line, node: item.node });
          stoppedAt = index;
          break;
        case AST_NODE_TYPES.ReturnStatement:
          route('return', item.node, { kind: 'return', line, node: item.node });
          stoppedAt = index;
          break;
        default:
          break;
      }
    }
    const ranges = open.get(segment) ?? [];
    ranges.push([state.index, stoppedAt ?? items.length]);
    open.set(segment, ranges);
    if (stoppedAt !== null) continue;
    // Entering a `catch` or `finally` is modelled above (exceptions, returns, completion), never by ESLint's edges,
    // which also fork there from the first throwable node of a `try` block.
    const next = segment.nextSegments.filter((candidate) => !isHandlerEntry(timeline, candidate));
    if (next.length === 0) {
      if (final.has(segment)) leaks.push(cause ?? { kind: 'end', line: owner.loc.end.line });
      continue;
    }
    for (const candidate of next) push({ segment: candidate, index: 0, leaving, cause });
  }

  // Ownership moved somewhere (returned, stored, handed to a function, released in a closure): the receiver owns
  // the ending now, on every path, so nothing is claimed about leaks; the open region still ends at the move.
  const moved = escapes || (mode.escapeClaimsNothing && [...roles.values()].includes('escape'));
  return {
    leaks: moved ? null : dedupe(leaks),
    isOpenAt: (node) => {
      return timeline
        .enterPosition(node)
        .some(({ segment, index }) => (open.get(segment) ?? []).some(([from, to]) => index >= from && index < to));
    },
  };
}

/**
 * `sequelize.transaction().then((t) => Model.create(x, { transaction: t }).then(() => t.commit()))`: a promise chain
 * commits in a later callback, which the walk cannot order. It leaks when nothing in it ever rolls back (no `.catch`
 * calls `t.rollback()`): a rejected query leaves the transaction open. Any other use of `t` (stored, returned, passed
 * to a helper that keeps it) claims nothing.
 */
function chainLeaks(callback: FunctionNode, variable: Variable, callUse: CallUse): LeakPath[] | null {
  let commit: TSESTree.Node | null = null;
  for (const reference of variable.references) {
    if (reference.isWrite()) return null;
    const use = referenceUse(reference.identifier, callUse);
    if (use.kind === 'escape') return null;
    if (use.kind === 'neutral') continue;
    const member = use.node.type === AST_NODE_TYPES.CallExpression ? skipTypeWrappers(use.node.callee) : null;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || memberName(member) !== 'commit') return null;
    if (!inPromiseChain(use.node, callback)) return null;
    commit ??= use.node;
  }
  return commit === null ? null : [{ kind: 'rejection', line: commit.loc.start.line }];
}

/** Is `node` in `callback`'s own code or in a `.then`/`.catch`/`.finally` callback nested in it? */
function inPromiseChain(node: TSESTree.Node, callback: FunctionNode): boolean {
  for (let current = node.parent; current != null; current = current.parent) {
    if (current === callback) return true;
    if (!isFunctionNode(current)) continue;
    const call = current.parent;
    if (call.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(current as TSESTree.CallExpressionArgument)) return false;
    const callee = skipTypeWrappers(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || !['then', 'catch', 'finally'].includes(memberName(callee) ?? '')) return false;
  }
  return false;
}

/** A segment that starts a `catch` clause or a `finally` block. */
function isHandlerEntry(timeline: CodePathTimeline, segment: CodePathSegment): boolean {
  const [first] = timeline.itemsOf(segment);
  return first?.marker === 'catchStart' || first?.marker === 'finallyStart';
}

function itemRole(item: TimelineItem, roles: Map<TSESTree.Node, Role>, binding: TSESTree.Node): Role | null {
  const role = roles.get(item.node);
  if (role === undefined) {
    // Back at its own creation (a loop): the binding is about to be replaced while open.
    return item.node === binding && item.phase === 'exit' ? 'write' : null;
  }
  // Writes happen when the assignment completes; releases and escapes when their node starts.
  if (role === 'write') return item.phase === 'exit' ? role : null;
  return item.phase === 'enter' ? role : null;
}

function dedupe(leaks: LeakPath[]): LeakPath[] {
  const seen = new Set<string>();
  return leaks
    .filter((leak) => {
      const key = `${leak.kind}:${leak.line}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line);
}

/**
 * The node in `owner`'s own code where `node` runs: itself, or the call that runs the synchronous callback
 * (`rows.map((row) => …)`, an IIFE, `new Promise(executor)`) it sits in. Null when it sits in a function that may run
 * later (`setTimeout`, `t.afterCommit`, `.then`, an event handler, a function declared and called elsewhere).
 */
export function anchorIn(owner: TSESTree.Node, node: TSESTree.Node): TSESTree.Node | null {
  return climbSynchronously(node, (current, anchor) => (current === owner ? anchor : undefined));
}

/**
 * Walks up from `node` through the functions that run synchronously where they sit (synchronousRunner), calling
 * `visit` with each ancestor and what stands for `node` at that level (the node, or the call that runs the function
 * holding it). The first result other than undefined ends the walk; a function that may run later, or the top of
 * the module, ends it with null.
 */
function climbSynchronously<T>(node: TSESTree.Node, visit: (current: TSESTree.Node, anchor: TSESTree.Node) => T | undefined): T | null {
  let anchor: TSESTree.Node = node;
  for (let current = node.parent; current != null; current = current.parent) {
    const found = visit(current, anchor);
    if (found !== undefined) return found;
    if (!isFunctionNode(current)) {
      if (current.type === AST_NODE_TYPES.Program || current.type === AST_NODE_TYPES.StaticBlock) return null;
      continue;
    }
    const runner = synchronousRunner(current);
    if (runner === null) return null;
    anchor = runner;
    current = runner;
  }
  return null;
}

/** Bluebird's `Promise.map` family, the `async` library's iterators, p-map: they run the callback for every element. */
const BLUEBIRD_METHODS = new Set(['map', 'mapSeries', 'each', 'filter', 'reduce', 'props', 'all', 'some', 'any', 'try', 'each']);
const BLUEBIRD_NAMES = /^(?:Promise|Bluebird|BluebirdPromise|BPromise|bluebird|P)$/u;
const ASYNC_METHODS =
  /^(?:each|eachSeries|eachLimit|forEach|forEachSeries|forEachLimit|eachOf|eachOfSeries|eachOfLimit|forEachOf|forEachOfSeries|map|mapSeries|mapLimit|mapValues|mapValuesSeries|filter|filterSeries|reduce|series|parallel|parallelLimit|waterfall|times|timesSeries|whilst|until|concat|concatSeries|detect|detectSeries|some|every|groupBy|sortBy)$/u;
const P_HELPERS = /^(?:pMap|pMapSeries|pEach|pEachSeries|pSeries|pAll|pFilter|pReduce|pTimes|pProps|pWhilst)$/u;

/**
 * `await Promise.map(rows, fn)` (Bluebird), `await async.eachSeries(rows, fn)`, `await pMap(rows, fn)`: the call's
 * promise settles after every callback has run, so when the scope waits for it (awaited, or returned from a managed
 * callback) the callbacks run inside it.
 */
function isAwaitedCollectionHelper(call: TSESTree.CallExpression): boolean {
  const callee = skipTypeWrappers(call.callee);
  let known = false;
  if (callee.type === AST_NODE_TYPES.Identifier) known = P_HELPERS.test(callee.name);
  else if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier) {
    const method = memberName(callee) ?? '';
    known =
      (BLUEBIRD_NAMES.test(callee.object.name) && BLUEBIRD_METHODS.has(method) && method !== 'all') ||
      (callee.object.name === 'async' && ASYNC_METHODS.test(method));
  }
  if (!known) return false;
  let node: TSESTree.Node = call;
  while (node.parent != null && isTransparentWrapper(node.parent)) node = node.parent;
  const parent = node.parent;
  if (parent === undefined) return false;
  return (
    parent.type === AST_NODE_TYPES.AwaitExpression ||
    parent.type === AST_NODE_TYPES.ReturnStatement ||
    parent.type === AST_NODE_TYPES.YieldExpression ||
    (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node)
  );
}

/** The call that runs `fn` before it returns, or null. */
function synchronousRunner(fn: FunctionNode): TSESTree.Node | null {
  const parent = fn.parent;
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.callee === fn) return parent;
  if (parent.type === AST_NODE_TYPES.NewExpression && parent.arguments[0] === fn) {
    const callee = skipTypeWrappers(parent.callee);
    return callee.type === AST_NODE_TYPES.Identifier && callee.name === 'Promise' ? parent : null;
  }
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(fn as TSESTree.CallExpressionArgument) && isAwaitedCollectionHelper(parent)) return parent;
  if (parent.type !== AST_NODE_TYPES.CallExpression || parent.arguments[0] !== fn) return null;
  const callee = skipTypeWrappers(parent.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  const name = memberName(callee);
  return name !== null && SYNCHRONOUS_CALLBACK_METHODS.has(name) ? parent : null;
}

/**
 * Finds, for any node, the innermost transaction scope it runs in: the scope whose holder (a managed callback, or the
 * function an unmanaged transaction lives in) is nearest above it, through synchronous callbacks only; among scopes
 * with the same holder, the latest started that is open there. Scopes are indexed by holder once, so each lookup
 * costs the node's depth, not the number of transactions in the file. A function in `parameterScopes` is proven to
 * receive a transaction only when a lookup reaches it, after `quiet` (the caller's own test: it would report nothing
 * for the node in any scope) says no; yes ends the lookup with null.
 */
export function innermostScopeFinder(
  scopes: readonly TransactionScope[],
  parameterScopes: ParameterScopes = new Map(),
): (node: TSESTree.Node, quiet?: () => boolean) => TransactionScope | null {
  const byHolder = new Map<TSESTree.Node, TransactionScope[]>();
  for (const scope of scopes) {
    const holder = scope.form === 'managed' ? scope.callback : scope.owner;
    const list = byHolder.get(holder);
    if (list === undefined) byHolder.set(holder, [scope]);
    else list.push(scope);
  }
  return (node, quiet = () => false) => {
    if (byHolder.size === 0 && parameterScopes.size === 0) return null;
    let quietHere: boolean | undefined;
    return climbSynchronously(node, (current, anchor) => {
      // A function that may receive one holds no other scope, except one carried in a parameter when it receives none.
      const prove = parameterScopes.get(current);
      if (prove !== undefined && (quietHere ??= quiet())) return null;
      const received = prove?.() ?? null;
      const held = received === null ? byHolder.get(current) : [received];
      if (held === undefined) return undefined;
      let best: TransactionScope | null = null;
      for (const scope of held) {
        const open = scope.form === 'managed' ? scope.endsAt === undefined || anchor.range[0] < scope.endsAt : scope.isOpenAt(anchor);
        if (open && (best === null || scope.call.range[0] > best.call.range[0])) best = scope;
      }
      return best ?? undefined;
    });
  };
}
