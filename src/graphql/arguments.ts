/**
 * Arguments as REST's routes read them, through the same functions: GraphQL's `null` means "left
 * out", and numbers are bounded by the same check as REST's (registry/pagination.ts).
 */
import type { EntryStatus, Protocol } from '../domain/protocols.js';
import { boundedInteger } from '../registry/pagination.js';

/** `null` (asked for explicitly) is the same as leaving an argument out. */
export function given<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** REST's bound check of a numeric argument: the same message, the same default. */
export function bounded(
  value: number | null | undefined,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return boundedInteger(value == null ? undefined : String(value), field, fallback, min, max);
}

/** The organisation selector of a lookup (`org` and `scope`), absent when left out. */
export function orgSelector(args: { org?: string | null; scope?: string | null }): {
  org: string | undefined;
  scope: string | undefined;
} {
  return { org: given(args.org), scope: given(args.scope) };
}

export interface PortArgs {
  number: number;
  protocol?: Protocol | null;
  org?: string | null;
  scope?: string | null;
}

export interface PortsArgs {
  from?: number | null;
  to?: number | null;
  protocol?: Protocol | null;
  status?: EntryStatus | null;
  first?: number | null;
  after?: string | null;
}

export interface ServiceArgs {
  name: string;
  protocol?: Protocol | null;
  org?: string | null;
  scope?: string | null;
}

export interface SearchArgs {
  query: string;
  protocol?: Protocol | null;
  first?: number | null;
  after?: string | null;
}

export interface FreePortsArgs {
  from?: number | null;
  to?: number | null;
  protocol?: Protocol | null;
  count?: number | null;
  org?: string | null;
  scope?: string | null;
}

export interface LookupArgs {
  ports?: string[] | null;
  services?: string[] | null;
}
