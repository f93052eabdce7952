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
 * How long a write transaction may wait for a connection (`maxWait`) and run (`timeout`). Writes
 * queue for the pool and for each other's locks; under load the line is long, never endless, and
 * one that runs out answers 503 with Retry-After (db/errors.ts), with nothing written.
 */
export interface TransactionLimits {
  maxWait: number;
  timeout: number;
}

export const TRANSACTION_LIMITS: TransactionLimits = { maxWait: 60_000, timeout: 60_000 };

export function connectDatabase(
  url: string,
  options: {
    poolSize?: number | undefined;
    transactionLimits?: TransactionLimits | undefined;
    onClose?: () => Promise<void>;
  } = {},
): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client that loses its server emits here; the pool replaces it on next use.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    transactionOptions: options.transactionLimits ?? TRANSACTION_LIMITS,
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
