import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import path from 'node:path';

import type { ConnectionBudget, Dialect } from '../lib/project/pool-budget';
import type { DeploymentSettings } from '../lib/project/deployment';
import type { PgBouncerSettings } from '../lib/project/pgbouncer-config';
import type { PoolKeyState, PoolState, SequelizeConstruction } from '../lib/file-analysis/sequelize-options';

import { hostFromSourceCode } from '../lib/file-analysis/ast';
import { createRule } from '../lib/create-rule';
import { deploymentOf, processesLoading } from '../lib/project/deployment';
import { noteLintedFile } from '../lib/project/project-modules';
import { lintPgBouncerSettings, pgBouncerSettingsFrom, rejectedStartupParameters } from '../lib/project/pgbouncer-config';
import {
  availableConnections,
  connectionsPerInstance,
  defaultLimits,
  describeAvailable,
  DIALECT_DEFAULTS,
  fitAdvice,
  largestFittingMaxThroughPgBouncer,
  processCount,
} from '../lib/project/pool-budget';
import { constructionDialect, constructionStartupParameters } from '../lib/project/project-pools';
import { constructionPools, defaultsMajor } from '../lib/project/construction-pools';
import { textMayConstructSequelize } from '../lib/project/construction-text';
import { describeOrigin } from '../lib/project/effective-pool';
import { poolDefaults } from '../lib/sequelize-facts';
import { poolKeyState, poolState, sequelizeConstruction, usesReplication } from '../lib/file-analysis/sequelize-options';

export interface PgBouncerOption {
  maxClientConn?: number;
  defaultPoolSize?: number;
  reservePoolSize?: number;
  poolMode?: 'session' | 'statement' | 'transaction';
  ignoreStartupParameters?: string[];
}

export interface BudgetOptions {
  /** A number, or `"auto"`: the deployment model (package.json "sequelizePool", supervisord.conf, pm2, …). */
  processes: number | 'auto';
  maxConnections: number | 'auto';
  reservedConnections: number | 'auto';
  otherConnections: number | 'auto';
  headroom: number | 'auto';
  /** PgBouncer in front of the database: its settings, `"auto"` (the stated or found pgbouncer.ini) or false. */
  pgbouncer: PgBouncerOption | false | 'auto';
}

export type Options = [Partial<BudgetOptions>];

const DEFAULT_OPTIONS: BudgetOptions = {
  processes: 'auto',
  maxConnections: 'auto',
  reservedConnections: 'auto',
  otherConnections: 'auto',
  headroom: 'auto',
  pgbouncer: 'auto',
};

export type MessageIds = 'clientsOverPgBouncer' | 'deploymentUnreadable' | 'minAboveMax' | 'minOverBudget' | 'overBudget' | 'setMax' | 'startupParameterRejected';

const FAILURE: Readonly<Record<Dialect, string>> = {
  postgres: 'new connections fail with "remaining connection slots are reserved for …" (SQLSTATE 53300)',
  mysql: 'new connections fail with "Too many connections" (ER_CON_COUNT_ERROR, 1040)',
  mariadb: 'new connections fail with "Too many connections" (ER_CON_COUNT_ERROR, 1040)',
  mssql: 'SQL Server refuses new logins',
};

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
function poolNumber(pool: PoolState, key: 'max' | 'min', major: Parameters<typeof poolDefaults>[0]): PoolNumber | null {
  const state: PoolKeyState = poolKeyState(pool, key);
  if (state.state === 'default') {
    const value = poolDefaults(major)[key];
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

/** The largest `key` the config files give any environment (with no environment variable set), or null. */
function configuredNumber(info: ReturnType<typeof constructionPools>, key: 'max' | 'min'): PoolNumber | null {
  let best: PoolNumber | null = null;
  for (const pool of info.pools) {
    if (pool.usesPool === false || pool.configFiles.length === 0) continue;
    const setting = pool.pool[key];
    if (!setting.known || typeof setting.value !== 'number' || setting.origin.kind !== 'config-file') continue;
    if (best !== null && best.value >= setting.value) continue;
    const overrides = setting.overriddenBy.length > 0 ? `, unless ${setting.overriddenBy.map((name) => `$${name}`).join(' or ')} is set` : '';
    best = { value: setting.value, property: null, literal: null, label: `${key} ${setting.value} (${describeOrigin(setting, info.root)}${overrides})` };
  }
  return best;
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
        '{{processes}} × {{max}}{{replication}} = {{total}} connections, but {{database}} allows {{available}} ({{arithmetic}}); {{advice}}. Past that, {{failure}}.',
      minAboveMax:
        '`min: {{min}}` is above {{max}}: sequelize-pool throws "max is smaller than min" as soon as the Sequelize instance is created.',
      minOverBudget:
        '{{processes}} × min {{min}}{{replication}} = {{total}} connections kept open once created, but {{database}} allows {{available}} ({{arithmetic}}); {{advice}}.',
      clientsOverPgBouncer:
        '{{processes}} × {{max}}{{replication}} = {{total}} client connections, but PgBouncer allows {{maxClientConn}} (max_client_conn, {{source}}); {{advice}}. Past that, PgBouncer refuses new clients.',
      startupParameterRejected:
        '`dialectOptions.{{name}}` is sent as a startup parameter, which PgBouncer ({{source}}) refuses: every connection fails with "unsupported startup parameter: {{name}}". Add it to ignore_startup_parameters, or set it per role: ALTER ROLE … SET {{name}} = ….',
      deploymentUnreadable: 'The deployment cannot be read for `"auto"`: {{error}}.',
      setMax: 'Set `max` to {{fits}}.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          processes: {
            oneOf: [{ type: 'integer', minimum: 1, description: 'The number.' }, { type: 'string', enum: ['auto'], description: 'Read from the deployment model.' }],
            description:
              'Processes that each create this pool, or "auto" (default): the programs whose script loads it, from package.json "sequelizePool", supervisord.conf, pm2, Procfile, docker-compose or Kubernetes manifests.',
          },
          maxConnections: {
            oneOf: [{ type: 'integer', minimum: 1, description: 'The number.' }, { type: 'string', enum: ['auto'], description: 'Read from the deployment model.' }],
            description: "The database's connection limit, or \"auto\": package.json \"sequelizePool\", else the dialect's default (PostgreSQL 100, MySQL/MariaDB 151).",
          },
          reservedConnections: {
            oneOf: [{ type: 'integer', minimum: 0, description: 'The number.' }, { type: 'string', enum: ['auto'], description: 'Read from the deployment model.' }],
            description: 'Slots the application cannot use (PostgreSQL: superuser_reserved_connections + reserved_connections, default 3 + 0).',
          },
          otherConnections: {
            oneOf: [{ type: 'integer', minimum: 0, description: 'The number.' }, { type: 'string', enum: ['auto'], description: 'Read from the deployment model.' }],
            description: 'Connections held by other applications on the same server.',
          },
          headroom: {
            oneOf: [{ type: 'integer', minimum: 0, description: 'The number.' }, { type: 'string', enum: ['auto'], description: 'Read from the deployment model.' }],
            description: 'Connections the suggested max keeps free for migrations, psql sessions and monitoring (default: 10% of maxConnections, at least 5).',
          },
          pgbouncer: {
            oneOf: [
              { type: ['string', 'boolean'], enum: ['auto', false], description: '"auto": the stated or found pgbouncer.ini; false: no PgBouncer.' },
              {
                type: 'object',
                additionalProperties: false,
                description: "PgBouncer's settings (PgBouncer's defaults for the ones not given).",
                properties: {
                  maxClientConn: { type: 'integer', minimum: 1, description: 'max_client_conn (default 100).' },
                  defaultPoolSize: { type: 'integer', minimum: 1, description: 'default_pool_size (default 20).' },
                  reservePoolSize: { type: 'integer', minimum: 0, description: 'reserve_pool_size (default 0).' },
                  poolMode: { type: 'string', enum: ['session', 'transaction', 'statement'], description: 'pool_mode (default session).' },
                  ignoreStartupParameters: { type: 'array', items: { type: 'string', description: 'A startup parameter name.' }, description: 'ignore_startup_parameters.' },
                },
              },
            ],
            description: 'PgBouncer in front of the database: its settings, "auto" (default: the pgbouncer.ini stated in package.json "sequelizePool" or found in the project) or false.',
          },
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  create(context, [options]) {
    // ESLint 9+ and RuleCreator both apply meta.defaultOptions; the spread only informs the types.
    const settings = { ...DEFAULT_OPTIONS, ...options };
    // Only a construction is judged, and most files have none: a text test skips them before any scope lookup.
    if (!textMayConstructSequelize(context.sourceCode.text, context.sourceCode.ast.comments)) return {};
    const host = hostFromSourceCode(context.sourceCode);
    const reported = new Set<TSESTree.Node>();
    const filename = context.physicalFilename;
    const auto = Object.values(settings).includes('auto');
    // The deployment and PgBouncer are read when a file has a pool to judge, not for every linted file: most files
    // construct no Sequelize instance. Both are cached per project and lint run (see deploymentOf).
    let project: ReturnType<typeof deploymentOf> | null | undefined;
    const projectOf = (): ReturnType<typeof deploymentOf> | null => {
      if (project === undefined) {
        // Linting goes on: the project caches stay valid for this run (see projectEpoch).
        if (auto && path.isAbsolute(filename)) noteLintedFile(filename, context.sourceCode.text);
        project = auto && path.isAbsolute(filename) ? deploymentOf(filename) : null;
      }
      return project;
    };
    const statedOf = (): DeploymentSettings => projectOf()?.deployment?.stated?.settings ?? {};
    let deploymentReported = false;

    function bouncerSettings(): { settings: PgBouncerSettings; source: string } | null {
      if (settings.pgbouncer === false) return null;
      if (settings.pgbouncer !== 'auto') {
        const given = settings.pgbouncer;
        const values: Record<string, string> = {};
        if (given.maxClientConn !== undefined) values.max_client_conn = String(given.maxClientConn);
        if (given.defaultPoolSize !== undefined) values.default_pool_size = String(given.defaultPoolSize);
        if (given.reservePoolSize !== undefined) values.reserve_pool_size = String(given.reservePoolSize);
        if (given.poolMode !== undefined) values.pool_mode = given.poolMode;
        if (given.ignoreStartupParameters !== undefined) values.ignore_startup_parameters = given.ignoreStartupParameters.join(',');
        return { settings: pgBouncerSettingsFrom(values, [], 'the rule\'s options'), source: "the rule's pgbouncer option" };
      }
      const found = projectOf();
      if (found === null) return null;
      const read = lintPgBouncerSettings(found.root, statedOf().pgbouncer);
      return read === null ? null : { settings: read, source: read.source };
    }
    let bouncer: ReturnType<typeof bouncerSettings> | undefined;
    const bouncerOf = (): ReturnType<typeof bouncerSettings> => (bouncer === undefined ? (bouncer = bouncerSettings()) : bouncer);

    function budgetFor(construction: SequelizeConstruction): { budget: ConnectionBudget; dialect: Dialect; processes: number; processesLabel: string } {
      const project = projectOf();
      const stated = statedOf();
      const dialect = stated.dialect ?? constructionDialect(construction) ?? 'postgres';
      const defaults = defaultLimits(dialect);
      const pick = (value: number | 'auto', statedValue: number | undefined, fallback: number): number => (value === 'auto' ? (statedValue ?? fallback) : value);
      let processes = 1;
      let processesLabel = processCount(1);
      if (settings.processes !== 'auto') {
        processes = settings.processes;
        processesLabel = processCount(processes);
      } else if (project?.deployment?.processes != null) {
        const loading = processesLoading(project.deployment.processes, filename, construction.node.loc.start.line);
        processes = loading.count;
        processesLabel = `${processCount(processes)} (${project.deployment.processes.source}${loading.programs.length > 0 && loading.programs.length < project.deployment.processes.groups.length ? `: ${loading.programs.join(', ')}` : ''})`;
      }
      const headroom = settings.headroom === 'auto' ? stated.headroom : settings.headroom;
      return {
        dialect,
        processes,
        processesLabel,
        budget: {
          maxConnections: pick(settings.maxConnections, stated.maxConnections, defaults.maxConnections),
          reservedConnections: pick(settings.reservedConnections, stated.reservedConnections, defaults.reservedConnections),
          otherConnections: pick(settings.otherConnections, stated.otherConnections, 0),
          ...(headroom === undefined ? {} : { headroom }),
        },
      };
    }

    function check(construction: SequelizeConstruction): void {
      const project = projectOf();
      if (project?.error != null && !deploymentReported) {
        deploymentReported = true;
        context.report({ node: construction.node, messageId: 'deploymentUnreadable', data: { error: project.error } });
      }
      const info = constructionPools(construction, filename, host, context.cwd);
      // SQLite (a provable dialect, Sequelize v4 to v6) opens no pool: nothing counts against a server's limit.
      if (info.usesPool === false) return;
      const { budget, dialect, processes, processesLabel } = budgetFor(construction);
      const bouncer = bouncerOf();
      const available = availableConnections(budget);
      const database = DIALECT_DEFAULTS[dialect].name;
      const pool = poolState(construction);
      const replicated = usesReplication(construction);
      // Unknown replication is not guessed: count one pool, the smallest the instance can open.
      const doubled = replicated === true;
      const replication = doubled ? ' × 2 (read and write pools: replication)' : '';
      const major = defaultsMajor(info.version);
      // Written in code, else from the config files: the largest `max` any environment gets, named with its origin.
      const max = poolNumber(pool, 'max', major) ?? configuredNumber(info, 'max');
      const min = poolNumber(pool, 'min', major);
      const anchor = (value: PoolNumber | null): TSESTree.Node =>
        value?.property ?? (pool.state === 'known' ? pool.property : null) ?? construction.node;

      if (bouncer !== null && dialect === 'postgres') {
        for (const name of rejectedStartupParameters(bouncer.settings, constructionStartupParameters(construction))) {
          context.report({ node: construction.node, messageId: 'startupParameterRejected', data: { name, source: bouncer.source } });
        }
      }
      if (max !== null) {
        const total = processes * connectionsPerInstance(max.value, doubled);
        const location = anchor(max);
        const literal = max.literal;
        const suggest = (fits: number) =>
          // A max below the written min would make sequelize-pool throw at start-up: no suggestion then.
          literal === null || fits < 1 || (min !== null && min.property !== null && fits < min.value)
            ? []
            : [{ messageId: 'setMax' as const, data: { fits }, fix: (fixer: Parameters<NonNullable<Parameters<typeof context.report>[0]['fix']>>[0]) => fixer.replaceText(literal, String(fits)) }];
        if (bouncer !== null && dialect === 'postgres') {
          const maxClientConn = bouncer.settings.maxClientConn;
          if (total > maxClientConn && !reported.has(location)) {
            reported.add(location);
            const fits = largestFittingMaxThroughPgBouncer({ maxClientConn, defaultPoolSize: 0, reservePoolSize: 0, poolPairs: 1 }, processes, doubled);
            context.report({
              node: location,
              messageId: 'clientsOverPgBouncer',
              data: { processes: processesLabel, max: max.label, replication, total, maxClientConn, source: bouncer.source, advice: fits >= 1 ? `max ${fits} fits (or raise max_client_conn)` : 'raise max_client_conn' },
              suggest: suggest(fits),
            });
          }
        } else if (total > available && !reported.has(location)) {
          reported.add(location);
          const { advice, fits } = fitAdvice(budget, processes, doubled);
          context.report({
            node: location,
            messageId: 'overBudget',
            data: { processes: processesLabel, max: max.label, replication, total, database, available, arithmetic: describeAvailable(budget), advice, failure: FAILURE[dialect] },
            suggest: suggest(fits),
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
      if (bouncer === null && minTotal > available) {
        reported.add(min.property);
        context.report({
          node: min.property,
          messageId: 'minOverBudget',
          data: {
            processes: processesLabel,
            min: min.value,
            replication,
            total: minTotal,
            database,
            available,
            arithmetic: describeAvailable(budget),
            advice: fitAdvice(budget, processes, doubled, 'min').advice,
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
