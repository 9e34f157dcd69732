/**
 * The pool a `new Sequelize(...)` really opens, per environment: each key's value and where it comes from
 * (the setup module, a config file with environment and position, an environment variable, Sequelize's default
 * for the project's version, or unknown), plus the dialect and whether the dialect uses the pool at all.
 *
 * Precedence follows JavaScript and the libraries: in an object literal a key written after a spread wins over
 * it, a spread written after a key may replace it (a config reference is looked up; any other spread makes the key
 * unknown); node-config and sequelize-cli values are read with ./config-files.ts; `undefined` leaves the key to
 * Sequelize's `_.defaults`. Nothing is guessed: an answer that depends on code the analysis cannot read is
 * `unknown`, with the reason.
 */
import path from 'node:path';

import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { readdirSync, statSync } from 'node:fs';

import type { ConfigPosition, ConfigValue } from './config-values';
import type { SequelizeVersion } from './sequelize-version';
import type { AnalysisHost } from '../file-analysis/ast';
import type { ResolvedConfig, ResolvedValue } from '../file-analysis/resolve-value';
import type { SequelizeConstruction } from '../file-analysis/sequelize-options';
import type { PoolKey, SequelizeMajor } from '../sequelize-facts';

import { cliEnvironment, loadNodeConfig, NODE_CONFIG_EXTENSIONS, nodeConfigLookup, readSequelizeCliConfig } from './config-files';
import { ConfigFileError, configLookup, convertEnvString } from './config-values';
import { sequelizeVersion } from './sequelize-version';
import { childNodes, memberName, skipTypeWrappers } from '../file-analysis/ast';
import { resolveValue } from '../file-analysis/resolve-value';
import { POOL_KEYS, poolDefaults, sqliteUsesPool } from '../sequelize-facts';

/** Where a setting's value comes from. */
export type SettingOrigin =
  /** Written in the module that constructs the instance (or one it reads the value from). */
  | { kind: 'code'; file: string; line: number; column: number }
  /** A configuration file, for one environment. */
  | {
      kind: 'config-file';
      format: 'node-config' | 'sequelize-cli';
      file: string;
      environment: string;
      /** The key as the module reads it (`db.options.pool.max`, `production.pool.max`). */
      keyPath: string[];
      position: ConfigPosition | null;
    }
  /** An environment variable the caller said is set (`env`). */
  | { kind: 'env'; variable: string }
  /** The `NODE_CONFIG` variable's JSON. */
  | { kind: 'env-json'; variable: string }
  /** The scheme of the connection URI (the dialect of `new Sequelize('postgres://…')`). */
  | { kind: 'uri'; file: string; line: number }
  /** Sequelize fills it in; `assumed` when the project's version is unknown (v6 is assumed). */
  | { kind: 'default'; major: SequelizeMajor; assumed: boolean }
  | { kind: 'unknown'; reason: string };

export interface EffectiveSetting {
  /** True when `value` is what the application gets. */
  known: boolean;
  /** The value (a number for pool keys; `{}` stands for an object); undefined when not known. */
  value: unknown;
  origin: SettingOrigin;
  /** Environment variables that change the value when set (their fallback applies otherwise). */
  overriddenBy: string[];
}

export interface EffectivePool {
  /** The NODE_ENV this answer is for. */
  environment: string;
  sequelize: SequelizeVersion;
  /** The major version the defaults come from (the project's, else 6). */
  defaultsMajor: SequelizeMajor;
  pool: Record<PoolKey, EffectiveSetting>;
  dialect: EffectiveSetting;
  /** False for a provable SQLite dialect before v7 (no pool is built); null when the dialect is unknown. */
  usesPool: boolean | null;
  /** Whether read replication doubles the pool; null when unknown. */
  replication: boolean | null;
  /** The config files this answer read. */
  configFiles: string[];
}

export interface EffectivePoolContext {
  /** The module that contains the construction, with its scopes. */
  filename: string;
  host: AnalysisHost;
  /** The application's root: node-config's working directory, where package.json and node_modules are. */
  projectRoot: string;
  /** NODE_ENV; default: `env.NODE_ENV`, else unset (each library's own default then applies). */
  environment?: string;
  /** Environment variables known to be set for the deployment; any other is taken as unset. */
  env?: Readonly<Record<string, string | undefined>>;
}

interface Lookup {
  context: EffectivePoolContext;
  env: Readonly<Record<string, string | undefined>>;
  /** The environment name, or undefined when NODE_ENV is unset. */
  environment: string | undefined;
  configFiles: Set<string>;
}

type Outcome = { kind: 'absent'; overriddenBy: string[] } | { kind: 'setting'; setting: EffectiveSetting };

const ABSENT: Outcome = { kind: 'absent', overriddenBy: [] };

function unknownSetting(reason: string, overriddenBy: string[] = []): EffectiveSetting {
  return { known: false, value: undefined, origin: { kind: 'unknown', reason }, overriddenBy };
}

function withOverrides(outcome: Outcome, overriddenBy: readonly string[]): Outcome {
  if (overriddenBy.length === 0) return outcome;
  if (outcome.kind === 'absent') return { kind: 'absent', overriddenBy: [...new Set([...overriddenBy, ...outcome.overriddenBy])] };
  return { kind: 'setting', setting: { ...outcome.setting, overriddenBy: [...new Set([...overriddenBy, ...outcome.setting.overriddenBy])] } };
}

function codeOrigin(lookup: Lookup, node: TSESTree.Node): SettingOrigin {
  return { kind: 'code', file: lookup.context.filename, line: node.loc.start.line, column: node.loc.start.column + 1 };
}

/** The environment variables read in the expression a value was written in (`Number(process.env.X) || 50`). */
function variablesAround(node: TSESTree.Node): string[] {
  let top: TSESTree.Node = node;
  while (top.parent !== undefined && top.parent.type !== AST_NODE_TYPES.Property && top.parent.type !== AST_NODE_TYPES.VariableDeclarator) top = top.parent;
  const names: string[] = [];
  const visit = (current: TSESTree.Node): void => {
    if (
      current.type === AST_NODE_TYPES.MemberExpression &&
      current.object.type === AST_NODE_TYPES.MemberExpression &&
      memberName(current.object) === 'env' &&
      current.object.object.type === AST_NODE_TYPES.Identifier &&
      current.object.object.name === 'process'
    ) {
      const name = memberName(current);
      if (name !== null) names.push(name);
    }
    for (const child of childNodes(current)) visit(child);
  };
  visit(top);
  return names;
}

/** What `value` holds at `keyPath`, following config references and spreads. */
function lookupResolved(value: ResolvedValue, keyPath: readonly string[], lookup: Lookup): Outcome {
  const [key, ...rest] = keyPath;
  switch (value.kind) {
    case 'config':
      return lookupConfigReference(value, keyPath, lookup);
    case 'undefined':
      return ABSENT;
    case 'null':
      return key === undefined ? { kind: 'setting', setting: { known: true, value: null, origin: codeOrigin(lookup, value.node), overriddenBy: [] } } : ABSENT;
    case 'unknown':
      return { kind: 'setting', setting: unknownSetting('computed by code the analysis cannot follow') };
    case 'object': {
      if (key === undefined) return { kind: 'setting', setting: { known: true, value: {}, origin: codeOrigin(lookup, value.node), overriddenBy: [] } };
      const property = value.properties.get(key);
      // Later overlays win over earlier ones and over the property written before them.
      const overlays = property === undefined ? (value.overlays ?? []) : (property.overriddenBy ?? []);
      for (const overlay of [...overlays].reverse()) {
        const found = lookupResolved(overlay, [key], lookup);
        if (found.kind === 'absent') continue;
        if (!found.setting.known) return found;
        return lookupResolved(overlay, keyPath, lookup);
      }
      if (property === undefined) return ABSENT;
      return lookupResolved(property.value, rest, lookup);
    }
    case 'number':
    case 'string':
    case 'boolean': {
      if (key !== undefined) return ABSENT;
      if (value.kind === 'string' && value.value === null) return environmentString(value.node, lookup);
      const variables = value.kind === 'number' && value.viaFallback ? variablesAround(value.node) : [];
      const setVariable = variables.find((name) => lookup.env[name] !== undefined && lookup.env[name] !== '');
      if (setVariable !== undefined) {
        const raw = lookup.env[setVariable] ?? '';
        return { kind: 'setting', setting: { known: true, value: Number(raw), origin: { kind: 'env', variable: setVariable }, overriddenBy: [] } };
      }
      return { kind: 'setting', setting: { known: true, value: value.value, origin: codeOrigin(lookup, value.node), overriddenBy: variables } };
    }
    case 'array':
    case 'other':
      return key === undefined ? { kind: 'setting', setting: { known: true, value: {}, origin: codeOrigin(lookup, value.node), overriddenBy: [] } } : ABSENT;
  }
}

/** `process.env.X` written as the value: the string when set, else `undefined` (Sequelize's default applies). */
function environmentString(node: TSESTree.Node, lookup: Lookup): Outcome {
  const expression = skipTypeWrappers(node);
  const variable =
    expression.type === AST_NODE_TYPES.MemberExpression && expression.object.type === AST_NODE_TYPES.MemberExpression && memberName(expression.object) === 'env'
      ? memberName(expression)
      : null;
  if (variable === null) return { kind: 'setting', setting: unknownSetting('a string computed at run time') };
  const raw = lookup.env[variable];
  if (raw !== undefined) return { kind: 'setting', setting: { known: true, value: raw, origin: { kind: 'env', variable }, overriddenBy: [] } };
  return { kind: 'absent', overriddenBy: [variable] };
}

/** The environment name a sequelize-cli reference selects, or null when it cannot be known. */
function selectedEnvironment(reference: Extract<ResolvedConfig, { source: 'sequelize-cli' }>, lookup: Lookup): string | null | undefined {
  const { environment } = reference;
  if (environment === null) return undefined;
  if (environment.kind === 'literal') return environment.value;
  if (environment.kind === 'unknown') return null;
  const raw = environment.variable === 'NODE_ENV' ? lookup.environment : lookup.env[environment.variable];
  if (raw !== undefined && raw !== '') return raw;
  return environment.fallback;
}

/**
 * The file a sequelize-cli reference names, as Node's `require` finds it: relative to the module, or to the
 * working directory (taken to be `projectRoot`) for `path.resolve('config', …)`.
 */
export function referencedConfigFile(
  reference: Extract<ResolvedConfig, { source: 'sequelize-cli' }>,
  context: Pick<EffectivePoolContext, 'filename' | 'projectRoot'>,
): string | null {
  const base = reference.base === 'module' ? path.dirname(context.filename) : context.projectRoot;
  const target = path.resolve(base, reference.specifier);
  for (const candidate of [target, `${target}.js`, `${target}.json`, `${target}.cjs`, path.join(target, 'index.js'), path.join(target, 'index.json')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Try the next candidate, as Node does.
    }
  }
  return null;
}

function lookupConfigReference(reference: ResolvedConfig, keyPath: readonly string[], lookup: Lookup): Outcome {
  const fromFallback = (): Outcome => (reference.fallback === null ? ABSENT : lookupResolved(reference.fallback, keyPath, lookup));
  if (reference.source === 'node-config') {
    let model;
    try {
      model = loadNodeConfig({ projectRoot: lookup.context.projectRoot, env: { ...lookup.env, NODE_ENV: lookup.environment } });
    } catch (error) {
      if (error instanceof ConfigFileError) return { kind: 'setting', setting: unknownSetting(`${path.relative(lookup.context.projectRoot, error.file)} does not parse`) };
      throw error;
    }
    if (model === null) return { kind: 'setting', setting: unknownSetting('node-config is used but no config directory was found') };
    for (const file of model.files) if (file.status === 'read') lookup.configFiles.add(file.file);
    const keys = [...reference.keyPath, ...keyPath];
    const found = nodeConfigLookup(model, keys);
    if (!found.certain) {
      const unread = model.unread.map((file) => path.relative(lookup.context.projectRoot, file.file)).join(', ');
      return { kind: 'setting', setting: unknownSetting(`node-config also loads ${unread}, which is not read`) };
    }
    if (found.value === undefined) return fromFallback();
    return configOutcome(found.value, lookup, { format: 'node-config', environment: model.environments.join(','), keyPath: keys });
  }
  const file = referencedConfigFile(reference, lookup.context);
  if (file === null) return { kind: 'setting', setting: unknownSetting(`${reference.specifier} was not found`) };
  const config = readSequelizeCliConfig(file);
  if (config instanceof ConfigFileError) return { kind: 'setting', setting: unknownSetting(`${path.relative(lookup.context.projectRoot, file)} does not parse`) };
  if ('unread' in config) return { kind: 'setting', setting: unknownSetting(`${path.relative(lookup.context.projectRoot, file)}: ${config.unread}`) };
  lookup.configFiles.add(file);
  const environment = selectedEnvironment(reference, lookup);
  if (environment === null) return { kind: 'setting', setting: unknownSetting('the environment the module selects is computed at run time') };
  const keys = environment === undefined ? [...reference.keyPath, ...keyPath] : [environment, ...reference.keyPath, ...keyPath];
  const value = configLookup(config.value, keys);
  if (value === undefined) return fromFallback();
  return configOutcome(value, lookup, { format: 'sequelize-cli', environment: environment ?? lookup.environment ?? 'development', keyPath: keys });
}

function configOutcome(
  value: ConfigValue,
  lookup: Lookup,
  where: { format: 'node-config' | 'sequelize-cli'; environment: string; keyPath: string[] },
): Outcome {
  const origin = (source: ConfigValue['source']): SettingOrigin =>
    source.kind === 'env-json'
      ? { kind: 'env-json', variable: source.variable }
      : { kind: 'config-file', format: where.format, file: source.file, environment: where.environment, keyPath: where.keyPath, position: source.position };
  switch (value.kind) {
    case 'literal':
      if (value.value === undefined) return ABSENT;
      return { kind: 'setting', setting: { known: true, value: value.value, origin: origin(value.source), overriddenBy: [] } };
    case 'object':
    case 'array':
    case 'function':
      return { kind: 'setting', setting: { known: true, value: value.kind === 'function' ? 'function' : {}, origin: origin(value.source), overriddenBy: [] } };
    case 'unknown':
      return { kind: 'setting', setting: unknownSetting(`${value.reason} in ${value.source.kind === 'file' ? path.relative(lookup.context.projectRoot, value.source.file) : value.source.variable}`) };
    case 'env': {
      const raw = lookup.env[value.name];
      const applies = raw !== undefined && !(raw === '' && value.fallbackWhen !== 'unset');
      if (applies) {
        const converted = convertEnvString(raw, value.convert);
        const falsy = value.fallbackWhen === 'falsy' && converted.known && !converted.value;
        if (!falsy) {
          return {
            kind: 'setting',
            setting: converted.known
              ? { known: true, value: converted.value, origin: { kind: 'env', variable: value.name }, overriddenBy: [] }
              : unknownSetting(`${value.name} in a format not read (${value.convert ?? ''})`),
          };
        }
      }
      if (value.fallback === null) return { kind: 'absent', overriddenBy: [value.name] };
      return withOverrides(configOutcome(value.fallback, lookup, where), [value.name]);
    }
  }
}

/** The setting an outcome gives, with Sequelize's default for an absent pool key. */
function poolSetting(outcome: Outcome, key: PoolKey, major: SequelizeMajor, assumed: boolean): EffectiveSetting {
  if (outcome.kind === 'setting') return outcome.setting;
  const defaults = poolDefaults(major);
  const value = key === 'maxUses' ? Infinity : defaults[key];
  return { known: true, value, origin: { kind: 'default', major, assumed }, overriddenBy: outcome.overriddenBy };
}

/** The options value of a construction, resolving forms the construction analysis leaves as unknown. */
function optionsOf(construction: SequelizeConstruction, host: AnalysisHost): ResolvedValue {
  if (construction.options.kind === 'unknown' && construction.optionsArgument !== null) {
    const value = resolveValue(host, construction.optionsArgument);
    if (value.kind === 'config') return value;
  }
  return construction.options;
}

/** Whether the first argument is a connection URI (`new Sequelize(uri)`, `new Sequelize(uri, options)`). */
function uriArgument(construction: SequelizeConstruction, host: AnalysisHost): TSESTree.Node | null {
  const args = construction.node.arguments;
  const [first] = args;
  if (first === undefined || first.type === AST_NODE_TYPES.SpreadElement) return null;
  if (construction.form === 'uri') return first;
  if (construction.form === 'unknown' && args.length === 2) {
    const value = resolveValue(host, first);
    if (value.kind === 'string') return first;
  }
  return null;
}

function dialectFromUri(uri: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/iu.exec(uri);
  if (match?.[1] === undefined) return null;
  const scheme = match[1].toLowerCase();
  return scheme === 'postgresql' ? 'postgres' : scheme;
}

/** The dialect: the URI's scheme wins in the URI forms (Sequelize v4 to v6 set `options.dialect` from it). */
function effectiveDialect(construction: SequelizeConstruction, options: ResolvedValue, lookup: Lookup, major: SequelizeMajor): EffectiveSetting {
  const uri = major === 7 ? null : uriArgument(construction, lookup.context.host);
  if (uri !== null) {
    const value = resolveValue(lookup.context.host, uri);
    if (value.kind === 'string' && value.value !== null) {
      const dialect = dialectFromUri(value.value);
      return dialect === null
        ? unknownSetting('a connection URI without a scheme')
        : { known: true, value: dialect, origin: { kind: 'uri', file: lookup.context.filename, line: uri.loc.start.line }, overriddenBy: [] };
    }
    const variable = uriVariable(uri, lookup);
    if (variable === null) return unknownSetting('the connection URI is computed at run time');
    const raw = lookup.env[variable];
    const dialect = raw === undefined ? null : dialectFromUri(raw);
    if (dialect !== null) return { known: true, value: dialect, origin: { kind: 'env', variable }, overriddenBy: [] };
    return unknownSetting(`the scheme of the URL in ${variable}`, [variable]);
  }
  const outcome = lookupResolved(options, ['dialect'], lookup);
  if (outcome.kind === 'setting') return outcome.setting;
  if (outcome.overriddenBy.length > 0) return unknownSetting(`read from ${outcome.overriddenBy.join(', ')} at run time`, outcome.overriddenBy);
  return unknownSetting('no dialect is given (Sequelize requires one)');
}

/** `process.env.DATABASE_URL`, or `process.env[config.use_env_variable]` with the name read from the config. */
function uriVariable(raw: TSESTree.Node, lookup: Lookup): string | null {
  const node = skipTypeWrappers(raw);
  if (node.type !== AST_NODE_TYPES.MemberExpression) return null;
  const object = skipTypeWrappers(node.object);
  if (object.type !== AST_NODE_TYPES.MemberExpression || memberName(object) !== 'env') return null;
  const name = memberName(node);
  if (name !== null) return name;
  const key = resolveValue(lookup.context.host, node.property);
  if (key.kind === 'string' && key.value !== null) return key.value;
  if (key.kind !== 'config') return null;
  const outcome = lookupConfigReference(key, [], lookup);
  return outcome.kind === 'setting' && typeof outcome.setting.value === 'string' ? outcome.setting.value : null;
}

/** The pool, dialect and replication a construction gets in one environment. */
export function effectivePool(construction: SequelizeConstruction, context: EffectivePoolContext): EffectivePool {
  const env = context.env ?? {};
  const environment = context.environment ?? env.NODE_ENV;
  const lookup: Lookup = { context, env, environment: environment === '' ? undefined : environment, configFiles: new Set() };
  const version = sequelizeVersion(context.projectRoot);
  const major = version.major ?? 6;
  const assumed = version.major === null;
  const options = optionsOf(construction, context.host);
  const pool = Object.fromEntries(POOL_KEYS.map((key) => [key, poolSetting(lookupResolved(options, ['pool', key], lookup), key, major, assumed)])) as Record<
    PoolKey,
    EffectiveSetting
  >;
  const dialect = effectiveDialect(construction, options, lookup, major);
  const replicationOutcome = lookupResolved(options, ['replication'], lookup);
  let replication: boolean | null = false;
  if (replicationOutcome.kind === 'setting') {
    const { setting } = replicationOutcome;
    replication = !setting.known ? null : typeof setting.value === 'object' && setting.value !== null ? true : setting.value === true;
  }
  const usesPool = !dialect.known ? null : dialect.value === 'sqlite' ? sqliteUsesPool(major) : true;
  return {
    environment: environment ?? 'development',
    sequelize: version,
    defaultsMajor: major,
    pool,
    dialect,
    usesPool,
    replication,
    configFiles: [...lookup.configFiles],
  };
}

/** The config references a construction's options (and URI) reach, for listing environments. */
function configReferences(construction: SequelizeConstruction, host: AnalysisHost): ResolvedConfig[] {
  const found: ResolvedConfig[] = [];
  const seen = new Set<ResolvedValue>();
  const visit = (value: ResolvedValue, depth: number): void => {
    if (seen.has(value) || depth > 8) return;
    seen.add(value);
    if (value.kind === 'config') {
      found.push(value);
      if (value.fallback !== null) visit(value.fallback, depth + 1);
    } else if (value.kind === 'object') {
      for (const overlay of value.overlays ?? []) visit(overlay, depth + 1);
      for (const property of value.properties.values()) visit(property.value, depth + 1);
    }
  };
  visit(optionsOf(construction, host), 0);
  const uri = uriArgument(construction, host);
  if (uri !== null) {
    const node = skipTypeWrappers(uri);
    if (node.type === AST_NODE_TYPES.MemberExpression && node.computed) visit(resolveValue(host, node.property), 0);
  }
  return found;
}

/** The environments the configuration files define for a construction, `development` first. */
export function configuredEnvironments(construction: SequelizeConstruction, context: Pick<EffectivePoolContext, 'filename' | 'host' | 'projectRoot' | 'env'>): string[] {
  const names = new Set<string>(['development']);
  const lookup: Lookup = { context, env: context.env ?? {}, environment: undefined, configFiles: new Set() };
  for (const reference of configReferences(construction, context.host)) {
    if (reference.source === 'sequelize-cli') {
      if (reference.environment?.kind !== 'variable') continue;
      const file = referencedConfigFile(reference, lookup.context);
      const config = file === null ? null : readSequelizeCliConfig(file);
      if (config === null || config instanceof ConfigFileError || 'unread' in config) continue;
      for (const name of config.environments.keys()) if (cliEnvironment(config, name) !== null) names.add(name);
    } else {
      for (const name of nodeConfigEnvironments(context.projectRoot, context.env ?? {})) names.add(name);
    }
  }
  return [...names];
}

const NOT_ENVIRONMENTS = new Set(['config', 'database', 'db', 'index', 'sequelize', 'sequelizerc', 'env', 'constants']);

/** Deployment names node-config files exist for (`production.json`, `staging.yml`), not default/local/custom ones. */
function nodeConfigEnvironments(projectRoot: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const directories = (env.NODE_CONFIG_DIR || path.join(projectRoot, 'config')).split(path.delimiter).filter(Boolean);
  const names: string[] = [];
  for (const directory of directories) {
    let entries: string[];
    try {
      entries = readdirSync(path.resolve(projectRoot, directory));
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      const extension = path.extname(entry).slice(1);
      if (!(NODE_CONFIG_EXTENSIONS as readonly string[]).includes(extension)) continue;
      const base = entry.slice(0, -(extension.length + 1));
      if (base === 'default' || base === 'local' || base.startsWith('local-') || base.startsWith('default-') || base === 'custom-environment-variables') continue;
      // Other files a config/ folder often holds (sequelize-cli's config, a database module) are not deployments.
      if (NOT_ENVIRONMENTS.has(base)) continue;
      names.push(base);
    }
  }
  return names;
}

/** `effectivePool` for every environment the config files define (and `development`). */
export function effectivePools(
  construction: SequelizeConstruction,
  context: Omit<EffectivePoolContext, 'environment'>,
): EffectivePool[] {
  return configuredEnvironments(construction, context).map((environment) => effectivePool(construction, { ...context, environment }));
}

/** A short human description of where a setting comes from (`config/config.json production.pool.max, line 20`). */
export function describeOrigin(setting: EffectiveSetting, projectRoot: string): string {
  const { origin } = setting;
  const relative = (file: string): string => path.relative(projectRoot, file) || file;
  switch (origin.kind) {
    case 'code':
      return `${relative(origin.file)}:${origin.line}`;
    case 'config-file': {
      const at = origin.position === null ? '' : `:${origin.position.line}`;
      const key = origin.format === 'node-config' ? `${origin.keyPath.join('.')} (NODE_ENV=${origin.environment})` : origin.keyPath.join('.');
      return `${relative(origin.file)}${at} ${key}`;
    }
    case 'env':
      return `$${origin.variable}`;
    case 'env-json':
      return `$${origin.variable}`;
    case 'uri':
      return `the connection URI (${relative(origin.file)}:${origin.line})`;
    case 'default':
      return `Sequelize v${origin.major}'s default${origin.assumed ? ' (version assumed)' : ''}`;
    case 'unknown':
      return `unknown: ${origin.reason}`;
  }
}
