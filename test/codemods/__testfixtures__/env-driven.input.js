const { Sequelize } = require('sequelize');
const pino = require('pino');

const log = pino();

module.exports = new Sequelize(process.env.DATABASE_URL, {
  logging: (sql, ms) => log.info({ ms }, sql),
  benchmark: true,
  pool: {
    max: Number(process.env.DB_POOL_MAX) || 50,
    idle: 10000,
  },
});
