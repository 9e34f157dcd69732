import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_TOKEN_TYPES } from '@typescript-eslint/utils';

/**
 * Inserts `key: value` entries at the end of an object literal, keeping its layout: one entry per line in a
 * multi-line object (same indentation as the existing entries, trailing comma kept if the object uses one),
 * inline in a one-line object.
 */
export function insertObjectEntries(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  object: TSESTree.ObjectExpression,
  entries: readonly string[],
): TSESLint.RuleFix {
  const last = object.properties.at(-1);
  const closing = sourceCode.getLastToken(object);
  if (last === undefined || closing === null) {
    return fixer.replaceText(object, `{ ${entries.join(', ')} }`);
  }
  const afterLast = sourceCode.getTokenAfter(last);
  const trailingComma = afterLast?.type === AST_TOKEN_TYPES.Punctuator && afterLast.value === ',' ? afterLast : null;
  const multiLine = last.loc.end.line !== closing.loc.start.line;
  if (multiLine) {
    const indent = indentationOf(sourceCode, last);
    const lines = entries.map((entry) => `\n${indent}${entry}`);
    if (trailingComma !== null) return fixer.insertTextAfter(trailingComma, lines.map((line) => `${line},`).join(''));
    return fixer.insertTextAfter(last, `,${lines.join(',')}`);
  }
  if (trailingComma !== null) return fixer.insertTextAfter(trailingComma, ` ${entries.join(', ')},`);
  return fixer.insertTextAfter(last, `, ${entries.join(', ')}`);
}

/** Renders `{ a: 1, b: 2 }` as an object literal, multi-line when `indent` (of the enclosing entry) is given. */
export function objectLiteral(entries: readonly string[], layout: { indent: string; unit: string } | null): string {
  if (layout === null) return `{ ${entries.join(', ')} }`;
  const inner = entries.map((entry) => `${layout.indent}${layout.unit}${entry},`).join('\n');
  return `{\n${inner}\n${layout.indent}}`;
}

/** The whitespace before the first token on `node`'s first line. */
export function indentationOf(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node | TSESTree.Token): string {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
  return /^\s*/u.exec(line)?.[0] ?? '';
}

/** The layout new entries of `object` should use, or null when the object is written on one line. */
export function objectLayout(
  sourceCode: Readonly<TSESLint.SourceCode>,
  object: TSESTree.ObjectExpression,
): { indent: string; unit: string } | null {
  const last = object.properties.at(-1);
  if (last === undefined || last.loc.end.line === object.loc.end.line) return null;
  const indent = indentationOf(sourceCode, last);
  const outer = indentationOf(sourceCode, object);
  const unit = indent.startsWith(outer) && indent.length > outer.length ? indent.slice(outer.length) : '  ';
  return { indent, unit };
}
