/** The expected report of require-transaction-option's `missingTransaction` (or CLS variant), for the rule tests. */
export interface Expected {
  query: string;
  line: number;
  column: number;
  scopeLine: number;
  name?: string;
  /** The suggestion's output; omitted when the rule cannot offer one. */
  output?: string;
  /** `addTransactionOption` (default) or `passOptions`. */
  suggestion?: 'addTransactionOption' | 'passOptions';
  messageId?: 'missingTransaction' | 'missingTransactionCls';
}

export function missing({ query, line, column, scopeLine, name = 't', output, suggestion = 'addTransactionOption', messageId = 'missingTransaction' }: Expected) {
  const option = name === 'transaction' ? 'transaction' : `transaction: ${name}`;
  return {
    messageId,
    line,
    column,
    data: { query, name, line: String(scopeLine) },
    suggestions: output === undefined ? [] : [{ messageId: suggestion, data: { option }, output }],
  };
}
