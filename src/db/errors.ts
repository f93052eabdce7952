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

function adapterCause(error: unknown): Record<string, unknown> | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: unknown } } } | null)?.meta;
  const cause = meta?.driverAdapterError?.cause;
  return typeof cause === 'object' && cause !== null
    ? (cause as Record<string, unknown>)
    : undefined;
}
