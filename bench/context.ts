import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { Registry } from '../src/registry/registry.js';
import type { LoadSettings } from './load.js';
import { freePort, residentBytes } from './children.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { withTimeout } from './stats.js';

/** Load-generator settings, identical for every HTTP benchmark of one run. */
export interface BenchSettings extends LoadSettings {
  /** How many times each timing is repeated (the median is reported). */
  repeats: number;
  /** LOG_LEVEL of the server under load (per-request logs at `info` compete for the CPU). */
  serverLogLevel: string;
}

/** The operator key (ADMIN_API_KEY) of the shared API server: it creates the bench's orgs. */
export const OPERATOR_KEY = 'bench-operator-key-0123456789';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SYNC_TIMEOUT_MS = 60_000;

/**
 * What every benchmark shares: one embedded PostgreSQL with real durability settings (fsync and
 * synchronous commit on) in a temporary directory, a fresh database per use, the IANA snapshot.
 */
export class BenchContext {
  readonly root = ROOT;
  readonly snapshot = path.resolve(ROOT, '../shared/data/service-names-port-numbers.csv');
  private databases = 0;
  private synced: string | null = null;
  private api: Promise<ServerProcess> | null = null;
  /** Resident memory of the API server right after it became ready (null before it started). */
  apiStartBytes: number | null = null;

  private constructor(
    readonly settings: BenchSettings,
    readonly tmpDir: string,
    readonly adminUrl: string,
    private readonly embedded: EmbeddedDatabase,
  ) {}

  static async start(settings: BenchSettings): Promise<BenchContext> {
    const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'port-registry-bench-'));
    // PostgreSQL runs as the unprivileged `postgres` user when the bench runs as root.
    await chmod(tmpDir, 0o755);
    try {
      const embedded = await startEmbeddedPostgres({
        dataDir: path.join(tmpDir, 'postgres'),
        mode: 'own',
      });
      return new BenchContext(settings, tmpDir, embedded.url, embedded);
    } catch (error) {
      await rm(tmpDir, { recursive: true, force: true });
      throw error;
    }
  }

  log(message: string): void {
    console.log(`[bench] ${message}`);
  }

  /** A new, migrated, empty database on the shared server; returns its URL. */
  async freshDatabase(label: string): Promise<string> {
    this.databases += 1;
    const name = `bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${this.databases}`;
    await this.adminQuery(`CREATE DATABASE ${name}`);
    const url = withDatabase(this.adminUrl, name);
    await withTimeout(migrateDatabase(url), 30_000, `migrating ${name}`);
    return url;
  }

  /** A database holding the synced snapshot: the one a sync benchmark left, else a new one. */
  async syncedDatabase(): Promise<string> {
    if (this.synced) return this.synced;
    const url = await this.freshDatabase('synced');
    await this.syncSnapshot(url);
    this.synced = url;
    return url;
  }

  /** Records that `url` holds the synced snapshot, so later benchmarks reuse it. */
  markSynced(url: string): void {
    this.synced = url;
  }

  /** Syncs the snapshot into the database at `url` through the service layer. */
  async syncSnapshot(url: string): Promise<void> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    try {
      await withTimeout(
        new Registry(pool).sync({ from: this.snapshot }),
        SYNC_TIMEOUT_MS,
        'syncing the snapshot',
      );
    } finally {
      await pool.end();
    }
  }

  /**
   * The real server (`node dist/src/server.js`) on the synced database, started on first use and
   * shared by the HTTP benchmarks (so the RSS figure sees every load run); stopped by `close`.
   */
  apiServer(): Promise<ServerProcess> {
    this.api ??= (async () => {
      const server = await this.startApiServer();
      this.apiStartBytes = await residentBytes(server.pid);
      return server;
    })();
    return this.api;
  }

  /** Another process of the same server on the same database; the caller stops it. */
  async startApiServer(): Promise<ServerProcess> {
    const url = await this.syncedDatabase();
    return startServerProcess({
      root: this.root,
      port: await freePort(),
      env: {
        DATABASE_URL: url,
        DATA_DIR: path.join(this.tmpDir, 'unused'),
        LOG_LEVEL: this.settings.serverLogLevel,
        // One client on one address would hit the per-address limit at once; a limit this
        // high keeps the rate-limit plugin in the measured path without ever answering 429.
        // (10,000,000 per minute is the most the configuration accepts.)
        RATE_LIMIT_MAX: '10000000',
        ADMIN_API_KEY: OPERATOR_KEY,
      },
    });
  }

  async serverVersion(): Promise<string> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      return rows[0]?.server_version ?? 'unknown';
    } finally {
      await client.end();
    }
  }

  /** Stops PostgreSQL and removes the temporary directory; safe to call twice. */
  async close(): Promise<void> {
    const api = await this.api?.catch(() => null);
    await api?.stop();
    await this.embedded.stop().catch((error: unknown) => this.log(`stopping PostgreSQL: ${error}`));
    await rm(this.tmpDir, { recursive: true, force: true });
  }

  private async adminQuery(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
