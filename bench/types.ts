import type { BenchContext } from './context.js';

/** One line of the results table. `met` is null when there is no target (or it was skipped). */
export interface ResultRow {
  benchmark: string;
  figure: string;
  target: string;
  met: boolean | null;
}

/** What a benchmark hands back: its table rows, and detail lines for the section below. */
export interface BenchResult {
  rows: ResultRow[];
  details: string[];
}

/** A named benchmark; `bench/run.ts` runs the list in order, or the ones `--only` names. */
export interface Benchmark {
  name: string;
  title: string;
  run(context: BenchContext): Promise<BenchResult>;
}
