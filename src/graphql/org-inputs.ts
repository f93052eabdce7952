/**
 * The arguments of the organisation fields and mutations, read as the REST routes read theirs.
 * GraphQL's types already refuse unknown fields, wrong types and protocols outside the four; the
 * bounds REST's body schemas add (string lengths, list sizes, a positive reservation id) are
 * checked here against those same TypeBox schemas, so that a body REST refuses as malformed is
 * refused over GraphQL too (BAD_USER_INPUT with field errors), and the bounds live in one place.
 */
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Protocol } from '../domain/protocols.js';
import type { IdempotencyKey } from '../registry/allocations.js';
import { InvalidInputError, type FieldProblem } from '../registry/errors.js';
import type { Scope } from '../registry/principal.js';

/** A GraphQL input: any field may be left out or null, which means the same. */
export type GraphqlInput<T> = { [K in keyof T]?: T[K] | null };

export interface AssignmentFields {
  serviceName: string;
  protocol: Protocol;
  port: number;
  portStart: number;
  portEnd: number;
  scope: string;
  description: string;
  owner: string;
  tags: string[];
  allowDynamic: boolean;
}

export interface AllocationFields {
  serviceName: string;
  protocol: Protocol;
  scope: string;
  from: number;
  to: number;
  reservationId: number;
  allowDynamic: boolean;
  description: string;
  owner: string;
}

export interface ReservationFields {
  protocol: Protocol;
  portStart: number;
  portEnd: number;
  scope: string;
  purpose: string;
  owner: string;
  allowDynamic: boolean;
}

export interface ApiKeyFields {
  name: string;
  scopes: Scope[];
  expiresAt: string;
}

export interface OrgArgs {
  org: string;
}

export interface OrgItemArgs extends OrgArgs {
  id: number;
}

export interface AssignmentListArgs {
  scope?: string | null;
  protocol?: Protocol | null;
  port?: number | null;
  service?: string | null;
  first?: number | null;
  after?: string | null;
}

export interface ReservationListArgs {
  scope?: string | null;
  protocol?: Protocol | null;
  first?: number | null;
  after?: string | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * The input as the REST body it stands for: nulls left out, then checked against the route's body
 * schema (400 there, BAD_USER_INPUT here, the fields named as REST names them).
 */
export function restBody<T extends TSchema>(schema: T, input: object): Static<T> {
  const body = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  );
  const problems: FieldProblem[] = Value.Errors(schema, body).map((error) => ({
    field: error.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'input',
    message: error.message,
  }));
  if (problems.length > 0) throw new InvalidInputError('invalid input', problems);
  return body as Static<T>;
}

/** The `idempotencyKey` argument, named as the caller sent it; the allocation checks it. */
export function idempotencyKey(value: string | null | undefined): IdempotencyKey | undefined {
  if (value === null || value === undefined) return undefined;
  return { key: value, field: 'idempotencyKey' };
}
