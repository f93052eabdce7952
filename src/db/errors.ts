/**
 * The PostgreSQL SQLSTATE behind an error from Prisma (with the pg adapter) or from pg itself.
 * Prisma 7 with adapters puts it in `meta.driverAdapterError.cause` (notes/PRISMA-OFFLINE.md).
 */
export function postgresErrorCode(error: unknown): string | undefined {
  const cause = adapterCause(error);
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.originalCode === 'string') return cause.originalCode;
  const direct = (error as { code?: unknown } | null)?.code;
  return typeof direct === 'string' && /^[0-9A-Z]{5}$/.test(direct) ? direct : undefined;
}

export const EXCLUSION_VIOLATION = '23P01';
export const UNIQUE_VIOLATION = '23505';
/** Prisma's P2025: the row a `delete` or `update` named is not there (or no longer). */
export function isRecordMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2025';
}

/** SQLSTATEs of a transaction PostgreSQL aborted to let another go on: deadlock, serialization. */
const ABORTED_FOR_ANOTHER = new Set(['40P01', '40001']);

/**
 * True when PostgreSQL aborted the transaction to break a deadlock or a serialization conflict
 * (Prisma's P2034). Two overlapping inserts can deadlock in an exclusion constraint's index, each
 * waiting on the other's row. Nothing of it was written; db/transactions.ts runs it again, and
 * one that is still a victim after that is "too busy" (503, isDatabaseUnavailable).
 */
export function isAbortedForAnother(error: unknown): boolean {
  const state = postgresErrorCode(error);
  if (state !== undefined && ABORTED_FOR_ANOTHER.has(state)) return true;
  return (error as { code?: unknown } | null)?.code === 'P2034';
}

function adapterCause(error: unknown): Record<string, unknown> | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: unknown } } } | null)?.meta;
  const cause = meta?.driverAdapterError?.cause;
  return typeof cause === 'object' && cause !== null
    ? (cause as Record<string, unknown>)
    : undefined;
}

/** SQLSTATEs meaning "the server is not there (now)", or has no connection to spare (53300). */
const UNAVAILABLE_STATES = new Set([
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
/** Prisma's: server unreachable or timed out, or no connection from the pool in time. */
const UNAVAILABLE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/**
 * Prisma's P2028 is any misuse of a transaction; these two are the database being too busy: a
 * transaction that could not start within `maxWait`, or ran past `timeout` (db/database.ts
 * DATABASE_WAITS). Either way it was rolled back, so a retry is safe.
 */
const TRANSACTION_TIMED_OUT =
  /Unable to start a transaction in the given time|cannot be executed on an expired transaction/;
/** The same, as Prisma's pg adapter names them (`meta.driverAdapterError.cause.kind`). */
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
const UNAVAILABLE_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Can't reach database server|Client has encountered a connection error|connection is closed|terminating connection/i;

/**
 * True when an error means the database cannot serve now (down, restarting, pool exhausted, too
 * busy, a transaction aborted for another after its reruns): the request may succeed later, so it
 * is a 503 with Retry-After, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isAbortedForAnother(error)) return true;
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    const message = (current as { message?: unknown }).message;
    if (typeof code === 'string' && (UNAVAILABLE_PRISMA.has(code) || UNAVAILABLE_SOCKET.has(code)))
      return true;
    if (code === 'P2028' && typeof message === 'string' && TRANSACTION_TIMED_OUT.test(message))
      return true;
    const state = postgresErrorCode(current);
    if (state && UNAVAILABLE_STATES.has(state)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    const kind = adapterCause(current)?.kind;
    if (UNAVAILABLE_KINDS.has(kind as string)) return true;
    current = (current as { cause?: unknown }).cause ?? adapterCause(current);
  }
  return false;
}
