'use strict';

// A fast query and a slow one, to see which of them the migrated module's query logging reports.
// Copied into the app as server/jobs/reportQueries.js.

const { sequelize } = require('../db/sequelize');

async function reportQueries() {
  await sequelize.query('SELECT 1 AS fast');
  await sequelize.query('SELECT pg_sleep(0.3) AS slow');
  return null;
}

module.exports = { reportQueries };
