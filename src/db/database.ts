import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { startEmbeddedPostgres, type EmbeddedOptions } from './embedded.js';
import { migrateDatabase } from './migrate.js';

/** One PostgreSQL, reached through a pg pool (bulk and hot paths) and Prisma (the model). */
export interface Database {
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  /** True when the server answers a trivial query within a second. */
  isReachable(): Promise<boolean>;
  /** Closes the pool and, when this process started it, stops the embedded server. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A server to use; without it, the embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  embeddedMode?: EmbeddedOptions['mode'];
  poolSize?: number;
  log?: (message: string) => void;
}

/** Opens (and migrates) the database the configuration names. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let url = options.databaseUrl;
  let stopEmbedded = async (): Promise<void> => undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres({
      dataDir: options.dataDir,
      mode: options.embeddedMode ?? 'own',
      log: options.log,
    });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  try {
    await migrateDatabase(url);
    return connectDatabase(url, { poolSize: options.poolSize, onClose: stopEmbedded });
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
}

/**
 * How long a request waits for the database. `maxWait`: for a pooled connection, a query's or a
 * transaction's (it also bounds opening a new one). `timeout`: for a write transaction to finish,
 * waits on other writers' locks included. One that runs out answers 503 with Retry-After
 * (db/errors.ts), and a transaction is rolled back whole.
 */
export interface DatabaseWaits {
  maxWait: number;
  timeout: number;
}

export const DATABASE_WAITS: DatabaseWaits = { maxWait: 15_000, timeout: 60_000 };

export function connectDatabase(
  url: string,
  options: {
    poolSize?: number | undefined;
    databaseWaits?: DatabaseWaits | undefined;
    onClose?: () => Promise<void>;
  } = {},
): Database {
  const waits = options.databaseWaits ?? DATABASE_WAITS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: waits.maxWait,
  });
  // An idle client that loses its server emits here; the pool replaces it on next use.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    transactionOptions: waits,
  });
  let closed = false;
  return {
    url,
    pool,
    prisma,
    isReachable: () => answersWithin(pool, 1_000),
    close: async () => {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await options.onClose?.();
    },
  };
}

async function answersWithin(pool: pg.Pool, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const query = pool.query('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
