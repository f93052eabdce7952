import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * CPU pinning for the load comparisons. On a 2-core machine the scheduler may put a server on the
 * core the load generator is using, for part of a run or all of it, and the two then share it.
 * Pinned, every server under comparison runs on CPU 0 (only one is loaded at a time) and the load
 * generator (this process) has CPU 1 to itself, so each server's rate and CPU time per answer are
 * its own. Uses `taskset` (util-linux); without it, or on one core, nothing is pinned and
 * `pinning()` says so.
 */

const cpus = os.cpus().length;

function taskset(cpuList: string, pid: number): boolean {
  try {
    // -a: every thread of the process (V8's helpers, libuv's pool), not only the main one.
    execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` with `serverPids` on CPU 0 and this process on CPU 1, then frees them all. */
export async function whilePinned<T>(serverPids: number[], work: () => Promise<T>): Promise<T> {
  if (cpus < 2 || serverPids.length === 0) return work();
  const everyCpu = `0-${cpus - 1}`;
  const pinned = [process.pid, ...serverPids];
  if (!taskset('1', process.pid) || !serverPids.every((pid) => taskset('0', pid))) {
    for (const pid of pinned) taskset(everyCpu, pid);
    return work();
  }
  try {
    return await work();
  } finally {
    // A server that has exited meanwhile makes taskset fail; nothing to free then.
    for (const pid of pinned) taskset(everyCpu, pid);
  }
}

/** How the load comparisons were placed on this machine, for the settings of RESULTS.md. */
export function pinning(): string {
  if (cpus < 2) return 'not pinned (one CPU)';
  if (!taskset(`0-${cpus - 1}`, process.pid)) return 'not pinned (no taskset)';
  return 'servers under comparison pinned to CPU 0, the load generator (the bench process) to CPU 1';
}
