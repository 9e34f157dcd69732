'use strict';

// recordLogin.outside-transaction.js with the count inside the transaction: one connection per call.
// Copied into the app as server/jobs/recordLogin.js.

const { sequelize } = require('../db/sequelize');
const { AuditLog } = require('../models');

async function recordLogin() {
  return sequelize.transaction(async (t) => {
    await AuditLog.create({ action: 'user.login', userId: 1, payload: {} }, { transaction: t });
    return AuditLog.count({ where: { userId: 1, action: 'user.login' }, transaction: t });
  });
}

module.exports = { recordLogin };
