/**
 * The configuration files a Sequelize application reads at start-up, read statically (never executed):
 *
 * - sequelize-cli: `config/config.json` (or `config/config.js`, or what `.sequelizerc` names), one options object
 *   per environment;
 * - node-config: the `config/` directory merged in node-config's load order for a NODE_ENV, with
 *   `custom-environment-variables.*` and the `NODE_CONFIG` variable.
 *
 * Every leaf keeps its kind (literal / environment variable with fallback / function / unknown) and where it is
 * written (./config-values.ts). Parsed files are cached per path, mtime and size: one file linted in an editor
 * gets the same answer as a whole-project run, and each file is parsed once per process.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import type { ConfigObject, ConfigSource, ConfigValue } from './config-values';
import type { ProjectModule } from './project-modules';

import { isUnshadowedGlobal, memberName, skipTypeWrappers, staticString } from '../file-analysis/ast';
import { ConfigFileError, configLookup, configValueFor, evaluateConfigExpression, readJsonValue, TextPositions } from './config-values';
import { loadProjectModule, parseExpressionText } from './project-modules';
import { fileStamp } from './project-files';

export { ConfigFileError } from './config-values';

/** Files larger than this are not configuration (and are not read). */
const MAX_CONFIG_BYTES = 1_000_000;

// ---------------------------------------------------------------------------------------------------------------
// One parsed file, cached by path + mtime + size.

export type ConfigFileFormat = 'js' | 'json' | 'json5' | 'jsonc' | 'yaml';

/** A file read: its value, or why it was not read (an unsupported format, a parse error). */
export type ConfigFileRead =
  | { status: 'read'; file: string; format: ConfigFileFormat; value: ConfigValue }
  | { status: 'unread'; file: string; reason: string }
  | { status: 'error'; file: string; error: ConfigFileError };

interface CachedRead {
  mtimeMs: number;
  size: number;
  key: string;
  read: ConfigFileRead;
}

const readCache = new Map<string, CachedRead>();

/** Forgets every cached config file (tests that rewrite files in place within one mtime tick use it). */
export function clearConfigFileCache(): void {
  readCache.clear();
  modelCache.clear();
}

function cached(file: string, key: string, read: (text: string) => ConfigFileRead): ConfigFileRead {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    return { status: 'unread', file, reason: 'the file does not exist' };
  }
  const entry = readCache.get(file);
  if (entry !== undefined && entry.mtimeMs === stats.mtimeMs && entry.size === stats.size && entry.key === key) return entry.read;
  let result: ConfigFileRead;
  if (!stats.isFile()) result = { status: 'unread', file, reason: 'not a regular file' };
  else if (stats.size > MAX_CONFIG_BYTES) result = { status: 'unread', file, reason: `larger than ${MAX_CONFIG_BYTES} bytes` };
  else {
    let text: string | null = null;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      result = { status: 'unread', file, reason: 'the file cannot be read' };
    }
    result ??= read(text ?? '');
  }
  readCache.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, key, read: result });
  return result;
}

function attempt(file: string, format: ConfigFileFormat, parse: () => ConfigValue): ConfigFileRead {
  try {
    return { status: 'read', file, format, value: parse() };
  } catch (error) {
    if (error instanceof ConfigFileError) return { status: 'error', file, error };
    throw error;
  }
}

/** A JSON5 document, parsed as one JavaScript expression (JSON5 is a subset of ES5 literals). */
function readJson5Value(text: string, file: string): ConfigValue {
  const positions = new TextPositions(file, text);
  const body = text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
  const expression = parseExpressionText(body);
  if (expression === null) throw positions.error(0, 'invalid JSON5');
  return evaluateConfigExpression(expression, { positions, host: null });
}

/**
 * A JavaScript config file's export, evaluated statically: `module.exports = {…}`, `module.exports.x = …`,
 * `exports.x = …`, `export default {…}`. Assignments inside functions or conditions make it unknown.
 */
function readJsExport(file: string): ConfigFileRead {
  const module = loadProjectModule(file);
  if (module === null) {
    return { status: 'unread', file, reason: 'the file does not parse as JavaScript' };
  }
  const positions = new TextPositions(file, module.text);
  const context = { positions, host: module.host };
  const whole = positions.source(0, module.text.length);
  let value: ConfigValue | null = null;
  const named: [string, ConfigValue][] = [];
  for (const statement of module.ast.body) {
    if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration) {
      const declaration = statement.declaration;
      value = declaration.type === AST_NODE_TYPES.FunctionDeclaration || declaration.type === AST_NODE_TYPES.ClassDeclaration
        ? { kind: 'unknown', reason: 'a function or class export', source: whole }
        : evaluateConfigExpression(declaration, context);
      continue;
    }
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
    const expression = skipTypeWrappers(statement.expression);
    if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.operator !== '=') continue;
    const target = exportTarget(expression.left, module);
    if (target === 'whole') {
      value = evaluateConfigExpression(expression.right, context);
      named.length = 0;
    } else if (target !== null) {
      named.push([target, evaluateConfigExpression(expression.right, context)]);
    }
  }
  if (value === null && named.length === 0) {
    // Exports written where the reader does not look (inside a function, a condition): not provably empty.
    const mentionsExports = /\b(?:module\.exports|exports\.|export\s+default)\b/u.test(module.text);
    return mentionsExports
      ? { status: 'read', file, format: 'js', value: { kind: 'unknown', reason: 'exports assigned where static reading does not follow', source: whole } }
      : { status: 'read', file, format: 'js', value: { kind: 'object', properties: new Map(), complete: true, source: whole } };
  }
  if (named.length > 0) {
    const base: ConfigObject =
      value?.kind === 'object' ? { ...value, properties: new Map(value.properties) } : { kind: 'object', properties: new Map(), complete: value === null, source: whole };
    for (const [key, property] of named) base.properties.set(key, property);
    value = base;
  }
  return { status: 'read', file, format: 'js', value: value ?? { kind: 'unknown', reason: 'no export found', source: whole } };
}

/** `module.exports` → 'whole'; `module.exports.x` / `exports.x` → 'x'; anything else null. */
function exportTarget(node: TSESTree.Node, module: ProjectModule): string | null {
  const target = skipTypeWrappers(node);
  if (target.type !== AST_NODE_TYPES.MemberExpression) return null;
  const isModuleExports = (candidate: TSESTree.Node): boolean =>
    candidate.type === AST_NODE_TYPES.MemberExpression &&
    memberName(candidate) === 'exports' &&
    candidate.object.type === AST_NODE_TYPES.Identifier &&
    isUnshadowedGlobal(module.host, candidate.object, 'module');
  if (isModuleExports(target)) return 'whole';
  const object = skipTypeWrappers(target.object);
  if (isModuleExports(object) || (object.type === AST_NODE_TYPES.Identifier && isUnshadowedGlobal(module.host, object, 'exports'))) {
    return memberName(target);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// YAML: node-config reads it only with a YAML package the application installs (`yaml`, else `js-yaml`), and
// skips the file with an error message otherwise; the same package is used here, from the project's root.

interface YamlNode {
  range?: [number, number, number] | null;
  items?: unknown[];
  key?: unknown;
  value?: unknown;
}

function readYamlFile(text: string, file: string, projectRoot: string): ConfigFileRead {
  const load = createRequire(path.join(projectRoot, 'package.json'));
  const positions = new TextPositions(file, text);
  const yaml = optionalRequire<{ parseDocument(text: string): { errors: { pos: [number, number] }[]; contents: unknown } }>(load, 'yaml');
  if (yaml !== null) {
    const document = yaml.parseDocument(text);
    const [first] = document.errors;
    if (first !== undefined) return { status: 'error', file, error: positions.error(first.pos[0], 'invalid YAML') };
    return { status: 'read', file, format: 'yaml', value: fromYamlNode(document.contents, positions) };
  }
  const jsYaml = optionalRequire<{ load(text: string, options?: Record<string, unknown>): unknown }>(load, 'js-yaml');
  if (jsYaml === null) {
    return { status: 'unread', file, reason: 'node-config reads YAML only with the `yaml` or `js-yaml` package, and the project has neither' };
  }
  let data: unknown;
  // js-yaml reports each node it composes to a listener ('open' where it starts, 'close' with its value): the
  // nesting of those events rebuilds the tree with positions.
  const root: YamlFrame = { start: 0, end: text.length, result: undefined, kind: null, children: [] };
  const stack: YamlFrame[] = [root];
  try {
    data = jsYaml.load(text, {
      listener(event: string, state: { position: number; result: unknown; kind: string | null }) {
        if (event === 'open') {
          stack.push({ start: state.position, end: state.position, result: undefined, kind: null, children: [] });
          return;
        }
        const frame = stack.pop();
        if (frame === undefined || stack.length === 0) return;
        frame.end = state.position;
        frame.result = state.result;
        frame.kind = state.kind;
        stack.at(-1)?.children.push(frame);
      },
    });
  } catch (error) {
    const mark = (error as { mark?: { position?: number } }).mark;
    return { status: 'error', file, error: positions.error(mark?.position ?? 0, 'invalid YAML') };
  }
  const plain = fromPlainData(data, { kind: 'file', file, position: null });
  const [top] = root.children;
  const located = top === undefined ? null : fromYamlFrame(top, text, positions);
  // Positions are kept only when the rebuilt tree holds exactly the loaded data (anchors, merge keys and tags
  // can break the pairing); otherwise the file is named without a line.
  const value = located !== null && isDeepStrictEqual(configValueFor(located, {}), configValueFor(plain, {})) ? located : plain;
  return { status: 'read', file, format: 'yaml', value };
}

interface YamlFrame {
  start: number;
  end: number;
  result: unknown;
  kind: string | null;
  children: YamlFrame[];
}

/** A composed js-yaml node as a located value; null when the events do not pair up as expected. */
function fromYamlFrame(raw: YamlFrame, text: string, positions: TextPositions): ConfigValue | null {
  let frame = raw;
  // A block sequence entry is composed twice (entry, then its node): keep the inner one.
  while (frame.children.length === 1 && frame.kind !== 'mapping' && frame.kind !== 'sequence' && frame.children[0]?.result === frame.result) {
    frame = frame.children[0] as YamlFrame;
  }
  let start = frame.start;
  while (start < frame.end && /\s/u.test(text[start] ?? '')) start++;
  let end = frame.end;
  while (end > start && /\s/u.test(text[end - 1] ?? '')) end--;
  const source = positions.source(start, end);
  if (frame.kind === 'mapping') {
    if (frame.children.length % 2 !== 0) return null;
    const properties = new Map<string, ConfigValue>();
    for (let index = 0; index < frame.children.length; index += 2) {
      const key = frame.children[index]?.result;
      const valueFrame = frame.children[index + 1];
      if ((typeof key !== 'string' && typeof key !== 'number') || valueFrame === undefined) return null;
      const value = fromYamlFrame(valueFrame, text, positions);
      if (value === null) return null;
      properties.set(String(key), value);
    }
    return { kind: 'object', properties, complete: true, source };
  }
  if (frame.kind === 'sequence') {
    const elements: ConfigValue[] = [];
    for (const child of frame.children) {
      const element = fromYamlFrame(child, text, positions);
      if (element === null) return null;
      elements.push(element);
    }
    return { kind: 'array', elements, source };
  }
  const { result } = frame;
  if (result === null || typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean') {
    return { kind: 'literal', value: result, source };
  }
  return null;
}

/** A package the application may have installed, or null. */
function optionalRequire<T>(load: NodeJS.Require, name: string): T | null {
  try {
    return load(name) as T;
  } catch {
    return null;
  }
}

function fromYamlNode(node: unknown, positions: TextPositions): ConfigValue {
  const yamlNode = (node ?? {}) as YamlNode;
  const range = yamlNode.range;
  const source: ConfigSource = range ? positions.source(range[0], range[1]) : { kind: 'file', file: positions.file, position: null };
  if (node === null || node === undefined) return { kind: 'literal', value: null, source };
  if (Array.isArray(yamlNode.items)) {
    const isPair = (item: unknown): boolean => typeof item === 'object' && item !== null && 'key' in item;
    const isMap = yamlNode.items.length === 0 ? (node as { constructor?: { name?: string } }).constructor?.name === 'YAMLMap' : yamlNode.items.every(isPair);
    if (isMap) {
      const properties = new Map<string, ConfigValue>();
      let complete = true;
      for (const item of yamlNode.items as YamlNode[]) {
        const key = (item.key as { value?: unknown } | null)?.value ?? item.key;
        if (typeof key !== 'string' && typeof key !== 'number') {
          complete = false;
          continue;
        }
        properties.set(String(key), fromYamlNode(item.value, positions));
      }
      return { kind: 'object', properties, complete, source };
    }
    return { kind: 'array', elements: yamlNode.items.map((item) => fromYamlNode(item, positions)), source };
  }
  const value = (node as { value?: unknown }).value;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { kind: 'literal', value, source };
  }
  return { kind: 'unknown', reason: 'a YAML value that is not plain data', source };
}

function fromPlainData(data: unknown, source: ConfigSource): ConfigValue {
  if (data === null || typeof data === 'string' || typeof data === 'number' || typeof data === 'boolean' || data === undefined) {
    return { kind: 'literal', value: data, source };
  }
  if (Array.isArray(data)) return { kind: 'array', elements: data.map((element) => fromPlainData(element, source)), source };
  if (typeof data === 'object' && Object.getPrototypeOf(data) === Object.prototype) {
    const properties = new Map<string, ConfigValue>();
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) properties.set(key, fromPlainData(value, source));
    return { kind: 'object', properties, complete: true, source };
  }
  return { kind: 'unknown', reason: 'a value that is not plain data', source };
}

/** A value given as JSON in an environment variable (node-config's `NODE_CONFIG`), or null when it is not JSON. */
function fromEnvJson(text: string, variable: string): ConfigValue | null {
  try {
    return fromPlainData(JSON.parse(text) as unknown, { kind: 'env-json', variable });
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// sequelize-cli

/**
 * Verified in sequelize/cli `src/helpers/config-helper.js` (commit 5633648): the config file is
 * `--config` / `.sequelizerc`'s `config`, resolved against the working directory, else
 * `config/config.js` when it exists, else `config/config.json`; it is `require()`d (strict JSON for `.json`);
 * the environment is `--env`, else `NODE_ENV`, else `development`; `rawConfig[env]` is used when present;
 * `url` or `use_env_variable` are parsed as a connection URL merged over the options.
 */
export interface SequelizeCliConfigLocation {
  file: string;
  /** How it was found: `.sequelizerc`'s `config`, or the CLI's default path. */
  via: '.sequelizerc' | 'default';
}

/** The config file sequelize-cli uses in `projectRoot`, or null when there is none. */
export function findSequelizeCliConfig(projectRoot: string): SequelizeCliConfigLocation | null {
  const rc = path.join(projectRoot, '.sequelizerc');
  const fromRc = sequelizercConfigPath(rc, projectRoot);
  if (fromRc !== null) return isFile(fromRc) ? { file: fromRc, via: '.sequelizerc' } : null;
  const js = path.join(projectRoot, 'config', 'config.js');
  if (isFile(js)) return { file: js, via: 'default' };
  const json = path.join(projectRoot, 'config', 'config.json');
  return isFile(json) ? { file: json, via: 'default' } : null;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The `config` path a `.sequelizerc` names, read statically (`path.resolve('config', 'database.json')`). */
function sequelizercConfigPath(rc: string, projectRoot: string): string | null {
  if (!isFile(rc)) return null;
  const module = loadProjectModule(rc);
  if (module === null) return null;
  for (const statement of module.ast.body) {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
    const expression = skipTypeWrappers(statement.expression);
    if (expression.type !== AST_NODE_TYPES.AssignmentExpression || exportTarget(expression.left, module) !== 'whole') continue;
    const exported = skipTypeWrappers(expression.right);
    if (exported.type !== AST_NODE_TYPES.ObjectExpression) return null;
    for (const property of exported.properties) {
      if (property.type !== AST_NODE_TYPES.Property) continue;
      const key = property.key.type === AST_NODE_TYPES.Identifier && !property.computed ? property.key.name : staticString(property.key);
      if (key === 'config') return staticPath(property.value, module, projectRoot);
    }
  }
  return null;
}

/**
 * A path expression evaluated statically: string literals, `__dirname`, `process.cwd()`, `path.resolve(…)`,
 * `path.join(…)`, `+` and templates of those. Relative results are resolved against `cwd`, as Node does.
 */
export function staticPath(raw: TSESTree.Node, module: ProjectModule, cwd: string): string | null {
  const value = pathValue(raw, module, cwd, 0);
  return value === null ? null : path.resolve(cwd, value);
}

function pathValue(raw: TSESTree.Node, module: ProjectModule, cwd: string, depth: number): string | null {
  if (depth > 10) return null;
  const node = skipTypeWrappers(raw);
  const next = (child: TSESTree.Node): string | null => pathValue(child, module, cwd, depth + 1);
  const literal = staticString(node);
  if (literal !== null) return literal;
  if (node.type === AST_NODE_TYPES.Identifier) {
    if (node.name === '__dirname' && isUnshadowedGlobal(module.host, node, '__dirname')) return path.dirname(module.filename);
    return null;
  }
  if (node.type === AST_NODE_TYPES.BinaryExpression && node.operator === '+') {
    const left = next(node.left);
    const right = next(node.right);
    return left === null || right === null ? null : left + right;
  }
  if (node.type === AST_NODE_TYPES.TemplateLiteral) {
    let result = '';
    for (const [index, quasi] of node.quasis.entries()) {
      result += quasi.value.cooked ?? '';
      const expression = node.expressions[index];
      if (expression !== undefined) {
        const part = next(expression);
        if (part === null) return null;
        result += part;
      }
    }
    return result;
  }
  if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.MemberExpression) {
    const method = memberName(node.callee);
    const object = skipTypeWrappers(node.callee.object);
    if (method === 'cwd' && object.type === AST_NODE_TYPES.Identifier && isUnshadowedGlobal(module.host, object, 'process')) return cwd;
    if ((method === 'resolve' || method === 'join') && object.type === AST_NODE_TYPES.Identifier && isPathModule(object, module)) {
      const parts: string[] = [];
      for (const argument of node.arguments) {
        if (argument.type === AST_NODE_TYPES.SpreadElement) return null;
        const part = next(argument);
        if (part === null) return null;
        parts.push(part);
      }
      return method === 'resolve' ? path.resolve(cwd, ...parts) : path.join(...parts);
    }
  }
  return null;
}

/** True when `identifier` is bound to `require('path')` / `import path from 'path'` (or `node:path`). */
function isPathModule(identifier: TSESTree.Identifier, module: ProjectModule): boolean {
  const scope = module.host.getScope(identifier);
  let variable = null;
  for (let current: typeof scope | null = scope; current !== null && variable === null; current = current.upper) {
    variable = current.set.get(identifier.name) ?? null;
  }
  const def = variable?.defs[0];
  if (def === undefined) return false;
  if (def.type === DefinitionType.ImportBinding) {
    const declaration = def.parent as TSESTree.ImportDeclaration;
    return declaration.source.value === 'path' || declaration.source.value === 'node:path';
  }
  if (def.type !== DefinitionType.Variable) return false;
  const init = def.node.init === null ? null : skipTypeWrappers(def.node.init);
  return (
    init?.type === AST_NODE_TYPES.CallExpression &&
    init.callee.type === AST_NODE_TYPES.Identifier &&
    init.callee.name === 'require' &&
    init.arguments.length === 1 &&
    init.arguments[0] !== undefined &&
    ['path', 'node:path'].includes(staticString(init.arguments[0]) ?? '')
  );
}

export interface SequelizeCliConfig {
  file: string;
  format: 'js' | 'json';
  /** The whole export: an object of environments when the reader could read it. */
  value: ConfigValue;
  /** The environments the file defines, each with its options (usually an object). */
  environments: Map<string, ConfigValue>;
  /** False when environments may exist that static reading cannot see. */
  complete: boolean;
}

/** Reads a sequelize-cli config file (`.json` strictly, as `require` does; `.js`/`.cjs` statically). */
export function readSequelizeCliConfig(file: string): SequelizeCliConfig | ConfigFileError | { unread: string } {
  const isJson = file.endsWith('.json');
  const read = isJson
    ? cached(file, 'cli-json', (text) => attempt(file, 'json', () => readJsonValue(text, file, 'json')))
    : cached(file, 'js', () => readJsExport(file));
  if (read.status === 'error') return read.error;
  if (read.status === 'unread') return { unread: read.reason };
  const { value } = read;
  const environments = new Map<string, ConfigValue>();
  if (value.kind === 'object') for (const [name, options] of value.properties) environments.set(name, options);
  return { file, format: isJson ? 'json' : 'js', value, environments, complete: value.kind === 'object' && value.complete };
}

/** The keys of a sequelize-cli environment that decide the pool, the dialect and the logging. */
export interface CliEnvironmentOptions {
  environment: string;
  options: ConfigValue;
  useEnvVariable: ConfigValue | undefined;
  dialect: ConfigValue | undefined;
  pool: ConfigValue | undefined;
  logging: ConfigValue | undefined;
  benchmark: ConfigValue | undefined;
  replication: ConfigValue | undefined;
}

/** One environment of a sequelize-cli config, or null when the file does not define it. */
export function cliEnvironment(config: SequelizeCliConfig, environment: string): CliEnvironmentOptions | null {
  const options = config.environments.get(environment);
  if (options === undefined) {
    if (config.complete) return null;
    const unknown: ConfigValue = { kind: 'unknown', reason: 'the file defines its environments where static reading does not follow', source: config.value.source };
    return { environment, options: unknown, useEnvVariable: unknown, dialect: unknown, pool: unknown, logging: unknown, benchmark: unknown, replication: unknown };
  }
  const key = (name: string): ConfigValue | undefined => configLookup(options, [name]);
  return {
    environment,
    options,
    useEnvVariable: key('use_env_variable'),
    dialect: key('dialect'),
    pool: key('pool'),
    logging: key('logging'),
    benchmark: key('benchmark'),
    replication: key('replication'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// node-config

/**
 * node-config's file order, verified in node-config 5.0.1 (`lib/util.js` `Util.loadFileConfigs`,
 * `Load.scan`/`loadCustomEnvVars`/`substituteDeep`, `Util.fromEnvironment`, `lib/config.mjs` `_init`;
 * `parser.js`):
 * - directory: `NODE_CONFIG_DIR` (several joined with the path delimiter; relative to the working directory),
 *   default `<cwd>/config`;
 * - environments: `NODE_CONFIG_ENV`, else `NODE_ENV`, else `development`; a comma-separated list loads each;
 * - base names, in order: `default`, each `<env>`, the host names (`<host>`, `<host>-<env>`; only read here when
 *   HOST/HOSTNAME is given), then `local` and `local-<env>` for each env; each optionally followed by
 *   `-<NODE_APP_INSTANCE>`;
 * - for one base name every extension is loaded, in parser.js's order: js, cjs, mjs, ts, json, jsonc, json5, hjson,
 *   toml, coffee, yaml, yml, cson, properties, xml; later files deep-merge over earlier ones (arrays replace);
 * - `.json`/`.jsonc` are parsed with JSON5 (comments, trailing commas, unquoted keys);
 * - then `$NODE_CONFIG` (JSON; malformed is only logged) and `--NODE_CONFIG`; then
 *   `custom-environment-variables.<ext>`: a string leaf names a variable that replaces the value when set and
 *   not empty; `{ __name, __format }` parses it (`number`, `boolean`, `json`, …).
 */
export const NODE_CONFIG_EXTENSIONS = ['js', 'cjs', 'mjs', 'ts', 'json', 'jsonc', 'json5', 'hjson', 'toml', 'coffee', 'yaml', 'yml', 'cson', 'properties', 'xml'] as const;

export interface NodeConfigSettings {
  /** The application's root (node-config's working directory). */
  projectRoot: string;
  /** The environment variables node-config reads (NODE_ENV, NODE_CONFIG_ENV, NODE_CONFIG_DIR, NODE_CONFIG, …). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface NodeConfigFile {
  file: string;
  status: 'read' | 'unread';
  /** Why a file was not read (a format that runs code, a YAML file without a YAML package, …). */
  reason?: string;
}

export interface NodeConfigModel {
  directories: string[];
  /** The deployment names files are loaded for (`NODE_CONFIG_ENV` / `NODE_ENV` / `development`). */
  environments: string[];
  /** Which variable decided them: `NODE_CONFIG_ENV`, `NODE_ENV`, or `default`. */
  environmentFrom: 'NODE_CONFIG_ENV' | 'NODE_ENV' | 'default';
  /** Every file node-config loads for these settings, in load order. */
  files: NodeConfigFile[];
  /** The merged configuration, each leaf with its provenance. Custom environment variables are `env` leaves. */
  values: ConfigObject;
  /** Files node-config loads that were not read: any key may come from them. */
  unread: NodeConfigFile[];
  /** Non-fatal problems node-config itself only logs (a malformed NODE_CONFIG). */
  warnings: string[];
}

/**
 * node-config's merged configuration for a project and environment, or null when the project has no node-config
 * directory. Throws ConfigFileError when a file node-config loads does not parse (node-config throws too).
 */
export function loadNodeConfig(settings: NodeConfigSettings): NodeConfigModel | null {
  const env = settings.env ?? {};
  // Memoized per settings, and per the config directories' and files' mtimes: one lint asks for the same
  // configuration once per key of every instance.
  const key = JSON.stringify([settings.projectRoot, ...NODE_CONFIG_VARIABLES.map((name) => env[name] ?? null)]);
  const cachedModel = modelCache.get(key);
  if (cachedModel !== undefined && cachedModel.stamp === fileStamp(cachedModel.watched)) return cachedModel.model;
  const model = computeNodeConfig(settings);
  const watched = model === null ? nodeConfigDirectories(settings.projectRoot, env) : [...model.directories, ...model.files.map((file) => file.file)];
  modelCache.set(key, { stamp: fileStamp(watched), watched, model });
  return model;
}

/** The variables node-config's result depends on (custom environment variables stay symbolic). */
const NODE_CONFIG_VARIABLES = ['NODE_CONFIG_DIR', 'NODE_CONFIG_ENV', 'NODE_ENV', 'NODE_APP_INSTANCE', 'NODE_CONFIG', 'HOST', 'HOSTNAME'] as const;

const modelCache = new Map<string, { stamp: string; watched: string[]; model: NodeConfigModel | null }>();


function nodeConfigDirectories(projectRoot: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const configured = env.NODE_CONFIG_DIR;
  return (configured === undefined || configured === '' ? path.join(projectRoot, 'config') : configured)
    .split(path.delimiter)
    .filter(Boolean)
    .map((directory) => path.resolve(projectRoot, directory));
}

function computeNodeConfig(settings: NodeConfigSettings): NodeConfigModel | null {
  const env = settings.env ?? {};
  const { projectRoot } = settings;
  const directories = nodeConfigDirectories(projectRoot, env);
  let environmentFrom: NodeConfigModel['environmentFrom'] = 'default';
  let environmentList = 'development';
  if (env.NODE_CONFIG_ENV) {
    environmentFrom = 'NODE_CONFIG_ENV';
    environmentList = env.NODE_CONFIG_ENV;
  } else if (env.NODE_ENV) {
    environmentFrom = 'NODE_ENV';
    environmentList = env.NODE_ENV;
  }
  const environments = environmentList.split(',');
  const baseNames = ['default', ...environments];
  const host = env.HOST || env.HOSTNAME;
  if (host) {
    const short = host.split('.')[0] ?? host;
    for (const environment of environments) {
      baseNames.push(short, `${short}-${environment}`);
      if (short !== host) baseNames.push(host, `${host}-${environment}`);
    }
  }
  for (const environment of environments) baseNames.push('local', `local-${environment}`);
  const allowed = new Map<string, number>();
  let order = 0;
  for (const base of baseNames) {
    const names = env.NODE_APP_INSTANCE ? [base, `${base}-${env.NODE_APP_INSTANCE}`] : [base];
    for (const name of names) for (const extension of NODE_CONFIG_EXTENSIONS) if (!allowed.has(`${name}.${extension}`)) allowed.set(`${name}.${extension}`, order++);
  }
  const located = locate(directories, allowed);
  const customNames = new Map(NODE_CONFIG_EXTENSIONS.map((extension, index) => [`custom-environment-variables.${extension}`, index]));
  const customFiles = locate(directories, customNames);
  if (located.length === 0 && customFiles.length === 0) return null;

  const files: NodeConfigFile[] = [];
  const unread: NodeConfigFile[] = [];
  const warnings: string[] = [];
  let values: ConfigObject = { kind: 'object', properties: new Map(), complete: true, source: { kind: 'file', file: directories[0] ?? projectRoot, position: null } };
  for (const file of located) {
    const read = readNodeConfigFile(file, projectRoot);
    if (read.status === 'error') throw read.error;
    if (read.status === 'unread') {
      const entry: NodeConfigFile = { file, status: 'unread', reason: read.reason };
      files.push(entry);
      unread.push(entry);
      continue;
    }
    files.push({ file, status: 'read' });
    values = mergeConfig(values, read.value);
  }
  const nodeConfig = env.NODE_CONFIG;
  if (nodeConfig !== undefined && nodeConfig !== '') {
    const parsed = fromEnvJson(nodeConfig, 'NODE_CONFIG');
    if (parsed === null) warnings.push('NODE_CONFIG is not valid JSON: node-config logs an error and ignores it');
    else values = mergeConfig(values, parsed);
  }
  for (const file of customFiles) {
    const read = readNodeConfigFile(file, projectRoot);
    if (read.status === 'error') throw read.error;
    if (read.status === 'unread') {
      const entry: NodeConfigFile = { file, status: 'unread', reason: read.reason };
      files.push(entry);
      unread.push(entry);
      continue;
    }
    files.push({ file, status: 'read' });
    values = applyCustomEnvironmentVariables(values, read.value, []);
  }
  return { directories, environments, environmentFrom, files, values, unread, warnings };
}

function locate(directories: readonly string[], allowed: ReadonlyMap<string, number>): string[] {
  const found: [number, string][] = [];
  for (const directory of directories) {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      continue;
    }
    for (const name of names) {
      const rank = allowed.get(name);
      if (rank !== undefined) found.push([rank, path.join(directory, name)]);
    }
  }
  // A stable sort: for one name, directories keep their NODE_CONFIG_DIR order.
  return found.sort((a, b) => a[0] - b[0]).map(([, file]) => file);
}

/** One node-config file in the format node-config gives its extension. */
export function readNodeConfigFile(file: string, projectRoot: string): ConfigFileRead {
  const extension = path.extname(file).slice(1);
  switch (extension) {
    case 'json':
    case 'jsonc':
    case 'json5':
      // node-config 5 parses all three with JSON5; jsonc-parser keeps exact positions for the common subset.
      return cached(file, 'node-config-json', (text) => {
        const jsonc = attempt(file, 'jsonc', () => readJsonValue(text, file, 'jsonc'));
        if (jsonc.status === 'read') return jsonc;
        const json5 = attempt(file, 'json5', () => readJson5Value(text, file));
        return json5.status === 'read' ? json5 : jsonc;
      });
    case 'yaml':
    case 'yml':
      return cached(file, `yaml:${projectRoot}`, (text) => readYamlFile(text, file, projectRoot));
    case 'js':
    case 'cjs':
    case 'mjs':
    case 'ts':
    case 'coffee':
      return { status: 'unread', file, reason: `node-config runs .${extension} files; they are never executed here` };
    default:
      return { status: 'unread', file, reason: `.${extension} files are not read (node-config needs an extra parser package for them)` };
  }
}

/** node-config's deep merge (`Util.extendDeep`): objects merge key by key, anything else replaces. */
export function mergeConfig(base: ConfigObject, over: ConfigValue): ConfigObject {
  if (over.kind !== 'object') return base;
  const properties = new Map(base.properties);
  for (const [key, value] of over.properties) {
    const existing = properties.get(key);
    properties.set(key, existing?.kind === 'object' && value.kind === 'object' ? mergeConfig(existing, value) : value);
  }
  return { ...base, properties, complete: base.complete && over.complete };
}

function applyCustomEnvironmentVariables(values: ConfigObject, mapping: ConfigValue, keyPath: string[]): ConfigObject {
  if (mapping.kind !== 'object') return values;
  let result = values;
  for (const [key, entry] of mapping.properties) {
    const here = [...keyPath, key];
    if (entry.kind === 'literal' && typeof entry.value === 'string') {
      result = setPath(result, here, (existing) => ({ kind: 'env', name: entry.value as string, convert: null, fallback: existing ?? null, fallbackWhen: 'unset-or-empty', source: entry.source }));
    } else if (entry.kind === 'object') {
      const name = entry.properties.get('__name');
      const format = entry.properties.get('__format');
      if (name?.kind === 'literal' && typeof name.value === 'string' && format?.kind === 'literal' && typeof format.value === 'string') {
        const variable = name.value;
        const convert = format.value;
        result = setPath(result, here, (existing) => ({ kind: 'env', name: variable, convert, fallback: existing ?? null, fallbackWhen: 'unset-or-empty', source: entry.source }));
      } else {
        result = applyCustomEnvironmentVariables(result, entry, here);
      }
    }
  }
  return result;
}

function setPath(root: ConfigObject, keyPath: readonly string[], make: (existing: ConfigValue | undefined) => ConfigValue): ConfigObject {
  const [key, ...rest] = keyPath;
  if (key === undefined) return root;
  const properties = new Map(root.properties);
  const existing = properties.get(key);
  if (rest.length === 0) {
    properties.set(key, make(existing));
  } else {
    const child: ConfigObject = existing?.kind === 'object' ? existing : { kind: 'object', properties: new Map(), complete: true, source: root.source };
    properties.set(key, setPath(child, rest, make));
  }
  return { ...root, properties };
}

/** What node-config gives for a dotted key (`db.options.pool`) and whether an unread file could change it. */
export function nodeConfigLookup(model: NodeConfigModel, keyPath: string | readonly string[]): { value: ConfigValue | undefined; certain: boolean } {
  const keys = typeof keyPath === 'string' ? keyPath.split('.') : keyPath;
  return { value: configLookup(model.values, keys), certain: model.unread.length === 0 };
}
