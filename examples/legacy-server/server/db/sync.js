'use strict';

// Creates the tables. Run once before starting supervisord: node server/db/sync.js

const { sequelize } = require('../models');
const logger = require('../lib/logger');

sequelize
  .sync()
  .then(() => {
    logger.info('tables are in sync');
    return sequelize.close();
  })
  .catch((err) => {
    logger.error(`sync failed: ${err.message}`);
    process.exitCode = 1;
    return sequelize.close();
  });
