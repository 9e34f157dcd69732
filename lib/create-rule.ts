import { ESLintUtils } from '@typescript-eslint/utils';

/** Extra `meta.docs` fields: eslint-doc-generator and the configs read `recommended`. */
export interface PluginDocs {
  description: string;
  recommended?: boolean;
  requiresTypeChecking?: boolean;
}

export const REPOSITORY_URL = 'https://github.com/sequelize-pool/eslint-plugin-sequelize-pool';

/** Every rule is made here so that its docs URL points at docs/rules/<name>.md. */
export const createRule = ESLintUtils.RuleCreator<PluginDocs>(
  (name) => `${REPOSITORY_URL}/blob/main/docs/rules/${name}.md`,
);
