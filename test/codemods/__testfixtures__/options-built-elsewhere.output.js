const { Sequelize } = require('sequelize');

const base = { dialect: 'postgres', pool: { max: 100 } };
const options = { ...base, logging: false };

module.exports = new Sequelize(process.env.DATABASE_URL, options);
