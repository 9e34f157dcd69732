/**
 * Functions that create a Sequelize instance on every call (factories, also behind wrappers and classes, in this
 * or another module), and where a function is registered to run per request, message or tick (Express/Koa
 * middleware and routes, timers, cron and job queues), anywhere in the project. Built on the module summaries
 * (lib/project/module-summary): per-module facts cached per mtime, resolved from the file being linted with a
 * fixed bound, so one file linted in an editor gets the answer a whole-project run gives it.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { existsSync } from 'node:fs';
import path from 'node:path';

import type { ProjectModule } from './project-modules';

import { childNodes, findVariable, isFunctionNode, memberName, returnedExpressions, skipTypeWrappers, staticKeyName } from '../file-analysis/ast';
import { enclosingFunction, isLazyCall, referenceRegistration, sourceText } from '../file-analysis/instance-lifetime';
import { sequelizeConstructorModule, sequelizeModuleMember } from '../file-analysis/sequelize-detection';
import { defineModuleFact, factOf, MAX_MODULE_HOPS, resolveReference } from './module-summary';
import { projectSourceFiles } from './project-files';
import { loadProjectModule, readModuleText } from './project-modules';

type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

/** The construction a factory makes on every call. */
export interface FactoryOrigin {
  module: ProjectModule;
  construction: TSESTree.NewExpression;
}

/** At most this many functions are followed from one call (wrappers of wrappers); beyond it, silence. */
const MAX_FUNCTIONS = 12;

interface Walk {
  hops: number;
  functions: number;
  seen: Set<TSESTree.Node>;
}

/**
 * If `call` (a call or `new` in `module`) creates a new Sequelize instance every time it runs, through a function
 * or class of this or another project module, the construction; else null. A direct `new Sequelize()` is not a
 * factory call (the rule judges it where it is written).
 */
export function calledFactory(module: ProjectModule, call: TSESTree.CallExpression | TSESTree.NewExpression): FactoryOrigin | null {
  const walk: Walk = { hops: 0, functions: 0, seen: new Set() };
  if (call.type === AST_NODE_TYPES.NewExpression) {
    if (sequelizeConstructorModule(module.host, call.callee) !== null) return null;
    return newInstanceOrigin(module, call, walk);
  }
  return callOrigin(module, call, walk);
}

function callOrigin(module: ProjectModule, call: TSESTree.CallExpression, walk: Walk): FactoryOrigin | null {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  // `Promise.resolve(x)`, `x.then(...)`: not a call of a project function.
  const located = resolveReference(module, callee, walk.hops);
  if (located === null) return null;
  const target = located.node;
  if (!isFunctionNode(target)) return null;
  return functionOrigin(located.module, target, { ...walk, hops: walk.hops + (located.module === module ? 0 : 1) });
}

/** The construction `fn` returns, new on every call (directly, through a local, a wrapper or a class), or null. */
export function functionOrigin(module: ProjectModule, fn: FunctionNode, walk: Walk = { hops: 0, functions: 0, seen: new Set() }): FactoryOrigin | null {
  if (walk.seen.has(fn) || walk.functions >= MAX_FUNCTIONS || walk.hops > MAX_MODULE_HOPS) return null;
  walk.seen.add(fn);
  walk.functions += 1;
  for (const returned of returnedExpressions(fn)) {
    const origin = expressionOrigin(module, returned, fn, walk, 0);
    if (origin !== null) return origin;
  }
  return null;
}

function isWithin(node: TSESTree.Node, ancestor: TSESTree.Node): boolean {
  return node.range[0] >= ancestor.range[0] && node.range[1] <= ancestor.range[1];
}

function expressionOrigin(module: ProjectModule, raw: TSESTree.Node, fn: FunctionNode, walk: Walk, depth: number): FactoryOrigin | null {
  if (depth > 8) return null;
  const node = skipTypeWrappers(raw);
  const next = (child: TSESTree.Node | null | undefined): FactoryOrigin | null =>
    child == null ? null : expressionOrigin(module, child, fn, walk, depth + 1);
  switch (node.type) {
    case AST_NODE_TYPES.AwaitExpression:
      return next(node.argument);
    case AST_NODE_TYPES.ConditionalExpression:
      return next(node.consequent) ?? next(node.alternate);
    case AST_NODE_TYPES.LogicalExpression:
      // `cache[k] || (cache[k] = make())` is a lazy init, judged by isLazyCall below; `a || b` returns either.
      return next(node.left) ?? next(node.right);
    case AST_NODE_TYPES.SequenceExpression:
      return next(node.expressions.at(-1));
    case AST_NODE_TYPES.ObjectExpression:
      // `return { sequelize, models }`: the instance leaves the call inside the object.
      for (const property of node.properties) {
        const origin = next(property.type === AST_NODE_TYPES.SpreadElement ? property.argument : property.value);
        if (origin !== null) return origin;
      }
      return null;
    case AST_NODE_TYPES.ArrayExpression:
      for (const element of node.elements) {
        const origin = next(element?.type === AST_NODE_TYPES.SpreadElement ? element.argument : element);
        if (origin !== null) return origin;
      }
      return null;
    case AST_NODE_TYPES.NewExpression:
      if (isLazyCall(node, sourceText(module.text))) return null;
      if (sequelizeConstructorModule(module.host, node.callee) !== null) return { module, construction: node };
      return newInstanceOrigin(module, node, walk);
    case AST_NODE_TYPES.CallExpression: {
      if (isLazyCall(node, sourceText(module.text))) return null;
      const callee = skipTypeWrappers(node.callee);
      // `Promise.resolve(instance)`
      if (callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'resolve' && node.arguments.length === 1) {
        const origin = next(node.arguments[0]);
        if (origin !== null) return origin;
      }
      return callOrigin(module, node, walk);
    }
    case AST_NODE_TYPES.Identifier: {
      // A local of this call: every value written to it. An outer variable or a parameter is not new per call.
      const variable = findVariable(module.host, node);
      if (variable === null || variable.defs.length !== 1) return null;
      const [def] = variable.defs;
      if (def === undefined || !isWithin(def.name, fn) || def.node === fn) return null;
      if (def.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id === def.name) {
        const origin = next(def.node.init);
        if (origin !== null) return origin;
      }
      for (const reference of variable.references) {
        if (!reference.isWrite() || reference.init === true) continue;
        const assignment = reference.identifier.parent;
        if (assignment?.type === AST_NODE_TYPES.AssignmentExpression && assignment.left === reference.identifier && enclosingFunction(assignment) === fn) {
          const origin = next(assignment.right);
          if (origin !== null) return origin;
        }
      }
      return null;
    }
    default:
      return null;
  }
}

/** `new Database()` of a class whose constructor creates an instance (`this.sequelize = new Sequelize(...)`). */
function newInstanceOrigin(module: ProjectModule, node: TSESTree.NewExpression, walk: Walk): FactoryOrigin | null {
  const located = resolveReference(module, node.callee, walk.hops);
  if (located === null) return null;
  const classNode = located.node;
  if (classNode.type !== AST_NODE_TYPES.ClassDeclaration && classNode.type !== AST_NODE_TYPES.ClassExpression) return null;
  if (walk.seen.has(classNode) || walk.functions >= MAX_FUNCTIONS) return null;
  walk.seen.add(classNode);
  walk.functions += 1;
  const owner = located.module;
  // `class Db extends Sequelize { constructor() { super(...) } }`: every `new Db()` is a new instance.
  if (classNode.superClass !== null) {
    const member = sequelizeModuleMember(owner.host, classNode.superClass);
    if (member !== null && member.path.filter((key) => key !== 'default').join('.') === 'Sequelize') return { module: owner, construction: node };
  }
  const methods = new Map<string, TSESTree.FunctionExpression>();
  let constructor: TSESTree.FunctionExpression | null = null;
  for (const member of classNode.body.body) {
    if (member.type !== AST_NODE_TYPES.MethodDefinition || member.static || member.value.type !== AST_NODE_TYPES.FunctionExpression) continue;
    if (member.kind === 'constructor') constructor = member.value;
    else if (member.kind === 'method') {
      const name = staticKeyName(member.key, member.computed);
      if (name !== null) methods.set(name, member.value);
    }
  }
  if (constructor?.body == null) return null;
  // `this.sequelize = new Sequelize(…)` or `= makeSequelize(…)` in the constructor, or in a method it calls
  // (`constructor() { this.init(); }`, one level).
  const text = sourceText(owner.text);
  const visited = new Set<TSESTree.Node>();
  const search = (body: TSESTree.BlockStatement): FactoryOrigin | null => {
    if (visited.has(body)) return null;
    visited.add(body);
    let found: FactoryOrigin | null = null;
    const visit = (child: TSESTree.Node): void => {
      if (found !== null || isFunctionNode(child)) return;
      if (
        child.type === AST_NODE_TYPES.AssignmentExpression &&
        child.operator === '=' &&
        child.left.type === AST_NODE_TYPES.MemberExpression &&
        child.left.object.type === AST_NODE_TYPES.ThisExpression
      ) {
        const value = skipTypeWrappers(child.right);
        if (value.type === AST_NODE_TYPES.NewExpression && !isLazyCall(value, text)) {
          found = sequelizeConstructorModule(owner.host, value.callee) !== null ? { module: owner, construction: value } : newInstanceOrigin(owner, value, walk);
        } else if (value.type === AST_NODE_TYPES.CallExpression || value.type === AST_NODE_TYPES.AwaitExpression) {
          const call = value.type === AST_NODE_TYPES.AwaitExpression ? skipTypeWrappers(value.argument) : value;
          if (call.type === AST_NODE_TYPES.CallExpression && !isLazyCall(value, text)) found = callOrigin(owner, call, walk);
        }
        return;
      }
      if (
        child.type === AST_NODE_TYPES.CallExpression &&
        child.callee.type === AST_NODE_TYPES.MemberExpression &&
        child.callee.object.type === AST_NODE_TYPES.ThisExpression
      ) {
        const method = methods.get(memberName(child.callee) ?? '');
        if (method?.body != null) found = search(method.body);
        if (found !== null) return;
      }
      for (const grandchild of childNodes(child)) visit(grandchild);
    };
    for (const statement of body.body) visit(statement);
    return found;
  };
  return search(constructor.body);
}

//------------------------------------------------------------------------------
// Registrations: functions run per request, message or tick
//------------------------------------------------------------------------------

/** A reference to a function passed to a registration: `router.use(InitializeCompanyDB)`. */
export interface Registration {
  /** `router.use`, `setInterval`, `cron.schedule`, `new CronJob`. */
  registration: string;
  /** The argument: an identifier or member expression naming the function. */
  argument: TSESTree.Node;
  line: number;
}

/** Per module: every function reference passed to a per-request / per-tick registration. */
export const REGISTRATIONS = defineModuleFact<Registration[]>({
  name: 'registrations',
  mustContain: /\.(?:use|get|post|put|patch|delete|all|head|options|on|addListener|addEventListener|addHook|process|schedule|scheduleJob|define|subscribe)\s*\(|setInterval|CronJob|Worker/u,
  empty: [],
  compute(module) {
    const found: Registration[] = [];
    const text = sourceText(module.text);
    const visit = (node: TSESTree.Node): void => {
      if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) {
        for (const argument of node.arguments) {
          const value = skipTypeWrappers(argument);
          if (value.type !== AST_NODE_TYPES.Identifier && value.type !== AST_NODE_TYPES.MemberExpression) continue;
          const registration = referenceRegistration(argument, text);
          if (registration !== null) found.push({ registration, argument, line: argument.loc.start.line });
        }
      }
      for (const child of childNodes(node)) visit(child);
    };
    visit(module.ast);
    return found;
  },
});

/** Where a function is registered: the registration, and the file and line that register it. */
export interface RegisteredAt {
  registration: string;
  file: string;
  line: number;
}

/** The name a function is known by in its module (`function f`, `const f =`, `exports.f =`, `{ f: … }`, `default`). */
export function functionName(fn: TSESTree.Node): string | null {
  if ((fn.type === AST_NODE_TYPES.FunctionDeclaration || fn.type === AST_NODE_TYPES.ClassDeclaration) && fn.id !== null) return fn.id.name;
  const parent = fn.parent;
  if (parent === undefined) return null;
  switch (parent.type) {
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.id.type === AST_NODE_TYPES.Identifier ? parent.id.name : null;
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.MethodDefinition:
    case AST_NODE_TYPES.PropertyDefinition:
      return parent.key.type === AST_NODE_TYPES.PrivateIdentifier ? null : staticKeyName(parent.key, parent.computed);
    case AST_NODE_TYPES.AssignmentExpression:
      if (parent.left.type === AST_NODE_TYPES.Identifier) return parent.left.name;
      return parent.left.type === AST_NODE_TYPES.MemberExpression ? memberName(parent.left) : null;
    case AST_NODE_TYPES.ExportDefaultDeclaration:
      return 'default';
    default:
      return null;
  }
}

/** Files scanned for registrations of one function, at most (a larger project: the cross-file check stays silent). */
const MAX_SCANNED_FILES = 50_000;

/**
 * Where `fn` (a function of `module`, the file being linted or one on disk) is registered to run per request,
 * message or tick: in its own module first, then in any project module that imports it (found by a text check for
 * its name or its module's file name, then resolved). Null when nowhere.
 */
export function registrationOf(module: ProjectModule, fn: FunctionNode, fallbackRoot?: string): RegisteredAt | null {
  const memo = registrationMemo.get(fn);
  if (memo !== undefined) return memo;
  const result = findRegistration(module, fn, fallbackRoot);
  registrationMemo.set(fn, result);
  return result;
}

const registrationMemo = new WeakMap<TSESTree.Node, RegisteredAt | null>();

function findRegistration(module: ProjectModule, fn: FunctionNode, fallbackRoot: string | undefined): RegisteredAt | null {
  const own = registrationIn(module, module, fn);
  if (own !== null) return own;
  const name = functionName(fn);
  if (name === null || !path.isAbsolute(module.filename) || !isExportable(fn)) return null;
  // The folder of the nearest package.json; without one, the ESLint working directory when the file is inside it.
  const root =
    projectRoot(module.filename) ??
    (fallbackRoot !== undefined && !path.relative(fallbackRoot, module.filename).startsWith('..') ? fallbackRoot : null);
  if (root === null) return null;
  const base = path.basename(module.filename).replace(/\.[^.]+$/u, '');
  const stem = base === 'index' ? path.basename(path.dirname(module.filename)) : base;
  let scanned = 0;
  for (const file of projectSourceFiles(root)) {
    if (file === module.filename) continue;
    scanned += 1;
    if (scanned > MAX_SCANNED_FILES) return null;
    const text = readModuleText(file);
    if (text === null || !(text.includes(stem) || (name !== 'default' && text.includes(name)))) continue;
    const other = loadProjectModule(file);
    if (other === null) continue;
    const found = registrationIn(other, module, fn);
    if (found !== null) return found;
  }
  return null;
}

/** Only functions at the top of their module (or members of an exported object) can be imported elsewhere. */
function isExportable(fn: FunctionNode): boolean {
  for (let current: TSESTree.Node | undefined = fn.parent; current != null; current = current.parent) {
    if (isFunctionNode(current)) return false;
  }
  return true;
}

function registrationIn(registering: ProjectModule, owner: ProjectModule, fn: FunctionNode): RegisteredAt | null {
  for (const registration of factOf(registering, REGISTRATIONS)) {
    const located = resolveReference(registering, registration.argument);
    if (located === null || !isFunctionNode(located.node)) continue;
    const same =
      located.node === fn ||
      (located.module.filename === owner.filename &&
        (located.node.range[0] === fn.range[0] || (functionName(located.node) !== null && functionName(located.node) === functionName(fn))));
    if (same) return { registration: registration.registration, file: registering.filename, line: registration.line };
  }
  return null;
}

/** The nearest folder above `filename` with a package.json (outside node_modules), or null. */
function projectRoot(filename: string): string | null {
  for (let directory = path.dirname(filename); ; directory = path.dirname(directory)) {
    if (path.basename(directory) === 'node_modules') return null;
    if (existsSync(path.join(directory, 'package.json'))) return directory;
    if (path.dirname(directory) === directory) return null;
  }
}
