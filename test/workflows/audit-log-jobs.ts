/** Job sources the pre-commit tests stage: one leaks a transaction, the other is the fix. */

/** The audit-log-forward job of examples/legacy-server: its early return leaves the transaction open. */
export const LEAKING_JOB = `async function forwardAuditLog(sequelize, AuditLog, send) {
  const t = await sequelize.transaction();
  const rows = await AuditLog.findAll({ where: { forwarded: false }, transaction: t });
  if (rows.length === 0) {
    return 0;
  }
  await send(rows);
  await t.commit();
  return rows.length;
}

module.exports = { forwardAuditLog };
`;

/** The same job as a managed transaction: Sequelize commits or rolls back on every path. */
export const MANAGED_JOB = `async function forwardAuditLog(sequelize, AuditLog, send) {
  return sequelize.transaction(async (t) => {
    const rows = await AuditLog.findAll({ where: { forwarded: false }, transaction: t });
    if (rows.length === 0) {
      return 0;
    }
    await send(rows);
    return rows.length;
  });
}

module.exports = { forwardAuditLog };
`;
