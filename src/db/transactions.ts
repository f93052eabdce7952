import { isAbortedForAnother } from './errors.js';

const ATTEMPTS = 3;

/**
 * Runs a whole write transaction, and runs it again (up to 3 times in all) when PostgreSQL picked
 * it as the victim of a deadlock or a serialization conflict: nothing of it was written, and
 * running it again is the cure. `run` must start its own transaction. When every attempt is a
 * victim the error goes on, and answers 503 with Retry-After (db/errors.ts).
 */
export async function rerunIfAborted<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isAbortedForAnother(error)) throw error;
    }
  }
}
