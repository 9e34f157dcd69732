import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';

import type { UnmanagedScope } from '../../lib/project/transaction-scopes';

import { memberName, skipTypeWrappers } from '../../lib/file-analysis/ast';
import { lineIndentation } from '../../lib/edits/text-edits';

/**
 * The suggestion of `no-unreleased-transaction`: rewrite an unmanaged transaction as a managed one,
 * `sequelize.transaction(async (t) => { … })`, when the code has one of two shapes that keep their meaning:
 *
 *     const t = await sequelize.transaction();   |   const t = await sequelize.transaction();
 *     …statements…                               |   try { …statements…; await t.commit(); }
 *     await t.commit();                          |   catch (error) { await t.rollback(); … }
 *
 * and the statements neither return nor break out, nor declare what later code reads. The managed form commits when
 * the callback resolves and rolls back (then rethrows) when it throws, so a `catch` that only rolled back and
 * rethrew disappears, and any other `catch` keeps its other statements around the managed call.
 */
export function managedRewrite(
  sourceCode: Readonly<TSESLint.SourceCode>,
  scope: UnmanagedScope,
): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix) | null {
  const declarator = scope.binding;
  if (declarator.type !== AST_NODE_TYPES.VariableDeclarator) return null;
  const declaration = declarator.parent;
  if (declaration.type !== AST_NODE_TYPES.VariableDeclaration || declaration.declarations.length !== 1) return null;
  if (declarator.id.type !== AST_NODE_TYPES.Identifier || declarator.id.typeAnnotation !== undefined) return null;
  // Only `await x.transaction(…)` exactly: wrappers would be lost.
  if (declarator.init?.type !== AST_NODE_TYPES.AwaitExpression || declarator.init.argument !== scope.call) return null;
  const list = statementList(declaration);
  if (list === null) return null;
  const index = list.indexOf(declaration);
  const name = declarator.id.name;
  const variable = scope.variable;

  const straight = list.slice(index + 1).findIndex((statement) => isAwaitedRelease(statement, name, 'commit'));
  if (straight !== -1) {
    const commit = list[index + 1 + straight] as TSESTree.Statement;
    const body = list.slice(index + 1, index + 1 + straight);
    if (!canMove(sourceCode, body, variable, [declaration.range[0], commit.range[1]])) return null;
    const text = bodyText(sourceCode, declaration.range[1], commit);
    return (fixer) => fixer.replaceTextRange([declaration.range[0], commit.range[1]], managedCall(sourceCode, scope, declaration, name, text, 0));
  }

  const next = list[index + 1];
  if (next?.type !== AST_NODE_TYPES.TryStatement || next.finalizer !== null || next.handler === null) return null;
  const commit = next.block.body.at(-1);
  if (commit === undefined || !isAwaitedRelease(commit, name, 'commit')) return null;
  const body = next.block.body.slice(0, -1);
  const handler = next.handler;
  const rollbacks = handler.body.body.filter((statement) => isAwaitedRelease(statement, name, 'rollback'));
  const kept = handler.body.body.filter((statement) => !rollbacks.includes(statement));
  const handlerUsesTransaction = variable.references.some(
    (reference) =>
      reference.identifier.range[0] >= handler.range[0] &&
      reference.identifier.range[1] <= handler.range[1] &&
      !rollbacks.some((rollback) => reference.identifier.range[0] >= rollback.range[0] && reference.identifier.range[1] <= rollback.range[1]),
  );
  if (handlerUsesTransaction) return null;
  if (!canMove(sourceCode, body, variable, [declaration.range[0], next.range[1]])) return null;
  const openBrace = sourceCode.getFirstToken(next.block);
  if (openBrace === null) return null;
  const onlyRethrows =
    kept.length === 1 &&
    kept[0]?.type === AST_NODE_TYPES.ThrowStatement &&
    handler.param?.type === AST_NODE_TYPES.Identifier &&
    kept[0].argument.type === AST_NODE_TYPES.Identifier &&
    kept[0].argument.name === handler.param.name;
  if (onlyRethrows) {
    const text = bodyText(sourceCode, openBrace.range[1], commit);
    return (fixer) =>
      fixer.replaceTextRange([declaration.range[0], next.range[1]], managedCall(sourceCode, scope, declaration, name, text, 1));
  }
  // Keep the `catch` (logging, mapping errors) around the managed call, without the rollbacks it no longer needs.
  if (rollbacks.some((rollback) => !ownsItsLine(sourceCode, rollback))) return null;
  let handlerText = sourceCode.getText(handler);
  for (const rollback of [...rollbacks].reverse()) {
    const lineStart = rollback.range[0] - rollback.loc.start.column;
    const lineEnd = sourceCode.text.indexOf('\n', rollback.range[1]);
    const end = lineEnd === -1 ? rollback.range[1] : lineEnd + 1;
    handlerText = handlerText.slice(0, lineStart - handler.range[0]) + handlerText.slice(end - handler.range[0]);
  }
  const text = bodyText(sourceCode, openBrace.range[1], commit);
  const indent = indentationOf(sourceCode, declaration);
  const unit = indentUnit(sourceCode, declaration);
  const call = managedCall(sourceCode, scope, declaration, name, text, 1).replace(/\n(?=[^\n])/gu, `\n${unit}`);
  return (fixer) =>
    fixer.replaceTextRange([declaration.range[0], next.range[1]], `try {\n${indent}${unit}${call}\n${indent}} ${handlerText}`);
}

/** The whitespace before the first token on `node`'s first line. */
function indentationOf(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  return lineIndentation(sourceCode, node.loc.start.line);
}

/** The statements `statement` is one of, or null when it is not directly in a block or the program. */
function statementList(statement: TSESTree.Statement): TSESTree.Statement[] | null {
  const parent = statement.parent;
  if (
    parent?.type === AST_NODE_TYPES.BlockStatement ||
    parent?.type === AST_NODE_TYPES.Program ||
    parent?.type === AST_NODE_TYPES.StaticBlock
  ) {
    return parent.body;
  }
  return null;
}

/** `await t.commit();` (or `rollback`) as a statement of its own. */
function isAwaitedRelease(statement: TSESTree.Node, name: string, method: 'commit' | 'rollback'): boolean {
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const awaited = statement.expression;
  if (awaited.type !== AST_NODE_TYPES.AwaitExpression) return false;
  const call = skipTypeWrappers(awaited.argument);
  if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments.length > 0) return false;
  const callee = skipTypeWrappers(call.callee);
  return (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    memberName(callee) === method &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    callee.object.name === name
  );
}

/**
 * Can `body` move into a callback? No `return`/`yield`/`break`/`continue` leaves it, no declaration in it is read
 * outside it, and the transaction is not committed, rolled back, reassigned, or read outside `region`.
 */
function canMove(
  sourceCode: Readonly<TSESLint.SourceCode>,
  body: TSESTree.Statement[],
  variable: TSESLint.Scope.Variable,
  region: [number, number],
): boolean {
  for (const reference of variable.references) {
    const [start, end] = reference.identifier.range;
    if (start < region[0] || end > region[1]) return false;
    if (reference.isWrite() && reference.init !== true) return false;
    const member = reference.identifier.parent;
    if (
      member?.type === AST_NODE_TYPES.MemberExpression &&
      ['commit', 'rollback'].includes(memberName(member) ?? '') &&
      body.some((statement) => start >= statement.range[0] && end <= statement.range[1])
    ) {
      return false;
    }
  }
  if (body.some((statement) => leavesBody(statement, false))) return false;
  const [from, to] = [body[0]?.range[0] ?? region[0], body.at(-1)?.range[1] ?? region[0]];
  for (const statement of body) {
    for (const declared of sourceCode.getDeclaredVariables(declarationOf(statement))) {
      if (declared.references.some((reference) => reference.identifier.range[0] < from || reference.identifier.range[1] > to)) {
        return false;
      }
    }
  }
  return true;
}

function declarationOf(statement: TSESTree.Statement): TSESTree.Node {
  if (
    (statement.type === AST_NODE_TYPES.ExportNamedDeclaration || statement.type === AST_NODE_TYPES.ExportDefaultDeclaration) &&
    statement.declaration !== null
  ) {
    return statement.declaration;
  }
  return statement;
}

/** Does `node` contain a `return`, `yield`, or a `break`/`continue` whose target is outside it? */
function leavesBody(node: TSESTree.Node, insideLoop: boolean): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.YieldExpression:
      return true;
    case AST_NODE_TYPES.BreakStatement:
    case AST_NODE_TYPES.ContinueStatement:
      return node.label !== null || !insideLoop;
    case AST_NODE_TYPES.FunctionDeclaration:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return false;
    default:
      break;
  }
  const loop =
    insideLoop ||
    node.type === AST_NODE_TYPES.ForStatement ||
    node.type === AST_NODE_TYPES.ForInStatement ||
    node.type === AST_NODE_TYPES.ForOfStatement ||
    node.type === AST_NODE_TYPES.WhileStatement ||
    node.type === AST_NODE_TYPES.DoWhileStatement ||
    node.type === AST_NODE_TYPES.SwitchStatement;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent') continue;
    for (const child of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (child !== null && typeof child === 'object' && typeof (child as { type?: unknown }).type === 'string') {
        if (leavesBody(child as TSESTree.Node, loop)) return true;
      }
    }
  }
  return false;
}

function ownsItsLine(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Node): boolean {
  const before = sourceCode.getTokenBefore(statement, { includeComments: true });
  const after = sourceCode.getTokenAfter(statement, { includeComments: true });
  return (
    before?.loc.end.line !== statement.loc.start.line && after?.loc.start.line !== statement.loc.end.line
  );
}

/** The source between `from` and the line of `until`, as lines (the body of the new callback). */
function bodyText(sourceCode: Readonly<TSESLint.SourceCode>, from: number, until: TSESTree.Node): string[] {
  const lineStart = until.range[0] - until.loc.start.column;
  const text = sourceCode.text.slice(from, lineStart);
  const lines = text.split('\n');
  // The rest of the line `from` ends on (usually empty), and the empty string after the last newline.
  if (lines[0]?.trim() === '') lines.shift();
  if (lines.at(-1)?.trim() === '') lines.pop();
  return lines;
}

/** One indentation level, from the statement's indentation relative to its block's. */
function indentUnit(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Node): string {
  const indent = indentationOf(sourceCode, statement);
  const block = statement.parent;
  if (block !== undefined && block.type !== AST_NODE_TYPES.Program) {
    const outer = indentationOf(sourceCode, block);
    if (indent.startsWith(outer) && indent.length > outer.length) return indent.slice(outer.length);
  }
  if (indent.startsWith('\t')) return '\t';
  return '  ';
}

/**
 * `await x.transaction(options, async (t) => {\n…body…\n});`, the body lines re-indented from `depth` levels
 * below the declaration to one level below it.
 */
function managedCall(
  sourceCode: Readonly<TSESLint.SourceCode>,
  scope: UnmanagedScope,
  declaration: TSESTree.Node,
  name: string,
  lines: string[],
  depth: number,
): string {
  const indent = indentationOf(sourceCode, declaration);
  const unit = indentUnit(sourceCode, declaration);
  const extra = unit.repeat(depth);
  const body = lines
    .map((line) => {
      if (line.trim() === '') return '';
      const withoutExtra = line.startsWith(indent + extra) ? line.slice(indent.length + extra.length) : line.trimStart();
      return `${indent}${unit}${withoutExtra}`;
    })
    .join('\n');
  const args = scope.call.arguments.map((argument) => sourceCode.getText(argument));
  const receiver = sourceCode.getText(scope.receiver);
  return `await ${receiver}.transaction(${[...args, `async (${name}) => {`].join(', ')}\n${body}\n${indent}});`;
}
