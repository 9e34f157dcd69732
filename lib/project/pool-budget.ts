/**
 * Connection budget arithmetic for one database. From ../docs/why.md:
 * `available = max_connections − reserved − other clients`; each process may use `floor(available / processes)`,
 * halved again when it uses replication (one read pool and one write pool, each up to `max`).
 */

export interface ConnectionBudget {
  /** PostgreSQL `max_connections`. */
  maxConnections: number;
  /** `superuser_reserved_connections` + `reserved_connections`. */
  reservedConnections: number;
  /** Connections held by clients outside these processes (migrations, psql, monitoring, other apps). */
  otherConnections: number;
}

/** Connections the application's processes may open in total. */
export function availableConnections(budget: ConnectionBudget): number {
  return budget.maxConnections - budget.reservedConnections - budget.otherConnections;
}

/** How many connections one Sequelize instance can open: `max`, twice with replication (read + write pools). */
export function connectionsPerInstance(max: number, replicated: boolean): number {
  return replicated ? max * 2 : max;
}

/** The largest `max` each process may use so that all processes together fit; 0 when not even 1 fits. */
export function largestFittingMax(budget: ConnectionBudget, processes: number, replicated: boolean): number {
  const perProcess = Math.floor(availableConnections(budget) / processes);
  return Math.max(0, Math.floor(replicated ? perProcess / 2 : perProcess));
}

/** `100 − 3 reserved − 5 other`: how the available number was reached, for messages. */
export function describeAvailable(budget: ConnectionBudget): string {
  const parts = [String(budget.maxConnections)];
  if (budget.reservedConnections > 0) parts.push(`${budget.reservedConnections} reserved`);
  if (budget.otherConnections > 0) parts.push(`${budget.otherConnections} for other clients`);
  return parts.join(' − ');
}

/** `7 processes` / `1 process`. */
export function processCount(count: number): string {
  return `${count} ${count === 1 ? 'process' : 'processes'}`;
}
