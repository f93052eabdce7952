import { describe, expect, it } from 'vitest';
import { isAbortedForAnother, isDatabaseUnavailable } from '../../src/db/errors.js';
import { rerunIfAborted } from '../../src/db/transactions.js';

/** A pg error as PostgreSQL sends it, with its SQLSTATE in `code`. */
const pgError = (code: string) => Object.assign(new Error(`SQLSTATE ${code}`), { code });

/** A function failing with these errors in turn, then answering "done"; it counts its calls. */
function failing(...errors: Error[]) {
  const run = async () => {
    run.calls += 1;
    const error = errors[run.calls - 1];
    if (error) throw error;
    return 'done';
  };
  run.calls = 0;
  return run;
}

describe('rerunIfAborted', () => {
  it('runs a deadlock or serialization victim again until it goes through', async () => {
    const run = failing(pgError('40P01'), pgError('40001'));
    await expect(rerunIfAborted(run)).resolves.toBe('done');
    expect(run.calls).toBe(3);
  });

  it('gives up after 3 attempts with the error, which then counts as "too busy" (503)', async () => {
    const run = failing(pgError('40P01'), pgError('40P01'), pgError('40P01'), pgError('40P01'));
    const error = await rerunIfAborted(run).catch((caught: unknown) => caught);
    expect(run.calls).toBe(3);
    expect(isAbortedForAnother(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('does not run again on any other error: a conflict (23P01) or a bug', async () => {
    for (const error of [pgError('23P01'), new TypeError('bug')]) {
      const run = failing(error);
      await expect(rerunIfAborted(run)).rejects.toBe(error);
      expect(run.calls).toBe(1);
    }
  });

  it("recognises Prisma's form: P2034, or the SQLSTATE in the adapter's cause", () => {
    expect(isAbortedForAnother(Object.assign(new Error('write conflict'), { code: 'P2034' }))).toBe(
      true,
    );
    const wrapped = Object.assign(new Error('deadlock'), {
      code: 'P2010',
      meta: {
        driverAdapterError: { cause: { originalCode: '40P01', kind: 'TransactionWriteConflict' } },
      },
    });
    expect(isAbortedForAnother(wrapped)).toBe(true);
    expect(isAbortedForAnother(pgError('23P01'))).toBe(false);
  });
});
