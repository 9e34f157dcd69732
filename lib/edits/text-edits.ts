import type { TSESTree } from '@typescript-eslint/utils';

import { AST_TOKEN_TYPES } from '@typescript-eslint/types';

/**
 * The token lookups the edits need: ESLint's `SourceCode` in a rule, the codemod's own parsed file (no ESLint)
 * in the CLI.
 */
export interface TokenSource {
  readonly text: string;
  readonly lines: readonly string[];
  getLastToken(node: TSESTree.Node): TSESTree.Token | null;
  getTokenAfter(node: TSESTree.Node | TSESTree.Token, options?: { includeComments?: boolean }): TSESTree.Token | null;
  getTokenBefore(node: TSESTree.Node | TSESTree.Token): TSESTree.Token | null;
}

/** Replace `source[start, end)` with `text`; an insertion has `start === end`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits; untouched text is kept byte for byte. Linear in the size of the source plus the
 * edits: the result is built from slices in one pass (splicing the whole string per edit was quadratic, and a
 * file with thousands of constructions took minutes).
 */
export function applyTextEdits(source: string, edits: readonly TextEdit[]): string {
  // As when edits were applied from the end: insertions at one offset come out in reverse order of arrival, and
  // before a replacement that starts there.
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || b.index - a.index)
    .map(({ edit }) => edit);
  const parts: string[] = [];
  let position = 0;
  for (const edit of sorted) {
    if (edit.start < position) throw new Error(`overlapping edits at offset ${edit.start}`);
    parts.push(source.slice(position, edit.start), edit.text);
    position = edit.end;
  }
  parts.push(source.slice(position));
  return parts.join('');
}

/** The whitespace before the first token on the line where `offset` is. */
export function lineIndentation(sourceCode: TokenSource, line: number): string {
  return /^\s*/u.exec(sourceCode.lines[line - 1] ?? '')?.[0] ?? '';
}

/**
 * The edit that appends `entries` (`key: value` texts) to an object literal in its own layout: one per line
 * in a multi-line object (keeping a trailing comma if it has one), inline in a one-line object.
 */
export function appendObjectEntries(
  sourceCode: TokenSource,
  object: TSESTree.ObjectExpression,
  entries: readonly string[],
): TextEdit {
  const last = object.properties.at(-1);
  if (last === undefined) {
    return { start: object.range[0], end: object.range[1], text: `{ ${entries.join(', ')} }` };
  }
  const closing = sourceCode.getLastToken(object);
  const afterLast = sourceCode.getTokenAfter(last);
  const trailingComma = afterLast !== null && afterLast.value === ',' && afterLast !== closing ? afterLast : null;
  const multiLine = closing !== null && last.loc.end.line !== closing.loc.start.line;
  if (multiLine) {
    const indent = lineIndentation(sourceCode, last.loc.start.line);
    const lines = entries.map((entry) => `\n${indent}${entry}`);
    if (trailingComma !== null) {
      // A comment after the comma on the same line (`pool: { … }, // tuned`) stays with its entry.
      const comment = sourceCode.getTokenAfter(trailingComma, { includeComments: true });
      const at =
        comment !== null && comment.type === AST_TOKEN_TYPES.Line && comment.loc.start.line === trailingComma.loc.end.line
          ? comment.range[1]
          : trailingComma.range[1];
      return { start: at, end: at, text: lines.map((line) => `${line},`).join('') };
    }
    return { start: last.range[1], end: last.range[1], text: `,${lines.join(',')}` };
  }
  if (trailingComma !== null) {
    return { start: trailingComma.range[1], end: trailingComma.range[1], text: ` ${entries.join(', ')},` };
  }
  return { start: last.range[1], end: last.range[1], text: `, ${entries.join(', ')}` };
}

/** The edit that removes one property and the comma that separates it from its neighbours. */
export function removeObjectEntry(sourceCode: TokenSource, property: TSESTree.Node): TextEdit {
  const { text } = sourceCode;
  const after = sourceCode.getTokenAfter(property);
  // A property alone on its line(s) goes with its line.
  const lineStart = text.lastIndexOf('\n', property.range[0] - 1) + 1;
  const entryEnd = after?.value === ',' ? after.range[1] : property.range[1];
  const lineEnd = text.indexOf('\n', entryEnd);
  if (
    text.slice(lineStart, property.range[0]).trim() === '' &&
    lineEnd !== -1 &&
    text.slice(entryEnd, lineEnd).trim() === '' &&
    (after?.value === ',' || sourceCode.getTokenBefore(property)?.value === ',')
  ) {
    if (after?.value === ',') return { start: lineStart, end: lineEnd + 1, text: '' };
  }
  const before = sourceCode.getTokenBefore(property);
  if (after?.value === ',') {
    // Take the whitespace up to the next token too, so no blank gap is left.
    const next = sourceCode.getTokenAfter(after, { includeComments: true });
    const end = next !== null && next.loc.start.line === after.loc.end.line ? next.range[0] : after.range[1];
    return { start: property.range[0], end, text: '' };
  }
  if (before?.value === ',') return { start: before.range[0], end: property.range[1], text: '' };
  return { start: property.range[0], end: property.range[1], text: '' };
}
