import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { whilePinned } from './affinity.js';
import { trackChild } from './children.js';
import { integer, median, millis, ratio, withTimeout } from './stats.js';

/** The autocannon settings of one run; every compared target gets the same. */
export interface LoadSettings {
  connections: number;
  /** Seconds of each measured round. */
  durationSeconds: number;
  /** Measured rounds per target; compared targets take turns, so noise hits them alike. */
  rounds: number;
  pipelining: number;
  /** An unmeasured run per target before the rounds (JIT, connection pools, caches). */
  warmupSeconds: number;
}

export interface LoadRequest {
  url: string;
  /** The serving process: when every compared request names one, the comparison is pinned. */
  pid?: number;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

/** One measured autocannon run. */
export interface LoadRun {
  requestsPerSecond: number;
  averageMs: number;
  /** autocannon's latency histogram counts whole milliseconds: 0 means under 1 ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Answers per status code (autocannon's statusCodeStats). */
  statuses: Record<string, number>;
  /** CPU time of the serving process per answer, in µs (when its pid is known). */
  serverCpuMicros?: number;
  /** The serving process's CPU time over the run's wall time: 1.0 is one core kept busy. */
  serverBusy?: number;
}

/** The medians over the rounds (requests, non-2xx and errors summed), and the rounds. */
export interface LoadFigures extends LoadRun {
  url: string;
  rounds: LoadRun[];
}

/** CPU time a process has used so far, in seconds (all its threads), or null when unreadable. */
async function cpuSecondsOf(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is 3rd, utime 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Linux's USER_HZ: what /proc counts CPU time in. */
const CLOCK_TICKS = 100;

async function measure(
  request: LoadRequest,
  settings: LoadSettings,
  seconds: number,
): Promise<LoadRun> {
  const cpuBefore = await cpuSecondsOf(request.pid);
  const result = await withTimeout(
    autocannon({
      url: request.url,
      method: request.method ?? 'GET',
      body: request.body,
      headers: request.headers,
      connections: settings.connections,
      pipelining: settings.pipelining,
      duration: seconds,
      timeout: 10,
    }),
    (seconds + 30) * 1000,
    `load on ${request.url}`,
  );
  const cpuAfter = await cpuSecondsOf(request.pid);
  const run = loadRun(result);
  if (cpuBefore === null || cpuAfter === null || run.requests === 0) return run;
  const cpu = cpuAfter - cpuBefore;
  return {
    ...run,
    serverCpuMicros: (cpu * 1e6) / run.requests,
    serverBusy: cpu / result.duration,
  };
}

function loadRun(result: autocannon.Result): LoadRun {
  return {
    requestsPerSecond: result.requests.average,
    averageMs: result.latency.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    // Connection errors, timeouts included.
    errors: result.errors,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
    ),
  };
}

/**
 * A run at a fixed overall rate (not as fast as possible) over a mix of requests, which each
 * connection takes in turn; `setupRequest` may vary one per call.
 */
export async function steadyLoad(options: {
  url: string;
  requests: autocannon.Request[];
  requestsPerSecond: number;
  connections: number;
  durationSeconds: number;
}): Promise<LoadRun> {
  const result = await withTimeout(
    autocannon({
      url: options.url,
      requests: options.requests,
      overallRate: options.requestsPerSecond,
      connections: options.connections,
      duration: options.durationSeconds,
      timeout: 10,
    }),
    (options.durationSeconds + 30) * 1000,
    `steady load on ${options.url}`,
  );
  return loadRun(result);
}

/**
 * Loads each request with the same settings: a warm-up each, then `rounds` rounds in which the
 * requests take turns, in the reverse order every other round (so that neither always follows
 * the other). The figures are medians over the rounds; `pairing` compares two of them.
 */
export async function compareLoads(
  requests: readonly LoadRequest[],
  settings: LoadSettings,
): Promise<LoadFigures[]> {
  const pids = requests.map((request) => request.pid);
  if (pids.every((pid) => pid !== undefined)) {
    return whilePinned([...new Set(pids)], () => loadInTurns(requests, settings));
  }
  return loadInTurns(requests, settings);
}

async function loadInTurns(
  requests: readonly LoadRequest[],
  settings: LoadSettings,
): Promise<LoadFigures[]> {
  if (settings.warmupSeconds > 0) {
    for (const request of requests) await measure(request, settings, settings.warmupSeconds);
  }
  const rounds = requests.map((): LoadRun[] => []);
  const order = [...requests.keys()];
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const index of round % 2 === 0 ? order : [...order].reverse()) {
      rounds[index]?.push(await measure(requests[index]!, settings, settings.durationSeconds));
    }
  }
  return requests.map((request, index) => summarize(request.url, rounds[index] ?? []));
}

/** The medians over `runs` (requests, non-2xx and errors summed). */
function summarize(url: string, runs: LoadRun[]): LoadFigures {
  const sum = (pick: (run: LoadRun) => number): number =>
    runs.reduce((total, run) => total + pick(run), 0);
  return {
    url,
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    averageMs: median(runs.map((run) => run.averageMs)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    maxMs: Math.max(...runs.map((run) => run.maxMs)),
    requests: sum((run) => run.requests),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    statuses: statusesOf(runs),
    rounds: runs,
    ...serverCpu(runs),
  };
}

/** Answers per status code over `runs`. */
function statusesOf(runs: LoadRun[]): Record<string, number> {
  const statuses: Record<string, number> = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statuses)) {
      statuses[code] = (statuses[code] ?? 0) + count;
    }
  }
  return statuses;
}

/** Medians of the server's CPU figures, when every run has them. */
function serverCpu(runs: LoadRun[]): Pick<LoadRun, 'serverCpuMicros' | 'serverBusy'> {
  const micros = runs.map((run) => run.serverCpuMicros);
  const busy = runs.map((run) => run.serverBusy);
  if (runs.length === 0 || micros.some((value) => value === undefined)) return {};
  return {
    serverCpuMicros: median(micros as number[]),
    serverBusy: median(busy as number[]),
  };
}

/**
 * Several processes serving the same thing, as one: each round is the average of the processes'
 * runs in that round (counts summed). Identical Node processes differ for their whole life: six
 * copies of the bare route, pinned to one core and loaded in turn, took from 21 to 29 µs of CPU
 * per answer, each keeping its place round after round. One process against one other compares
 * those draws as much as the code; an average over several evens them out.
 */
export function averagedPerRound(processes: readonly LoadFigures[]): LoadFigures {
  const [first] = processes;
  if (!first) throw new Error('no processes to average');
  const runs = first.rounds.map((_, index) =>
    averageRun(
      processes.map((figures) => figures.rounds[index]).filter((run) => run !== undefined),
    ),
  );
  return summarize(first.url, runs);
}

function averageRun(runs: LoadRun[]): LoadRun {
  const mean = (pick: (run: LoadRun) => number): number =>
    runs.reduce((total, run) => total + pick(run), 0) / runs.length;
  const sum = (pick: (run: LoadRun) => number): number =>
    runs.reduce((total, run) => total + pick(run), 0);
  const cpu = runs.every((run) => run.serverCpuMicros !== undefined && run.serverBusy !== undefined)
    ? {
        // CPU per answer over all the answers, not the mean of the processes' figures.
        serverCpuMicros:
          sum((run) => (run.serverCpuMicros ?? 0) * run.requests) / sum((run) => run.requests),
        serverBusy: mean((run) => run.serverBusy ?? 0),
      }
    : {};
  return {
    requestsPerSecond: mean((run) => run.requestsPerSecond),
    averageMs: mean((run) => run.averageMs),
    p50Ms: mean((run) => run.p50Ms),
    p99Ms: mean((run) => run.p99Ms),
    maxMs: Math.max(...runs.map((run) => run.maxMs)),
    requests: sum((run) => run.requests),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    statuses: statusesOf(runs),
    ...cpu,
  };
}

/** Two targets compared: the ratio, its table figure, and a detail line with every round. */
export interface Pairing {
  ratio: number;
  figure: string;
  detail: string;
  /**
   * The same comparison from the servers' CPU time per answer (denominator's over numerator's,
   * median of the rounds): the ratio of what each could serve with a core to itself, whoever set
   * the pace. Null when a server's CPU time was not read.
   */
  capacity: number | null;
}

/**
 * `numerator` against `denominator` in req/s, round by round (each round loads both back to back,
 * so a slower or faster spell of a shared machine touches both alike); the ratio is the median of
 * those, steadier than the ratio of the two medians when the machine's speed drifts.
 */
export function pairing(numerator: LoadFigures, denominator: LoadFigures): Pairing {
  const rounds = numerator.rounds.map(
    (run, index) => run.requestsPerSecond / (denominator.rounds[index]?.requestsPerSecond ?? NaN),
  );
  const value = median(rounds);
  const cpuRounds = numerator.rounds.map(
    (run, index) =>
      (denominator.rounds[index]?.serverCpuMicros ?? NaN) / (run.serverCpuMicros ?? NaN),
  );
  const capacity = cpuRounds.every(Number.isFinite) ? median(cpuRounds) : null;
  const capacityDetail =
    capacity === null
      ? ''
      : `; from the servers' CPU time per answer (what each could serve with a core to ` +
        `itself): ${capacity.toFixed(2)}× (per round: ` +
        `${cpuRounds.map((round) => round.toFixed(2)).join(', ')})`;
  return {
    ratio: value,
    capacity,
    figure:
      `${value.toFixed(2)}× (median of the round ratios; ` +
      `${integer(numerator.requestsPerSecond)} vs ${integer(denominator.requestsPerSecond)} req/s)`,
    detail:
      `ratio per round: ${rounds.map((round) => round.toFixed(2)).join(', ')}; ratio of the ` +
      `median rates: ${ratio(numerator.requestsPerSecond, denominator.requestsPerSecond)}` +
      capacityDetail,
  };
}

/** Null when every answer was 2xx and no connection failed, else what went wrong. */
export function loadProblem(figures: LoadFigures): string | null {
  if (figures.non2xx === 0 && figures.errors === 0) return null;
  const statuses = Object.entries(figures.statuses)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${count} × ${code}`)
    .join(', ');
  return (
    `${figures.non2xx} of ${figures.requests} answers were not 2xx` +
    `${statuses ? ` (${statuses})` : ''}, ${figures.errors} connection errors`
  );
}

/** One line on a load: median req/s with the rounds, p99, requests, and what went wrong. */
export function describeLoad(label: string, figures: LoadFigures): string {
  const rounds = figures.rounds.map((run) => integer(run.requestsPerSecond)).join(', ');
  const cpu =
    figures.serverCpuMicros === undefined || figures.serverBusy === undefined
      ? ''
      : `; server CPU ${figures.serverCpuMicros.toFixed(1)} µs per answer, ` +
        `${Math.round(figures.serverBusy * 100)}% of a core busy`;
  return (
    `${label}: median ${integer(figures.requestsPerSecond)} req/s (rounds: ${rounds}), ` +
    `p99 ${millis(figures.p99Ms)}, ${integer(figures.requests)} requests${cpu}; ` +
    (loadProblem(figures) ?? 'all 2xx, no errors')
  );
}

/** One target alone: warm-up, then the rounds. */
export async function runLoad(request: LoadRequest, settings: LoadSettings): Promise<LoadFigures> {
  const [figures] = await compareLoads([request], settings);
  if (!figures) throw new Error('no load figures');
  return figures;
}

export interface BareServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts bench/bare-server.ts in its own process, answering from `answers` (port to JSON). */
export async function startBareServer(
  root: string,
  workDir: string,
  answers: ReadonlyMap<number, unknown>,
): Promise<BareServer> {
  const mapFile = path.join(workDir, 'bare-map.json');
  await writeFile(mapFile, JSON.stringify(Object.fromEntries(answers)));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench/bare-server.ts')],
    {
      cwd: root,
      env: { ...process.env, BARE_MAP_FILE: mapFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  trackChild(child);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const result = await Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
    if (result === 'timeout') child.kill('SIGKILL');
  };
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const url = /"listening":"(http:[^"]+)"/.exec(line)?.[1];
      if (url) resolve(url);
    });
    void exited.then(() => reject(new Error('the bare Fastify server exited before listening')));
  });
  try {
    const url = await withTimeout(listening, 20_000, 'starting the bare Fastify server');
    return { url, pid: child.pid ?? 0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One side of a comparison: its processes averaged round by round, and each process alone. */
export interface ProcessGroup {
  averaged: LoadFigures;
  processes: LoadFigures[];
}

/** What `compareWithBare` measured. */
export interface BareComparison {
  /** The bare route: the baseline. */
  bare: ProcessGroup;
  /** The service's processes. */
  target: ProcessGroup;
}

/**
 * The REST-against-bare comparison of SPEC.md section 9: the bare Fastify route for `port`
 * (answering `answer` from a Map) against `targets` (one request per service process) under the
 * same settings, every process taking its turn each round. The bare route runs in as many
 * processes as the target, and each side counts the average of its processes (`averagedPerRound`).
 */
export async function compareWithBare(options: {
  root: string;
  workDir: string;
  port: number;
  answer: unknown;
  targets: LoadRequest[];
  settings: LoadSettings;
}): Promise<BareComparison> {
  const answers = new Map([[options.port, options.answer]]);
  const count = options.targets.length;
  if (count === 0) throw new Error('nothing to compare with the bare route');
  const servers: BareServer[] = [];
  try {
    const bareRequests: LoadRequest[] = [];
    for (let index = 0; index < count; index += 1) {
      const server = await startBareServer(options.root, options.workDir, answers);
      servers.push(server);
      bareRequests.push({ url: `${server.url}/v1/ports/${options.port}`, pid: server.pid });
    }
    const figures = await compareLoads([...bareRequests, ...options.targets], options.settings);
    const group = (processes: LoadFigures[]): ProcessGroup => ({
      averaged: averagedPerRound(processes),
      processes,
    });
    return { bare: group(figures.slice(0, count)), target: group(figures.slice(count)) };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Status and body of one request, bounded to five seconds. */
export async function fetchText(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}
