import pg from 'pg';
import { Registry } from '../src/registry/registry.js';
import type { SyncReport } from '../src/registry/sync.js';
import type { BenchContext } from './context.js';
import { median, min, seconds, timed, withTimeout } from './stats.js';
import type { Benchmark, BenchResult } from './types.js';

const FULL_SYNC_TARGET_MS = 3_000;
const NOOP_SYNC_TARGET_MS = 1_500;
const SYNC_TIMEOUT_MS = 60_000;

/** Times `Registry.sync` of the snapshot into the database at `url`, as `npm run sync` runs it. */
async function timedSync(
  context: BenchContext,
  url: string,
): Promise<{ ms: number; value: SyncReport }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    const registry = new Registry(pool);
    return await withTimeout(
      timed(() => registry.sync({ from: context.snapshot })),
      SYNC_TIMEOUT_MS,
      'a sync of the snapshot',
    );
  } finally {
    await pool.end();
  }
}

function counts(report: SyncReport): string {
  const { added, changed, removed, unchanged } = report;
  return `added ${added}, changed ${changed}, removed ${removed}, unchanged ${unchanged}`;
}

/** SPEC.md section 9: full sync of the IANA snapshot into an empty (migrated) database. */
export const fullSync: Benchmark = {
  name: 'full-sync',
  title: 'Full sync of the IANA snapshot into an empty database',
  async run(context): Promise<BenchResult> {
    const times: number[] = [];
    const details: string[] = [];
    for (let run = 1; run <= context.settings.repeats; run += 1) {
      const url = await context.freshDatabase('full_sync');
      const { ms, value } = await timedSync(context, url);
      times.push(ms);
      details.push(`run ${run}: ${seconds(ms)} (${counts(value)})`);
      context.markSynced(url);
    }
    const middle = median(times);
    return {
      rows: [
        {
          benchmark: 'Full sync of the snapshot, empty database',
          figure: `median ${seconds(middle)}, min ${seconds(min(times))}`,
          target: `< ${seconds(FULL_SYNC_TARGET_MS)}`,
          met: middle < FULL_SYNC_TARGET_MS,
        },
      ],
      details: [
        `\`new Registry(pool).sync({ from: snapshot })\` on a freshly created and migrated ` +
          `database each run: parse, diff, one transaction, reload of the in-memory index. ` +
          `Migration time is not counted.`,
        ...details,
      ],
    };
  },
};

/** SPEC.md section 9: re-applying the same file to the synced database changes nothing. */
export const noopSync: Benchmark = {
  name: 'noop-sync',
  title: 'No-op re-sync of the same snapshot',
  async run(context): Promise<BenchResult> {
    const url = await context.syncedDatabase();
    const times: number[] = [];
    const details: string[] = [];
    let changes = 0;
    for (let run = 1; run <= context.settings.repeats; run += 1) {
      const { ms, value } = await timedSync(context, url);
      times.push(ms);
      changes += value.added + value.changed + value.removed;
      details.push(`run ${run}: ${seconds(ms)} (${counts(value)})`);
    }
    const middle = median(times);
    return {
      rows: [
        {
          benchmark: 'No-op re-sync of the same snapshot',
          figure: `median ${seconds(middle)}, min ${seconds(min(times))}`,
          target: `< ${seconds(NOOP_SYNC_TARGET_MS)}, no changes`,
          met: middle < NOOP_SYNC_TARGET_MS && changes === 0,
        },
      ],
      details: [
        `The same file synced again into the database the full sync left${
          changes === 0 ? '; every run changed nothing' : `; **the runs changed ${changes} rows**`
        }.`,
        ...details,
      ],
    };
  },
};
