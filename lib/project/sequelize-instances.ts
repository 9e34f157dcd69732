import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';
import path from 'node:path';

import type { AnalysisHost } from '../file-analysis/ast';
import type { ProjectModule } from './project-modules';

import { findVariable, hostFromSourceCode, memberName, patternPath, returnedExpressions, skipTypeWrappers, staticKeyName, staticString, variableNamed } from '../file-analysis/ast';
import {
  exportedValue,
  isRelativeSpecifier,
  loadProjectModule,
  moduleExports,
  noteLintedFile,
  readModuleText,
  resolveRelativeModule,
} from './project-modules';
import { requiredModule, SEQUELIZE_MODULES, sequelizeConstructorModule, sequelizeModuleMember } from '../file-analysis/sequelize-detection';
import { exportCallIsUnclassified } from './factory-text';

/**
 * Which values are Sequelize instances and models. Proof comes, in this order, from the type checker (when the
 * file is linted with type information), from bindings in this file, from the project modules a relative import
 * names, and last from the receiver's name (option `instancePattern`). A value proven to be something else
 * (a knex instance, a local object) is never matched by name.
 */

/** What a value is, as far as analysis can prove. */
export type ValueKind =
  /**
   * A Sequelize instance (`new Sequelize()`, `db.sequelize`, `Model.sequelize`). `origin` is the `new Sequelize(…)` it
   * provably comes from, when analysis can tell: two instances with different origins are different databases.
   */
  | { kind: 'sequelize'; origin?: Origin }
  /**
   * A model class (`class User extends Model`, `sequelize.define()`, a capitalised import from a models module), with
   * the `new Sequelize(…)` it is defined on when provable.
   */
  | { kind: 'model'; origin?: Origin }
  /**
   * An object whose capitalised members are models (`sequelize.models`, a models module's `db`). `anyName`: every
   * member other than the sequelize-cli extras is a model, whatever its case (`db.t_daftarpasien`), because the
   * object is filled by `db[model.name] = model` (sequelize-cli's models/index.js) or is `sequelize.models`.
   */
  | { kind: 'models'; origin?: Origin; anyName?: boolean }

  /** An object whose members can be read: an object literal, a project module, `const db = {}` filled later. */
  | { kind: 'object'; member: (name: string) => ValueKind }
  /** A function whose results can be classified (a factory or lazy singleton getter). */
  | { kind: 'function'; result: () => ValueKind }
  /** Provably not Sequelize (another library's instance, a literal, a built-in). */
  | { kind: 'other' }
  | { kind: 'unknown' };

/**
 * The `new Sequelize(…)` calls an instance (or a model's instance) may come from: one, or several when the code picks
 * one (`if (config.use_env_variable) sequelize = new Sequelize(…) else sequelize = new Sequelize(…)`). Two values whose
 * origins share no call are provably different instances.
 */
export type Origin = readonly TSESTree.Node[];

/** Every origin known: their union; any unknown: unknown. */
export function mergeOrigins(origins: readonly (Origin | undefined)[]): Origin | undefined {
  if (origins.length === 0 || origins.some((origin) => origin === undefined)) return undefined;
  return [...new Set(origins.flatMap((origin) => origin as Origin))];
}

/** Provably different instances: both origins known and disjoint. */
export function differentInstances(a: Origin | undefined, b: Origin | undefined): boolean {
  return a !== undefined && b !== undefined && !a.some((node) => b.includes(node));
}

const UNKNOWN: ValueKind = { kind: 'unknown' };
const OTHER: ValueKind = { kind: 'other' };

/** Default for `instancePattern`: `sequelize`, `sequelizeInstance`, `mainSequelize`, `db`, `appDb`, `DB`, `database`. */
export const DEFAULT_INSTANCE_PATTERN = '^(?:[sS]equelize\\w*|\\w*Sequelize|db|DB|\\w+D[bB]|database)$';

/** Packages whose instances also have `transaction()` / `query()` but are not Sequelize. */
const OTHER_DATABASE_LIBRARIES = new Set([
  'knex',
  'mongoose',
  'mongodb',
  'pg',
  'pg-promise',
  'mysql',
  'mysql2',
  'mysql2/promise',
  'typeorm',
  'objection',
  'bookshelf',
  'kysely',
  'drizzle-orm',
  'prisma',
  '@prisma/client',
  '@mikro-orm/core',
  'better-sqlite3',
  'sqlite3',
  'ioredis',
  'redis',
  'slonik',
  'postgres',
]);

/** `sequelize-cli`'s `db` also carries these capitalised members, which are not models. */
const NON_MODEL_MEMBERS = new Set([
  'Sequelize',
  'Op',
  'DataTypes',
  'QueryTypes',
  'Transaction',
  'Model',
  'Utils',
  'Deferrable',
  'TableHints',
  'IndexHints',
]);

/** Names that say "the models of this app" when an object is called so: `db.User`, `models.User`. */
const MODELS_OBJECT_NAMES = new Set(['db', 'models']);

/** A specifier that names an app's models module: `./models`, `../models/index.js`, `@/models/user`. */
export function isModelsSpecifier(specifier: string): boolean {
  return /(?:^|\/)models(?:\/index)?(?:\.[cm]?[jt]sx?)?$/u.test(specifier) || /(?:^|\/)models\/[^/]+$/u.test(specifier);
}

const MAX_DEPTH = 16;

/** What the rules need to classify values in one file. */
export interface SequelizeAnalysis {
  host: AnalysisHost;
  filename: string;
  instancePattern: RegExp;
  types: TypeInformation | null;
  /** Classifications are cached per node for the file being linted. */
  cache: WeakMap<TSESTree.Node, ValueKind>;
}

/** Builds the analysis for a rule context: scopes, filename, typed services when the file has a program. */
export function sequelizeAnalysis(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  instancePattern: string,
): SequelizeAnalysis {
  const { sourceCode } = context;
  // Linting goes on: the project-module caches stay valid for this run (see projectEpoch), as for single-instance.
  if (path.isAbsolute(context.physicalFilename)) noteLintedFile(context.physicalFilename, sourceCode.text);
  return {
    host: hostFromSourceCode(sourceCode),
    filename: context.filename,
    instancePattern: new RegExp(instancePattern, 'u'),
    types: typeInformation(context),
    cache: new WeakMap(),
  };
}

interface Context {
  host: AnalysisHost;
  /** Names of values taken as Sequelize instances when nothing proves what they are. */
  instancePattern: RegExp;
  filename: string;
  depth: number;
  /** Variables and nodes being classified (cycles: `let a = b; let b = a`). */
  seen: Set<unknown>;
}

/** Classifies a value of the file being linted. */
export function classifyValue(analysis: SequelizeAnalysis, node: TSESTree.Node): ValueKind {
  const cached = analysis.cache.get(node);
  if (cached !== undefined) return cached;
  const kind = classify(
    { host: analysis.host, filename: analysis.filename, instancePattern: analysis.instancePattern, depth: 0, seen: new Set() },
    node,
  );
  analysis.cache.set(node, kind);
  return kind;
}

/**
 * Is `node` a Sequelize instance? Types decide when they know; then bindings and project modules; then, for a value
 * nothing proves either way, its name (`sequelize`, `this.db`, `app.sequelize`) against `instancePattern`.
 */
export function isSequelizeInstance(analysis: SequelizeAnalysis, node: TSESTree.Node): boolean {
  const typed = analysis.types?.isSequelizeInstance(node) ?? null;
  if (typed !== null) return typed;
  const kind = classifyValue(analysis, node);
  if (kind.kind === 'sequelize') return true;
  if (kind.kind !== 'unknown') return false;
  const name = receiverName(node);
  return name !== null && analysis.instancePattern.test(name);
}

/** Is `node` a model class (static query methods)? */
export function isModelClass(analysis: SequelizeAnalysis, node: TSESTree.Node): boolean {
  const typed = analysis.types?.isModelClass(node) ?? null;
  if (typed !== null) return typed;
  return classifyValue(analysis, node).kind === 'model';
}

/** The identifier or property name a receiver is read through (`sequelize`, `this.db` → `db`), or null. */
export function receiverName(raw: TSESTree.Node): string | null {
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression) return memberName(node);
  return null;
}

function classify(context: Context, raw: TSESTree.Node): ValueKind {
  const node = skipTypeWrappers(raw);
  if (context.depth > MAX_DEPTH || context.seen.has(node)) return UNKNOWN;
  context.seen.add(node);
  try {
    return classifyUnwrapped({ ...context, depth: context.depth + 1 }, node);
  } finally {
    context.seen.delete(node);
  }
}

function classifyUnwrapped(context: Context, node: TSESTree.Node): ValueKind {
  const { host } = context;
  switch (node.type) {
    case AST_NODE_TYPES.NewExpression: {
      if (sequelizeConstructorModule(host, node.callee) !== null) return { kind: 'sequelize', origin: [node] };
      return isOtherLibrary(context, node.callee) ? OTHER : UNKNOWN;
    }
    case AST_NODE_TYPES.Identifier:
      return classifyIdentifier(context, node);
    case AST_NODE_TYPES.ThisExpression:
      return UNKNOWN;
    case AST_NODE_TYPES.MemberExpression:
      return classifyMember(context, node);
    case AST_NODE_TYPES.CallExpression:
      return classifyCall(context, node);
    case AST_NODE_TYPES.AwaitExpression:
      return classify(context, node.argument);
    case AST_NODE_TYPES.AssignmentExpression:
      return node.operator === '=' ? classify(context, node.right) : agree([classify(context, node.left), classify(context, node.right)]);
    case AST_NODE_TYPES.LogicalExpression:
      return agree([classify(context, node.left), classify(context, node.right)]);
    case AST_NODE_TYPES.ConditionalExpression:
      return agree([classify(context, node.consequent), classify(context, node.alternate)]);
    case AST_NODE_TYPES.SequenceExpression: {
      const last = node.expressions.at(-1);
      return last === undefined ? UNKNOWN : classify(context, last);
    }
    case AST_NODE_TYPES.ClassDeclaration:
    case AST_NODE_TYPES.ClassExpression:
      return classifyClass(context, node);
    case AST_NODE_TYPES.ObjectExpression:
      return objectLiteral(context, node);
    case AST_NODE_TYPES.FunctionDeclaration:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return { kind: 'function', result: () => functionResult(context, node) };
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.ArrayExpression:
      return OTHER;
    default:
      return UNKNOWN;
  }
}

/** Several possible values (branches, writes, returns): their common kind, or unknown when they differ. */
function agree(kinds: ValueKind[]): ValueKind {
  const [first] = kinds;
  if (first === undefined) return UNKNOWN;
  if (kinds.length === 1) return first;
  if (first.kind === 'object' || first.kind === 'function') return UNKNOWN;
  if (!kinds.every((kind) => kind.kind === first.kind)) return UNKNOWN;
  // The same kind from different places: any of their origins.
  if (first.kind !== 'sequelize' && first.kind !== 'model' && first.kind !== 'models') return first;
  const origin = mergeOrigins(kinds.map(originOf));
  return origin === undefined ? { ...first, origin: undefined } : { ...first, origin };
}

/** The `new Sequelize(…)` a classified instance, model or models object provably comes from. */
export function originOf(kind: ValueKind): Origin | undefined {
  return kind.kind === 'sequelize' || kind.kind === 'model' || kind.kind === 'models' ? kind.origin : undefined;
}

function isNullish(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  return (
    (value.type === AST_NODE_TYPES.Literal && value.value === null && !('regex' in value)) ||
    (value.type === AST_NODE_TYPES.Identifier && value.name === 'undefined')
  );
}

function classifyIdentifier(context: Context, node: TSESTree.Identifier): ValueKind {
  const variable = findVariable(context.host, node);
  if (variable === null || variable.defs.length === 0) return UNKNOWN;
  if (context.seen.has(variable)) return UNKNOWN;
  context.seen.add(variable);
  try {
    return classifyVariable(context, variable);
  } finally {
    context.seen.delete(variable);
  }
}

function classifyVariable(context: Context, variable: TSESLint.Scope.Variable): ValueKind {
  const [def] = variable.defs;
  if (def === undefined || variable.defs.length !== 1) return UNKNOWN;
  switch (def.type) {
    case DefinitionType.ImportBinding:
      return classifyImport(context, def.node);
    case DefinitionType.ClassName:
      return classifyClass(context, def.node);
    case DefinitionType.FunctionName:
      return { kind: 'function', result: () => functionResult(context, def.node) };
    case DefinitionType.Variable:
      break;
    default:
      return UNKNOWN;
  }
  const name = variable.identifiers[0];
  if (name === undefined) return UNKNOWN;
  // Every value ever written (`let instance; … instance = new Sequelize()`), placeholders aside.
  const writes: ValueKind[] = [];
  const declarator = def.node;
  if (declarator.init !== null) {
    const located = patternPath(declarator.id, name);
    if (located === null) return UNKNOWN;
    if (!isNullish(declarator.init)) writes.push(readPath(context, classify(context, declarator.init), located.path));
  }
  for (const reference of writeReferences(variable)) {
    const parent = reference.identifier.parent;
    if (parent?.type !== AST_NODE_TYPES.AssignmentExpression || parent.left !== reference.identifier) return UNKNOWN;
    if (parent.operator === '=' && isNullish(parent.right)) continue;
    if (parent.operator !== '=' && parent.operator !== '||=' && parent.operator !== '??=') return UNKNOWN;
    writes.push(classify(context, parent.right));
  }
  // `const snapshotDb = null // a placeholder`: null for good, never an instance.
  if (writes.length === 0 && declarator.init !== null && isNullish(declarator.init)) return OTHER;
  if (writes.length === 1) {
    const [only] = writes;
    if (only === undefined) return UNKNOWN;
    if (only.kind !== 'object' || declarator.init === null || declarator.id.type !== AST_NODE_TYPES.Identifier) return only;
    // `const db = {}; db.sequelize = sequelize; db.User = User;` (sequelize-cli's models/index.js).
    return withMemberAssignments(context, variable, only);
  }
  return agree(writes);
}

/**
 * A variable's writes other than its initializer, listed once per variable: a file with thousands of reads of
 * `sequelize` would otherwise rescan them all for every receiver classified.
 */
const writesOf = new WeakMap<TSESLint.Scope.Variable, TSESLint.Scope.Reference[]>();

function writeReferences(variable: TSESLint.Scope.Variable): TSESLint.Scope.Reference[] {
  let writes = writesOf.get(variable);
  if (writes === undefined) {
    writes = variable.references.filter((reference) => reference.isWrite() && reference.init !== true);
    writesOf.set(variable, writes);
  }
  return writes;
}

function readPath(context: Context, value: ValueKind, keys: string[]): ValueKind {
  let current = value;
  for (const key of keys) current = memberOf(context, current, key);
  return current;
}

/** Reads `name` from a classified object value. */
function memberOf(_context: Context, value: ValueKind, name: string): ValueKind {
  if (name === 'sequelize' && value.kind !== 'other') {
    if (value.kind === 'object') {
      const member = value.member(name);
      if (member.kind === 'sequelize') return member;
    }
    const origin = originOf(value);
    return origin === undefined ? { kind: 'sequelize' } : { kind: 'sequelize', origin };
  }
  switch (value.kind) {
    case 'object':
      return value.member(name);
    case 'models':
      if (NON_MODEL_MEMBERS.has(name) || !(isCapitalised(name) || value.anyName === true)) return UNKNOWN;
      return value.origin === undefined ? { kind: 'model' } : { kind: 'model', origin: value.origin };
    case 'sequelize':
      return name === 'models' ? { kind: 'models', origin: value.origin, anyName: true } : UNKNOWN;
    case 'model':
      return UNKNOWN;
    default:
      return value.kind === 'other' ? OTHER : UNKNOWN;
  }
}

function isCapitalised(name: string): boolean {
  return /^[A-Z]/u.test(name);
}

/**
 * `db.x = value` assignments of a variable, by member name, collected once per variable; `db[key] = value` ones under
 * the empty string.
 */
const memberAssignmentsOf = new WeakMap<TSESLint.Scope.Variable, Map<string, TSESTree.Expression[]>>();

function memberAssignments(variable: TSESLint.Scope.Variable): Map<string, TSESTree.Expression[]> {
  let byName = memberAssignmentsOf.get(variable);
  if (byName !== undefined) return byName;
  byName = new Map();
  for (const reference of variable.references) {
    const member = reference.identifier.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) continue;
    const assignment = member.parent;
    if (assignment.type !== AST_NODE_TYPES.AssignmentExpression || assignment.left !== member || assignment.operator !== '=') continue;
    const name = memberName(member) ?? (member.computed ? '' : null);
    if (name === null) continue;
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [assignment.right]);
    else list.push(assignment.right);
  }
  memberAssignmentsOf.set(variable, byName);
  return byName;
}

function withMemberAssignments(
  context: Context,
  variable: TSESLint.Scope.Variable,
  base: ValueKind & { kind: 'object' },
): ValueKind {
  return {
    kind: 'object',
    member(name) {
      const assignments = memberAssignments(variable);
      const assigned = assignments.get(name);
      if (assigned !== undefined) {
        const kind = agree(assigned.map((value) => classify(context, value)));
        if (kind.kind !== 'unknown' || name === 'sequelize' || !assignments.has('sequelize')) return kind;
        // `db.t_daftarpasien = t_daftarpasienM(sequelize, Sequelize)` next to `db.sequelize = sequelize`: a model
        // file's factory called with the instance, as sequelize-cli's generated models are.
        const origins = assigned.map((value) => modelFactoryOrigin(context, value));
        if (origins.some((origin) => origin === null)) return kind;
        const origin = mergeOrigins(origins as (Origin | undefined)[]);
        return origin === undefined ? { kind: 'model' } : { kind: 'model', origin };
      }
      // sequelize-cli's models/index.js: `db[model.name] = model` for every model file, `db.sequelize = sequelize`:
      // any other member is a model of that instance, whatever its case (`db.t_daftarpasien`).
      if (assignments.has('') && !NON_MODEL_MEMBERS.has(name) && name !== 'sequelize' && !/^(?:default|__esModule)$/u.test(name)) {
        const instance = assignments.get('sequelize');
        const kinds = instance === undefined ? [] : instance.map((value) => classify(context, value));
        if (kinds.length > 0 && kinds.every((kind) => kind.kind === 'sequelize')) {
          const origin = originOf(agree(kinds));
          return origin === undefined ? { kind: 'model' } : { kind: 'model', origin };
        }
      }
      return base.member(name);
    },
  };
}

/**
 * `factory(sequelize, DataTypes)` / `require('./user')(sequelize, Sequelize.DataTypes)` / `sequelize.import('./user')`:
 * the instance's origin (undefined when unknown) when the call passes a Sequelize instance, else null.
 */
function modelFactoryOrigin(context: Context, raw: TSESTree.Node): Origin | undefined | null {
  const node = skipTypeWrappers(raw);
  if (node.type !== AST_NODE_TYPES.CallExpression) return null;
  const callee = skipTypeWrappers(node.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'import') {
    const instance = classify(context, callee.object);
    return instance.kind === 'sequelize' ? instance.origin : null;
  }
  for (const argument of node.arguments) {
    const kind = classify(context, argument);
    if (kind.kind === 'sequelize') return kind.origin;
  }
  return null;
}

function objectLiteral(context: Context, node: TSESTree.ObjectExpression): ValueKind {
  return {
    kind: 'object',
    member(name) {
      let found: ValueKind | null = null;
      for (const property of node.properties) {
        if (property.type === AST_NODE_TYPES.SpreadElement) {
          found = null;
          continue;
        }
        const key =
          !property.computed && property.key.type === AST_NODE_TYPES.Identifier
            ? property.key.name
            : staticString(property.key);
        if (key !== name) continue;
        if (property.kind !== 'init') return UNKNOWN;
        found = property.method
          ? { kind: 'function', result: () => functionResult(context, property.value as TSESTree.FunctionExpression) }
          : classify(context, property.value);
      }
      return found ?? UNKNOWN;
    },
  };
}

function classifyMember(context: Context, node: TSESTree.MemberExpression): ValueKind {
  const name = memberName(node);
  if (name === null) return UNKNOWN;
  // `this.sequelize`, `db.sequelize`, `User.sequelize`: Sequelize's own name for the instance a model belongs to.
  if (name === 'sequelize') {
    const owner = classify(context, node.object);
    return owner.kind === 'other' ? OTHER : memberOf(context, owner, name);
  }
  const object = skipTypeWrappers(node.object);
  const base = classify(context, object);
  const member = memberOf(context, base, name);
  if (member.kind !== 'unknown') return member;
  // `sequelize.models` of an instance known by its name only.
  if (name === 'models' && base.kind === 'unknown') {
    const objectName = receiverName(object);
    if (objectName !== null && context.instancePattern.test(objectName)) return { kind: 'models' };
  }
  // `db.User` / `models.User`: the sequelize-cli convention, whatever `db` is bound to.
  if (
    base.kind !== 'other' &&
    object.type === AST_NODE_TYPES.Identifier &&
    MODELS_OBJECT_NAMES.has(object.name) &&
    isCapitalised(name) &&
    !NON_MODEL_MEMBERS.has(name)
  ) {
    return { kind: 'model' };
  }
  return UNKNOWN;
}

function classifyCall(context: Context, node: TSESTree.CallExpression): ValueKind {
  const { host } = context;
  const source = requiredModule(host, node);
  if (source !== null) return moduleValue(context, source, null);
  const callee = skipTypeWrappers(node.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'define') {
    const instance = classify(context, callee.object);
    if (instance.kind === 'sequelize') return instance.origin === undefined ? { kind: 'model' } : { kind: 'model', origin: instance.origin };
  }
  if (factoryCallUnclassified(context, callee)) return UNKNOWN;
  if (isOtherLibrary(context, callee)) return OTHER;
  const calleeKind = classify(context, callee);
  if (calleeKind.kind === 'function') return calleeKind.result();
  return UNKNOWN;
}

/**
 * `factory(sequelize, Sequelize)` / `Model.init(sequelize, Sequelize)` of a project module whose text proves the call
 * unknown whatever the module is (see lib/project/factory-text): answered without parsing the module. `callee` is the
 * imported value itself (`import factory from './m'`, `import { factory } from './m'`, `const factory = require('./m')`,
 * `require('./m')`) or a member of it; any other callee, or a module the text does not settle, takes the full analysis
 * below.
 */
function factoryCallUnclassified(context: Context, callee: TSESTree.Node): boolean {
  const member = callee.type === AST_NODE_TYPES.MemberExpression;
  const target = member ? skipTypeWrappers(callee.object) : callee;
  const imported = importedModuleOf(context, target);
  if (imported === null || !isRelativeSpecifier(imported.specifier)) return false;
  // A `const` bound to `require()` may get members assigned in this file (`factory.init = …`), read before the module's.
  if (member && imported.bound) return false;
  const filename = resolveRelativeModule(context.filename, imported.specifier);
  const text = filename === null ? null : readModuleText(filename);
  if (filename === null || text === null || !WORTH_PARSING.test(text)) return false;
  return exportCallIsUnclassified(filename, text, imported.name);
}

/**
 * The module and export a value is, when it is one unchanged: a default or named import (`moduleValue(…, 'default')`,
 * `moduleValue(…, name)`), a `require()` call or a variable bound to one and never written again (`moduleValue(…,
 * null)`, `bound`); else null.
 */
function importedModuleOf(context: Context, node: TSESTree.Node): { specifier: string; name: string | null; bound: boolean } | null {
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const source = requiredModule(context.host, node);
    return source === null ? null : { specifier: source, name: null, bound: false };
  }
  if (node.type !== AST_NODE_TYPES.Identifier) return null;
  const variable = findVariable(context.host, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (variable === null || variable === undefined || def === undefined) return null;
  if (def.type === DefinitionType.ImportBinding) {
    const specifier = def.node;
    if (specifier.type !== AST_NODE_TYPES.ImportDefaultSpecifier && specifier.type !== AST_NODE_TYPES.ImportSpecifier) return null;
    const declaration = specifier.parent;
    if (declaration.type !== AST_NODE_TYPES.ImportDeclaration || declaration.importKind === 'type') return null;
    if (specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier) return { specifier: declaration.source.value, name: 'default', bound: false };
    if (specifier.importKind === 'type') return null;
    const imported = specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
    return { specifier: declaration.source.value, name: imported, bound: false };
  }
  if (def.type !== DefinitionType.Variable || def.node.id !== variable.identifiers[0] || writeReferences(variable).length > 0) return null;
  const init = def.node.init === null ? null : skipTypeWrappers(def.node.init);
  if (init?.type !== AST_NODE_TYPES.CallExpression) return null;
  const source = requiredModule(context.host, init);
  return source === null ? null : { specifier: source, name: null, bound: true };
}

/** What a function returns, when every `return` agrees (a factory, a lazy singleton getter). */
function functionResult(
  context: Context,
  fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.TSDeclareFunction | TSESTree.TSEmptyBodyFunctionExpression,
): ValueKind {
  if (context.depth > MAX_DEPTH) return UNKNOWN;
  const inner = { ...context, depth: context.depth + 1 };
  if (fn.body === null || fn.body === undefined) return UNKNOWN;
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return classify(inner, fn.body);
  const results = returnedExpressions(fn)
    .filter((value) => !isNullish(value))
    .map((value) => classify(inner, value));
  return agree(results);
}

function classifyClass(context: Context, node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): ValueKind {
  if (node.superClass === null) return staticMembers(context, node);
  const member = sequelizeModuleMember(context.host, node.superClass);
  if (member !== null) {
    const path = member.path.filter((key) => key !== 'default');
    const last = path.at(-1);
    if (last !== 'Model') return OTHER;
    const origin = initOrigin(context, node);
    return origin === undefined ? { kind: 'model' } : { kind: 'model', origin };
  }
  // `class Admin extends User`: a subclass of a model is a model.
  return classify(context, node.superClass).kind === 'model' ? { kind: 'model' } : UNKNOWN;
}

/**
 * A class that extends nothing, read through its static members: stock-server's models module exports
 * `class db { static sequelize = sequelize; static Order = Order; … }`. A name it does not declare is nothing of ours.
 */
function staticMembers(context: Context, node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): ValueKind {
  return {
    kind: 'object',
    member(name) {
      for (const element of node.body.body) {
        if (element.type !== AST_NODE_TYPES.PropertyDefinition && element.type !== AST_NODE_TYPES.MethodDefinition) continue;
        if (!element.static || staticKeyName(element.key, element.computed) !== name) continue;
        if (element.type === AST_NODE_TYPES.MethodDefinition) {
          return element.kind === 'method' ? { kind: 'function', result: () => functionResult(context, element.value) } : UNKNOWN;
        }
        return element.value === null ? UNKNOWN : classify(context, element.value);
      }
      return OTHER;
    },
  };
}

/** `User.init(attributes, { sequelize })` in the class's module: the instance the model is defined on. */
/** Per class: its `init` calls are looked up once (a model is read thousands of times in a large module). */
const initOrigins = new WeakMap<TSESTree.Node, { origin: Origin | undefined }>();

function initOrigin(context: Context, node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): Origin | undefined {
  const known = initOrigins.get(node);
  if (known !== undefined) return known.origin;
  initOrigins.set(node, { origin: undefined }); // cycles: `init(…, { sequelize: Model.sequelize })`
  const origin = initOriginOf(context, node);
  initOrigins.set(node, { origin });
  return origin;
}

function initOriginOf(context: Context, node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): Origin | undefined {
  const id = node.id ?? (node.parent.type === AST_NODE_TYPES.VariableDeclarator && node.parent.id.type === AST_NODE_TYPES.Identifier ? node.parent.id : null);
  if (id === null) return undefined;
  // From the scope around the class: inside it, its name is the class scope's own binding, which no `init` reads.
  const own = context.host.getScope(node);
  const variable = variableNamed(own.block === node ? (own.upper ?? own) : own, id.name);
  if (variable === null) return undefined;
  const origins: (Origin | undefined)[] = [];
  for (const reference of variable.references) {
    const member = reference.identifier.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier || memberName(member) !== 'init') continue;
    const call = member.parent;
    if (call.type !== AST_NODE_TYPES.CallExpression || call.callee !== member) continue;
    const options = call.arguments[1];
    if (options?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
    const property = options.properties.find(
      (entry): entry is TSESTree.Property => entry.type === AST_NODE_TYPES.Property && staticKeyName(entry.key, entry.computed) === 'sequelize',
    );
    if (property === undefined) return undefined;
    const instance = classify(context, property.value);
    origins.push(instance.kind === 'sequelize' ? instance.origin : undefined);
  }
  return mergeOrigins(origins);
}

function classifyImport(
  context: Context,
  node:
    | TSESTree.ImportDefaultSpecifier
    | TSESTree.ImportNamespaceSpecifier
    | TSESTree.ImportSpecifier
    | TSESTree.TSImportEqualsDeclaration,
): ValueKind {
  if (node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
    const reference = node.moduleReference;
    if (reference.type !== AST_NODE_TYPES.TSExternalModuleReference) return UNKNOWN;
    const source = staticString(reference.expression);
    return source === null ? UNKNOWN : moduleValue(context, source, null);
  }
  const declaration = node.parent;
  if (declaration.type !== AST_NODE_TYPES.ImportDeclaration || declaration.importKind === 'type') return UNKNOWN;
  const source = declaration.source.value;
  switch (node.type) {
    case AST_NODE_TYPES.ImportNamespaceSpecifier:
      return moduleValue(context, source, null);
    case AST_NODE_TYPES.ImportDefaultSpecifier:
      return moduleValue(context, source, 'default');
    case AST_NODE_TYPES.ImportSpecifier: {
      if (node.importKind === 'type') return UNKNOWN;
      const imported = node.imported.type === AST_NODE_TYPES.Identifier ? node.imported.name : node.imported.value;
      return moduleValue(context, source, imported);
    }
  }
}

/** Anything that could name an instance or a model is worth parsing; other modules are skipped unread. */
const WORTH_PARSING = /Sequelize|sequelize|Model|define|require|import|export/u;

/**
 * The value `specifier` provides (`name` null for the whole module): a project module's export, a models module's
 * capitalised names, another database library's API (`other`), or unknown.
 */
function moduleValue(context: Context, specifier: string, name: string | null): ValueKind {
  if ((SEQUELIZE_MODULES as readonly string[]).includes(specifier)) return OTHER;
  if (OTHER_DATABASE_LIBRARIES.has(specifier) || specifier.startsWith('node:')) return OTHER;
  if (!isRelativeSpecifier(specifier)) {
    return isModelsSpecifier(specifier) ? modelsModule(name) : UNKNOWN;
  }
  const filename = resolveRelativeModule(context.filename, specifier);
  const module = filename === null ? null : loadProjectModule(filename, WORTH_PARSING);
  const fallback = isModelsSpecifier(specifier) ? modelsModule(name) : UNKNOWN;
  if (module === null) return fallback;
  const crossContext: Context = { ...context, host: module.host, filename: module.filename, depth: context.depth + 1 };
  const resolved = name === null ? wholeModule(crossContext, module) : exportedKind(crossContext, module, name);
  if (resolved.kind === 'unknown') return fallback;
  if (resolved.kind === 'object' && fallback.kind !== 'unknown') {
    return { kind: 'object', member: (key) => { const found = resolved.member(key); return found.kind === 'unknown' ? memberOf(context, fallback, key) : found; } };
  }
  return resolved;
}

function modelsModule(name: string | null): ValueKind {
  if (name === null || name === 'default') return { kind: 'models' };
  return isCapitalised(name) && !NON_MODEL_MEMBERS.has(name) ? { kind: 'model' } : name === 'sequelize' ? { kind: 'sequelize' } : UNKNOWN;
}

function exportedKind(context: Context, module: ProjectModule, name: string): ValueKind {
  const found = exportedValue(module, name, WORTH_PARSING);
  if (found !== null) {
    return classify({ ...context, host: found.module.host, filename: found.module.filename }, found.node);
  }
  // `const { sequelize } = require('./db')` of `module.exports = db` with `db.sequelize = …` assignments.
  const whole = wholeModule(context, module);
  return whole.kind === 'object' ? whole.member(name) : UNKNOWN;
}

/** What `require()` (or a namespace import) of a module gives: `module.exports`, else its named exports. */
function wholeModule(context: Context, module: ProjectModule): ValueKind {
  const { whole } = moduleExports(module);
  const wholeKind = whole === null ? null : classify({ ...context, host: module.host, filename: module.filename }, whole);
  if (wholeKind !== null && wholeKind.kind !== 'object' && wholeKind.kind !== 'unknown') return wholeKind;
  return {
    kind: 'object',
    member: (name) => {
      const found = exportedValue(module, name, WORTH_PARSING);
      if (found !== null) return classify({ ...context, host: found.module.host, filename: found.module.filename }, found.node);
      return wholeKind === null ? UNKNOWN : memberOf(context, wholeKind, name);
    },
  };
}

/** `knex(config)`, `require('knex')(config)`, `new Knex(...)`, `mongoose.connection`: another library's value. */
function isOtherLibrary(context: Context, callee: TSESTree.Node): boolean {
  const node = skipTypeWrappers(callee);
  const kind = node.type === AST_NODE_TYPES.MemberExpression ? classify(context, node.object) : classify(context, node);
  return kind.kind === 'other';
}

/** Does the file, or the project module a Sequelize instance comes from, call `Sequelize.useCLS()`? */
export function fileUsesCls(text: string): boolean {
  return /\.useCLS\s*\(/u.test(text);
}

/** True when a relative module imported by `filename` under `specifier` calls `useCLS` (the instance's module). */
export function moduleUsesCls(filename: string, specifier: string): boolean {
  const resolved = resolveRelativeModule(filename, specifier);
  const text = resolved === null ? null : readModuleText(resolved);
  return text !== null && fileUsesCls(text);
}

//------------------------------------------------------------------------------
// Type information
//------------------------------------------------------------------------------

/** Answers from the type checker: true/false when the type is known, null when it is `any` or absent. */
export interface TypeInformation {
  isSequelizeInstance(node: TSESTree.Node): boolean | null;
  isModelClass(node: TSESTree.Node): boolean | null;
  isModelInstance(node: TSESTree.Node): boolean | null;
  /** The awaited value of `node` is a Sequelize `Transaction`. */
  isTransaction(node: TSESTree.Node): boolean | null;
  /** `node` is callable (a managed transaction's callback argument). */
  isCallable(node: TSESTree.Node): boolean | null;
}

const SEQUELIZE_DECLARATION = /[\\/]node_modules[\\/](?:sequelize|sequelize-typescript|@sequelize[\\/]core)[\\/]/u;

function typeInformation(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): TypeInformation | null {
  // Read the services directly: getParserServices throws for parsers other than typescript-eslint's (espree).
  const services = context.sourceCode.parserServices as Partial<ParserServicesWithTypeInformation> | undefined;
  if (services?.program == null || services.getTypeAtLocation === undefined) return null;
  const { getTypeAtLocation } = services;
  const checker = services.program.getTypeChecker();
  const typeOf = (node: TSESTree.Node): ts.Type | null => {
    try {
      return getTypeAtLocation(node);
    } catch {
      return null;
    }
  };
  // TypeFlags.Any | TypeFlags.Unknown: stable values since TypeScript 2.
  const ANY_OR_UNKNOWN = 1 | 2;
  // TypeFlags.Null | TypeFlags.Undefined | TypeFlags.Void
  const NULLISH = 65536 | 32768 | 16384;

  const fromSequelize = (symbol: ts.Symbol | undefined, name: string): boolean =>
    symbol?.getName() === name &&
    (symbol.declarations ?? []).some((declaration) => SEQUELIZE_DECLARATION.test(declaration.getSourceFile().fileName));

  /** Is `type` (or a class it extends) the Sequelize class named `name`? */
  const extendsSequelizeClass = (type: ts.Type, name: string, seen = new Set<ts.Type>()): boolean => {
    if (seen.has(type)) return false;
    seen.add(type);
    if (fromSequelize(type.getSymbol(), name) || fromSequelize(type.aliasSymbol, name)) return true;
    if (type.isIntersection()) return type.types.some((part) => extendsSequelizeClass(part, name, seen));
    const target = (type as ts.TypeReference).target as ts.Type | undefined;
    const classType = target ?? type;
    if (classType.isClassOrInterface()) {
      return checker.getBaseTypes(classType).some((base) => extendsSequelizeClass(base, name, seen));
    }
    return false;
  };

  /** Applies `test` to every non-nullish member of a union; null when the type is any/unknown. */
  const decide = (type: ts.Type | null, test: (part: ts.Type) => boolean): boolean | null => {
    if (type === null || (type.flags & ANY_OR_UNKNOWN) !== 0) return null;
    const parts = (type.isUnion() ? type.types : [type]).filter((part) => (part.flags & NULLISH) === 0);
    if (parts.length === 0 || parts.some((part) => (part.flags & ANY_OR_UNKNOWN) !== 0)) return null;
    return parts.every(test);
  };

  const awaited = (type: ts.Type | null): ts.Type | null => {
    if (type === null) return null;
    return checker.getAwaitedType(type) ?? type;
  };

  return {
    isSequelizeInstance: (node) => decide(typeOf(node), (type) => extendsSequelizeClass(type, 'Sequelize') && type.getConstructSignatures().length === 0),
    isModelClass: (node) =>
      decide(typeOf(node), (type) =>
        type.getConstructSignatures().some((signature) => extendsSequelizeClass(signature.getReturnType(), 'Model')),
      ),
    isModelInstance: (node) =>
      decide(typeOf(node), (type) => type.getConstructSignatures().length === 0 && extendsSequelizeClass(type, 'Model')),
    isTransaction: (node) => decide(awaited(typeOf(node)), (type) => extendsSequelizeClass(type, 'Transaction')),
    isCallable: (node) => decide(typeOf(node), (type) => type.getCallSignatures().length > 0),
  };
}
