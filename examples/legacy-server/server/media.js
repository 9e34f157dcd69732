'use strict';

const { Op } = require('sequelize');
const { User } = require('./models');
const { every, handleShutdown } = require('./lib/lifecycle');
const logger = require('./lib/logger');

every('media index', 12000, async () => {
  const [withAvatar, total] = await Promise.all([
    User.count({ where: { avatarUrl: { [Op.ne]: null } } }),
    User.count(),
  ]);
  logger.debug(`media: ${withAvatar}/${total} users have an avatar`);
});

handleShutdown();
logger.info('media worker started');
