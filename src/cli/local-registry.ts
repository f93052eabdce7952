import { ConfigError, loadConfig } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { NotFoundError } from '../registry/errors.js';
import { Registry } from '../registry/registry.js';
import { RegistryReads } from '../registry/registry-reads.js';
import { CliError, describeError } from './errors.js';
import type { RegistryLookup } from './registry-lookup.js';

/**
 * The registry of the local database: DATABASE_URL, or the embedded store under DATA_DIR,
 * attached to while a server holds it (else started for the duration of the command).
 */
export async function openLocalRegistry(env: NodeJS.ProcessEnv): Promise<RegistryLookup> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw CliError.failed(error.message);
    throw error;
  }
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      embeddedMode: 'attach-or-own',
      poolSize: 2,
    });
  } catch (error) {
    const where = config.DATABASE_URL ? 'DATABASE_URL' : `the embedded store in ${config.DATA_DIR}`;
    throw CliError.failed(`cannot open ${where}: ${describeError(error)}`);
  }
  try {
    const registry = new Registry(database.pool);
    await registry.reload();
    if (registry.current.size === 0) {
      throw CliError.failed('the registry is empty: load it with `npm run seed`');
    }
    return localLookup(new RegistryReads(registry), database);
  } catch (error) {
    await database.close();
    if (error instanceof CliError) throw error;
    throw CliError.failed(`cannot read the registry: ${describeError(error)}`);
  }
}

function localLookup(reads: RegistryReads, database: Database): RegistryLookup {
  return {
    port: async (port, protocol) => reads.port(port, protocol),
    service: async (name, protocol) => {
      try {
        return reads.service(name, protocol);
      } catch (error) {
        if (error instanceof NotFoundError) throw CliError.notFound(error.message);
        throw error;
      }
    },
    resolve: async (name, protocol) => {
      try {
        return reads.resolve(name, protocol);
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
    close: () => database.close(),
  };
}
