import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable as findVisibleVariable } from '@typescript-eslint/utils/ast-utils';

import type { QueryCall } from '../lib/project/queries';
import type { SequelizeAnalysis } from '../lib/project/sequelize-instances';
import type { TransactionHelperNames } from '../lib/project/transaction-helpers';
import type { TransactionScope } from '../lib/project/transaction-scopes';

import path from 'node:path';

import { findVariable, skipTypeWrappers } from '../lib/file-analysis/ast';
import { createRule } from '../lib/create-rule';
import { DefinitionType } from '../lib/scope-kinds';
import { insertObjectEntries } from '../lib/edits/object-fixes';
import { readModuleText } from '../lib/project/project-modules';
import { describeQuery, queryCall, settledByCall } from '../lib/project/queries';
import { resolveValue } from '../lib/file-analysis/resolve-value';
import { requiredModule } from '../lib/file-analysis/sequelize-detection';
import type { Origin } from '../lib/project/sequelize-instances';

import {
  classifyValue,
  DEFAULT_INSTANCE_PATTERN,
  differentInstances,
  fileUsesCls,
  moduleUsesCls,
  originOf,
} from '../lib/project/sequelize-instances';
import { helperNames, helperQueries, mentionsTransaction, queryInstance, TRANSACTION_HELPERS_SCHEMA } from '../lib/project/transaction-helpers';
import { innermostScopeFinder, mayHoldTransactionScope, sharedTransactionTracking } from '../lib/project/transaction-scopes';

export interface RequireTransactionOptionOptions {
  cls: 'auto' | boolean;
  instancePattern: string;
  transactionHelpers: Partial<TransactionHelperNames>;
}

export type Options = [Partial<RequireTransactionOptionOptions>];

export type MessageIds =
  | 'addTransactionOption'
  | 'missingTransaction'
  | 'missingTransactionCls'
  | 'missingTransactionInHelper'
  | 'missingTransactionParameter'
  | 'passOptions';

const DEFAULT_OPTIONS: RequireTransactionOptionOptions = {
  cls: 'auto',
  instancePattern: DEFAULT_INSTANCE_PATTERN,
  transactionHelpers: {},
};

/**
 * Options that come only from a helper parameter its caller left out: `findByPk(id, { transaction: t })` or
 * `findAll({ where, ...options })` or `findAll(options)` with `t` / `options` not passed.
 */
function optionsLeftOut(analysis: SequelizeAnalysis, query: QueryCall, absent: ReadonlySet<TSESLint.Scope.Variable>): boolean {
  if (absent.size === 0) return false;
  const isAbsent = (raw: TSESTree.Node): boolean => {
    const node = skipTypeWrappers(raw);
    if (node.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = findVariable(analysis.host, node);
    return variable !== null && absent.has(variable);
  };
  const argument = query.call.arguments[query.optionsIndex];
  if (argument === undefined) return false;
  const options = skipTypeWrappers(argument);
  if (options.type === AST_NODE_TYPES.Identifier) return isAbsent(options);
  if (options.type !== AST_NODE_TYPES.ObjectExpression) return false;
  let spreadsLeftOut = false;
  for (const property of options.properties) {
    if (property.type === AST_NODE_TYPES.SpreadElement) {
      if (!isAbsent(property.argument)) return false;
      spreadsLeftOut = true;
      continue;
    }
    if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === 'transaction') {
      return isAbsent(property.value);
    }
  }
  return spreadsLeftOut;
}

/**
 * A helper call the scope waits for (`await helper()`, `return helper()`, an arrow's body): its queries run while the
 * transaction is open. One nobody waits for may run them after the commit.
 */
function awaitedHere(call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  while (node.parent?.type === AST_NODE_TYPES.TSAsExpression || node.parent?.type === AST_NODE_TYPES.TSNonNullExpression) node = node.parent;
  const parent = node.parent;
  return (
    parent?.type === AST_NODE_TYPES.AwaitExpression ||
    parent?.type === AST_NODE_TYPES.ReturnStatement ||
    (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node)
  );
}

/** How messages name the scope's transaction: its binding, or the expression that carries it (`req.transaction`). */
function scopeName(scope: TransactionScope): string {
  return scope.variable?.name ?? (scope.form === 'managed' ? scope.expression : undefined) ?? 't';
}

/** Does an argument of `call` read `carrier` (`req`, `ctx`, `options`)? */
function passesCarrier(call: TSESTree.CallExpression, carrier: TSESLint.Scope.Variable): boolean {
  return carrier.references.some((reference) => reference.identifier.range[0] >= call.range[0] && reference.identifier.range[1] <= call.range[1] && call.arguments.some((argument) => argument.range[0] <= reference.identifier.range[0] && reference.identifier.range[1] <= argument.range[1]));
}

/** `describeQuery`'s text source for a node of another module. */
function moduleText(filename: string): (node: TSESTree.Node) => string {
  const text = readModuleText(filename) ?? '';
  return (node) => text.slice(node.range[0], node.range[1]);
}

/** How the query's options stand with respect to `transaction`. */
type OptionsState =
  /** Passes a transaction, opts out (`transaction: null`), or may do either (an unknown spread or value). */
  | { state: 'ok' }
  /** No options argument where the method takes one. */
  | { state: 'absent'; canAppend: boolean }
  /** An options object known not to have `transaction`. */
  | { state: 'missing'; argument: TSESTree.Node; literal: TSESTree.ObjectExpression | null };

function optionsState(analysis: SequelizeAnalysis, query: QueryCall): OptionsState {
  const args = query.call.arguments;
  if (args.slice(0, query.optionsIndex + 1).some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) {
    return { state: 'ok' };
  }
  const argument = args[query.optionsIndex];
  if (argument === undefined) return { state: 'absent', canAppend: args.length === query.optionsIndex };
  const value = resolveValue(analysis.host, argument);
  if (value.kind === 'undefined' || value.kind === 'null') return { state: 'missing', argument, literal: null };
  if (value.kind !== 'object') return { state: 'ok' };
  if (value.properties.has('transaction') || value.hasUnknownKeys) return { state: 'ok' };
  const written = skipTypeWrappers(argument);
  return { state: 'missing', argument, literal: value.node === written ? value.node : null };
}

/** The import or `require` specifier the receiver's root binding comes from (`./db` for `db.sequelize`). */
function receiverSpecifier(analysis: SequelizeAnalysis, receiver: TSESTree.Node): string | null {
  let root = skipTypeWrappers(receiver);
  while (root.type === AST_NODE_TYPES.MemberExpression) root = skipTypeWrappers(root.object);
  if (root.type !== AST_NODE_TYPES.Identifier) return null;
  const def = findVariable(analysis.host, root)?.defs[0];
  if (def === undefined) return null;
  if (def.type === DefinitionType.ImportBinding) {
    return def.parent.type === AST_NODE_TYPES.ImportDeclaration ? def.parent.source.value : null;
  }
  if (def.type !== DefinitionType.Variable || def.node.init === null) return null;
  let init = skipTypeWrappers(def.node.init);
  while (init.type === AST_NODE_TYPES.MemberExpression) init = skipTypeWrappers(init.object);
  return init.type === AST_NODE_TYPES.CallExpression ? requiredModule(analysis.host, init) : null;
}

export default createRule<Options, MessageIds>({
  name: 'require-transaction-option',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require queries inside a Sequelize transaction to pass that transaction (`{ transaction: t }`)',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      missingTransaction:
        '`{{query}}` runs inside transaction `{{name}}` (line {{line}}) but does not pass `{ transaction: {{name}} }`: it takes a second pool connection and runs outside the transaction. When the pool is saturated the transaction waits on itself until `acquire` expires (SequelizeConnectionAcquireTimeoutError).',
      missingTransactionCls:
        '`{{query}}` runs inside unmanaged transaction `{{name}}` (line {{line}}) but does not pass `{ transaction: {{name}} }`. CLS never carries unmanaged transactions, so it takes a second pool connection and runs outside the transaction; when the pool is saturated the transaction waits on itself until `acquire` expires.',
      missingTransactionParameter:
        '`{{query}}` runs inside the managed transaction started at line {{line}}, whose callback takes no transaction parameter, and CLS is off: it takes a second pool connection and runs outside the transaction. Give the callback a parameter and pass `{ transaction: t }`.',
      missingTransactionInHelper:
        '`{{helper}}()` runs `{{query}}` ({{where}}) inside transaction `{{name}}` (line {{line}}) without it: that query takes a second pool connection and runs outside the transaction. When the pool is saturated the transaction waits on itself until `acquire` expires (SequelizeConnectionAcquireTimeoutError). Pass the transaction to `{{helper}}()` and on to its query.',
      addTransactionOption: 'Add `{{option}}` to the options.',
      passOptions: 'Pass `{ {{option}} }` as the options.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          cls: {
            description:
              'Whether Sequelize runs with CLS (`Sequelize.useCLS()`), which carries managed transactions to queries on its own. `"auto"`: on when this file, or the project module its Sequelize instance is imported from, calls `useCLS`.',
            type: ['boolean', 'string'],
            enum: ['auto', true, false],
          },
          instancePattern: {
            type: 'string',
            description:
              'Regular expression for receiver names treated as Sequelize instances when analysis cannot prove what they are (`sequelize.transaction()`, `this.db.query()`).',
          },
          transactionHelpers: TRANSACTION_HELPERS_SCHEMA,
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  create(context, [options]) {
    const { cls, instancePattern, transactionHelpers } = { ...DEFAULT_OPTIONS, ...options };
    const names = helperNames(transactionHelpers);
    const { sourceCode } = context;
    // No listeners (ESLint skips the rule) where no transaction scope can be: most files.
    if (names.begin.length === 0 && !mayHoldTransactionScope(sourceCode.text)) return {};
    // One tracking per file for both transaction rules (no-unreleased-transaction shares it when its options match).
    const tracking = sharedTransactionTracking(context, instancePattern, names);
    const { analysis } = tracking;
    const candidates: TSESTree.CallExpression[] = [];
    const fileCls = fileUsesCls(sourceCode.text);

    /** Is CLS on for transactions started on `receiver`? */
    function clsOn(receiver: TSESTree.Node): boolean {
      if (cls !== 'auto') return cls;
      if (fileCls) return true;
      const specifier = receiverSpecifier(analysis, receiver);
      return specifier !== null && moduleUsesCls(analysis.filename, specifier);
    }

    /** `transaction: t` (or the shorthand), when `name` still means the transaction where the query is. */
    function optionFor(scope: TransactionScope, call: TSESTree.CallExpression): string | null {
      const variable = scope.variable ?? (scope.form === 'managed' && scope.expression !== undefined ? (scope.carrier ?? null) : null);
      if (variable === null) return null;
      const visible = findVisibleVariable(sourceCode.getScope(call), variable.name);
      if (visible !== variable) return null;
      const name = scopeName(scope);
      return name === 'transaction' ? 'transaction' : `transaction: ${name}`;
    }

    function suggestions(
      query: QueryCall,
      state: OptionsState,
      option: string | null,
    ): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
      if (option === null || state.state === 'ok') return [];
      if (state.state === 'absent') {
        if (!state.canAppend) return [];
        const closing = sourceCode.getLastToken(query.call);
        const last = query.call.arguments.at(-1);
        if (closing?.value !== ')') return [];
        return [
          {
            messageId: 'passOptions',
            data: { option },
            fix: (fixer) =>
              last === undefined
                ? fixer.insertTextBefore(closing, `{ ${option} }`)
                : fixer.insertTextAfter(last, `, { ${option} }`),
          },
        ];
      }
      const { argument, literal } = state;
      if (literal !== null) {
        return [
          {
            messageId: 'addTransactionOption',
            data: { option },
            fix: (fixer) => insertObjectEntries(fixer, sourceCode, literal, [option]),
          },
        ];
      }
      const text = sourceCode.getText(argument);
      const replacement = /^(?:null|undefined)$/u.test(text) ? `{ ${option} }` : `{ ...${text}, ${option} }`;
      return [{ messageId: 'addTransactionOption', data: { option }, fix: (fixer) => fixer.replaceText(argument, replacement) }];
    }

    /** The `new Sequelize(…)` the transaction runs on, when provable. */
    const scopeOrigins = new Map<TransactionScope, Origin | undefined>();
    function scopeOrigin(scope: TransactionScope): Origin | undefined {
      if (!scopeOrigins.has(scope)) {
        const kind = scope.form === 'unmanaged' && scope.helper !== undefined ? scope.helper.instance() : classifyValue(analysis, scope.receiver);
        scopeOrigins.set(scope, kind === null ? undefined : originOf(kind));
      }
      return scopeOrigins.get(scope);
    }

    /** A query provably on another Sequelize instance than the transaction's (a snapshot database): never reported. */
    function otherInstance(scope: TransactionScope, query: QueryCall, where: SequelizeAnalysis): boolean {
      const transactionOrigin = scopeOrigin(scope);
      if (transactionOrigin === undefined) return false;
      const kind = queryInstance(query, where);
      return differentInstances(transactionOrigin, kind === null ? undefined : originOf(kind));
    }

    /** A call `checkHelper` passes over before reading anything: it takes a transaction, or nobody waits for it. */
    function helperPassedOver(scope: TransactionScope, call: TSESTree.CallExpression): boolean {
      return call === scope.call || mentionsTransaction(call) || !awaitedHere(call);
    }

    /** `getDeviceInDb(device)` in the scope: a helper whose queries take no transaction from the call. */
    function checkHelper(scope: TransactionScope, call: TSESTree.CallExpression): void {
      if (helperPassedOver(scope, call)) return;
      if (scope.form === 'managed' && ((scope.variable === null && scope.expression === undefined) || clsOn(scope.receiver))) return;
      // `checkBalanceAsk(req, res, next)`: a helper given the object that carries the transaction may take it from there.
      if (scope.form === 'managed' && scope.carrier !== undefined && passesCarrier(call, scope.carrier)) return;
      const queries = helperQueries(
        analysis,
        call,
        (query, where, absent) => optionsState(where, query).state === 'ok' && !optionsLeftOut(where, query, absent),
      );
      const found = queries.find((entry) => !otherInstance(scope, entry.query, entry.analysis));
      if (found === undefined) return;
      const name = scopeName(scope);
      const where = `${path.basename(found.analysis.filename)}:${found.query.call.loc.start.line}`;
      const sourceOf = found.analysis.filename === analysis.filename ? (node: TSESTree.Node) => sourceCode.getText(node) : moduleText(found.analysis.filename);
      context.report({
        node: call,
        messageId: 'missingTransactionInHelper',
        data: {
          helper: found.chain[0] ?? 'helper',
          query: describeQuery(sourceOf, found.query),
          where,
          name,
          line: String(scope.call.loc.start.line),
        },
      });
    }

    function check(innermostScope: ReturnType<typeof innermostScopeFinder>, call: TSESTree.CallExpression): void {
      // Quiet in any scope (a query that passes `transaction` or whose options are unknown, a helper call given
      // something that may carry the transaction or not waited for): asked before the proof that a function receives
      // a transaction, which may read other modules (`updateStock(items, t)` passes it on).
      const quietAnywhere = (): boolean =>
        settledByCall(call, (query) => (query === null ? mentionsTransaction(call) || !awaitedHere(call) : optionsState(analysis, query).state === 'ok'))?.answer === true;
      const scope = innermostScope(call, quietAnywhere);
      if (scope === null) return;
      // Nothing to report whatever the receiver is (a query that passes the transaction, or a helper call passed over):
      // the receiver is then not classified, which may parse the module each model comes from
      // (`db.user = userModel(sequelize, Sequelize)`).
      const quiet = settledByCall(call, (query) => (query === null ? helperPassedOver(scope, call) : query.call === scope.call || optionsState(analysis, query).state === 'ok'));
      if (quiet?.answer === true) return;
      const query = queryCall(analysis, call);
      if (query === null) {
        checkHelper(scope, call);
        return;
      }
      // The transaction call's own arguments are not queries inside it.
      if (query.call === scope.call) return;
      const state = optionsState(analysis, query);
      if (state.state === 'ok') return;
      if (otherInstance(scope, query, analysis)) return;
      const on = clsOn(scope.receiver);
      const line = String(scope.call.loc.start.line);
      const description = describeQuery((node) => sourceCode.getText(node), query);
      if (scope.form === 'managed') {
        if (on) return;
        if (scope.variable === null && scope.expression === undefined) {
          // `transaction(async () => …)` is how CLS code is written: only claim a bug when told CLS is off.
          if (cls !== false) return;
          context.report({ node: call, messageId: 'missingTransactionParameter', data: { query: description, line } });
          return;
        }
      }
      const name = scopeName(scope);
      const option = optionFor(scope, call);
      context.report({
        node: call,
        messageId: scope.form === 'unmanaged' && on ? 'missingTransactionCls' : 'missingTransaction',
        data: { query: description, name, line },
        suggest: suggestions(query, state, option),
      });
    }

    return {
      ...tracking.listeners((scopes, _timeline, _orphans, _carriedLeaks, parameterScopes) => {
        if (scopes.length === 0 && parameterScopes.size === 0) return;
        const innermostScope = innermostScopeFinder(scopes, parameterScopes);
        for (const call of candidates) check(innermostScope, call);
      }),
      // Queries, and calls that may be query helpers (`getDeviceInDb(device)`, `User.createWithCtx(…)`).
      'CallExpression[callee.type="MemberExpression"], CallExpression[callee.type="Identifier"]'(node: TSESTree.CallExpression) {
        candidates.push(node);
      },
    };
  },
});
