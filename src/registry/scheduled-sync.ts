import type pg from 'pg';
import type { Registry } from './registry.js';

/** Held for the length of a scheduled run: one instance of many runs it. */
const SCHEDULE_LOCK = 72707371;

export interface ScheduleOptions {
  registry: Registry;
  pool: pg.Pool;
  from: string;
  intervalMs: number;
  timeoutMs: number;
  log: { info(object: object, message: string): void; warn(message: string): void };
}

export interface Schedule {
  stop(): void;
  /** One tick now (tests); resolves to whether this instance ran the sync. */
  tick(): Promise<boolean>;
}

/**
 * Re-syncs the registry every `intervalMs`. Every instance ticks, but only the one that takes the
 * advisory lock, and finds no successful run from the same source within the interval, syncs.
 */
export function scheduleRegistrySync(options: ScheduleOptions): Schedule {
  let running: Promise<boolean> | null = null;

  const tick = async (): Promise<boolean> => {
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [SCHEDULE_LOCK],
      );
      if (!rows[0]?.locked) return false;
      const last = await client.query<{ age_ms: number | null }>(
        `SELECT extract(epoch FROM now() - max(finished_at)) * 1000 AS age_ms
           FROM sync_runs WHERE source = $1 AND status = 'succeeded' AND NOT dry_run`,
        [options.from],
      );
      const age = last.rows[0]?.age_ms;
      if (age !== null && age !== undefined && age < options.intervalMs * 0.9) return false;
      const report = await options.registry.sync({
        from: options.from,
        timeoutMs: options.timeoutMs,
      });
      options.log.info(
        { added: report.added, changed: report.changed, removed: report.removed },
        'scheduled registry sync',
      );
      return true;
    } catch (error) {
      options.log.warn(
        `scheduled registry sync failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    } finally {
      await client.query('COMMIT').catch(() => undefined);
      client.release();
    }
  };

  const guardedTick = (): Promise<boolean> => {
    running ??= tick().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void guardedTick(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), tick: guardedTick };
}
