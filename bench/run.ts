import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchContext, type BenchSettings } from './context.js';
import { allocations200 } from './allocation-bench.js';
import { graphqlVsRest } from './graphql-bench.js';
import { p99At50, restVsBare } from './http-bench.js';
import { bulkLookup } from './lookup-bench.js';
import { rssAfterLoad } from './memory-bench.js';
import {
  describeMachine,
  renderDetails,
  renderResults,
  renderTable,
  tableRows,
  type Outcome,
} from './results.js';
import { stopAllChildren } from './children.js';
import { startup } from './startup-bench.js';
import { fullSync, noopSync } from './sync-bench.js';
import type { Benchmark } from './types.js';

/**
 * `npm run bench`: builds the service (package.json does), runs the benchmarks of SPEC.md
 * section 9 and rewrites bench/RESULTS.md. `--only a,b` runs a subset and only prints it.
 *
 * A new benchmark is one more entry here: a `Benchmark` whose `run(context)` returns table rows
 * and detail lines. The HTTP ones share `context.apiServer()`; they run after the timings so the
 * load does not disturb those, and the memory figure comes last, after every load run.
 */
const BENCHMARKS: Benchmark[] = [
  fullSync,
  noopSync,
  startup,
  restVsBare,
  p99At50,
  graphqlVsRest,
  bulkLookup,
  allocations200,
  rssAfterLoad,
];

/** Everything, cleanup included, ends within this bound. */
const WATCHDOG_MS = 6 * 60_000;

function parseSettings(): { settings: BenchSettings; only: string[] | null } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '8' },
      pipelining: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '2' },
      repeats: { type: 'string', default: '3' },
      'log-level': { type: 'string', default: 'warn' },
    },
  });
  const positive = (name: string, text: string, minimum = 1): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < minimum) {
      throw new Error(`--${name} must be an integer of at least ${minimum}, not ${text}`);
    }
    return value;
  };
  const only = values.only?.flatMap((list) => list.split(',')).filter(Boolean) ?? null;
  const unknown = only?.filter((name) => !BENCHMARKS.some((bench) => bench.name === name)) ?? [];
  if (unknown.length > 0) {
    const names = BENCHMARKS.map((bench) => bench.name).join(', ');
    throw new Error(`unknown benchmark ${unknown.join(', ')}; there are: ${names}`);
  }
  return {
    only,
    settings: {
      connections: positive('connections', values.connections),
      durationSeconds: positive('duration', values.duration),
      rounds: positive('rounds', values.rounds),
      pipelining: positive('pipelining', values.pipelining),
      warmupSeconds: positive('warmup', values.warmup, 0),
      repeats: positive('repeats', values.repeats),
      serverLogLevel: values['log-level'],
    },
  };
}

async function main(): Promise<number> {
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const { settings, only } = parseSettings();
  const selected = only ? BENCHMARKS.filter((bench) => only.includes(bench.name)) : BENCHMARKS;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  if (!existsSync(path.join(root, 'dist/src/server.js'))) {
    throw new Error('dist/src/server.js is missing: run `npm run bench` (it builds first)');
  }

  const context = await BenchContext.start(settings);
  let closing: Promise<void> | null = null;
  const cleanup = (): Promise<void> => {
    closing ??= (async () => {
      await stopAllChildren();
      await context.close();
    })();
    return closing;
  };
  let aborted = false;
  const abort = (reason: string): void => {
    if (aborted) return;
    aborted = true;
    console.error(`[bench] ${reason}; cleaning up`);
    void cleanup().finally(() => process.exit(1));
  };
  const watchdog = setTimeout(
    () => abort(`still running after ${WATCHDOG_MS / 1000} s`),
    WATCHDOG_MS,
  );
  process.on('SIGINT', () => abort('interrupted'));
  process.on('SIGTERM', () => abort('terminated'));
  // A dropped database connection emits on a pg client; the cleanup must still run (and while
  // it runs, such errors are its own doing).
  const unexpected = (error: unknown): void => {
    if (aborted) return;
    abort(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  };
  process.on('uncaughtException', unexpected);
  process.on('unhandledRejection', unexpected);

  const outcomes: Outcome[] = [];
  try {
    const postgres = await context.serverVersion();
    for (const bench of selected) {
      context.log(`${bench.name}: ${bench.title}`);
      const benchStart = performance.now();
      const outcome: Outcome = {
        name: bench.name,
        title: bench.title,
        seconds: 0,
        result: null,
        error: null,
      };
      try {
        outcome.result = await bench.run(context);
      } catch (error) {
        outcome.error = error instanceof Error ? error.message : String(error);
        context.log(`${bench.name} failed: ${outcome.error}`);
      }
      outcome.seconds = (performance.now() - benchStart) / 1000;
      outcomes.push(outcome);
    }
    console.log(`\n${renderTable(tableRows(outcomes))}\n`);
    if (only) console.log(`${renderDetails(outcomes)}\n`);
    if (!only && !aborted) {
      const markdown = renderResults({
        machine: describeMachine(postgres),
        date: new Date(),
        settings,
        outcomes,
        totalSeconds: (performance.now() - started) / 1000,
        loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
      });
      await writeFile(path.join(root, 'bench/RESULTS.md'), markdown);
      context.log('wrote bench/RESULTS.md');
    }
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
  context.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return outcomes.some((outcome) => outcome.error !== null) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
