'use strict';

const config = require('config');
const { Op } = require('sequelize');
const { AuditLog } = require('./models');
const { auditLogForward } = require('./jobs/auditLogForward');
const { every, handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

every('Audit log forward', config.get('cron.auditLogForwardMs'), auditLogForward);

every('Audit log cleanup', config.get('cron.auditLogCleanupMs'), async () => {
  const cutoff = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  const removed = await AuditLog.destroy({
    where: { forwarded: true, createdAt: { [Op.lt]: cutoff } },
  });
  if (removed > 0) {
    logger.info(`audit log cleanup: removed ${removed} rows`);
  }
});

handleShutdown();
logger.info('cron started');
