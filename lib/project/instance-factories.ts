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

import type { GateQuestion } from './load-gates';
import type { NamesQuestion } from './name-gates';
import type { ProjectModule } from './project-modules';

import { childNodes, findVariable, isFunctionNode, memberName, returnedExpressions, skipTypeWrappers, staticKeyName, staticString } from '../file-analysis/ast';
import { enclosingFunction, isLazyCall, referenceRegistration, sourceText } from '../file-analysis/instance-lifetime';
import { mayConstructSequelize, sequelizeConstructorModule, sequelizeModuleMember } from '../file-analysis/sequelize-detection';
import { defineModuleFact, factOf, MAX_MODULE_HOPS, resolveReference } from './module-summary';
import { mayLeadTo } from './load-gates';
import { ANY_MEMBER, ANY_NAME, MEMBERS_ONLY } from './name-gates';
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
  const located = resolveReference(module, callee, walk.hops, FACTORY_GATE);
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
  const located = resolveReference(module, node.callee, walk.hops, FACTORY_GATE);
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

/** Per module: the load gate "may this module load it, directly or through others" (see reachesModule). */
const loadsQuestions = new Map<string, GateQuestion>();

function loadsModule(filename: string): GateQuestion {
  let question = loadsQuestions.get(filename);
  if (question === undefined) {
    question = { name: `loads ${filename}`, holds: (file) => file === filename };
    loadsQuestions.set(filename, question);
  }
  return question;
}

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
    // A module that cannot load `fn`'s module, directly or through others, cannot name `fn` (load-gates' text edges).
    if (!mayLeadTo(file, loadsModule(module.filename))) continue;
    // A module without a registration call (REGISTRATIONS' own text test) registers nothing: not parsed.
    const other = loadProjectModule(file, REGISTRATIONS.mustContain);
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
  // An argument names `fn` only when it resolves into `fn`'s module: an import of the registering module that cannot
  // lead there (load-gates' text edges) is not followed, nor its module parsed (the answer through it names no
  // function of `owner` either way).
  const admits = path.isAbsolute(owner.filename) ? (target: string): boolean => mayLeadTo(target, loadsModule(owner.filename)) : undefined;
  for (const registration of factOf(registering, REGISTRATIONS)) {
    const located = resolveReference(registering, registration.argument, 0, undefined, admits);
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

//------------------------------------------------------------------------------
// The factory question's load gate
//------------------------------------------------------------------------------

/** A function or class, and what it calls (the analysis follows a function only through its calls). */
interface Body {
  /**
   * What it calls or constructs, as the root name and the member called: `make()` is `make`, `null`;
   * `db.pool.connect()` is `db`, `connect`; `db[key]()` is `db`, `ANY_NAME`; `new Db()` is `Db`, `null`.
   */
  callees: [string, string | null][];
  /** Specifiers it calls into directly: `require('./db').connect()`. */
  calledLoads: string[];
  /** Constructs Sequelize (as sequelizeConstructorModule reads it), or is a class that extends it. */
  constructs: boolean;
  /** The calls of a member named `transaction` whose value reaches its return (or `this`): LeadingKind.begins judges them. */
  transactionCalls: TSESTree.CallExpression[];
  /** A class's `extends` when it is a name (or a member of one): its root. */
  superName: string | null;
  /** The class whose member it is. */
  owner: Body | null;
  /** Methods it calls on `this`: `this.init()`. */
  thisCalls: string[];
  isClass: boolean;
  /**
   * A class's methods and function fields: `new` of it runs its constructor and the methods that calls on `this`
   * (what calledFactory follows); a static one is selected as a member (`Db.connect()`); other instance methods are
   * never reached by a name.
   */
  members: { body: Body; isStatic: boolean; name: string | null; isConstructor: boolean }[];
  /** While reading: what it returns, the locals it writes, and the calls and constructions to judge by where they go. */
  returns: TSESTree.Node[];
  locals: [string, TSESTree.Node][];
  calls: (TSESTree.CallExpression | TSESTree.NewExpression)[];
}

/** A place that names a value: `const a = v`, `a = v`, `x.a = v`, `{ a: v }`, a method, `export default v`. */
interface NamedValue {
  names: string[];
  value: TSESTree.Node;
  /** Reached without a name by an importer: `export default`, `module.exports =`, `export =`, a computed key. */
  whole: boolean;
  /** `const { member: name } = value`: the names take this member of the value (`ANY_NAME`: some member). */
  member?: string;
  /** A class's instance method or field, selected from an instance (`new Repo().begin()`): see LeadingKind.instances. */
  instance?: true;
}

/** `whole` (a namespace, `import x = require()`), `default`, or the name of a named import. */
type ImportForm = string;

/** What factoryNames reads from a module's syntax, once per parsed module. */
interface FactorySyntax {
  /** Parents before children. */
  bodies: Body[];
  bodyOf: Map<TSESTree.Node, Body>;
  values: NamedValue[];
  imports: { local: string; specifier: string; form: ImportForm }[];
  /** `export … from`: the exported name (null for `export *`), the specifier, the name taken (`whole` for `*`). */
  reexports: { exported: string | null; specifier: string; form: ImportForm }[];
  /** `export { local as exported }`. */
  exportedLocals: [string, string][];
  /** Every specifier loaded by a call (`require`, `import()`, a `createRequire` function): it may be passed on whole. */
  loads: string[];
  /** Functions passed as arguments at the top of the module: nothing names them. */
  nameless: Body[];
}

const syntaxes = new WeakMap<ProjectModule, FactorySyntax>();

const isBodyNode = (node: TSESTree.Node): boolean =>
  isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression;

/** The specifier of `require('x')`, `import('x')`, or any call of one string (a `createRequire` function), or null. */
function loadedSpecifier(raw: TSESTree.Node): string | null {
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.ImportExpression) return staticString(node.source);
  if (node.type !== AST_NODE_TYPES.CallExpression || node.arguments.length !== 1) return null;
  return staticString(node.arguments[0] as TSESTree.Node);
}

function boundNames(pattern: TSESTree.Node, names: string[]): string[] {
  switch (pattern.type) {
    case AST_NODE_TYPES.Identifier:
      names.push(pattern.name);
      break;
    case AST_NODE_TYPES.ObjectPattern:
      for (const property of pattern.properties) boundNames(property.type === AST_NODE_TYPES.RestElement ? property.argument : property.value, names);
      break;
    case AST_NODE_TYPES.ArrayPattern:
      for (const element of pattern.elements) if (element !== null) boundNames(element, names);
      break;
    case AST_NODE_TYPES.AssignmentPattern:
      boundNames(pattern.left, names);
      break;
    case AST_NODE_TYPES.RestElement:
      boundNames(pattern.argument, names);
      break;
    default:
      break;
  }
  return names;
}

/** The root of a callee: `make` of `make()`, `db` of `db.pool.connect()`, the call of `require('./db').connect()`. */
function calleeRoot(callee: TSESTree.Node): TSESTree.Node {
  let node = skipTypeWrappers(callee);
  while (node.type === AST_NODE_TYPES.MemberExpression) node = skipTypeWrappers(node.object);
  return node;
}

const nameOf = (node: TSESTree.Identifier | TSESTree.StringLiteral): string => (node.type === AST_NODE_TYPES.Identifier ? node.name : node.value);

function readFactorySyntax(module: ProjectModule): FactorySyntax {
  const known = syntaxes.get(module);
  if (known !== undefined) return known;
  const syntax: FactorySyntax = { bodies: [], bodyOf: new Map(), values: [], imports: [], reexports: [], exportedLocals: [], loads: [], nameless: [] };
  const named = (names: string[], value: TSESTree.Node | null | undefined, whole = false, member?: string, instance = false): void => {
    if (value != null) syntax.values.push({ names, value, whole, ...(member === undefined ? {} : { member }), ...(instance ? { instance } : {}) });
  };
  const visit = (node: TSESTree.Node, body: Body | null): void => {
    let inner = body;
    if (isBodyNode(node)) {
      const parent = node.parent;
      const isClass = node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression;
      inner = { callees: [], calledLoads: [], thisCalls: [], constructs: false, transactionCalls: [], superName: null, owner: null, isClass, members: [], returns: [], locals: [], calls: [] };
      if (node.type === AST_NODE_TYPES.ArrowFunctionExpression && node.body.type !== AST_NODE_TYPES.BlockStatement) inner.returns.push(node.body);
      syntax.bodies.push(inner);
      syntax.bodyOf.set(node, inner);
      // A class's methods are part of what `new` of it runs (its constructor, and methods the constructor calls); a
      // function nested in a function is reached only through a name it is called by (a value below).
      if (body?.isClass === true && (parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.PropertyDefinition)) {
        const name = parent.key.type === AST_NODE_TYPES.PrivateIdentifier ? null : staticKeyName(parent.key, parent.computed);
        body.members.push({ body: inner, isStatic: parent.static, name, isConstructor: parent.type === AST_NODE_TYPES.MethodDefinition && parent.kind === 'constructor' });
        inner.owner = body;
      }
      if (body === null && (parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) && parent.callee !== node) {
        syntax.nameless.push(inner);
      }
      if (isClass && node.superClass != null) {
        const member = sequelizeModuleMember(module.host, node.superClass);
        if (member !== null && member.path.filter((key) => key !== 'default').join('.') === 'Sequelize') inner.constructs = true;
        const root = calleeRoot(node.superClass);
        if (root.type === AST_NODE_TYPES.Identifier) inner.superName = root.name;
      }
      if ((node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.ClassDeclaration) && node.id != null) named([node.id.name], node);
    }
    switch (node.type) {
      case AST_NODE_TYPES.NewExpression:
      case AST_NODE_TYPES.CallExpression: {
        const specifier = loadedSpecifier(node);
        if (specifier !== null) syntax.loads.push(specifier);
        if (inner === null) break;
        inner.calls.push(node);
        // `this.init()`: calledFactory follows what a constructor calls on `this`, whatever it does with the result.
        const callee = skipTypeWrappers(node.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression && skipTypeWrappers(callee.object).type === AST_NODE_TYPES.ThisExpression) {
          inner.thisCalls.push(memberName(callee) ?? ANY_NAME);
        }
        break;
      }
      case AST_NODE_TYPES.ReturnStatement:
        if (inner !== null && node.argument != null) inner.returns.push(node.argument);
        break;
      case AST_NODE_TYPES.ImportExpression: {
        const specifier = loadedSpecifier(node);
        if (specifier !== null) syntax.loads.push(specifier);
        break;
      }
      case AST_NODE_TYPES.ImportDeclaration:
        if (node.importKind === 'type') break;
        for (const specifier of node.specifiers) {
          if (specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.importKind === 'type') continue;
          const form =
            specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier ? 'whole' : specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier ? 'default' : nameOf(specifier.imported);
          syntax.imports.push({ local: specifier.local.name, specifier: node.source.value, form });
        }
        break;
      case AST_NODE_TYPES.TSImportEqualsDeclaration: {
        // `import db = require('./db')`: the whole module.
        const specifier = node.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference ? staticString(node.moduleReference.expression) : null;
        if (specifier !== null) syntax.imports.push({ local: node.id.name, specifier, form: 'whole' });
        break;
      }
      case AST_NODE_TYPES.ExportAllDeclaration:
        syntax.reexports.push({ exported: node.exported === null ? null : nameOf(node.exported), specifier: node.source.value, form: 'whole' });
        break;
      case AST_NODE_TYPES.ExportNamedDeclaration:
        for (const specifier of node.specifiers) {
          const local = nameOf(specifier.local);
          const exported = nameOf(specifier.exported);
          if (node.source === null) syntax.exportedLocals.push([local, exported]);
          else syntax.reexports.push({ exported, specifier: node.source.value, form: local });
        }
        break;
      case AST_NODE_TYPES.ExportDefaultDeclaration:
        named([], node.declaration, true);
        break;
      case AST_NODE_TYPES.TSExportAssignment:
        named([], node.expression, true);
        break;
      case AST_NODE_TYPES.VariableDeclarator:
        if (node.id.type === AST_NODE_TYPES.ObjectPattern) {
          // `const { connect } = require('./db')`: each name takes a member.
          for (const property of node.id.properties) {
            const key = property.type === AST_NODE_TYPES.Property ? staticKeyName(property.key, property.computed) : null;
            named(boundNames(property.type === AST_NODE_TYPES.Property ? property.value : property, []), node.init, false, key ?? ANY_NAME);
          }
        } else named(boundNames(node.id, []), node.init);
        if (inner !== null && node.id.type === AST_NODE_TYPES.Identifier && node.init != null) inner.locals.push([node.id.name, node.init]);
        break;
      case AST_NODE_TYPES.AssignmentExpression: {
        const left = skipTypeWrappers(node.left);
        if (left.type === AST_NODE_TYPES.Identifier && inner !== null) inner.locals.push([left.name, node.right]);
        if (left.type === AST_NODE_TYPES.Identifier) named([left.name], node.right);
        else if (left.type === AST_NODE_TYPES.MemberExpression) {
          const key = memberName(left);
          const whole = key === 'exports' && left.object.type === AST_NODE_TYPES.Identifier && left.object.name === 'module';
          named(key === null || whole ? [] : [key], node.right, whole || key === null);
        }
        break;
      }
      case AST_NODE_TYPES.Property:
        if (node.parent.type === AST_NODE_TYPES.ObjectExpression) {
          const key = staticKeyName(node.key, node.computed);
          named(key === null ? [] : [key], node.value, key === null);
        }
        break;
      case AST_NODE_TYPES.MethodDefinition:
      case AST_NODE_TYPES.PropertyDefinition: {
        // Only a static member is selected by a name (`Db.connect()`); instance methods are reached from the constructor,
        // or by a question that follows instances (LeadingKind.instances).
        const key = node.key.type === AST_NODE_TYPES.PrivateIdentifier ? null : staticKeyName(node.key, node.computed);
        if (key !== null) named([key], node.value, false, undefined, !node.static);
        break;
      }
      default:
        break;
    }
    for (const child of childNodes(node)) visit(child, inner);
  };
  visit(module.ast, null);
  for (const body of syntax.bodies) judgeCalls(module, body);
  syntaxes.set(module, syntax);
  return syntax;
}

/**
 * Keeps the calls and constructions of `body` whose value can leave a call of it the way calledFactory follows one:
 * returned (also through `await`, `?:`, `||`, an object or array literal, `Promise.resolve`), through a local that
 * is returned, or stored on `this` (a constructor). A construction passed to another call, or stored on another
 * object (`db.sequelize = new Sequelize()`), makes no factory of the function.
 */
function judgeCalls(module: ProjectModule, body: Body): void {
  const returned = new Set<string>();
  for (const value of body.returns) flowNames(value, returned);
  for (let grown = true; grown; ) {
    grown = false;
    for (const [name, value] of body.locals) {
      if (!returned.has(name)) continue;
      const before = returned.size;
      flowNames(value, returned);
      if (returned.size !== before) grown = true;
    }
  }
  for (const call of body.calls) {
    const target = flowTarget(call);
    if (target === null || (target !== RETURNED && target !== ON_THIS && !returned.has(target))) continue;
    if (call.type === AST_NODE_TYPES.NewExpression && sequelizeConstructorModule(module.host, call.callee) !== null) body.constructs = true;
    const callee = skipTypeWrappers(call.callee);
    if (call.type === AST_NODE_TYPES.CallExpression && callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'transaction') body.transactionCalls.push(call);
    const root = calleeRoot(callee);
    const member = callee.type === AST_NODE_TYPES.MemberExpression ? (memberName(callee) ?? ANY_NAME) : null;
    if (root.type === AST_NODE_TYPES.Identifier) body.callees.push([root.name, member]);
    else {
      const called = loadedSpecifier(root);
      if (called !== null) body.calledLoads.push(called);
    }
  }
  body.returns = [];
  body.locals = [];
  body.calls = [];
}

const RETURNED = '\0returned';
const ON_THIS = '\0this';

/** Where the value of `start` goes: returned, stored on `this`, into a local (its name), or elsewhere (null). */
function flowTarget(start: TSESTree.Node): string | null {
  let node: TSESTree.Node = start;
  for (let parent = node.parent; parent != null; node = parent, parent = node.parent) {
    switch (parent.type) {
      case AST_NODE_TYPES.AwaitExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.ChainExpression:
      case AST_NODE_TYPES.LogicalExpression:
      case AST_NODE_TYPES.ArrayExpression:
      case AST_NODE_TYPES.SpreadElement:
      case AST_NODE_TYPES.ObjectExpression:
        break;
      case AST_NODE_TYPES.ConditionalExpression:
        if (parent.test === node) return null;
        break;
      case AST_NODE_TYPES.SequenceExpression:
        if (parent.expressions.at(-1) !== node) return null;
        break;
      case AST_NODE_TYPES.Property:
        if (parent.value !== node || parent.parent.type !== AST_NODE_TYPES.ObjectExpression) return null;
        break;
      case AST_NODE_TYPES.CallExpression: {
        // `Promise.resolve(instance)`
        const callee = skipTypeWrappers(parent.callee);
        if (parent.callee === node || parent.arguments.length !== 1 || callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== 'resolve') return null;
        break;
      }
      case AST_NODE_TYPES.ReturnStatement:
        return RETURNED;
      case AST_NODE_TYPES.ArrowFunctionExpression:
        return parent.body === node ? RETURNED : null;
      case AST_NODE_TYPES.PropertyDefinition:
        return parent.value === node ? ON_THIS : null;
      case AST_NODE_TYPES.VariableDeclarator:
        return parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier ? parent.id.name : null;
      case AST_NODE_TYPES.AssignmentExpression: {
        if (parent.right !== node) return null;
        const left = skipTypeWrappers(parent.left);
        if (left.type === AST_NODE_TYPES.Identifier) return left.name;
        return left.type === AST_NODE_TYPES.MemberExpression && skipTypeWrappers(left.object).type === AST_NODE_TYPES.ThisExpression ? ON_THIS : null;
      }
      default:
        return null;
    }
  }
  return null;
}

/** The names a returned expression may return the value of: `db`, `a ?? b`, `{ sequelize }`, `await db`, `[db]`. */
function flowNames(raw: TSESTree.Node, names: Set<string>): void {
  const node = skipTypeWrappers(raw);
  switch (node.type) {
    case AST_NODE_TYPES.Identifier:
      names.add(node.name);
      break;
    case AST_NODE_TYPES.AwaitExpression:
      flowNames(node.argument, names);
      break;
    case AST_NODE_TYPES.ConditionalExpression:
      flowNames(node.consequent, names);
      flowNames(node.alternate, names);
      break;
    case AST_NODE_TYPES.LogicalExpression:
      flowNames(node.left, names);
      flowNames(node.right, names);
      break;
    case AST_NODE_TYPES.SequenceExpression:
      if (node.expressions.length > 0) flowNames(node.expressions.at(-1) as TSESTree.Node, names);
      break;
    case AST_NODE_TYPES.ObjectExpression:
      for (const property of node.properties) flowNames(property.type === AST_NODE_TYPES.SpreadElement ? property.argument : property.value, names);
      break;
    case AST_NODE_TYPES.ArrayExpression:
      for (const element of node.elements) if (element !== null) flowNames(element.type === AST_NODE_TYPES.SpreadElement ? element.argument : element, names);
      break;
    case AST_NODE_TYPES.CallExpression:
      if (node.arguments.length === 1) flowNames(node.arguments[0] as TSESTree.Node, names);
      break;
    default:
      break;
  }
}

/** How a name or value leads to a factory: not at all, through members (`Repo.connect()`), or itself (`make()`, `new Db()`). */
const enum Leads {
  No = 0,
  ByMember = 1,
  Itself = 2,
}

/**
 * The names under which another module can select, from `module`, a function or class that may make a Sequelize
 * instance per call (see calledFactory), or lead to one, given what the modules it imports provide (`imported`).
 * A function leads to one when it constructs Sequelize (as sequelizeConstructorModule reads it) or calls a name
 * that does (the analysis follows a function only through what it calls and constructs: `make()`, `db.connect()`
 * where `connect` leads, `new Db()`); a class itself when it extends Sequelize or its constructor, fields or
 * instance methods do, and through members when a static method does. Such a function, class or member is known by
 * its name, the variable, property, member or method it is assigned to; `ANY_NAME` when a default export,
 * `module.exports =` or `export =` itself leads, or a function passed to a call at the top of the module does.
 * Values are followed the way the resolver follows them (names, members, object literals, functions, classes,
 * `require`): `const sequelize = makeDb()` is a result, not a factory. An import of a name that leads counts as a
 * local one; a module imported whole (a namespace, a `require`, `export *`) passes its names on. A superset, by
 * names (shadowing is ignored).
 */
export function factoryNames(module: ProjectModule, imported: (specifier: string) => ReadonlySet<string>): ReadonlySet<string> {
  return leadingNames(module, imported, { instances: false });
}

/** What a question's provides counts as leading, for leadingNames. */
export interface LeadingKind {
  /**
   * Where the answer starts: without it, a function or class that constructs Sequelize; with it, one whose returned
   * (or kept on `this`) `x.transaction(…)` call passes it.
   */
  begins?: (call: TSESTree.CallExpression) => boolean;
  /**
   * The question's resolver follows instances (transaction-helpers' containers): `new Repo()` of a class with a
   * leading instance method leads (so does a class whose instance members lead), an instance method is selected by
   * its name, a method leads when it calls a leading method on `this`, a class leads as its `extends` does.
   */
  instances: boolean;
}

/**
 * The provides of a question read from a module's functions and classes (the factory question's, or another that
 * follows calls the same way): the names under which what holds the start (see LeadingKind), or calls a name that leads to one,
 * can be selected. See factoryNames for what is followed.
 */
export function leadingNames(module: ProjectModule, imported: (specifier: string) => ReadonlySet<string>, kind: LeadingKind): ReadonlySet<string> {
  const syntax = readFactorySyntax(module);
  const provided = new Set<string>();
  const leading = new Map<string, Leads>();
  const levelOf = (name: string): Leads => leading.get(name) ?? Leads.No;
  const raise = (name: string, level: Leads): void => {
    if (levelOf(name) < level) leading.set(name, level);
  };
  const importedLevel = (names: ReadonlySet<string>): Leads => (names.has(ANY_NAME) ? Leads.Itself : names.size > 0 ? Leads.ByMember : Leads.No);
  const addAll = (names: ReadonlySet<string>): void => {
    for (const name of names) provided.add(name);
  };
  /** Member names that may select something that leads, in the modules this one imports. */
  const selectable = new Set<string>();
  for (const { specifier } of [...syntax.imports, ...syntax.reexports]) for (const name of imported(specifier)) selectable.add(name);
  for (const specifier of syntax.loads) for (const name of imported(specifier)) selectable.add(name);
  const anyMember = selectable.has(ANY_MEMBER);
  /** How a member selected by `member` may lead: `ANY_NAME` is a computed one. */
  const memberLevel = (member: string): Leads => {
    if (member === ANY_NAME || anyMember || selectable.has(member) || levelOf(member) === Leads.Itself) return Leads.Itself;
    return selectable.has(`${MEMBERS_ONLY}${member}`) || levelOf(member) === Leads.ByMember ? Leads.ByMember : Leads.No;
  };
  /** A name that leads, as a provides set writes it. */
  const provide = (name: string, level: Leads): void => {
    if (level === Leads.Itself) provided.add(name);
    else if (level === Leads.ByMember) provided.add(`${MEMBERS_ONLY}${name}`);
  };

  for (const { local, specifier, form } of syntax.imports) {
    const names = imported(specifier);
    if (names.size === 0) continue;
    if (form === 'whole') {
      raise(local, importedLevel(names));
      addAll(names);
    } else if (form === 'default') raise(local, importedLevel(names));
    else if (names.has(form) || names.has(ANY_NAME)) raise(local, Leads.Itself);
    else if (names.has(`${MEMBERS_ONLY}${form}`)) raise(local, Leads.ByMember);
  }
  for (const { exported, specifier, form } of syntax.reexports) {
    const names = imported(specifier);
    if (names.size === 0) continue;
    if (exported === null) addAll(names);
    else if (form === 'whole' || names.has(form) || names.has(ANY_NAME)) {
      provided.add(exported);
      if (exported === 'default' && (form === 'whole' ? names.has(ANY_NAME) : true)) provided.add(ANY_NAME);
    } else if (names.has(`${MEMBERS_ONLY}${form}`)) provided.add(`${MEMBERS_ONLY}${exported}`);
  }
  for (const specifier of syntax.loads) addAll(imported(specifier));

  const bodyLevel = new Map<Body, Leads>();
  const leadsItself = (body: Body): boolean => (bodyLevel.get(body) ?? Leads.No) === Leads.Itself;
  const judge = (body: Body): Leads => {
    const calls =
      (kind.begins === undefined ? body.constructs : body.transactionCalls.some(kind.begins)) ||
      (kind.instances && body.owner !== null && body.thisCalls.some((name) => body.owner?.members.some((member) => member.name === name && leadsItself(member.body)))) ||
      body.calledLoads.some((specifier) => imported(specifier).size > 0) ||
      body.callees.some(([root, member]) => (member === null ? levelOf(root) === Leads.Itself : levelOf(root) > Leads.No && memberLevel(member) === Leads.Itself));
    if (calls) return Leads.Itself;
    const leads = (member: Body['members'][number]): boolean => (bodyLevel.get(member.body) ?? Leads.No) === Leads.Itself;
    // `new` runs the constructor, and the methods it calls on `this`, and the ones those call.
    const constructor = body.members.find((member) => member.isConstructor);
    if (constructor !== undefined) {
      const run = new Set<Body>([constructor.body]);
      for (const ran of run) {
        if (bodyLevel.get(ran) === Leads.Itself) return Leads.Itself;
        for (const name of ran.thisCalls) {
          for (const member of body.members) if (!member.isStatic && member.name === name) run.add(member.body);
        }
      }
    }
    if (kind.instances && (body.members.some((member) => !member.isStatic && leads(member)) || (body.superName !== null && levelOf(body.superName) === Leads.Itself))) {
      return Leads.Itself;
    }
    return body.members.some((member) => member.isStatic && leads(member)) || (kind.instances && body.superName !== null && levelOf(body.superName) > Leads.No)
      ? Leads.ByMember
      : Leads.No;
  };
  const valueLevel = (raw: TSESTree.Node, depth: number): Leads => {
    if (depth > 32) return Leads.Itself;
    const node = skipTypeWrappers(raw);
    switch (node.type) {
      case AST_NODE_TYPES.Identifier:
        return levelOf(node.name);
      case AST_NODE_TYPES.MemberExpression:
        return valueLevel(node.object, depth + 1) > Leads.No ? memberLevel(memberName(node) ?? ANY_NAME) : Leads.No;
      case AST_NODE_TYPES.ObjectExpression:
        return node.properties.some((property) => valueLevel(property.type === AST_NODE_TYPES.SpreadElement ? property.argument : property.value, depth + 1) > Leads.No)
          ? Leads.ByMember
          : Leads.No;
      case AST_NODE_TYPES.CallExpression:
      case AST_NODE_TYPES.ImportExpression: {
        const specifier = loadedSpecifier(node);
        return specifier === null ? Leads.No : importedLevel(imported(specifier));
      }
      case AST_NODE_TYPES.NewExpression:
        // `new Repo()`: an instance, whose methods lead when the class leads itself.
        return kind.instances && valueLevel(node.callee, depth + 1) === Leads.Itself ? Leads.Itself : Leads.No;
      default: {
        const body = syntax.bodyOf.get(node);
        return body === undefined ? Leads.No : (bodyLevel.get(body) ?? Leads.No);
      }
    }
  };
  const valueLevels = new Map<NamedValue, Leads>();
  for (let changed = true; changed; ) {
    changed = false;
    // Children after parents in `bodies`: a class is judged after its methods.
    for (let at = syntax.bodies.length - 1; at >= 0; at -= 1) {
      const body = syntax.bodies[at] as Body;
      const before = bodyLevel.get(body) ?? Leads.No;
      if (before === Leads.Itself) continue;
      const level = judge(body);
      if (level > before) {
        bodyLevel.set(body, level);
        changed = true;
      }
    }
    for (const value of syntax.values) {
      if (value.instance === true && !kind.instances) continue;
      const before = valueLevels.get(value) ?? Leads.No;
      if (before === Leads.Itself) continue;
      const whole = valueLevel(value.value, 0);
      const level = value.member === undefined || whole === Leads.No ? whole : memberLevel(value.member);
      if (level <= before) continue;
      valueLevels.set(value, level);
      changed = true;
      for (const name of value.names) {
        raise(name, level);
        provide(name, level);
      }
      if (value.whole && level === Leads.Itself) provided.add(ANY_NAME);
    }
  }
  for (const [local, exported] of syntax.exportedLocals) {
    const level = levelOf(local);
    provide(exported, level);
    if (exported === 'default' && level === Leads.Itself) provided.add(ANY_NAME);
  }
  if (syntax.nameless.some((body) => (bodyLevel.get(body) ?? Leads.No) > Leads.No)) provided.add(ANY_NAME);
  return provided;
}

/**
 * The factory question's name gate (lib/project/name-gates): a module can hold a factory only when its text may
 * construct Sequelize (mayConstructSequelize), and leads to one only through the names factoryNames gives.
 */
export const FACTORY_GATE: NamesQuestion = {
  name: 'factories',
  holds: (_filename, text) => mayConstructSequelize(text),
  provides: factoryNames,
};
