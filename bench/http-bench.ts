import os from 'node:os';
import type { BenchContext } from './context.js';
import {
  compareWithBare,
  describeLoad,
  fetchText,
  loadProblem,
  pairing,
  runLoad,
  type LoadFigures,
  type ProcessGroup,
} from './load.js';
import type { ServerProcess } from './server-process.js';
import { integer, millis, ratio } from './stats.js';
import type { Benchmark, BenchResult } from './types.js';

/**
 * The HTTP benchmarks of SPEC.md section 9, against the shared server of `context.apiServer()`:
 * here the REST lookup against a bare route, and its tail latency under 50 connections (the same
 * server). The others: bench/graphql-bench.ts (`graphql-vs-rest`), bench/lookup-bench.ts
 * (`bulk-lookup`), bench/allocation-bench.ts (`allocations-200`) and, after every load run,
 * bench/memory-bench.ts (`rss-after-load`).
 */

const PORT = 443;

/** Processes per side of the REST-against-bare comparison (see `averagedPerRound`). */
const PROCESSES = 4;

/** SPEC.md section 9: REST lookup requests per second against a bare Fastify route. */
export const restVsBare: Benchmark = {
  name: 'rest-vs-bare',
  title: 'REST GET /v1/ports/443 against a bare Fastify route',
  async run(context): Promise<BenchResult> {
    const shared = await context.apiServer();
    const extra = [];
    try {
      for (let index = 1; index < PROCESSES; index += 1) {
        extra.push(await context.startApiServer());
      }
      return await compareRestWithBare(context, [shared, ...extra]);
    } finally {
      await Promise.all(extra.map((server) => server.stop()));
    }
  },
};

async function compareRestWithBare(
  context: BenchContext,
  servers: ServerProcess[],
): Promise<BenchResult> {
  const urls = servers.map((server) => `${server.url}/v1/ports/${PORT}`);
  const probe = await fetchText(urls[0] ?? '');
  if (probe.status !== 200) {
    throw new Error(`GET /v1/ports/${PORT} answered ${probe.status}: ${probe.body.slice(0, 200)}`);
  }
  const { bare, target } = await compareWithBare({
    root: context.root,
    workDir: context.tmpDir,
    port: PORT,
    answer: JSON.parse(probe.body) as unknown,
    targets: servers.map((server, index) => ({ url: urls[index] ?? '', pid: server.pid })),
    settings: context.settings,
  });
  const { connections, rounds, durationSeconds } = context.settings;
  const problem =
    [...target.processes, ...bare.processes].map(loadProblem).find((found) => found !== null) ??
    pacedByTheLoad(bare.averaged);
  const restBare = pairing(target.averaged, bare.averaged);
  const rows: BenchResult['rows'] = [
    {
      benchmark: `REST GET /v1/ports/${PORT} vs bare Fastify (req/s)`,
      figure: problem ? `not valid: ${problem}` : restBare.figure,
      // SPEC.md section 9 and issue 3: at least 85% of the bare route.
      target: '≥ 0.85×; all 2xx',
      met: problem ? false : restBare.ratio >= 0.85,
    },
  ];
  if (restBare.capacity !== null) {
    rows.push({
      benchmark: `REST GET /v1/ports/${PORT} vs bare Fastify (server CPU time per answer)`,
      figure:
        `${restBare.capacity.toFixed(2)}× (${target.averaged.serverCpuMicros?.toFixed(1)} µs ` +
        `against ${bare.averaged.serverCpuMicros?.toFixed(1)} µs per answer)`,
      target: 'reported (the req/s each could serve with a core to itself)',
      met: null,
    });
  }
  const details = [
    `Both answer the same ${Buffer.byteLength(probe.body)}-byte JSON body; the bare route ` +
      `serves it from a prebuilt Map. Each side runs in ${PROCESSES} processes (identical ` +
      `processes differ by up to a quarter in speed for their whole life), every process takes ` +
      `its turn each round, and a side's figure for a round is the average of its processes. ` +
      `Same autocannon settings (${connections} connections, ${rounds} alternating ` +
      `${durationSeconds} s rounds).`,
    ...describeGroup('REST (the service)', target),
    ...describeGroup('bare Fastify route (Map lookup)', bare),
    `REST/bare ${restBare.detail}`,
    `p99 ratio REST/bare: ${ratio(target.averaged.p99Ms, bare.averaged.p99Ms)}`,
  ];
  return { rows, details };
}

/**
 * Below this share of a core, the bare servers were waiting for requests: the load generator, not
 * the server, set their rate, and a req/s ratio against them would flatter the service.
 */
const MIN_BASELINE_BUSY = 0.85;

function pacedByTheLoad(bare: LoadFigures): string | null {
  if (bare.serverBusy === undefined || bare.serverBusy >= MIN_BASELINE_BUSY) return null;
  return (
    `the load generator set the pace: the bare servers were only ` +
    `${Math.round(bare.serverBusy * 100)}% busy (at least ` +
    `${Math.round(MIN_BASELINE_BUSY * 100)}% needed); see the CPU-time row`
  );
}

/** A side of the comparison: its processes averaged, then each process. */
function describeGroup(label: string, group: ProcessGroup): string[] {
  return [
    describeLoad(`${label}, ${group.processes.length} processes averaged`, group.averaged),
    ...group.processes.map((figures, index) => describeLoad(`process ${index + 1}`, figures)),
  ];
}

/** Tail latency of the REST lookup at 50 connections: p99 below 10 ms. */
const P99_CONNECTIONS = 50;
const P99_SECONDS = 10;
const P99_TARGET_MS = 10;

export const p99At50: Benchmark = {
  name: 'p99-50',
  title: `REST GET /v1/ports/${PORT} at ${P99_CONNECTIONS} connections: p99 latency`,
  async run(context): Promise<BenchResult> {
    const server = await context.apiServer();
    const url = `${server.url}/v1/ports/${PORT}`;
    const probe = await fetchText(url);
    if (probe.status !== 200) {
      throw new Error(
        `GET /v1/ports/${PORT} answered ${probe.status}: ${probe.body.slice(0, 200)}`,
      );
    }
    const settings = {
      ...context.settings,
      connections: P99_CONNECTIONS,
      durationSeconds: P99_SECONDS,
      rounds: 1,
    };
    const figures = await runLoad({ url }, settings);
    const problem = loadProblem(figures);
    return {
      rows: [
        {
          benchmark: `REST GET /v1/ports/${PORT}, ${P99_CONNECTIONS} connections: p99 latency`,
          figure: problem
            ? `not valid: ${problem}`
            : `p99 ${millis(figures.p99Ms)} at ${integer(figures.requestsPerSecond)} req/s`,
          target: `p99 < ${P99_TARGET_MS} ms; all 2xx`,
          met: problem === null && figures.p99Ms < P99_TARGET_MS,
        },
      ],
      details: [
        `The same server as \`rest-vs-bare\`; autocannon with ${P99_CONNECTIONS} connections, ` +
          `pipelining ${settings.pipelining}, a ${settings.warmupSeconds} s warm-up, then one ` +
          `${P99_SECONDS} s run. autocannon counts whole milliseconds and runs in the bench ` +
          `process, on the same ${os.cpus().length} cores as the server.`,
        describeLoad('REST (the service)', figures),
        `latency: median ${millis(figures.p50Ms)}, average ${millis(figures.averageMs)}, ` +
          `p99 ${millis(figures.p99Ms)}, max ${millis(figures.maxMs)}`,
      ],
    };
  },
};
