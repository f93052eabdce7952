import os from 'node:os';
import { pinning } from './affinity.js';
import type { BenchSettings } from './context.js';
import type { BenchResult, ResultRow } from './types.js';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  postgres: string;
  /** Where the load comparisons ran (bench/affinity.ts). */
  pinning: string;
}

/** How one benchmark ended: its result, or the error that stopped it. */
export interface Outcome {
  name: string;
  title: string;
  seconds: number;
  result: BenchResult | null;
  error: string | null;
}

export interface Report {
  machine: Machine;
  date: Date;
  settings: BenchSettings;
  outcomes: Outcome[];
  totalSeconds: number;
  /** 1-minute load average at the start and at the end of the run. */
  loadAverage: [number, number];
}

export function describeMachine(postgres: string): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    pinning: pinning(),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    postgres: `PostgreSQL ${postgres} (embedded, fsync and synchronous_commit on)`,
  };
}

/** The table rows of every outcome; a failed benchmark gets one row saying so. */
export function tableRows(outcomes: readonly Outcome[]): ResultRow[] {
  return outcomes.flatMap((outcome) =>
    outcome.result
      ? outcome.result.rows
      : [
          {
            benchmark: outcome.title,
            figure: `failed: ${firstLine(outcome.error)}`,
            target: '',
            met: false,
          },
        ],
  );
}

export function renderTable(rows: readonly ResultRow[]): string {
  const lines = ['| benchmark | figure | target | met |', '|---|---|---|---|'];
  for (const row of rows) {
    const met = row.met === null ? '–' : row.met ? 'yes' : 'no';
    lines.push(`| ${cell(row.benchmark)} | ${cell(row.figure)} | ${cell(row.target)} | ${met} |`);
  }
  return lines.join('\n');
}

/** One section per benchmark: its detail lines, or its error. */
export function renderDetails(outcomes: readonly Outcome[]): string {
  const sections = outcomes.map((outcome) => {
    const body = outcome.result
      ? outcome.result.details.map((line) => `- ${line}`).join('\n')
      : `- failed: ${outcome.error ?? 'unknown error'}`;
    return `### ${outcome.title} (\`${outcome.name}\`, ${outcome.seconds.toFixed(1)} s)\n\n${body}`;
  });
  return sections.join('\n\n');
}

export function renderResults(report: Report): string {
  const { machine, settings } = report;
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts), which builds the service, runs every benchmark of
SPEC.md section 9 in one run on one machine and rewrites this file. \`npm run bench -- --only
startup\` runs a subset and prints it without touching this file.

## Summary

${renderTable(tableRows(report.outcomes))}

## Machine and settings

- Date: ${report.date.toISOString()}
- CPU: ${machine.cpu}, ${machine.cores} cores
- Memory: ${machine.memory}
- Node.js ${machine.node} on ${machine.os}
- Database: ${machine.postgres}, one server for the whole run, a fresh database per use
- Load generator: autocannon in the bench process, ${settings.connections} connections, pipelining ${settings.pipelining}; per target a ${settings.warmupSeconds} s warm-up, then ${settings.rounds} measured rounds of ${settings.durationSeconds} s, compared targets taking turns (in reverse order every other round); rates are medians over the rounds, and a ratio between two targets is the median of the per-round ratios. The server under load runs at LOG_LEVEL=${settings.serverLogLevel}. Comparisons: ${machine.pinning}.
- Load average (1 min) at the start and the end of the run: ${report.loadAverage.map((load) => load.toFixed(2)).join(' and ')} (other work on the machine shows up here, and in the figures)
- Timings repeated ${settings.repeats} times; the median is the figure
- Whole run: ${report.totalSeconds.toFixed(0)} s

## Details

${renderDetails(report.outcomes)}
`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function firstLine(text: string | null): string {
  return (text ?? 'unknown error').split('\n')[0] ?? '';
}
