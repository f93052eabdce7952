import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { graphql, type GraphqlAnswer } from './graphql-app.js';
import type { AssignmentView } from '../orgs/support.js';

/** Selections and documents of the organisation API tests (test/graphql/org-*.test.ts). */

export const ASSIGNMENT =
  '{ id scope serviceName protocol portStart portEnd description owner tags version createdBy createdAt updatedAt etag }';
export const RESULT = `{ assignment ${ASSIGNMENT} warnings { code message } replayed }`;
export const RESERVATION =
  '{ id scope protocol portStart portEnd purpose owner createdBy createdAt }';
export const API_KEY = '{ id name prefix scopes expiresAt revokedAt lastUsedAt createdAt }';
export const AUDIT_EVENT = '{ id actor action entityType entityId before after requestId at }';

export const CREATE_ORG = `mutation ($slug: String!, $name: String!) {
  createOrg(slug: $slug, name: $name) { organization { slug name createdAt } key apiKey ${API_KEY} }
}`;
export const CREATE_ASSIGNMENT = `mutation ($org: String!, $input: AssignmentInput!) {
  createAssignment(org: $org, input: $input) ${RESULT}
}`;
export const UPDATE_ASSIGNMENT = `mutation ($org: String!, $id: Int!, $input: AssignmentPatch!, $ifVersion: Int) {
  updateAssignment(org: $org, id: $id, input: $input, ifVersion: $ifVersion) ${RESULT}
}`;
export const DELETE_ASSIGNMENT = `mutation ($org: String!, $id: Int!, $ifVersion: Int) {
  deleteAssignment(org: $org, id: $id, ifVersion: $ifVersion)
}`;
export const ALLOCATE_PORT = `mutation ($org: String!, $input: AllocationInput!, $idempotencyKey: String) {
  allocatePort(org: $org, input: $input, idempotencyKey: $idempotencyKey) ${RESULT}
}`;
export const CREATE_RESERVATION = `mutation ($org: String!, $input: ReservationInput!) {
  createReservation(org: $org, input: $input) ${RESERVATION}
}`;
export const DELETE_RESERVATION = `mutation ($org: String!, $id: Int!) {
  deleteReservation(org: $org, id: $id)
}`;
export const CREATE_API_KEY = `mutation ($org: String!, $input: ApiKeyInput!) {
  createApiKey(org: $org, input: $input) { key apiKey ${API_KEY} }
}`;
export const REVOKE_API_KEY = `mutation ($org: String!, $id: Int!) {
  revokeApiKey(org: $org, id: $id) ${API_KEY}
}`;

/** An assignment as GraphQL selects it: REST's view (test/orgs/support.ts) and its ETag. */
export interface AssignmentData extends AssignmentView {
  etag: string;
}

export interface AssignmentResultData {
  assignment: AssignmentData;
  warnings: { code: string; message: string }[];
  replayed: boolean;
}

/** The data of an answer that must have succeeded whole (status 200, no errors). */
export function dataOf(answer: GraphqlAnswer): Record<string, unknown> {
  expect(answer.errors, answer.text).toEqual([]);
  expect(answer.status).toBe(200);
  return answer.data as Record<string, unknown>;
}

/** The `extensions.code` of every error of an answer, in order. */
export function codesOf(answer: GraphqlAnswer): string[] {
  return answer.errors.map((error) => error.extensions.code);
}

/** The one error of an answer, which must have this code. */
export function onlyError(answer: GraphqlAnswer, code: string) {
  expect(codesOf(answer), answer.text).toEqual([code]);
  return answer.errors[0] as NonNullable<(typeof answer.errors)[0]>;
}

/** Runs a mutation or query that must succeed and answers the value of its one root field. */
export async function succeed<T>(
  app: FastifyInstance,
  document: string,
  variables: Record<string, unknown>,
  key: string,
  field: string,
): Promise<T> {
  const data = dataOf(await graphql(app, document, variables, key));
  expect(data[field]).not.toBeNull();
  return data[field] as T;
}
