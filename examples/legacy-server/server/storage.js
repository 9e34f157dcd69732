'use strict';

const { QueryTypes } = require('sequelize');
const { sequelize } = require('./models');
const { every, handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

every('storage usage', 30000, async () => {
  const rows = await sequelize.query(
    `SELECT relname AS table, pg_total_relation_size(relid) AS bytes
       FROM pg_catalog.pg_statio_user_tables
      ORDER BY bytes DESC`,
    { type: QueryTypes.SELECT }
  );
  for (const row of rows) {
    logger.debug(`storage: ${row.table} ${row.bytes} bytes`);
  }
});

handleShutdown();
logger.info('storage worker started');
