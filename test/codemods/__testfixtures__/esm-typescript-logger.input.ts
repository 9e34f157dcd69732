import { Sequelize } from 'sequelize-typescript';
import type { Options } from 'sequelize';

import { logger } from './logger';
import { AuditLog, User } from './models';

/* Connection for the API and the workers. */
export const sequelize = new Sequelize(process.env.DATABASE_URL as string, {
  dialect: 'postgres',
  models: [User, AuditLog],
  pool: { max: 20, idle: 5_000 }, // tuned in 2023
} satisfies Options);
