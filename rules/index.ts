import type { TSESLint } from '@typescript-eslint/utils';

import maxConnectionsBudget from './max-connections-budget';
import noUnreleasedTransaction from './no-unreleased-transaction';
import requireLifecycleOptions from './require-lifecycle-options';
import requireTransactionOption from './require-transaction-option';
import singleInstance from './single-instance';

/** Every rule, alphabetical. */
export default {
  'max-connections-budget': maxConnectionsBudget,
  'no-unreleased-transaction': noUnreleasedTransaction,
  'require-lifecycle-options': requireLifecycleOptions,
  'require-transaction-option': requireTransactionOption,
  'single-instance': singleInstance,
} satisfies Record<string, TSESLint.RuleModule<string, unknown[]>>;
