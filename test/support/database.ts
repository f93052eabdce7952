import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectDatabase, type Database, type DatabaseWaits } from '../../src/db/database.js';
import { adminQuery, withDatabase } from './global-setup.js';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated, empty database of its own, copied from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `pr_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A test database with a pool and Prisma on it; `close` drops it. */
export async function openTestDatabase(
  databaseWaits?: DatabaseWaits,
): Promise<Database & { testDb: TestDatabase }> {
  const testDb = await createTestDatabase();
  const database = connectDatabase(testDb.url, {
    poolSize: 5,
    databaseWaits,
    onClose: () => testDb.drop(),
  });
  return { ...database, testDb };
}
