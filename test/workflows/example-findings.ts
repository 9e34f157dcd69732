/**
 * What the recommended rules report on examples/legacy-server with its deployment's budget (7 processes, stock
 * PostgreSQL): the demo's six findings, as `file:line:column rule`. One list for every host that lints the example.
 */
export const EXAMPLE_FINDINGS = [
  'server/db/sequelize.js:19:5 sequelize-pool/require-lifecycle-options',
  'server/db/sequelize.js:19:13 sequelize-pool/max-connections-budget',
  'server/integration_log.js:11:17 sequelize-pool/require-lifecycle-options',
  'server/integration_log.js:11:17 sequelize-pool/single-instance',
  'server/jobs/auditLogForward.js:32:19 sequelize-pool/no-unreleased-transaction',
  'server/jobs/auditLogForward.js:48:9 sequelize-pool/require-transaction-option',
];

/** The example app's files a user's checkout has (its own eslint.config.js left out: each host brings its config). */
export const EXAMPLE_FILES = ['server', 'config', 'supervisord.conf'];
