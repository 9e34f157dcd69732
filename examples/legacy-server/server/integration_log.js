'use strict';

const { Op } = require('sequelize');
const { AuditLog } = require('./models');
const { every, handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

let since = new Date();

every('integration log', 5000, async () => {
  const now = new Date();
  const entries = await AuditLog.findAll({
    where: { action: { [Op.like]: 'integration.%' }, createdAt: { [Op.gte]: since } },
    order: [['id', 'ASC']],
  });
  since = now;
  for (const entry of entries) {
    logger.info(`integration ${entry.action} ${JSON.stringify(entry.payload)}`);
  }
});

handleShutdown();
logger.info('integration log worker started');
