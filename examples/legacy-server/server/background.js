'use strict';

const { AuditLog } = require('./models');
const { every, handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

every('background heartbeat', 60000, async () => {
  await AuditLog.create({
    action: 'background.heartbeat',
    payload: { pid: process.pid, rss: process.memoryUsage().rss },
  });
});

handleShutdown();
logger.info('background worker started');
