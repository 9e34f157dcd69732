import type { TransactionHelperNames } from '../lib/project/transaction-helpers';
import type { TSESTree } from '@typescript-eslint/utils';

import type { CarriedLeak, LeakPath, UnmanagedScope } from '../lib/project/transaction-scopes';

import { AST_NODE_TYPES } from '@typescript-eslint/types';

import { createRule } from '../lib/create-rule';
import { DEFAULT_INSTANCE_PATTERN } from '../lib/project/sequelize-instances';
import { helperNames, TRANSACTION_HELPERS_SCHEMA } from '../lib/project/transaction-helpers';
import { sharedTransactionTracking } from '../lib/project/transaction-scopes';
import { managedRewrite } from './no-unreleased-transaction/managed-rewrite';

export interface NoUnreleasedTransactionOptions {
  instancePattern: string;
  transactionHelpers: Partial<TransactionHelperNames>;
}

export type Options = [Partial<NoUnreleasedTransactionOptions>];

export type MessageIds = 'carriedUnreleased' | 'handedOff' | 'unreleased' | 'useManagedTransaction';

const DEFAULT_OPTIONS: NoUnreleasedTransactionOptions = {
  instancePattern: DEFAULT_INSTANCE_PATTERN,
  transactionHelpers: {},
};

/** The innermost `catch` of `fn` whose `try` block holds `node`, or null. */
function catchingHandler(node: TSESTree.Node, fn: TSESTree.Node): TSESTree.CatchClause | null {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current != null && current !== fn; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.TryStatement && current.block === child && current.handler !== null) return current.handler;
  }
  return null;
}

/** At most this many exception lines are listed; the rest are counted. */
const MAX_LISTED_LINES = 4;

/** `35`, `35 or 46`, `35, 46 or 48`, `35, 46, 48, 53 or 2 other lines`. */
function listLines(lines: number[]): string {
  if (lines.length > MAX_LISTED_LINES + 1) {
    const rest = lines.length - MAX_LISTED_LINES;
    return `${lines.slice(0, MAX_LISTED_LINES).join(', ')} or ${rest} other lines`;
  }
  if (lines.length === 1) return String(lines[0]);
  return `${lines.slice(0, -1).join(', ')} or ${lines.at(-1)}`;
}

/** The leaking paths in words: `it returns at line 43 without commit or rollback; an exception at line 35 leaves it open`. */
export function describeLeaks(leaks: readonly LeakPath[]): string {
  const parts: string[] = [];
  for (const leak of leaks) {
    switch (leak.kind) {
      case 'return':
        parts.push(`it returns at line ${leak.line} without commit or rollback`);
        break;
      case 'throw':
        parts.push(`it throws at line ${leak.line} without rollback`);
        break;
      case 'end':
        parts.push(`the function ends at line ${leak.line} without commit or rollback`);
        break;
      case 'overwrite':
        parts.push(`it is replaced at line ${leak.line} while still open`);
        break;
      case 'rejection':
        parts.push(`its promise chain commits at line ${leak.line} but nothing rolls it back when a query in it rejects (no \`.catch()\` calls \`rollback()\`)`);
        break;
      case 'unawaited':
        parts.push(`the async helper is called without \`await\` at line ${leak.line}, so the transaction it begins is never committed or rolled back (what is bound here is a promise)`);
        break;
      case 'exception':
        break;
    }
  }
  const exceptions = leaks.filter((leak) => leak.kind === 'exception').map((leak) => leak.line);
  if (exceptions.length > 0) parts.push(`an exception at line ${listLines(exceptions)} leaves it open`);
  return parts.join('; ');
}

export default createRule<Options, MessageIds>({
  name: 'no-unreleased-transaction',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require every unmanaged Sequelize transaction to be committed or rolled back on every path, exceptions included',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      unreleased:
        'Transaction `{{name}}` from `{{call}}` can be left open: {{paths}}. An unfinished transaction keeps its pool connection checked out for good (nothing times it out) and `sequelize.close()` never resolves. Commit or roll back on every path (roll back in `catch` or `finally`), or use a managed transaction.',
      carriedUnreleased:
        '`{{name}}`, the request\'s transaction, which this middleware ends at line {{line}}, is left open {{where}}: it neither commits or rolls it back nor calls `next()`, so no later middleware ends it either, and it keeps its pool connection checked out for good (nothing times it out). Roll it back there too.',
      handedOff:
        'The transaction from `{{call}}()` is handed to `{{helper}}()` (line {{line}}), which only passes it on to queries: nothing commits or rolls it back, so it keeps its pool connection checked out for good (nothing times it out) and `sequelize.close()` never resolves. Bind it, then commit or roll back on every path, or use a managed transaction.',
      useManagedTransaction:
        'Rewrite as a managed transaction: `{{receiver}}.transaction(async ({{name}}) => { … })` commits when the callback resolves and rolls back when it throws.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          instancePattern: {
            type: 'string',
            description:
              'Regular expression for receiver names treated as Sequelize instances when analysis cannot prove what they are (`sequelize.transaction()`, `this.db.transaction()`).',
          },
          transactionHelpers: TRANSACTION_HELPERS_SCHEMA,
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  create(context, [options]) {
    const { instancePattern, transactionHelpers } = { ...DEFAULT_OPTIONS, ...options };
    const names = helperNames(transactionHelpers);
    const { sourceCode } = context;
    // Cheap exit: most files never mention transactions (`createTransaction()` counts).
    if (!/transaction/iu.test(sourceCode.text) && names.begin.length === 0) return {};
    // One tracking per file for both transaction rules (require-transaction-option shares it when its options match).
    const tracking = sharedTransactionTracking(context, instancePattern, names);

    function report(scope: UnmanagedScope, leaks: LeakPath[]): void {
      const name = scope.variable.name;
      const receiver = sourceCode.getText(scope.receiver);
      const fix = scope.helper === undefined ? managedRewrite(sourceCode, scope) : null;
      const call = scope.helper === undefined ? `${receiver}.transaction()` : `${receiver}()`;
      context.report({
        node: scope.call,
        messageId: 'unreleased',
        data: { name, call, paths: describeLeaks(leaks) },
        suggest: fix === null ? [] : [{ messageId: 'useManagedTransaction', data: { receiver, name }, fix }],
      });
    }

    /** One report per way out: at the `catch` that swallows the exceptions, or at the `return` / end of the function. */
    function reportCarried(leak: CarriedLeak): void {
      const line = String(leak.release.loc.start.line);
      const byCatch = new Map<TSESTree.CatchClause, number[]>();
      for (const path of leak.leaks) {
        const handler = path.kind === 'exception' || path.kind === 'throw' ? catchingHandler(path.node, leak.fn) : null;
        if (handler !== null) {
          byCatch.set(handler, [...(byCatch.get(handler) ?? []), path.line]);
          continue;
        }
        const node = path.kind === 'return' ? path.node : leak.fn;
        const where = path.kind === 'return' ? `when it returns at line ${path.line}` : `when ${describeLeaks([path])}`;
        context.report({ node, messageId: 'carriedUnreleased', data: { name: leak.expression, line, where } });
      }
      for (const [handler, lines] of byCatch) {
        const where = `when an exception at line ${listLines(lines)} ends in the catch at line ${handler.loc.start.line}`;
        context.report({ node: handler, messageId: 'carriedUnreleased', data: { name: leak.expression, line, where } });
      }
    }

    return tracking.listeners((scopes, _timeline, orphans, carriedLeaks) => {
      for (const scope of scopes) {
        if (scope.form !== 'unmanaged' || scope.leaks === null || scope.leaks.length === 0) continue;
        report(scope, scope.leaks);
      }
      for (const leak of carriedLeaks) reportCarried(leak);
      for (const orphan of orphans) {
        context.report({
          node: orphan.call,
          messageId: 'handedOff',
          data: { call: orphan.begun, helper: orphan.handedTo, line: String(orphan.handedAt.loc.start.line) },
        });
      }
    });
  },
});
