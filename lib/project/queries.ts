import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';

import type { SequelizeAnalysis } from './sequelize-instances';

import { findVariable, memberName, skipTypeWrappers, soleInitializer } from '../file-analysis/ast';
import { classifyValue, isModelClass, isSequelizeInstance } from './sequelize-instances';

/**
 * Which calls run SQL, and where each takes its options. Only receivers proven to be models, model instances or
 * Sequelize instances count, so `Object.create()`, `array.find()`, `Promise.all()` and a knex `update()` never do.
 */

/** Static model methods that query, with the index of their options argument. */
export const MODEL_QUERY_METHODS: Readonly<Record<string, number>> = {
  findAll: 0,
  findOne: 0,
  findByPk: 1,
  findOrCreate: 0,
  findAndCountAll: 0,
  count: 0,
  max: 1,
  min: 1,
  sum: 1,
  create: 1,
  bulkCreate: 1,
  update: 1,
  destroy: 0,
  upsert: 1,
  increment: 1,
  decrement: 1,
  restore: 0,
  truncate: 0,
  aggregate: 2,
};

/** Instance methods that query, with the index of their options argument. */
export const INSTANCE_QUERY_METHODS: Readonly<Record<string, number>> = {
  save: 0,
  reload: 0,
  update: 1,
  destroy: 0,
  increment: 1,
  decrement: 1,
  restore: 0,
};

/** Static methods whose result is one instance (`[instance, created]` for the tuple ones). */
const SINGLE_INSTANCE_SOURCES = new Set(['findOne', 'findByPk', 'create', 'build']);
const TUPLE_INSTANCE_SOURCES = new Set(['findOrCreate', 'upsert', 'findCreateFind', 'findOrBuild']);
const ARRAY_INSTANCE_SOURCES = new Set(['findAll', 'bulkCreate']);

/** Array methods whose callback's first parameter is an element. */
const ELEMENT_CALLBACK_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'find', 'findLast', 'some', 'every']);
/** Array methods that return one element. */
const ELEMENT_RETURNING_METHODS = new Set(['find', 'findLast', 'at', 'pop', 'shift']);

export type QueryReceiver = 'instance' | 'model' | 'sequelize';

export interface QueryCall {
  call: TSESTree.CallExpression;
  callee: TSESTree.MemberExpression;
  method: string;
  receiver: QueryReceiver;
  /** Which argument holds the options (`create(values, options)` → 1). */
  optionsIndex: number;
}

/** `MEMBERS[name]` for an own key only (`'constructor'`, `'toString'` are not methods here). */
function lookup(table: Readonly<Record<string, number>>, name: string): number | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * Every query `call` can be, read from the call alone (its method name and arguments), in the order `queryCall` tries
 * them; none for a method no query has. Which one it is, if any, takes a proof about the receiver, which may parse
 * other project modules: a caller whose answer is the same for every form, and for no query at all, can skip it.
 */
export function queryForms(call: TSESTree.CallExpression): QueryCall[] {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return [];
  const method = memberName(callee);
  if (method === null) return [];
  const forms: QueryCall[] = [];
  if (method === 'query') forms.push({ call, callee, method, receiver: 'sequelize', optionsIndex: 1 });
  const modelIndex = lookup(MODEL_QUERY_METHODS, method);
  if (modelIndex !== undefined) forms.push({ call, callee, method, receiver: 'model', optionsIndex: modelIndex });
  const instanceIndex = lookup(INSTANCE_QUERY_METHODS, method);
  if (instanceIndex !== undefined) {
    // `instance.update('name', value, options)`: the key/value form moves the options one to the right.
    const [first] = call.arguments;
    const keyValueForm = method === 'update' && first !== undefined && isStringLike(first);
    forms.push({ call, callee, method, receiver: 'instance', optionsIndex: keyValueForm ? 2 : instanceIndex });
  }
  return forms;
}

/** The query `call` makes, or null when it is not provably a Sequelize query. */
export function queryCall(analysis: SequelizeAnalysis, call: TSESTree.CallExpression): QueryCall | null {
  return queryForms(call).find((form) => provenReceiver(analysis, form)) ?? null;
}

/**
 * What `answer` says of the query `call` makes, when the call alone settles it: the answer is the same for every form
 * the call can take and for no query at all (`db.user.create(values, { transaction: t })` inside a transaction is
 * fine whether or not `db.user` is a model). Null when it depends on the receiver: then ask `queryCall`.
 */
export function settledByCall<T>(call: TSESTree.CallExpression, answer: (query: QueryCall | null) => T): { answer: T } | null {
  const unproven = answer(null);
  return queryForms(call).every((form) => answer(form) === unproven) ? { answer: unproven } : null;
}

/** Is the receiver of `form` what the form needs: a Sequelize instance, a model class, a model instance? */
function provenReceiver(analysis: SequelizeAnalysis, form: QueryCall): boolean {
  const receiver = form.callee.object;
  switch (form.receiver) {
    case 'sequelize':
      return isSequelizeInstance(analysis, receiver);
    case 'model':
      return isModelReceiver(analysis, receiver);
    case 'instance':
      return isModelInstance(analysis, receiver);
  }
}

function isStringLike(node: TSESTree.Node): boolean {
  return (
    (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') || node.type === AST_NODE_TYPES.TemplateLiteral
  );
}

/** A model class, or `this` in a static method of one. */
function isModelReceiver(analysis: SequelizeAnalysis, raw: TSESTree.Node): boolean {
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.ThisExpression) {
    const method = enclosingClassMethod(node);
    return method !== null && method.static && isModelClassNode(analysis, method.parent.parent);
  }
  return isModelClass(analysis, node);
}

function isModelClassNode(analysis: SequelizeAnalysis, node: TSESTree.Node): boolean {
  return (
    (node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression) &&
    classifyValue(analysis, node).kind === 'model'
  );
}

/** The class method whose own `this` a `this` expression reads (arrow functions are transparent). */
function enclosingClassMethod(node: TSESTree.Node): TSESTree.MethodDefinition | null {
  for (let current = node.parent; current != null; current = current.parent) {
    if (current.type === AST_NODE_TYPES.ArrowFunctionExpression) continue;
    if (current.type === AST_NODE_TYPES.FunctionExpression) {
      return current.parent.type === AST_NODE_TYPES.MethodDefinition ? current.parent : null;
    }
    if (current.type === AST_NODE_TYPES.FunctionDeclaration || current.type === AST_NODE_TYPES.Program) return null;
  }
  return null;
}

/** Is `node` a model instance: a value a model query returned, an element of one's array, `this` in a model? */
export function isModelInstance(analysis: SequelizeAnalysis, raw: TSESTree.Node, depth = 0): boolean {
  const typed = analysis.types?.isModelInstance(raw) ?? null;
  if (typed !== null) return typed;
  if (depth > 8) return false;
  const node = skipTypeWrappers(raw);
  switch (node.type) {
    case AST_NODE_TYPES.ThisExpression: {
      const method = enclosingClassMethod(node);
      return method !== null && !method.static && isModelClassNode(analysis, method.parent.parent);
    }
    case AST_NODE_TYPES.AwaitExpression:
      return isModelInstance(analysis, node.argument, depth + 1);
    case AST_NODE_TYPES.CallExpression: {
      const source = modelSource(analysis, node);
      if (source !== null) return SINGLE_INSTANCE_SOURCES.has(source);
      const callee = skipTypeWrappers(node.callee);
      return (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        ELEMENT_RETURNING_METHODS.has(memberName(callee) ?? '') &&
        isInstanceArray(analysis, callee.object, depth + 1)
      );
    }
    case AST_NODE_TYPES.MemberExpression:
      // `rows[0]`
      return node.computed && isInstanceArray(analysis, node.object, depth + 1);
    case AST_NODE_TYPES.Identifier:
      return identifierIsInstance(analysis, node, depth);
    default:
      return false;
  }
}

/** The static query method a call makes on a model (`findOne`), or null. */
function modelSource(analysis: SequelizeAnalysis, raw: TSESTree.Node): string | null {
  const node = skipTypeWrappers(raw);
  const call = node.type === AST_NODE_TYPES.AwaitExpression ? skipTypeWrappers(node.argument) : node;
  if (call.type !== AST_NODE_TYPES.CallExpression) return null;
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  const method = memberName(callee);
  if (method === null) return null;
  const known =
    SINGLE_INSTANCE_SOURCES.has(method) ||
    TUPLE_INSTANCE_SOURCES.has(method) ||
    ARRAY_INSTANCE_SOURCES.has(method) ||
    method === 'findAndCountAll';
  return known && isModelReceiver(analysis, callee.object) ? method : null;
}

function identifierIsInstance(analysis: SequelizeAnalysis, node: TSESTree.Identifier, depth: number): boolean {
  const variable = findVariable(analysis.host, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (variable === null || def === undefined) return false;
  if (def.type === DefinitionType.Parameter) {
    // `(file: ExpenseAttachedFile) => file.destroy()`: annotated with a model class, so an instance of it.
    if (annotatedWithModel(analysis, variable.identifiers[0])) return true;
    // `rows.forEach((row) => row.save())`
    const fn = def.node;
    if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.type !== AST_NODE_TYPES.FunctionExpression) return false;
    if (fn.params[0] !== node && fn.params[0] !== variable.identifiers[0]) return false;
    const call = fn.parent;
    if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn) return false;
    const callee = skipTypeWrappers(call.callee);
    return (
      callee.type === AST_NODE_TYPES.MemberExpression &&
      ELEMENT_CALLBACK_METHODS.has(memberName(callee) ?? '') &&
      isInstanceArray(analysis, callee.object, depth + 1)
    );
  }
  if (def.type !== DefinitionType.Variable) return false;
  const declarator = def.node;
  const declaration = def.parent;
  // `for (const row of rows)`
  if (
    declaration.parent?.type === AST_NODE_TYPES.ForOfStatement &&
    declaration.parent.left === declaration &&
    declarator.id === variable.identifiers[0]
  ) {
    return isInstanceArray(analysis, declaration.parent.right, depth + 1);
  }
  const binding = soleInitializer(variable);
  if (binding === null) return assignedInstance(analysis, variable, declarator, depth);
  const { init } = binding;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return isModelInstance(analysis, init, depth + 1);
  // `const [user, created] = await User.findOrCreate(…)`
  if (declarator.id.type === AST_NODE_TYPES.ArrayPattern && declarator.id.elements[0] === variable.identifiers[0]) {
    const source = modelSource(analysis, init);
    return source !== null && TUPLE_INSTANCE_SOURCES.has(source);
  }
  return false;
}

/** A TypeScript annotation that names a model class (`file: ExpenseAttachedFile`), read without type information. */
function annotatedWithModel(analysis: SequelizeAnalysis, id: TSESTree.Identifier | undefined): boolean {
  const annotation = id?.typeAnnotation?.typeAnnotation;
  if (annotation?.type !== AST_NODE_TYPES.TSTypeReference || annotation.typeArguments !== undefined) return false;
  return annotation.typeName.type === AST_NODE_TYPES.Identifier && isModelClass(analysis, annotation.typeName);
}

/**
 * `let nota; … nota = await Nota.findOne(…)` / `let row = null; if (id) row = await Row.findByPk(id)`: a variable
 * declared empty (or null) whose every assignment is a model instance (or null).
 */
function assignedInstance(
  analysis: SequelizeAnalysis,
  variable: TSESLint.Scope.Variable,
  declarator: TSESTree.VariableDeclarator,
  depth: number,
): boolean {
  if (declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
  if (declarator.init !== null && !isNullValue(declarator.init)) return false;
  let instances = 0;
  for (const reference of variable.references) {
    if (!reference.isWrite() || reference.init === true) continue;
    const assignment = reference.identifier.parent;
    if (assignment?.type !== AST_NODE_TYPES.AssignmentExpression || assignment.operator !== '=' || assignment.left !== reference.identifier) {
      return false;
    }
    if (isNullValue(assignment.right)) continue;
    if (!isModelInstance(analysis, assignment.right, depth + 1)) return false;
    instances += 1;
  }
  return instances > 0;
}

function isNullValue(raw: TSESTree.Node): boolean {
  const node = skipTypeWrappers(raw);
  return (node.type === AST_NODE_TYPES.Literal && node.value === null && !('regex' in node)) || (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined');
}

/** Is `node` an array of model instances (`await User.findAll()`, `(await User.findAndCountAll()).rows`)? */
function isInstanceArray(analysis: SequelizeAnalysis, raw: TSESTree.Node, depth: number): boolean {
  if (depth > 8) return false;
  const node = skipTypeWrappers(raw);
  const source = modelSource(analysis, node);
  if (source !== null) return ARRAY_INSTANCE_SOURCES.has(source);
  if (node.type === AST_NODE_TYPES.MemberExpression && memberName(node) === 'rows') {
    return modelSource(analysis, node.object) === 'findAndCountAll';
  }
  if (node.type === AST_NODE_TYPES.CallExpression) {
    // `rows.filter(…)`, `rows.slice(…)`: still instances.
    const callee = skipTypeWrappers(node.callee);
    return (
      callee.type === AST_NODE_TYPES.MemberExpression &&
      ['filter', 'slice', 'reverse', 'toReversed', 'toSorted', 'sort', 'concat'].includes(memberName(callee) ?? '') &&
      isInstanceArray(analysis, callee.object, depth + 1)
    );
  }
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = findVariable(analysis.host, node);
  if (variable === null) return false;
  const binding = soleInitializer(variable);
  if (binding === null) return false;
  const { declarator, init } = binding;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return isInstanceArray(analysis, init, depth + 1);
  // `const { rows } = await User.findAndCountAll(…)`
  if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
    const property = declarator.id.properties.find(
      (entry) => entry.type === AST_NODE_TYPES.Property && entry.value === variable.identifiers[0],
    );
    return (
      property?.type === AST_NODE_TYPES.Property &&
      !property.computed &&
      property.key.type === AST_NODE_TYPES.Identifier &&
      property.key.name === 'rows' &&
      modelSource(analysis, init) === 'findAndCountAll'
    );
  }
  return false;
}

/** A short name for the call in messages: `AuditLog.update()`, `user.save()`, `sequelize.query()`. */
export function describeQuery(sourceText: (node: TSESTree.Node) => string, query: QueryCall): string {
  const receiver = sourceText(query.callee.object);
  const shown = receiver.length > 30 || receiver.includes('\n') ? '…' : receiver;
  return `${shown}.${query.method}()`;
}
