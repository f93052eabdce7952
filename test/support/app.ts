import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import type { Database, DatabaseWaits } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from './database.js';

export interface TestApp {
  app: FastifyInstance;
  registry: Registry;
  database: Database;
  close(): Promise<void>;
}

/**
 * The application on a database of its own, registry loaded from `from` (or left unloaded).
 * `adminApiKey` is the operator key (ADMIN_API_KEY); without it no organisation can be created.
 */
export async function openTestApp(
  options: {
    syncFrom?: string;
    load?: boolean;
    adminApiKey?: string;
    protection?: AppOptions['protection'];
    databaseWaits?: DatabaseWaits;
    /** A database opened by the test; without it, a new test database of its own. */
    database?: Database;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await openTestDatabase(options.databaseWaits));
  const registry = new Registry(database.pool);
  if (options.syncFrom) await registry.sync({ from: options.syncFrom });
  if (options.load ?? true) await registry.reload();
  const app = await buildApp({
    registry,
    database,
    adminApiKey: options.adminApiKey,
    protection: options.protection,
  });
  await app.ready();
  return {
    app,
    registry,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
