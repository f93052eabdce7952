import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from './database.js';

export interface TestApp {
  app: FastifyInstance;
  registry: Registry;
  database: Database;
  close(): Promise<void>;
}

/** The application on a database of its own, registry loaded from `from` (or left unloaded). */
export async function openTestApp(
  options: { syncFrom?: string; load?: boolean } = {},
): Promise<TestApp> {
  const database = await openTestDatabase();
  const registry = new Registry(database.pool);
  if (options.syncFrom) await registry.sync({ from: options.syncFrom });
  if (options.load ?? true) await registry.reload();
  const app = await buildApp({ registry, database });
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
