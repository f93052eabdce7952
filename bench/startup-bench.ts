import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runningEmbeddedUrl } from '../src/db/embedded.js';
import type { BenchContext } from './context.js';
import { stopLeftoverPostgres } from './children.js';
import { startServerProcess, type ServerOptions } from './server-process.js';
import { median, min, seconds, withTimeout } from './stats.js';
import type { Benchmark, BenchResult, ResultRow } from './types.js';

const READY_TARGET_MS = 2_000;

interface StartupFigures {
  times: number[];
  listening: number[];
  loaded: number[];
  entries: number | null;
}

/** Starts the server `repeats` times with the same settings; each start is stopped by SIGTERM. */
async function timeStarts(context: BenchContext, options: ServerOptions): Promise<StartupFigures> {
  const figures: StartupFigures = { times: [], listening: [], loaded: [], entries: null };
  for (let run = 0; run < context.settings.repeats; run += 1) {
    const server = await startServerProcess(options);
    figures.times.push(server.readyMs);
    if (server.listeningMs !== null) figures.listening.push(server.listeningMs);
    if (server.loadedMs !== null) figures.loaded.push(server.loadedMs);
    figures.entries = server.entries;
    const code = await server.stop();
    if (code !== 0) throw new Error(`the server exited with code ${code} on SIGTERM`);
  }
  return figures;
}

/**
 * A DATA_DIR whose embedded store holds the snapshot: a first start seeds it from the bundle,
 * the snapshot is synced into it while that server runs, then the server is stopped.
 */
async function seededDataDir(context: BenchContext): Promise<string> {
  const dataDir = path.join(context.tmpDir, 'server-data');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const first = await startServerProcess({
    root: context.root,
    env: { DATA_DIR: dataDir },
    timeoutMs: 60_000,
  });
  try {
    const url = await runningEmbeddedUrl(dataDir);
    if (!url) throw new Error(`no running embedded PostgreSQL in ${dataDir}`);
    await context.syncSnapshot(url);
  } finally {
    const code = await first.stop();
    if (code !== 0) await stopLeftoverPostgres(dataDir);
  }
  return dataDir;
}

function row(label: string, figures: StartupFigures): ResultRow {
  const middle = median(figures.times);
  return {
    benchmark: `Start to ready, seeded store (${label})`,
    figure: `median ${seconds(middle)}, min ${seconds(min(figures.times))}`,
    target: `< ${seconds(READY_TARGET_MS)}`,
    met: middle < READY_TARGET_MS,
  };
}

function runs(label: string, figures: StartupFigures): string {
  const list = figures.times.map((ms) => seconds(ms)).join(', ');
  const phases =
    figures.listening.length > 0 && figures.loaded.length > 0
      ? `; medians: listening after ${seconds(median(figures.listening))}, registry loaded ` +
        `after ${seconds(median(figures.loaded))}`
      : '';
  return `${label}: ${list} (${figures.entries ?? '?'} registry entries${phases})`;
}

/** SPEC.md section 9: start to ready with the registry already seeded, for both kinds of store. */
export const startup: Benchmark = {
  name: 'startup',
  title: 'Start to ready with a seeded store',
  async run(context): Promise<BenchResult> {
    const databaseUrl = await context.syncedDatabase();
    const external = await timeStarts(context, {
      root: context.root,
      env: { DATABASE_URL: databaseUrl, DATA_DIR: path.join(context.tmpDir, 'unused') },
    });

    const dataDir = await withTimeout(seededDataDir(context), 120_000, 'seeding an embedded store');
    let embedded: StartupFigures;
    try {
      embedded = await timeStarts(context, {
        root: context.root,
        env: { DATA_DIR: dataDir },
        timeoutMs: 60_000,
      });
    } finally {
      await stopLeftoverPostgres(dataDir);
    }

    return {
      rows: [row('DATABASE_URL', external), row('embedded PostgreSQL', embedded)],
      details: [
        'From `spawn(node dist/src/server.js)` to the first 200 of `GET /health/ready` (polled ' +
          'every 10 ms once the "Server listening" log line gives the URL), with PORT=0, ' +
          'REGISTRY_SYNC_URL=off, LOG_LEVEL=info; each start is stopped with SIGTERM.',
        runs('DATABASE_URL (a synced database on the bench PostgreSQL)', external),
        runs(
          'embedded store (DATA_DIR seeded by an earlier start, then synced; includes starting ' +
            'PostgreSQL)',
          embedded,
        ),
      ],
    };
  },
};
