/**
 * eslint-doc-generator 3.7 settings. `npm run docs` builds and regenerates; CI runs
 * `eslint-doc-generator --check`, which loads the built plugin through package.json `exports`
 * (dist/), so build first.
 */

import path from 'node:path';
import { URL } from 'node:url';

const OPTIONS_BEGIN = '<!-- begin auto-generated rule options list -->';
const OPTIONS_END = '<!-- end auto-generated rule options list -->';

/**
 * `{ childName: 'parent.childName' }` for the properties of object-valued options
 * (`defaults.max` of require-lifecycle-options).
 */
async function nestedOptionNames(ruleName) {
  const { default: plugin } = await import(new URL('dist/index.js', import.meta.url).href);
  const schema = plugin.rules[ruleName]?.meta.schema;
  const names = {};
  for (const item of Array.isArray(schema) ? schema : []) {
    for (const [name, property] of Object.entries(item.properties ?? {})) {
      for (const child of Object.keys(property.properties ?? {})) names[child] = `${name}.${child}`;
    }
  }
  return names;
}

/** Splits a markdown table row into trimmed cells; `\|` inside a cell is not a separator. */
function tableCells(row) {
  return row
    .trim()
    .replace(/^\|/u, '')
    .replace(/\|$/u, '')
    .split(/(?<!\\)\|/u)
    .map((cell) => cell.trim());
}

/** Renders rows the way eslint-doc-generator does (markdown-table, every column left-aligned). */
function renderTable([header, ...rows]) {
  const widths = header.map((_, column) => Math.max(2, ...[header, ...rows].map((row) => row[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const rule = `| ${widths.map((width) => `:${'-'.repeat(width - 1)}`).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * eslint-doc-generator lists the keys of an object-valued option (`defaults: { max, min, … }`) as
 * if they were top-level options (`max`), and prints the object's default as `[object Object]`.
 * Name them by their path (`defaults.max`), leave the object's own default empty (each key shows
 * its own), and keep the rows sorted as the generator sorts them.
 */
async function qualifyNestedOptions(content, file) {
  const begin = content.indexOf(OPTIONS_BEGIN);
  const end = content.indexOf(OPTIONS_END);
  if (begin === -1 || end === -1) return content;
  const names = await nestedOptionNames(path.basename(file, path.extname(file)));
  if (Object.keys(names).length === 0) return content;
  const inner = content.slice(begin + OPTIONS_BEGIN.length, end);
  const lines = inner.trim().split('\n');
  if (lines.length < 3) return content;
  const [header, , ...rows] = lines.map(tableCells);
  const nameColumn = header.indexOf('Name');
  const defaultColumn = header.indexOf('Default');
  for (const row of rows) {
    const name = row[nameColumn].replaceAll('`', '');
    if (names[name] !== undefined) row[nameColumn] = `\`${names[name]}\``;
    if (defaultColumn !== -1 && row[defaultColumn] === '`[object Object]`') row[defaultColumn] = '';
  }
  const key = (row) => row[nameColumn].replaceAll('`', '').toLowerCase();
  rows.sort((a, b) => key(a).localeCompare(key(b)));
  const table = renderTable([header, ...rows]);
  return `${content.slice(0, begin)}${OPTIONS_BEGIN}\n\n${table}\n\n${content.slice(end)}`;
}

/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  // `# Require … (sequelize-pool/max-connections-budget)`: the title says what the rule checks,
  // and ends with the id users write in their config.
  ruleDocTitleFormat: 'desc-parens-prefix-name',
  ruleDocNotices: ['deprecated', 'configs', 'fixableAndHasSuggestions', 'options', 'requiresTypeChecking'],
  ruleListColumns: [
    'name',
    'description',
    'configsError',
    'configsWarn',
    'fixable',
    'hasSuggestions',
    'options',
    'requiresTypeChecking',
    'deprecated',
  ],
  configEmoji: [['recommended', '✅']],
  // `legacy-recommended` (and its type-checked variant) is `recommended` for eslintrc: the same rules at the same levels. A second
  // column of identical ticks would add nothing; README's Configuration section shows both.
  ignoreConfig: ['legacy-recommended', 'legacy-recommended-type-checked'],
  urlConfigs: 'https://github.com/sequelize-pool/eslint-plugin-sequelize-pool#configuration',
  postprocess: qualifyNestedOptions,
};

export default config;
