import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { Registry } from '../registry/registry.js';

/**
 * Runs one registry operation against the configured store: DATABASE_URL, or the embedded store
 * under DATA_DIR (a running server's, when one holds it, so that the server sees the change).
 * Errors end the process with one line on stderr and exit code 1.
 */
export async function runRegistryCommand(
  name: string,
  operation: (registry: Registry) => Promise<string>,
): Promise<void> {
  let database;
  try {
    const config = loadConfig();
    database = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      embeddedMode: 'attach-or-own',
      poolSize: 2,
    });
    process.stdout.write(`${await operation(new Registry(database.pool))}\n`);
    await database.close();
  } catch (error) {
    await database?.close();
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
