import type { TSESLint } from '@typescript-eslint/utils';

import maxConnectionsBudget from './max-connections-budget';
import requireLifecycleOptions from './require-lifecycle-options';

/** Every rule, alphabetical. */
export default {
  'max-connections-budget': maxConnectionsBudget,
  'require-lifecycle-options': requireLifecycleOptions,
} satisfies Record<string, TSESLint.RuleModule<string, unknown[]>>;
