import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import type { PoolKey } from '../lib/sequelize-facts';
import type { PoolState, SequelizeConstruction } from '../lib/file-analysis/sequelize-options';

import path from 'node:path';

import type { ConstructionPools } from '../lib/project/construction-pools';

import { environmentStringSource, hostFromSourceCode } from '../lib/file-analysis/ast';
import { constructionPools, defaultsMajor, unsetKeys, versionLabel } from '../lib/project/construction-pools';
import { textMayConstructSequelize } from '../lib/project/construction-text';
import { createRule } from '../lib/create-rule';
import { insertObjectEntries, objectLayout, objectLiteral, removeProperty } from '../lib/edits/object-fixes';
import { LIFECYCLE_KEYS, POOL_KEYS, poolDefaults, RECOMMENDED_POOL, ZERO_FALLBACKS } from '../lib/sequelize-facts';
import { poolKeyState, poolsInsideReplication, poolState, sequelizeConstruction } from '../lib/file-analysis/sequelize-options';

export interface LifecycleOptions {
  defaults: Partial<Record<PoolKey, number>>;
  reportUnresolved: boolean;
  required: PoolKey[];
}

export type Options = [Partial<LifecycleOptions>];

const DEFAULT_OPTIONS: LifecycleOptions = {
  required: [...LIFECYCLE_KEYS],
  defaults: { ...RECOMMENDED_POOL },
  reportUnresolved: false,
};

export type MessageIds =
  | 'addMissingKeys'
  | 'addPool'
  | 'configMissingKeys'
  | 'missingKeys'
  | 'missingPool'
  | 'poolInReplication'
  | 'removeZeroMaxUses'
  | 'replaceZero'
  | 'stringFromEnvironment'
  | 'unresolvedOptions'
  | 'zeroMax'
  | 'zeroMaxUses'
  | 'wrapInNumber'
  | 'zeroValue';

type ZeroKey = 'acquire' | 'evict' | 'idle';

/** What Sequelize uses for a key the user did not set: the project's major's default, or nothing for `maxUses`. */
function sequelizeDefault(key: PoolKey, major: Parameters<typeof poolDefaults>[0]): string {
  return key === 'maxUses' ? 'maxUses: Infinity' : `${key}: ${poolDefaults(major)[key]}`;
}

/** `a, b and c`. */
function listKeys(keys: readonly string[]): string {
  if (keys.length <= 1) return keys.join('');
  return `${keys.slice(0, -1).join(', ')} and ${keys.at(-1) ?? ''}`;
}

export default createRule<Options, MessageIds>({
  name: 'require-lifecycle-options',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require every `new Sequelize()` to set its pool size and lifecycle (`max`, `min`, `idle`, `acquire`, `evict`) explicitly',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      missingPool:
        'This Sequelize instance has no `pool` option, so {{version}} silently uses {{defaults}} for each process. Set `pool` with {{missing}} explicitly, sized to your connection budget.',
      missingKeys:
        '`pool` does not set {{missing}}, so {{version}} silently uses {{defaults}}. Set every lifecycle key explicitly so it can be reviewed and tuned from config.',
      configMissingKeys:
        'This instance takes its options from {{files}}, whose {{environments}} pool does not set {{missing}}, so {{version}} silently uses {{defaults}} there. Set every lifecycle key in the config file so it can be reviewed and tuned.',
      zeroValue:
        '`{{key}}: {{written}}` does not turn it off: sequelize-pool 7 (used by Sequelize v6) reads {{written}} as unset and uses {{fallback}} instead. Set the number of milliseconds you mean.',
      stringFromEnvironment:
        '`{{key}}` is a string whenever {{variable}} is set (environment variables are strings), and sequelize-pool throws "{{key}} must be {{requirement}}" when the instance is created. Convert it with `Number(…)`.',
      zeroMax:
        '`max: {{value}}` stops Sequelize from starting: sequelize-pool throws "max must be an integer > 0" when the instance is created.',
      zeroMaxUses:
        '`maxUses: 0` does not mean "never reuse": sequelize-pool 7 reads 0 as unset, so connections are reused without limit (Infinity). Remove it or set a positive number of uses.',
      poolInReplication:
        '`pool` inside `{{where}}` is ignored: Sequelize v6 builds both the read and the write pool from the top-level `pool` option. Move these settings to the top-level `pool`.',
      unresolvedOptions:
        'The {{what}} of this Sequelize instance cannot be resolved statically, so its pool lifecycle cannot be checked. Write the pool keys in an object literal (config may still override them) or turn `reportUnresolved` off.',
      addMissingKeys: 'Add {{entries}}.',
      addPool: 'Add `pool: { {{entries}} }`.',
      replaceZero: 'Replace {{written}} with {{value}}.',
      wrapInNumber: 'Convert it: `Number({{written}})`.',
      removeZeroMaxUses: 'Remove `maxUses: 0`.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          required: {
            type: 'array',
            description: 'Pool keys every `new Sequelize()` must set.',
            items: { type: 'string', enum: [...POOL_KEYS] },
            uniqueItems: true,
          },
          defaults: {
            type: 'object',
            description: 'Values the suggestions insert for missing keys.',
            additionalProperties: false,
            properties: Object.fromEntries(
              POOL_KEYS.map((key) => [
                key,
                { type: 'integer', minimum: key === 'max' ? 1 : 0, description: `Value the suggestions insert for \`${key}\`.` },
              ]),
            ),
          },
          reportUnresolved: {
            type: 'boolean',
            description:
              'Also report constructors whose options cannot be resolved statically (from config, a function call or a parameter).',
          },
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  create(context, [options]) {
    // ESLint 9+ and RuleCreator both apply meta.defaultOptions (merging `defaults` key by key); the spread
    // only informs the types.
    const { defaults, reportUnresolved, required } = { ...DEFAULT_OPTIONS, ...options };
    const { sourceCode } = context;
    // Only a construction is judged, and most files have none: a text test skips them before any scope lookup.
    if (!textMayConstructSequelize(sourceCode.text, sourceCode.ast.comments)) return {};
    const host = hostFromSourceCode(sourceCode);
    const pools = (construction: SequelizeConstruction): ConstructionPools =>
      constructionPools(construction, context.physicalFilename, host, context.cwd);
    // Several constructors may share one options object: report each property once.
    const reported = new Set<TSESTree.Node>();
    // Keys without a configured default (only `maxUses` by default) are left out of suggestions.
    const entriesFor = (keys: readonly PoolKey[]): string[] =>
      keys.flatMap((key) => (defaults[key] === undefined ? [] : [`${key}: ${defaults[key]}`]));

    function checkMissingPool(construction: SequelizeConstruction): void {
      const entries = entriesFor(required);
      const { version } = pools(construction);
      context.report({
        node: construction.node,
        messageId: 'missingPool',
        data: {
          defaults: required.map((key) => sequelizeDefault(key, defaultsMajor(version))).join(', '),
          missing: listKeys(required),
          version: versionLabel(version),
        },
        suggest:
          entries.length === 0
            ? []
            : [
                {
                  messageId: 'addPool',
                  data: { entries: entries.join(', ') },
                  fix: (fixer) => addPoolFix(fixer, construction, entries),
                },
              ],
      });
    }

    function addPoolFix(
      fixer: TSESLint.RuleFixer,
      construction: SequelizeConstruction,
      entries: string[],
    ): TSESLint.RuleFix | null {
      const { options, node } = construction;
      if (options.kind === 'object') {
        // `pool: undefined` is written but unset: inserting another `pool` key would shadow it silently.
        if (options.properties.has('pool')) return null;
        const layout = objectLayout(sourceCode, options.node);
        return insertObjectEntries(fixer, sourceCode, options.node, [`pool: ${objectLiteral(entries, layout)}`]);
      }
      // No options argument: add one where this constructor form takes it.
      const poolOption = `{ pool: ${objectLiteral(entries, null)} }`;
      const last = node.arguments.at(-1);
      const count = node.arguments.length;
      if (construction.form === 'uri' && count === 1 && last !== undefined) {
        return fixer.insertTextAfter(last, `, ${poolOption}`);
      }
      if (construction.form === 'credentials' && count === 3 && last !== undefined) {
        return fixer.insertTextAfter(last, `, ${poolOption}`);
      }
      if (count === 0) {
        const closing = sourceCode.getLastToken(node);
        if (closing?.value === ')') return fixer.insertTextBefore(closing, poolOption);
      }
      return null;
    }

    function checkPoolKeys(construction: SequelizeConstruction, pool: PoolState & { state: 'known' }): void {
      const missing = required.filter((key) => poolKeyState(pool, key).state === 'default');
      const location = pool.property ?? construction.node;
      if (missing.length > 0 && !reported.has(location)) {
        reported.add(location);
        const entries = entriesFor(missing);
        const { version } = pools(construction);
        context.report({
          node: location,
          messageId: 'missingKeys',
          data: {
            missing: listKeys(missing),
            defaults: missing.map((key) => sequelizeDefault(key, defaultsMajor(version))).join(', '),
            version: versionLabel(version),
          },
          suggest:
            entries.length === 0
              ? []
              : [
                  {
                    messageId: 'addMissingKeys',
                    data: { entries: entries.join(', ') },
                    fix: (fixer) => insertObjectEntries(fixer, sourceCode, pool.pool.node, entries),
                  },
                ],
        });
      }
      // @sequelize/core (v7) uses sequelize-pool 8, which takes 0 literally: these findings are v6-only.
      if (construction.module === '@sequelize/core') return;
      for (const key of ['max', 'min'] as const) {
        const keyState = poolKeyState(pool, key);
        if (keyState.state !== 'set' || reported.has(keyState.property)) continue;
        const variable = environmentStringSource(keyState.property.value);
        if (variable === null) continue;
        reported.add(keyState.property);
        const written = sourceCode.getText(keyState.property.value);
        context.report({
          node: keyState.property,
          messageId: 'stringFromEnvironment',
          data: { key, variable, requirement: key === 'max' ? 'an integer > 0' : 'an integer >= 0' },
          suggest: [
            {
              messageId: 'wrapInNumber',
              data: { written },
              fix: (fixer) => fixer.replaceText(keyState.property.value, `Number(${written})`),
            },
          ],
        });
      }
      const maxState = poolKeyState(pool, 'max');
      if (
        maxState.state === 'set' &&
        maxState.value.kind === 'number' &&
        !maxState.value.viaFallback &&
        maxState.value.value < 1 &&
        !reported.has(maxState.property)
      ) {
        reported.add(maxState.property);
        reportZeroMax(maxState.property, maxState.value.node);
      }
      for (const key of Object.keys(ZERO_FALLBACKS) as (keyof typeof ZERO_FALLBACKS)[]) {
        const keyState = poolKeyState(pool, key);
        if (keyState.state !== 'set' || reported.has(keyState.property)) continue;
        const { value } = keyState;
        // `x || fallback` treats null exactly like 0 (maxUses: null is rejected outright, so only 0 there).
        const isZero = value.kind === 'number' && value.value === 0 && !value.viaFallback;
        const isNull = value.kind === 'null' && key !== 'maxUses';
        if (!isZero && !isNull) continue;
        reported.add(keyState.property);
        reportZero(key, keyState.property, value.node, isZero ? '0' : 'null');
      }
    }

    function reportZeroMax(property: TSESTree.Property, value: TSESTree.Node): void {
      const replacement = defaults.max ?? RECOMMENDED_POOL.max;
      context.report({
        node: property,
        messageId: 'zeroMax',
        data: { value: sourceCode.getText(value) },
        suggest: [
          {
            messageId: 'replaceZero',
            data: { written: sourceCode.getText(value), value: String(replacement) },
            fix: (fixer) => fixer.replaceText(value, String(replacement)),
          },
        ],
      });
    }

    function reportZero(
      key: keyof typeof ZERO_FALLBACKS,
      property: TSESTree.Property,
      zero: TSESTree.Node,
      written: string,
    ): void {
      if (key === 'maxUses') {
        context.report({
          node: property,
          messageId: 'zeroMaxUses',
          suggest: [{ messageId: 'removeZeroMaxUses', fix: (fixer) => removeProperty(fixer, sourceCode, property) }],
        });
        return;
      }
      const replacement = defaults[key satisfies ZeroKey] ?? RECOMMENDED_POOL[key];
      context.report({
        node: property,
        messageId: 'zeroValue',
        data: { key, written, fallback: ZERO_FALLBACKS[key] },
        suggest: [
          {
            messageId: 'replaceZero',
            data: { written, value: String(replacement) },
            fix: (fixer) => fixer.replaceText(zero, String(replacement)),
          },
        ],
      });
    }

    /**
     * Options from config files (sequelize-cli's config.json/config.js per environment, node-config's
     * `db.options.pool`): the keys no environment's pool sets, reported at the `new Sequelize`, naming the files
     * and environments. Keys an environment variable may set, or that the analysis cannot read, are not reported.
     */
    function checkConfigPools(construction: SequelizeConstruction, info: ConstructionPools): void {
      const groups = new Map<string, { environments: string[]; missing: PoolKey[]; files: Set<string> }>();
      const relative = (file: string): string => path.relative(info.root, file).split(path.sep).join('/');
      for (const pool of info.pools) {
        if (pool.usesPool === false || pool.configFiles.length === 0) continue;
        const missing = unsetKeys(pool, required);
        if (missing.length === 0) continue;
        const key = missing.join(',');
        const group = groups.get(key) ?? { environments: [], missing, files: new Set<string>() };
        group.environments.push(pool.environment);
        // Name the files that hold this environment's pool (where the missing keys belong), else every file read.
        const holding = POOL_KEYS.flatMap((poolKey) => {
          const origin = pool.pool[poolKey].origin;
          return origin.kind === 'config-file' ? [origin.file] : [];
        });
        const named = holding.length > 0 ? holding : pool.configFiles.filter((file) => !/custom-environment-variables\.[^.]+$/u.test(file));
        for (const file of named) group.files.add(relative(file));
        groups.set(key, group);
      }
      const major = defaultsMajor(info.version);
      for (const group of groups.values()) {
        const quoted = group.environments.map((name) => `"${name}"`);
        context.report({
          node: construction.node,
          messageId: 'configMissingKeys',
          data: {
            files: listKeys([...group.files].sort()),
            environments: quoted.length === 1 ? `${quoted[0] ?? ''} environment's` : `${listKeys(quoted)} environments'`,
            missing: listKeys(group.missing),
            defaults: group.missing.map((key) => sequelizeDefault(key, major)).join(', '),
            version: versionLabel(info.version),
          },
        });
      }
    }

    return {
      NewExpression(node) {
        const construction = sequelizeConstruction(host, node);
        if (construction === null) return;
        // SQLite (a provable dialect, Sequelize v4 to v6) builds no pool: its pool options have no effect.
        if (pools(construction).usesPool === false) return;
        for (const misplaced of poolsInsideReplication(construction)) {
          if (reported.has(misplaced.property)) continue;
          reported.add(misplaced.property);
          context.report({ node: misplaced.property, messageId: 'poolInReplication', data: { where: misplaced.where } });
        }
        const pool = poolState(construction);
        if (pool.state === 'absent') {
          if (required.length > 0) checkMissingPool(construction);
          return;
        }
        if (pool.state === 'known') {
          checkPoolKeys(construction, pool);
          return;
        }
        if (pools(construction).fromConfig) {
          checkConfigPools(construction, pools(construction));
          return;
        }
        if (reportUnresolved) {
          const poolProperty = construction.options.kind === 'object' ? construction.options.properties.get('pool') : undefined;
          context.report({
            node: poolProperty?.property ?? node,
            messageId: 'unresolvedOptions',
            data: { what: poolProperty === undefined ? 'options' : '`pool` option' },
          });
        }
      },
    };
  },
});

