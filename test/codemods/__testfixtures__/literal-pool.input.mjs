import { Sequelize } from 'sequelize';

// Zeros meant "off" here, but sequelize-pool 7 reads them as unset.
export default new Sequelize("postgres://app@db/app", {
  dialect: "postgres",
  logging: console.log,
  pool: {
    max: 150,
    min: 0,
    idle: 0,
    acquire: 20000,
    evict: 0,
    maxUses: 0,
    validate: (connection) => !connection._ending,
  },
})
