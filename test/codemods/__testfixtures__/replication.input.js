const { Sequelize } = require('sequelize');

const sequelize = new Sequelize('app', null, null, {
  dialect: 'postgres',
  replication: {
    read: [
      { host: 'replica-1', username: 'ro', password: process.env.RO_PASSWORD },
      { host: 'replica-2', username: 'ro', password: process.env.RO_PASSWORD, pool: { max: 30, idle: 30000 } },
    ],
    write: { host: 'primary', username: 'rw', password: process.env.RW_PASSWORD },
  },
});

module.exports = sequelize;
