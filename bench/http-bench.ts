import { compareWithBare, fetchText, loadProblem, type LoadFigures } from './load.js';
import { integer, millis, ratio } from './stats.js';
import type { Benchmark, BenchResult } from './types.js';

/**
 * The HTTP benchmarks of SPEC.md section 9, against the shared server of `context.apiServer()`.
 *
 * Still to come, each as one more `Benchmark` here (registered in bench/run.ts):
 * - `graphql-vs-rest`: POST /graphql `{ port(number: 443) { ... } }` with `runLoad` against the
 *   REST figure of `rest-vs-bare` (same settings), as a ratio.
 * - `bulk-lookup`: POST /v1/lookup with 1000 ports, time per request (`runLoad` with a body).
 * - `allocations`: 200 concurrent allocations, time and count of duplicate ports (must be 0).
 * - `p99-50`: p99 latency of GET /v1/ports/443 at 50 connections (`runLoad` with other settings).
 * - `rss`: resident memory of the server after the load runs (`residentBytes(server.pid)`, in
 *   bench/children.ts).
 */

const PORT = 443;

/** Stands in for the REST answer as the bare route's body while /v1/ports/443 does not exist. */
const STAND_IN_ANSWER = {
  port: PORT,
  classification: { range: 'system', ephemeral: [] },
  entries: [
    {
      name: 'https',
      protocol: 'tcp',
      status: 'assigned',
      description: 'http protocol over TLS/SSL',
    },
    {
      name: 'https',
      protocol: 'udp',
      status: 'assigned',
      description: 'http protocol over TLS/SSL',
    },
  ],
};

function describe(label: string, figures: LoadFigures): string {
  const rounds = figures.rounds.map((run) => integer(run.requestsPerSecond)).join(', ');
  return (
    `${label}: median ${integer(figures.requestsPerSecond)} req/s (rounds: ${rounds}), ` +
    `p99 ${millis(figures.p99Ms)}, ${integer(figures.requests)} requests; ` +
    (loadProblem(figures) ?? 'all 2xx, no errors')
  );
}

/** SPEC.md section 9: REST lookup requests per second against a bare Fastify route. */
export const restVsBare: Benchmark = {
  name: 'rest-vs-bare',
  title: 'REST GET /v1/ports/443 against a bare Fastify route',
  async run(context): Promise<BenchResult> {
    const server = await context.apiServer();
    const restUrl = `${server.url}/v1/ports/${PORT}`;
    const probe = await fetchText(restUrl);
    if (probe.status !== 200 && probe.status !== 404) {
      throw new Error(
        `GET /v1/ports/${PORT} answered ${probe.status}: ${probe.body.slice(0, 200)}`,
      );
    }
    const restExists = probe.status === 200;
    const { bare, target } = await compareWithBare({
      root: context.root,
      workDir: context.tmpDir,
      port: PORT,
      answer: restExists ? (JSON.parse(probe.body) as unknown) : STAND_IN_ANSWER,
      target: restExists ? { url: restUrl } : null,
      settings: context.settings,
    });
    const { connections, rounds, durationSeconds } = context.settings;
    const settings = `${connections} connections, ${rounds} alternating ${durationSeconds} s rounds`;
    if (!target) {
      return {
        rows: [
          {
            benchmark: `REST GET /v1/ports/${PORT} vs bare Fastify (req/s)`,
            figure:
              'skipped: the route answers 404 (read API not written yet); ' +
              `bare ${integer(bare.requestsPerSecond)} req/s`,
            target: 'ratio, reported',
            met: null,
          },
        ],
        details: [
          `\`GET /v1/ports/${PORT}\` on the real server answered 404, so only the bare route ` +
            `was measured (${settings}), with a stand-in body of ` +
            `${JSON.stringify(STAND_IN_ANSWER).length} bytes.`,
          describe('bare Fastify route (Map lookup)', bare),
        ],
      };
    }
    const problem = loadProblem(target) ?? loadProblem(bare);
    return {
      rows: [
        {
          benchmark: `REST GET /v1/ports/${PORT} vs bare Fastify (req/s)`,
          figure: problem
            ? `not valid: ${problem}`
            : `${ratio(target.requestsPerSecond, bare.requestsPerSecond)} ` +
              `(${integer(target.requestsPerSecond)} vs ${integer(bare.requestsPerSecond)} req/s)`,
          target: 'ratio, reported; all 2xx',
          met: problem ? false : null,
        },
      ],
      details: [
        `Both answer the same ${Buffer.byteLength(probe.body)}-byte JSON body; the bare route ` +
          `serves it from a prebuilt Map in its own process. Same autocannon settings ` +
          `(${settings}).`,
        describe('REST (the service)', target),
        describe('bare Fastify route (Map lookup)', bare),
        `p99 ratio REST/bare: ${ratio(target.p99Ms, bare.p99Ms)}`,
      ],
    };
  },
};
