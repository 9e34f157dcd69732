'use strict';

// A write in a managed transaction, then a count that forgets `{ transaction: t }`. Without CLS that count
// runs on a second pool connection while the transaction holds the first: with every connection held by such a
// transaction, nobody can get one until `acquire` expires. Copied into the app as server/jobs/recordLogin.js.

const { sequelize } = require('../db/sequelize');
const { AuditLog } = require('../models');

async function recordLogin() {
  return sequelize.transaction(async (t) => {
    await AuditLog.create({ action: 'user.login', userId: 1, payload: {} }, { transaction: t });
    return AuditLog.count({ where: { userId: 1, action: 'user.login' } });
  });
}

module.exports = { recordLogin };
