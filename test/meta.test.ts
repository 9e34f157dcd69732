/**
 * The plugin's bookkeeping: rule index, docs pages, configs derived from `meta.docs.recommended`, option schemas
 * and package metadata all agree.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import plugin from '../index';
import rules from '../rules';

const REPO_ROOT = path.resolve(__dirname, '..');
const DOCS_DIR = path.join(REPO_ROOT, 'docs', 'rules');
const PACKAGE = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

type Rule = (typeof rules)[keyof typeof rules];

/** The parts of a JSON schema these checks walk. */
interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode | SchemaNode[];
}

const ruleEntries: [string, Rule][] = Object.entries(rules);
const ruleNames = ruleEntries.map(([name]) => name);

/** A rule's `meta.docs`, which every rule of this plugin must have (configs and docs are derived from it). */
function docsOf(rule: Rule): NonNullable<Rule['meta']['docs']> {
  const { docs } = rule.meta;
  if (docs === undefined) throw new Error('a rule has no meta.docs');
  return docs;
}

const recommendedNames = ruleEntries.filter(([, rule]) => docsOf(rule).recommended === true).map(([name]) => name);

/** Every `properties` entry in a schema, nested ones included, keyed by its dotted path (`defaults.max`). */
function schemaProperties(schema: SchemaNode, prefix = ''): [string, SchemaNode][] {
  const own = Object.entries(schema.properties ?? {}).flatMap(([key, property]): [string, SchemaNode][] => [
    [`${prefix}${key}`, property],
    ...schemaProperties(property, `${prefix}${key}.`),
  ]);
  const items = schema.items === undefined ? [] : [schema.items].flat();
  return [...own, ...items.flatMap((item) => schemaProperties(item, prefix))];
}

/** A rule's schema as a list, one entry per option position. */
function optionSchemas(rule: Rule): SchemaNode[] {
  const schema = rule.meta.schema as SchemaNode | readonly SchemaNode[] | false | undefined;
  if (schema === undefined || schema === false) return [];
  return Array.isArray(schema) ? [...(schema as readonly SchemaNode[])] : [schema as SchemaNode];
}

describe('rules index', () => {
  it('lists the rules alphabetically', () => {
    expect(ruleNames).toEqual([...ruleNames].sort());
  });

  it('is what the plugin exports', () => {
    expect(plugin.rules).toBe(rules);
  });
});

describe.each(ruleEntries)('rule %s', (name, rule) => {
  const docPath = path.join(DOCS_DIR, `${name}.md`);
  const docs = docsOf(rule);

  it('has a docs page', () => {
    expect(existsSync(docPath), `docs/rules/${name}.md is missing`).toBe(true);
  });

  it("has its meta.docs.description as the docs page's title", () => {
    const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
    expect(doc).toContain(docs.description);
    expect(doc.split('\n')[0]).toBe(`# ${docs.description} (\`sequelize-pool/${name}\`)`);
  });

  it('links its docs URL to docs/rules/<name>.md', () => {
    expect(docs.url).toMatch(new RegExp(`/docs/rules/${name}\\.md$`));
  });

  it('describes every schema property, nested ones included', () => {
    const properties = optionSchemas(rule).flatMap((schema) => schemaProperties(schema));
    expect(properties.length).toBeGreaterThan(0);
    const undescribed = properties.filter(([, property]) => !property.description?.trim()).map(([key]) => key);
    expect(undescribed).toEqual([]);
  });

  it('has a meta.defaultOptions value for every option', () => {
    // Nested keys may be left out on purpose (`defaults.maxUses`: no suggestion inserts it), so check the options
    // a user sets directly.
    const defaultOptions = (rule.meta.defaultOptions ?? []) as readonly Record<string, unknown>[];
    const missing = optionSchemas(rule).flatMap((schema, index) =>
      Object.keys(schema.properties ?? {})
        .filter((key) => defaultOptions[index]?.[key] === undefined)
        .map((key) => `[${index}].${key}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('docs/rules', () => {
  it('has a page only for rules that exist', () => {
    const pages = readdirSync(DOCS_DIR)
      .filter((file) => file.endsWith('.md'))
      .map((file) => file.slice(0, -'.md'.length));
    expect(pages.sort()).toEqual(ruleNames);
  });
});

describe('configs', () => {
  const expectedRules = Object.fromEntries(recommendedNames.map((name) => [`sequelize-pool/${name}`, 'error']));

  it('has recommended rules to turn on', () => {
    expect(recommendedNames.length).toBeGreaterThan(0);
  });

  it('turns on exactly the rules marked recommended, in the flat config', () => {
    expect(plugin.configs.recommended.rules).toEqual(expectedRules);
  });

  it('turns on exactly the rules marked recommended, in the eslintrc config', () => {
    expect(plugin.configs['legacy-recommended'].rules).toEqual(expectedRules);
  });

  it('turns on the same rules with type information in recommended-type-checked', () => {
    const typed = plugin.configs['recommended-type-checked'];
    expect(typed.rules).toEqual(expectedRules);
    expect(typed.name).toBe('sequelize-pool/recommended-type-checked');
    expect(typed.languageOptions?.parserOptions).toEqual({ projectService: true });
  });

  it('has the flat and eslintrc configs, each plain and type-checked, and nothing else', () => {
    expect(Object.keys(plugin.configs).sort()).toEqual(['legacy-recommended', 'legacy-recommended-type-checked', 'recommended', 'recommended-type-checked']);
  });
});

describe('plugin meta', () => {
  it('has the name and version of package.json', () => {
    expect(plugin.meta).toEqual({ name: PACKAGE.name, version: PACKAGE.version });
  });
});
