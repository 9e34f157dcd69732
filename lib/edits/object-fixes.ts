import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import type { TextEdit } from './text-edits';

import { appendObjectEntries, lineIndentation, removeObjectEntry } from './text-edits';

/**
 * A fix that appends `key: value` entries to an object literal in its own layout (see appendObjectEntries):
 * one per line in a multi-line object, inline in a one-line object.
 */
export function insertObjectEntries(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  object: TSESTree.ObjectExpression,
  entries: readonly string[],
): TSESLint.RuleFix {
  return asFix(fixer, appendObjectEntries(sourceCode, object, entries));
}

/** A fix that removes one property with its separating comma (see removeObjectEntry). */
export function removeProperty(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  property: TSESTree.Node,
): TSESLint.RuleFix {
  return asFix(fixer, removeObjectEntry(sourceCode, property));
}

function asFix(fixer: TSESLint.RuleFixer, edit: TextEdit): TSESLint.RuleFix {
  return fixer.replaceTextRange([edit.start, edit.end], edit.text);
}

/** Renders `{ a: 1, b: 2 }` as an object literal, multi-line when `indent` (of the enclosing entry) is given. */
export function objectLiteral(entries: readonly string[], layout: { indent: string; unit: string } | null): string {
  if (layout === null) return `{ ${entries.join(', ')} }`;
  const inner = entries.map((entry) => `${layout.indent}${layout.unit}${entry},`).join('\n');
  return `{\n${inner}\n${layout.indent}}`;
}

/** The layout new entries of `object` should use, or null when the object is written on one line. */
export function objectLayout(
  sourceCode: Readonly<TSESLint.SourceCode>,
  object: TSESTree.ObjectExpression,
): { indent: string; unit: string } | null {
  const last = object.properties.at(-1);
  if (last === undefined || last.loc.end.line === object.loc.end.line) return null;
  const indent = lineIndentation(sourceCode, last.loc.start.line);
  const outer = lineIndentation(sourceCode, object.loc.start.line);
  const unit = indent.startsWith(outer) && indent.length > outer.length ? indent.slice(outer.length) : '  ';
  return { indent, unit };
}
