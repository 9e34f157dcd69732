'use strict';

// How a team adopts the plugin: the recommended rules, with the connection budget of this deployment.
// supervisord.conf runs 7 programs, each with its own Sequelize pool, against PostgreSQL's default
// max_connections = 100 (3 reserved for superusers).
const sequelizePool = require('eslint-plugin-sequelize-pool');

module.exports = [
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' },
  },
  sequelizePool.configs.recommended,
  {
    rules: {
      'sequelize-pool/max-connections-budget': ['error', { processes: 7, maxConnections: 100, reservedConnections: 3 }],
    },
  },
];
