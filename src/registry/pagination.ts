import { InvalidInputError } from './errors.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cursors over the in-memory registry are positions in a result list that only changes on sync.
 * They are opaque to clients (base64url) and checked on the way in.
 */
export function paginate<T>(all: readonly T[], limit: number, cursor: string | undefined): Page<T> {
  const offset = cursor === undefined ? 0 : decodeOffsetCursor(cursor);
  const items = all.slice(offset, offset + limit);
  const next = offset + items.length;
  return { items, nextCursor: next < all.length ? encodeOffsetCursor(next) : null };
}

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeOffsetCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString()
    : '';
  const match = /^o:(0|[1-9][0-9]{0,8})$/.exec(text);
  if (!match) throw InvalidInputError.field('cursor', 'is not a cursor this service issued');
  return Number(match[1]);
}

/**
 * Keyset pagination over rows with increasing (or decreasing) ids: stable while rows are added,
 * unlike offsets. The cursor carries the last id of the page.
 */
export async function paginateById<T extends { id: string | number }>(
  limit: number,
  cursor: string | undefined,
  fetch: (afterId: string | null, take: number) => Promise<T[]>,
): Promise<Page<T>> {
  const after = cursor === undefined ? null : decodeIdCursor(cursor);
  const rows = await fetch(after, limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last ? Buffer.from(`i:${last.id}`).toString('base64url') : null,
  };
}

function decodeIdCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString()
    : '';
  const match = /^i:([1-9][0-9]{0,17})$/.exec(text);
  if (!match) throw InvalidInputError.field('cursor', 'is not a cursor this service issued');
  return match[1] as string;
}

/** Parses a digits-only parameter (its form already checked by the schema) and bounds it. */
export function boundedInteger(
  value: string | undefined,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (number < min || number > max) {
    throw InvalidInputError.field(field, `must be an integer from ${min} to ${max}`);
  }
  return number;
}
