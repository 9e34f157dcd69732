/**
 * The values of `@typescript-eslint/scope-manager`'s `DefinitionType` and `ScopeType` enums that the analysis
 * compares with, typed as those enums. Importing the enums themselves loads scope-manager at start-up (with its
 * TypeScript lib globals, ~130 ms), although a JavaScript project's lint never runs it: ESLint analyses scopes with
 * eslint-scope, and project-modules loads scope-manager only for a TypeScript module. test/lib/scope-kinds.test.ts
 * checks every value against the enums.
 */
import type { DefinitionType as DefinitionTypes, ScopeType as ScopeTypes } from '@typescript-eslint/scope-manager';

export const DefinitionType = {
  ClassName: 'ClassName',
  FunctionName: 'FunctionName',
  ImportBinding: 'ImportBinding',
  Parameter: 'Parameter',
  Variable: 'Variable',
} as const satisfies Partial<Record<keyof typeof DefinitionTypes, string>> as unknown as Pick<
  typeof DefinitionTypes,
  'ClassName' | 'FunctionName' | 'ImportBinding' | 'Parameter' | 'Variable'
>;

export const ScopeType = {
  functionExpressionName: 'function-expression-name',
  global: 'global',
} as const satisfies Partial<Record<keyof typeof ScopeTypes, string>> as unknown as Pick<typeof ScopeTypes, 'functionExpressionName' | 'global'>;
