'use strict';

const config = require('config');
const { Op, QueryTypes, Sequelize } = require('sequelize');
const { AuditLog } = require('./models');
const { every, handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

// A connection of its own for the integration log's counters, "so they never wait behind the app's
// queries": a second pool in this process, on top of the one ./models brings in.
const statsDb = new Sequelize(config.get('db.database'), config.get('db.username'), config.get('db.password'), {
  host: config.get('db.host'),
  port: config.get('db.port'),
  dialect: 'postgres',
  logging: false,
});

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
  const [{ pending }] = await statsDb.query(
    "SELECT count(*)::int AS pending FROM audit_logs WHERE action LIKE 'integration.%' AND NOT forwarded",
    { type: QueryTypes.SELECT },
  );
  logger.debug(`integration log: ${pending} entries not forwarded yet`);
});

handleShutdown();
logger.info('integration log worker started');
