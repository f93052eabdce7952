import { residentBytes } from './children.js';
import { fetchText, steadyLoad } from './load.js';
import { integer, MB, megabytes, millis } from './stats.js';
import type { Benchmark, BenchResult } from './types.js';

/**
 * Resident memory of the shared server after every load run: a steady 2000 req/s for 30 s over
 * a mix of lookups (random ports, so the report caches fill as real traffic would fill them),
 * sampling the server's RSS every second. Registered last, so the figure sees all the load.
 */

const RATE = 2000;
const SECONDS = 30;
const CONNECTIONS = 20;
const TARGET_BYTES = 250 * MB;
const SAMPLE_MS = 1000;

const MIX = ['/v1/ports/{random}', '/v1/services/http', '/v1/resolve/postgresql'];

/** The server's own view of its memory (prom-client's default metrics at GET /metrics). */
interface HeapFigures {
  heapUsed: number | null;
  heapTotal: number | null;
  external: number | null;
}

async function heapFigures(base: string): Promise<HeapFigures> {
  const { status, body } = await fetchText(`${base}/metrics`).catch(() => ({
    status: 0,
    body: '',
  }));
  const gauge = (name: string): number | null => {
    if (status !== 200) return null;
    const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(body)?.[1];
    return value === undefined ? null : Number(value);
  };
  return {
    heapUsed: gauge('nodejs_heap_size_used_bytes'),
    heapTotal: gauge('nodejs_heap_size_total_bytes'),
    external: gauge('nodejs_external_memory_bytes'),
  };
}

function describeHeap(figures: HeapFigures): string {
  return (
    `V8 heap ${megabytes(figures.heapUsed)} used of ${megabytes(figures.heapTotal)}, ` +
    `external ${megabytes(figures.external)}`
  );
}

export const rssAfterLoad: Benchmark = {
  name: 'rss-after-load',
  title: `Resident memory of the server after the load runs and ${SECONDS} s at ${RATE} req/s`,
  async run(context): Promise<BenchResult> {
    const server = await context.apiServer();
    for (const path of ['/v1/ports/8080', ...MIX.slice(1)]) {
      const probe = await fetchText(`${server.url}${path}`);
      if (probe.status !== 200) throw new Error(`GET ${path} answered ${probe.status}`);
    }
    const heapBefore = await heapFigures(server.url);
    const before = await residentBytes(server.pid);
    if (before === null) throw new Error(`no resident memory for pid ${server.pid}`);

    const samples: number[] = [before];
    const heapTotals: number[] = [];
    const sampler = setInterval(() => {
      void residentBytes(server.pid).then((bytes) => {
        if (bytes !== null) samples.push(bytes);
      });
      void heapFigures(server.url).then((heap) => {
        if (heap.heapTotal !== null) heapTotals.push(heap.heapTotal);
      });
    }, SAMPLE_MS);
    const run = await steadyLoad({
      url: server.url,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: `/v1/ports/${Math.floor(Math.random() * 65536)}`,
          }),
        },
        { method: 'GET', path: '/v1/services/http' },
        { method: 'GET', path: '/v1/resolve/postgresql' },
      ],
      requestsPerSecond: RATE,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
    }).finally(() => clearInterval(sampler));
    const after = await residentBytes(server.pid);
    if (after === null) throw new Error(`no resident memory for pid ${server.pid}`);
    samples.push(after);
    const heapAfter = await heapFigures(server.url);
    const peak = Math.max(...samples);
    const reached = run.requestsPerSecond / RATE;
    const clean = run.errors === 0 && run.non2xx === 0;
    const problem = clean
      ? null
      : `${run.errors} errors, ${run.non2xx} non-2xx (${JSON.stringify(run.statuses)})`;
    return {
      rows: [
        {
          benchmark: `Server RSS after all load runs + ${SECONDS} s at ${RATE} req/s`,
          figure:
            `${megabytes(after)} after (${megabytes(before)} before, max ${megabytes(peak)}); ` +
            `${run.errors} errors`,
          target: '< 250 MB after; 0 errors, all 2xx',
          met: after < TARGET_BYTES && clean,
        },
      ],
      details: [
        `The shared server (${megabytes(context.apiStartBytes)} right after it became ready), ` +
          `after every load benchmark before this one, then autocannon at an overall rate of ` +
          `${RATE} req/s over ${CONNECTIONS} connections for ${SECONDS} s, each connection ` +
          `cycling through ${MIX.map((path) => `GET ${path}`).join(', ')} (a random port ` +
          `of 0-65535 each time, so the server's bounded per-port report caches fill as far ` +
          `as real traffic would fill them). RSS from /proc/<pid>/status every ` +
          `${SAMPLE_MS / 1000} s.`,
        `load: ${integer(run.requests)} requests, ${integer(run.requestsPerSecond)} req/s ` +
          `(${(reached * 100).toFixed(0)} % of the rate asked), latency median ` +
          `${millis(run.p50Ms)}, p99 ${millis(run.p99Ms)}, max ${millis(run.maxMs)}; ` +
          (problem ?? 'all 2xx, no errors'),
        `RSS: before ${megabytes(before)}, max ${megabytes(peak)}, after ${megabytes(after)}; ` +
          `samples (MB): ${samples.map((bytes) => (bytes / MB).toFixed(0)).join(', ')}`,
        `from GET /metrics: before, ${describeHeap(heapBefore)}; after, ` +
          `${describeHeap(heapAfter)} (used includes garbage not yet collected); V8 heap total ` +
          `sampled with the RSS (MB): ${heapTotals.map((bytes) => (bytes / MB).toFixed(0)).join(', ')}`,
      ],
    };
  },
};
