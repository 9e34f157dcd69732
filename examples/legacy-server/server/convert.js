'use strict';

const { sequelize, User, AuditLog } = require('./models');
const { every, handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

every('convert avatars', 7000, async () => {
  const users = await User.findAll({ where: { avatarUrl: null }, limit: 20 });
  for (const user of users) {
    await sequelize.transaction(async (transaction) => {
      await user.update({ avatarUrl: `/media/avatars/${user.id}.webp` }, { transaction });
      await AuditLog.create(
        { action: 'avatar.converted', userId: user.id, payload: { format: 'webp' } },
        { transaction }
      );
    });
  }
  if (users.length > 0) {
    logger.info(`convert: converted ${users.length} avatars`);
  }
});

handleShutdown();
logger.info('convert worker started');
