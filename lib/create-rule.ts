import * as ESLintUtils from '@typescript-eslint/utils/eslint-utils';

/** Extra `meta.docs` fields: eslint-doc-generator and the configs read `recommended`. */
export interface PluginDocs {
  description: string;
  recommended?: boolean;
  requiresTypeChecking?: boolean;
}

export const REPOSITORY_URL = 'https://github.com/sequelize-pool/eslint-plugin-sequelize-pool';

const ruleCreator = ESLintUtils.RuleCreator<PluginDocs>((name) => `${REPOSITORY_URL}/blob/main/docs/rules/${name}.md`);

/** Structural equality of option values (JSON data: arrays, plain objects, strings, numbers, booleans, null). */
function sameOptions(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key, index) => key === bKeys[index] && sameOptions((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Every rule is made here so that its docs URL points at docs/rules/<name>.md. The options merged with the rule's
 * defaults are computed once per distinct options value, not once per linted file: typescript-eslint's merge deep-clones
 * the defaults (`structuredClone`) on every `create`, about 25 µs a file and rule, 3% of a no-op lint of 20,000 files.
 * ESLint 10 hands each file a new options array (its defaults merged with the configuration, the same objects inside
 * when nothing is configured), equal to the previous file's in a run: it is compared with the previous one, element
 * by element, before anything is serialised (a JSON key and a WeakMap entry per file and rule cost more than the
 * rule's own setup). The merged options are shared between files; rules only read them.
 */
export const createRule: typeof ruleCreator = (rule) => {
  const created = ruleCreator(rule);
  type Options = Parameters<typeof rule.create>[1];
  const merged = new Map<string, Options>();
  let previous: { raw: readonly unknown[]; options: Options } | null = null;
  return {
    ...created,
    create(context) {
      if (previous === null || !sameOptions(context.options, previous.raw)) {
        const key = JSON.stringify(context.options);
        let options = merged.get(key);
        if (options === undefined) {
          options = ESLintUtils.applyDefault(rule.meta.defaultOptions ?? rule.defaultOptions ?? [], context.options) as Options;
          merged.set(key, options);
        }
        previous = { raw: context.options, options };
      }
      return rule.create(context, previous.options);
    },
  };
};
