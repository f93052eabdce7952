import pg from 'pg';
import { residentBytes } from './children.js';
import { OPERATOR_KEY } from './context.js';
import { integer, median, megabytes, millis, percentile, seconds } from './stats.js';
import type { Benchmark, BenchResult } from './types.js';

/**
 * SPEC.md section 9: 200 concurrent allocations, time, and the count of duplicate ports (must be
 * 0). Each repeat creates its own organisation with the operator key, then sends 200
 * POST /v1/orgs/{org}/allocations at once, each for its own service name, to the shared server.
 * Duplicates are counted twice: among the ports answered, and among the rows stored.
 */

const CONCURRENT = 200;
const REQUEST_TIMEOUT_MS = 60_000;
/** Allocations one after another in an organisation of its own: the cost of one, uncontended. */
const SEQUENTIAL = 20;

interface Attempt {
  ms: number;
  status: number | null;
  port: number | null;
  error: string | null;
}

interface Round {
  org: string;
  wallMs: number;
  attempts: Attempt[];
  created: number;
  distinctPorts: number;
  duplicates: number;
  stored: number;
  storedDuplicates: number;
  failures: string[];
}

async function createOrg(base: string, slug: string): Promise<string> {
  const response = await fetch(`${base}/v1/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ slug, name: `Bench ${slug}` }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`POST /v1/orgs answered ${response.status}: ${text.slice(0, 200)}`);
  }
  const { key } = JSON.parse(text) as { key?: unknown };
  if (typeof key !== 'string') throw new Error('POST /v1/orgs answered no key');
  return key;
}

async function allocate(base: string, org: string, key: string, i: number): Promise<Attempt> {
  const start = performance.now();
  try {
    const response = await fetch(`${base}/v1/orgs/${org}/allocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceName: `bench-svc-${i}`, protocol: 'tcp' }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const ms = performance.now() - start;
    if (response.status !== 201) {
      return { ms, status: response.status, port: null, error: text.slice(0, 200) };
    }
    const answer = JSON.parse(text) as { assignment?: { portStart?: unknown } };
    const port = answer.assignment?.portStart;
    return typeof port === 'number'
      ? { ms, status: 201, port, error: null }
      : { ms, status: 201, port: null, error: 'a 201 without assignment.portStart' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ms: performance.now() - start, status: null, port: null, error: message };
  }
}

/** The organisation's stored assignments: how many, and how many share a port. */
async function storedPorts(
  databaseUrl: string,
  org: string,
): Promise<{ stored: number; duplicates: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ stored: number; distinct_ports: number }>(
      `SELECT count(*)::int AS stored,
              count(DISTINCT (a.scope, a.protocol, a.port_start))::int AS distinct_ports
         FROM assignments a JOIN organizations o ON o.id = a.organization_id
        WHERE o.slug = $1`,
      [org],
    );
    const row = rows[0] ?? { stored: 0, distinct_ports: 0 };
    return { stored: row.stored, duplicates: row.stored - row.distinct_ports };
  } finally {
    await client.end();
  }
}

async function round(
  base: string,
  databaseUrl: string,
  org: string,
  pid: number,
): Promise<Round & { memory: [number | null, number | null] }> {
  const beforeOrg = await residentBytes(pid);
  const key = await createOrg(base, org);
  const afterOrg = await residentBytes(pid);
  const start = performance.now();
  const attempts = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) => allocate(base, org, key, i)),
  );
  const wallMs = performance.now() - start;
  const ports = attempts.flatMap((attempt) => (attempt.port === null ? [] : [attempt.port]));
  const distinctPorts = new Set(ports).size;
  const stored = await storedPorts(databaseUrl, org);
  const failures = attempts.flatMap((attempt) =>
    attempt.error === null ? [] : [`${attempt.status ?? 'no answer'}: ${attempt.error}`],
  );
  return {
    org,
    wallMs,
    attempts,
    created: attempts.filter((attempt) => attempt.status === 201).length,
    distinctPorts,
    duplicates: ports.length - distinctPorts,
    stored: stored.stored,
    storedDuplicates: stored.duplicates,
    failures,
    memory: [beforeOrg, afterOrg],
  };
}

export const allocations200: Benchmark = {
  name: 'allocations-200',
  title: `${CONCURRENT} concurrent allocations in one organisation`,
  async run(context): Promise<BenchResult> {
    const server = await context.apiServer();
    const databaseUrl = await context.syncedDatabase();
    const rounds: (Round & { memory: [number | null, number | null] })[] = [];
    for (let repeat = 1; repeat <= context.settings.repeats; repeat += 1) {
      const org = `bench-alloc-${Date.now()}-${repeat}`;
      rounds.push(await round(server.url, databaseUrl, org, server.pid));
    }
    const [beforeOrg, afterOrg] = rounds[0]?.memory ?? [null, null];
    const alone = await sequentialAllocations(server.url, `bench-alloc-${Date.now()}-seq`);
    const duplicates = rounds.reduce(
      (total, each) => total + each.duplicates + each.storedDuplicates,
      0,
    );
    const failed =
      rounds.reduce((total, each) => total + each.failures.length, 0) +
      alone.filter((attempt) => attempt.status !== 201).length;
    const lost = rounds.filter((each) => each.stored !== each.created).length;
    const wall = median(rounds.map((each) => each.wallMs));
    const allMs = rounds.flatMap((each) => each.attempts.map((attempt) => attempt.ms));
    const complete = failed === 0 && lost === 0;
    return {
      rows: [
        {
          benchmark: `${CONCURRENT} concurrent allocations: time and duplicate ports`,
          figure:
            `median ${seconds(wall)} for ${CONCURRENT}; ${duplicates} duplicates` +
            (complete ? '' : `; ${failed} failed, ${lost} rounds with stored ≠ answered`),
          target: 'time reported; 0 duplicates, every allocation 201',
          met: duplicates === 0 && complete,
        },
      ],
      details: [
        `${rounds.length} rounds, each in a new organisation (created with the operator key): ` +
          `${CONCURRENT} POST /v1/orgs/{org}/allocations sent at once (one connection each), ` +
          `distinct service names, protocol tcp, default window; the time runs from the first ` +
          `send to the last answer. Duplicates are counted among the ports answered and among ` +
          `the rows stored (same scope, protocol and port); the server's pool is ` +
          `DATABASE_POOL_SIZE (default 10).`,
        ...rounds.map(
          (each, index) =>
            `round ${index + 1} (${each.org}): ${seconds(each.wallMs)}, ${each.created} × 201, ` +
            `${each.distinctPorts} distinct ports (${describePorts(each)}), ` +
            `${each.duplicates} duplicates answered, ${each.stored} stored with ` +
            `${each.storedDuplicates} duplicates, ${each.failures.length} errors` +
            (each.failures.length > 0 ? ` (first: ${each.failures[0]})` : ''),
        ),
        `per request over all rounds: median ${millis(median(allMs))}, p95 ` +
          `${millis(percentile(allMs, 95))}, max ${millis(Math.max(...allMs))}; ` +
          `${integer((rounds.length * CONCURRENT * 1000) / rounds.reduce((t, r) => t + r.wallMs, 0))} ` +
          `allocations per second`,
        `for comparison, ${SEQUENTIAL} allocations one after another in another organisation: ` +
          `median ${millis(median(alone.map((attempt) => attempt.ms)))}, max ` +
          `${millis(Math.max(...alone.map((attempt) => attempt.ms)))} each; ` +
          `${alone.filter((attempt) => attempt.status === 201).length} × 201`,
        `server RSS around the first POST /v1/orgs of this benchmark (the server's first ` +
          `request through Prisma when the benchmarks run in order): ${megabytes(beforeOrg)} ` +
          `before, ${megabytes(afterOrg)} after`,
      ],
    };
  },
};

async function sequentialAllocations(base: string, org: string): Promise<Attempt[]> {
  const key = await createOrg(base, org);
  const attempts: Attempt[] = [];
  for (let i = 0; i < SEQUENTIAL; i += 1) attempts.push(await allocate(base, org, key, i));
  return attempts;
}

function describePorts(each: Round): string {
  const ports = each.attempts.flatMap((attempt) => (attempt.port === null ? [] : [attempt.port]));
  return ports.length > 0 ? `${Math.min(...ports)}–${Math.max(...ports)}` : 'none';
}
