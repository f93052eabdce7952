import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point of the project in its own Node process (through tsx). */
export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(entry), ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  detail?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${detail ? `: ${detail()}` : ''}`);
}

/** The URL a started server logged ("Server listening at http://..."). */
export function listeningUrl(output: string): string | null {
  return /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? null;
}

/** Waits until a spawned server logs its URL and answers `/health/ready` with 200; its URL. */
export async function readyServerUrl(server: Spawned, timeoutMs = 30_000): Promise<string> {
  let url: string | null = null;
  await waitFor(
    'the server to listen',
    () => (url = listeningUrl(server.output())) !== null,
    timeoutMs,
    server.output,
  );
  const base = url as unknown as string;
  await waitFor(
    'the server to be ready',
    async () => (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200,
    timeoutMs,
    server.output,
  );
  return base;
}
