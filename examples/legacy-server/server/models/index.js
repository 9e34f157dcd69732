'use strict';

const { DataTypes, Model } = require('sequelize');
const { sequelize } = require('../db/sequelize');

class User extends Model {}

User.init(
  {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    email: { type: DataTypes.STRING, allowNull: false, unique: true },
    name: { type: DataTypes.STRING, allowNull: false },
    avatarUrl: { type: DataTypes.STRING, allowNull: true },
  },
  { sequelize, modelName: 'User', tableName: 'users' }
);

class AuditLog extends Model {}

AuditLog.init(
  {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    action: { type: DataTypes.STRING, allowNull: false },
    userId: { type: DataTypes.INTEGER, allowNull: true },
    payload: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
    forwarded: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
  },
  {
    sequelize,
    modelName: 'AuditLog',
    tableName: 'audit_logs',
    updatedAt: false,
    indexes: [{ fields: ['forwarded', 'id'] }],
  }
);

User.hasMany(AuditLog, { foreignKey: 'userId', constraints: false });
AuditLog.belongsTo(User, { foreignKey: 'userId', constraints: false });

module.exports = { sequelize, User, AuditLog };
