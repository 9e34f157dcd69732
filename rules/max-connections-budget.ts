import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';

import type { ConnectionBudget } from '../lib/project/pool-budget';
import type { PoolKeyState, PoolState, SequelizeConstruction } from '../lib/file-analysis/sequelize-options';

import { hostFromSourceCode } from '../lib/file-analysis/ast';
import { createRule } from '../lib/create-rule';
import {
  availableConnections,
  connectionsPerInstance,
  describeAvailable,
  largestFittingMax,
  processCount,
} from '../lib/project/pool-budget';
import { POSTGRES_DEFAULTS, SEQUELIZE_POOL_DEFAULTS } from '../lib/sequelize-facts';
import { poolKeyState, poolState, sequelizeConstruction, usesReplication } from '../lib/file-analysis/sequelize-options';

export interface BudgetOptions {
  maxConnections: number;
  otherConnections: number;
  processes: number;
  reservedConnections: number;
}

export type Options = [Partial<BudgetOptions>];

const DEFAULT_OPTIONS: BudgetOptions = {
  processes: 1,
  maxConnections: POSTGRES_DEFAULTS.maxConnections,
  reservedConnections: POSTGRES_DEFAULTS.superuserReservedConnections + POSTGRES_DEFAULTS.reservedConnections,
  otherConnections: 0,
};

export type MessageIds = 'minAboveMax' | 'minOverBudget' | 'overBudget' | 'setMax';

/** A pool number as analysis knows it: its value, where it is written (if it is), and how it was learnt. */
interface PoolNumber {
  value: number;
  /** The `key: value` property, when the key is written. */
  property: TSESTree.Property | null;
  /** The literal holding the number, when a fix can replace it. */
  literal: TSESTree.Node | null;
  /** `max 5 (Sequelize's default)`, `max 50 (fallback when the environment does not set it)`. */
  label: string;
}

/** The known number for `key`, Sequelize's default when unset, or null when unknown (then the rule stays silent). */
function poolNumber(pool: PoolState, key: 'max' | 'min'): PoolNumber | null {
  const state: PoolKeyState = poolKeyState(pool, key);
  if (state.state === 'default') {
    const value = SEQUELIZE_POOL_DEFAULTS[key];
    return { value, property: null, literal: null, label: `${key} ${value} (Sequelize's default)` };
  }
  if (state.state === 'unknown' || state.value.kind !== 'number') return null;
  const { value, viaFallback, node } = state.value;
  const isLiteral = node.type === AST_NODE_TYPES.Literal;
  return {
    value,
    property: state.property,
    literal: isLiteral ? node : null,
    label: viaFallback ? `${key} ${value} (its fallback when config or the environment does not set it)` : `${key} ${value}`,
  };
}

export default createRule<Options, MessageIds>({
  name: 'max-connections-budget',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Require each Sequelize pool's `max` × processes to fit in PostgreSQL's `max_connections` minus reserved slots",
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      overBudget:
        '{{processes}} × {{max}}{{replication}} = {{total}} connections, but PostgreSQL allows {{available}} ({{arithmetic}}); {{advice}}. Past that, new connections fail with "remaining connection slots are reserved for …" (SQLSTATE 53300).',
      minAboveMax:
        '`min: {{min}}` is above {{max}}: sequelize-pool throws "max is smaller than min" as soon as the Sequelize instance is created.',
      minOverBudget:
        '{{processes}} × min {{min}}{{replication}} = {{total}} connections kept open once created, but PostgreSQL allows {{available}} ({{arithmetic}}); {{advice}}.',
      setMax: 'Set `max` to {{fits}}.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          processes: {
            type: 'integer',
            minimum: 1,
            description:
              'Processes that each create this pool: Supervisor programs × numprocs, cluster workers, pm2 instances, replicas sharing the database.',
          },
          maxConnections: {
            type: 'integer',
            minimum: 1,
            description: "The database's `max_connections` (PostgreSQL's default is 100).",
          },
          reservedConnections: {
            type: 'integer',
            minimum: 0,
            description:
              '`superuser_reserved_connections` + `reserved_connections` (PostgreSQL default: 3 + 0); the application cannot use them.',
          },
          otherConnections: {
            type: 'integer',
            minimum: 0,
            description: 'Connections kept for other clients: migrations, psql sessions, monitoring, other applications.',
          },
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  create(context, [options]) {
    // ESLint 9+ and RuleCreator both apply meta.defaultOptions; the spread only informs the types.
    const { maxConnections, otherConnections, processes, reservedConnections } = { ...DEFAULT_OPTIONS, ...options };
    const host = hostFromSourceCode(context.sourceCode);
    const budget: ConnectionBudget = { maxConnections, reservedConnections, otherConnections };
    const available = availableConnections(budget);
    const reported = new Set<TSESTree.Node>();

    function adviceFor(key: 'max' | 'min', replicated: boolean): { advice: string; fits: number } {
      const fits = largestFittingMax(budget, processes, replicated);
      if (fits >= 1) return { advice: `${key} ${fits} fits`, fits };
      return {
        advice: 'not even max 1 fits: run fewer processes, raise max_connections or put PgBouncer in front',
        fits,
      };
    }

    function check(construction: SequelizeConstruction): void {
      const pool = poolState(construction);
      const replicated = usesReplication(construction);
      // Unknown replication is not guessed: count one pool, the smallest the instance can open.
      const doubled = replicated === true;
      const replication = doubled ? ' × 2 (read and write pools: replication)' : '';
      const max = poolNumber(pool, 'max');
      const min = poolNumber(pool, 'min');
      const anchor = (value: PoolNumber | null): TSESTree.Node =>
        value?.property ?? (pool.state === 'known' ? pool.property : null) ?? construction.node;

      if (max !== null) {
        const total = processes * connectionsPerInstance(max.value, doubled);
        const location = anchor(max);
        if (total > available && !reported.has(location)) {
          reported.add(location);
          const { advice, fits } = adviceFor('max', doubled);
          const literal = max.literal;
          context.report({
            node: location,
            messageId: 'overBudget',
            data: {
              processes: processCount(processes),
              max: max.label,
              replication,
              total,
              available,
              arithmetic: describeAvailable(budget),
              advice,
            },
            // A max below the written min would make sequelize-pool throw at start-up: no suggestion then.
            suggest:
              literal === null || fits < 1 || (min !== null && min.property !== null && fits < min.value)
                ? []
                : [{ messageId: 'setMax', data: { fits }, fix: (fixer) => fixer.replaceText(literal, String(fits)) }],
          });
        }
      }
      if (min === null || min.property === null || reported.has(min.property)) return;
      if (max !== null && min.value > max.value) {
        reported.add(min.property);
        context.report({ node: min.property, messageId: 'minAboveMax', data: { min: min.value, max: max.label } });
        return;
      }
      const minTotal = processes * connectionsPerInstance(min.value, doubled);
      if (minTotal > available) {
        reported.add(min.property);
        context.report({
          node: min.property,
          messageId: 'minOverBudget',
          data: {
            processes: processCount(processes),
            min: min.value,
            replication,
            total: minTotal,
            available,
            arithmetic: describeAvailable(budget),
            advice: adviceFor('min', doubled).advice,
          },
        });
      }
    }

    return {
      NewExpression(node) {
        const construction = sequelizeConstruction(host, node);
        if (construction !== null) check(construction);
      },
    };
  },
});
