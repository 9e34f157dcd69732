import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import path from 'node:path';
import picomatch from 'picomatch';

import type { SequelizeConstruction } from '../lib/file-analysis/sequelize-options';

import type { ProjectModule } from '../lib/project/project-modules';
import type { RegisteredAt } from '../lib/project/instance-factories';

import { isFunctionNode, skipTypeWrappers } from '../lib/file-analysis/ast';
import { createRule } from '../lib/create-rule';
import { importedConstruction, loadedSpecifiers } from '../lib/project/import-graph';
import { calledFactory, FACTORY_GATE, registrationOf } from '../lib/project/instance-factories';
import { withoutComments } from '../lib/project/construction-text';
import { lintedModule } from '../lib/project/module-summary';
import { nameGateStats, textMayProvide } from '../lib/project/name-gates';
import { noteLintedFile } from '../lib/project/project-modules';
import { enclosingFunction, instanceLifetime, isLazyCall, mutuallyExclusive, repetitionAround } from '../lib/file-analysis/instance-lifetime';
import { SEQUELIZE_POOL_DEFAULTS } from '../lib/sequelize-facts';
import { poolKeyState, poolState, sequelizeConstruction } from '../lib/file-analysis/sequelize-options';

export interface SingleInstanceOptions {
  allow: string[];
  scope: 'process' | 'project';
}

export type Options = [Partial<SingleInstanceOptions>];

export type MessageIds =
  | 'closedPerEvent'
  | 'closedPerIteration'
  | 'factoryPerEvent'
  | 'factoryPerIteration'
  | 'notAllowed'
  | 'perCall'
  | 'perEvent'
  | 'perIteration'
  | 'secondInModule'
  | 'secondInProcess';

const DEFAULT_OPTIONS: SingleInstanceOptions = { scope: 'process', allow: [] };

/** Compiled `allow` globs, once per distinct list rather than once per linted file. */
const allowMatchers = new Map<string, (file: string) => boolean>();

function allowMatcher(allow: readonly string[]): (file: string) => boolean {
  const key = JSON.stringify(allow);
  let matcher = allowMatchers.get(key);
  if (matcher === undefined) {
    matcher = picomatch([...allow], { dot: true });
    allowMatchers.set(key, matcher);
  }
  return matcher;
}

/** `max 20`, `max 5 (Sequelize's default)`, or `` `max` `` when the options are not known. */
function maxLabel(construction: SequelizeConstruction): string {
  const state = poolKeyState(poolState(construction), 'max');
  if (state.state === 'default') return `max ${SEQUELIZE_POOL_DEFAULTS.max} (Sequelize's default)`;
  if (state.state === 'set' && state.value.kind === 'number') return `max ${state.value.value}`;
  return '`max`';
}

/** A path from the linted file's folder, as an import would write it: `./db.js`, `../configuration/db.js`. */
function relativeTo(filename: string, other: string): string {
  return path.relative(path.dirname(filename), other).split(path.sep).join('/').replace(/^(?!\.)/u, './');
}

/** `the `app.get` callback runs` or `` `InitializeCompanyDB` runs (`router.use` at ../routes/Company.js:16) ``. */
function describeRegistered(filename: string, fn: TSESTree.Node, registered: RegisteredAt, name: string | null): string {
  const where = registered.file === filename ? `line ${registered.line}` : `${relativeTo(filename, registered.file)}:${registered.line}`;
  return `\`${name ?? 'this function'}\` runs (registered with \`${registered.registration}\` at ${where})`;
}

export default createRule<Options, MessageIds>({
  name: 'single-instance',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require one Sequelize instance (one pool) per process: none per call, request, loop iteration or extra module',
      recommended: true,
    },
    messages: {
      perCall:
        'This function creates a new Sequelize instance, with its own pool of up to {{max}} connections, on every call and keeps it nowhere: create the instance once at module level and share it.',
      perIteration:
        'A new Sequelize instance, with its own pool of up to {{max}} connections, is created on every iteration of this loop: create one instance before the loop and reuse it.',
      perEvent:
        'A new Sequelize instance, with its own pool of up to {{max}} connections, is created every time {{when}}: create it once at start-up and share it.',
      closedPerIteration:
        'A new Sequelize instance is created and closed on every iteration of this loop: each iteration opens a pool (up to {{max}} connections) and pays for new connections. Create one instance before the loop and close it after.',
      closedPerEvent:
        'A new Sequelize instance is created and closed every time {{when}}: each run opens a pool of up to {{max}} connections and pays for new connections, and concurrent runs each hold their own. Create it once at start-up and share it.',
      factoryPerIteration:
        '`{{factory}}()` creates a new Sequelize instance ({{origin}}), with its own pool of up to {{max}} connections, and is called on every iteration of this loop: call it once and reuse the instance.',
      factoryPerEvent:
        '`{{factory}}()` creates a new Sequelize instance ({{origin}}), with its own pool of up to {{max}} connections, and is called every time {{when}}: call it once at start-up and share the instance (or cache one per tenant).',
      secondInModule:
        'A second Sequelize instance in this module (the first is at line {{firstLine}}): each instance has its own pool of up to {{max}} connections, so this process holds both. Share one instance; for read replicas use the `replication` option.',
      secondInProcess:
        'This module creates a Sequelize instance and also loads {{otherFile}}, which creates another at line {{otherLine}}: one process, two pools. Import the shared instance from {{otherFile}} instead.',
      notAllowed:
        'Only {{allowed}} may create a Sequelize instance (`scope: "project"`): import the shared instance instead of opening another pool.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          scope: {
            type: 'string',
            enum: ['process', 'project'],
            description:
              '`process`: report instances created per call, loop, request, or twice in one process. `project`: report every construction outside `allow`.',
          },
          allow: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Globs, relative to the ESLint working directory, of files allowed to create instances (never reported).',
          },
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  create(context, [options]) {
    const { allow, scope } = { ...DEFAULT_OPTIONS, ...options };
    const { sourceCode } = context;
    const filename = context.physicalFilename;
    if (allow.length > 0 && allowMatcher(allow)(path.relative(context.cwd, filename).split(path.sep).join('/'))) return {};
    // An editor lints the file it saves: if that file changed on disk, other modules' cached facts are re-checked.
    if (path.isAbsolute(filename)) noteLintedFile(filename, sourceCode.text);
    const constructions: SequelizeConstruction[] = [];
    /** Calls and `new` expressions that may call a factory (a callee the analysis can name). */
    const calls: (TSESTree.CallExpression | TSESTree.NewExpression)[] = [];
    let module: ProjectModule | null = null;
    const linted = (): ProjectModule => (module ??= lintedModule(sourceCode, filename));

    /** Where `fn` is registered to run per request or tick (this file or, for an exported function, any project file). */
    function registered(fn: TSESTree.Node | null): { fn: TSESTree.Node; at: RegisteredAt } | null {
      if (fn === null || !isFunctionNode(fn)) return null;
      const at = registrationOf(linted(), fn, context.cwd);
      return at === null ? null : { fn, at };
    }

    function nameOf(fn: TSESTree.Node): string | null {
      if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id !== null) return fn.id.name;
      const parent = fn.parent;
      if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
      if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left.type === AST_NODE_TYPES.MemberExpression) {
        return sourceCode.getText(parent.left.property);
      }
      if ((parent?.type === AST_NODE_TYPES.Property || parent?.type === AST_NODE_TYPES.MethodDefinition) && !parent.computed) {
        return sourceCode.getText(parent.key);
      }
      return null;
    }

    function reportConstruction(construction: SequelizeConstruction): 'module' | null {
      const lifetime = instanceLifetime(construction.node, sourceCode, hostOf());
      const max = maxLabel(construction);
      const node = construction.node;
      switch (lifetime.kind) {
        case 'per-iteration':
          context.report({ node, messageId: lifetime.closed ? 'closedPerIteration' : 'perIteration', data: { max } });
          return null;
        case 'per-event':
          context.report({
            node,
            messageId: lifetime.closed ? 'closedPerEvent' : 'perEvent',
            data: { max, when: `the \`${lifetime.registration}\` callback runs` },
          });
          return null;
        case 'per-call':
        case 'short-lived':
        case 'stored': {
          // A function registered as middleware, a route handler or a timer elsewhere runs per request or tick.
          const handler = registered(lifetime.kind === 'stored' ? enclosingFunction(node) : lifetime.fn);
          if (handler !== null) {
            const when = describeRegistered(filename, handler.fn, handler.at, nameOf(handler.fn));
            context.report({ node, messageId: lifetime.kind === 'short-lived' ? 'closedPerEvent' : 'perEvent', data: { max, when } });
          } else if (lifetime.kind === 'per-call') {
            context.report({ node, messageId: 'perCall', data: { max } });
          }
          // Closed in the function that made it, not repeated: a test or a script. Stored: not judged.
          return null;
        }
        case 'module':
          return 'module';
        default:
          // A factory is judged at its call sites (below); a lazy singleton is created once.
          return null;
      }
    }

    let host: ReturnType<typeof lintedModule>['host'] | null = null;
    const hostOf = (): ProjectModule['host'] => (host ??= linted().host);

    /**
     * Can any call of this file reach a factory (the factory gate's candidate test on its own text)? Asked once the
     * first call has consulted the gate about an import (so the modules it loads are being settled anyway); when it
     * says no, the remaining calls are not resolved: every name they could follow leads nowhere.
     */
    let mayCallFactory: boolean | null = null;

    function reportFactoryCall(call: TSESTree.CallExpression | TSESTree.NewExpression): void {
      if (mayCallFactory === false || isLazyCall(call, sourceCode)) return;
      const repetition = repetitionAround(call, sourceCode);
      const fn = repetition === null ? enclosingFunction(call) : null;
      if (repetition === null && fn === null) return;
      const asked = nameGateStats.asked;
      const origin = calledFactory(linted(), call);
      if (mayCallFactory === null && nameGateStats.asked !== asked && path.isAbsolute(filename)) {
        // Comments read as spaces: the gate's patterns allow only spaces between tokens (`new /* c */ Sequelize`).
        mayCallFactory = textMayProvide(filename, withoutComments(sourceCode.text, sourceCode.ast.comments), FACTORY_GATE);
      }
      if (origin === null) return;
      const originConstruction = sequelizeConstruction(origin.module.host, origin.construction);
      const max = originConstruction === null ? '`max`' : maxLabel(originConstruction);
      const originText =
        origin.module.filename === filename
          ? `line ${origin.construction.loc.start.line}`
          : `${relativeTo(filename, origin.module.filename)}:${origin.construction.loc.start.line}`;
      const callee = skipTypeWrappers(call.callee);
      const factory = `${call.type === AST_NODE_TYPES.NewExpression ? 'new ' : ''}${sourceCode.getText(callee)}`;
      if (repetition?.kind === 'per-iteration') {
        context.report({ node: call, messageId: 'factoryPerIteration', data: { factory, max, origin: originText } });
        return;
      }
      let when: string;
      if (repetition?.kind === 'per-event') when = `the \`${repetition.registration}\` callback runs`;
      else {
        const handler = registered(fn);
        if (handler === null) return;
        when = describeRegistered(filename, handler.fn, handler.at, nameOf(handler.fn));
      }
      context.report({ node: call, messageId: 'factoryPerEvent', data: { factory, max, origin: originText, when } });
    }

    return {
      NewExpression(node) {
        const construction = sequelizeConstruction(hostOf(), node);
        if (construction !== null) constructions.push(construction);
        else if (scope === 'process') calls.push(node);
      },
      CallExpression(node) {
        if (scope !== 'process') return;
        const callee = skipTypeWrappers(node.callee);
        if (callee.type === AST_NODE_TYPES.Identifier || callee.type === AST_NODE_TYPES.MemberExpression) calls.push(node);
      },
      'Program:exit'() {
        if (scope === 'project') {
          const allowed = allow.length === 0 ? 'no file (set `allow`)' : allow.map((glob) => `\`${glob}\``).join(', ');
          for (const construction of constructions) {
            context.report({ node: construction.node, messageId: 'notAllowed', data: { allowed } });
          }
          return;
        }
        const moduleLevel: SequelizeConstruction[] = [];
        for (const construction of constructions) {
          if (reportConstruction(construction) === 'module') moduleLevel.push(construction);
        }
        for (const call of calls) reportFactoryCall(call);
        for (const [index, construction] of moduleLevel.entries()) {
          const first = moduleLevel.slice(0, index).find((earlier) => !mutuallyExclusive(earlier.node, construction.node));
          if (first === undefined) continue;
          context.report({
            node: construction.node,
            messageId: 'secondInModule',
            data: { firstLine: first.node.loc.start.line, max: maxLabel(construction) },
          });
        }
        const [own] = moduleLevel;
        if (own === undefined || !path.isAbsolute(filename)) return;
        // Imports are read from this file's own (possibly unsaved) text; the modules they load, from disk.
        const other = importedConstruction(filename, loadedSpecifiers({ ast: sourceCode.ast, host: hostOf() }));
        if (other === null) return;
        const otherFile = relativeTo(filename, other.file);
        context.report({ node: own.node, messageId: 'secondInProcess', data: { otherFile, otherLine: other.line } });
      },
    };
  },
});
