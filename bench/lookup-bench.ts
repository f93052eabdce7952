import http from 'node:http';
import { integer, median, millis, percentile } from './stats.js';
import type { Benchmark, BenchResult } from './types.js';

/**
 * SPEC.md section 9: bulk lookup of 1000 ports, time per request. POST /v1/lookup with ports
 * 0..999 on the shared server: one client after another (the time one caller waits), then four
 * clients at once (the time each waits while the server shares its CPU among them).
 */

const ITEMS = 1000;
const WARMUP = 5;
const SEQUENTIAL = 50;
const CLIENTS = 4;
const PER_CLIENT = 15;
const TARGET_MEDIAN_MS = 20;
const REQUEST_TIMEOUT_MS = 10_000;

interface Timing {
  ms: number;
  status: number;
  bytes: number;
}

/**
 * One POST on a kept-alive connection, timed from the request to the last byte of the answer
 * (counted, not decoded, so the client adds as little as it can).
 */
function timedPost(agent: http.Agent, url: URL, body: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          resolve({ ms: performance.now() - start, status: response.statusCode ?? 0, bytes }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('the lookup timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

/** `count` requests one after another on one kept-alive connection. */
async function client(url: URL, body: string, count: number): Promise<Timing[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const timings: Timing[] = [];
    for (let i = 0; i < count; i += 1) timings.push(await timedPost(agent, url, body));
    return timings;
  } finally {
    agent.destroy();
  }
}

function failures(timings: readonly Timing[]): string | null {
  const bad = timings.filter((timing) => timing.status !== 200);
  if (bad.length === 0) return null;
  const statuses = [...new Set(bad.map((timing) => timing.status))].join(', ');
  return `${bad.length} of ${timings.length} answers were not 200 (${statuses})`;
}

export const bulkLookup: Benchmark = {
  name: 'bulk-lookup',
  title: `Bulk lookup of ${ITEMS} ports (POST /v1/lookup): time per request`,
  async run(context): Promise<BenchResult> {
    const server = await context.apiServer();
    const url = new URL('/v1/lookup', server.url);
    const body = JSON.stringify({ ports: Array.from({ length: ITEMS }, (_, port) => port) });

    // The first answer is checked in full: 1000 items, in order, each answered.
    const check = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const answer = (await check.json()) as { ports?: { query: string; ok: boolean }[] };
    const items = answer.ports ?? [];
    if (check.status !== 200 || items.length !== ITEMS || items.some((item) => !item.ok)) {
      throw new Error(
        `POST /v1/lookup answered ${check.status} with ${items.length} port items, ` +
          `${items.filter((item) => !item.ok).length} not ok`,
      );
    }

    const sequential = (await client(url, body, WARMUP + SEQUENTIAL)).slice(WARMUP);
    const concurrent = (
      await Promise.all(Array.from({ length: CLIENTS }, () => client(url, body, PER_CLIENT)))
    ).flat();
    const problem = failures(sequential) ?? failures(concurrent);
    const times = sequential.map((timing) => timing.ms);
    const concurrentTimes = concurrent.map((timing) => timing.ms);
    const typical = median(times);
    const bytes = median(sequential.map((timing) => timing.bytes));
    return {
      rows: [
        {
          benchmark: `Bulk lookup of ${ITEMS} ports, one client (time per request)`,
          figure: problem
            ? `not valid: ${problem}`
            : `median ${millis(typical)}, p95 ${millis(percentile(times, 95))}`,
          target: `median < ${TARGET_MEDIAN_MS} ms; all 200`,
          met: problem === null && typical < TARGET_MEDIAN_MS,
        },
        {
          benchmark: `Bulk lookup of ${ITEMS} ports, ${CLIENTS} concurrent clients (time per request)`,
          figure: problem
            ? `not valid: ${problem}`
            : `median ${millis(median(concurrentTimes))}, ` +
              `p95 ${millis(percentile(concurrentTimes, 95))}`,
          target: 'reported; all 200',
          met: problem ? false : null,
        },
      ],
      details: [
        `POST /v1/lookup with \`{"ports":[0,1,…,${ITEMS - 1}]}\` (${integer(Buffer.byteLength(body))} ` +
          `bytes); every answer is 200 with ${ITEMS} items (the first checked item by item), ` +
          `${integer(bytes)} bytes. Timed from sending to the last byte received, on a ` +
          `kept-alive connection.`,
        `one client: ${WARMUP} warm-up requests, then ${SEQUENTIAL} one after another: median ` +
          `${millis(typical)}, p95 ${millis(percentile(times, 95))}, min ` +
          `${millis(Math.min(...times))}, max ${millis(Math.max(...times))}`,
        `${CLIENTS} clients at once, ${PER_CLIENT} requests each: median ` +
          `${millis(median(concurrentTimes))}, p95 ${millis(percentile(concurrentTimes, 95))}, ` +
          `max ${millis(Math.max(...concurrentTimes))}`,
      ],
    };
  },
};
