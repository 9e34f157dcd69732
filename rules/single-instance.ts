import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import path from 'node:path';
import picomatch from 'picomatch';

import type { SequelizeConstruction } from '../lib/file-analysis/sequelize-options';

import { findVariable, hostFromSourceCode } from '../lib/file-analysis/ast';
import { createRule } from '../lib/create-rule';
import { importedConstruction, loadedSpecifiers } from '../lib/project/import-graph';
import { instanceLifetime, isLazyCall, mutuallyExclusive, repetitionAround } from '../lib/file-analysis/instance-lifetime';
import { SEQUELIZE_POOL_DEFAULTS } from '../lib/sequelize-facts';
import { poolKeyState, poolState, sequelizeConstruction } from '../lib/file-analysis/sequelize-options';

export interface SingleInstanceOptions {
  allow: string[];
  scope: 'process' | 'project';
}

export type Options = [Partial<SingleInstanceOptions>];

export type MessageIds =
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
        'A new Sequelize instance, with its own pool of up to {{max}} connections, is created every time the `{{registration}}` callback runs: create it once at start-up and share it.',
      factoryPerIteration:
        '`{{factory}}()` creates a new Sequelize instance (its own pool of up to {{max}} connections) and is called on every iteration of this loop: call it once and reuse the instance.',
      factoryPerEvent:
        '`{{factory}}()` creates a new Sequelize instance (its own pool of up to {{max}} connections) and is called every time the `{{registration}}` callback runs: call it once at start-up and share the instance.',
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
    const relative = path.relative(context.cwd, filename).split(path.sep).join('/');
    if (allow.length > 0 && allowMatcher(allow)(relative)) return {};
    const host = hostFromSourceCode(sourceCode);
    const constructions: SequelizeConstruction[] = [];

    function reportFactoryCalls(handle: TSESTree.Node, construction: SequelizeConstruction): void {
      if (handle.type !== AST_NODE_TYPES.Identifier) return;
      const variable = findVariable(host, handle);
      if (variable === null) return;
      for (const reference of variable.references) {
        const call = reference.identifier.parent;
        if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== reference.identifier) continue;
        if (isLazyCall(call, sourceCode)) continue;
        const repetition = repetitionAround(call, sourceCode);
        if (repetition === null) continue;
        const factory = handle.name;
        const max = maxLabel(construction);
        if (repetition.kind === 'per-iteration') {
          context.report({ node: call, messageId: 'factoryPerIteration', data: { factory, max } });
        } else {
          context.report({ node: call, messageId: 'factoryPerEvent', data: { factory, max, registration: repetition.registration } });
        }
      }
    }

    return {
      NewExpression(node) {
        const construction = sequelizeConstruction(host, node);
        if (construction !== null) constructions.push(construction);
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
          const lifetime = instanceLifetime(construction.node, sourceCode, host);
          const max = maxLabel(construction);
          switch (lifetime.kind) {
            case 'per-call':
              context.report({ node: construction.node, messageId: 'perCall', data: { max } });
              break;
            case 'per-iteration':
              context.report({ node: construction.node, messageId: 'perIteration', data: { max } });
              break;
            case 'per-event':
              context.report({ node: construction.node, messageId: 'perEvent', data: { max, registration: lifetime.registration } });
              break;
            case 'factory':
              if (lifetime.factory !== null) reportFactoryCalls(lifetime.factory, construction);
              break;
            case 'module':
              moduleLevel.push(construction);
              break;
            default:
              break;
          }
        }
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
        const other = importedConstruction(filename, loadedSpecifiers({ ast: sourceCode.ast, host }));
        if (other === null) return;
        context.report({
          node: own.node,
          messageId: 'secondInProcess',
          data: {
            otherFile: path.relative(path.dirname(filename), other.file).split(path.sep).join('/').replace(/^(?!\.)/u, './'),
            otherLine: other.line,
          },
        });
      },
    };
  },
});
