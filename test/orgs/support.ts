import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { openTestApp, type TestApp } from '../support/app.js';

/** Shared helpers of the organisation API tests (test/orgs/*.test.ts). */

/** The operator key (ADMIN_API_KEY) of every app these tests open. */
export const OPERATOR_KEY = 'operator-key-for-tests-0123456789abcdef';

/** http and www on 80/tcp, gopher on 70/tcp, imap on 143/tcp, 143/udp reserved, 0/tcp reserved. */
export const SMALL_REGISTRY = path.resolve('test/fixtures/registry/small-v1.csv');

export type Response = request.Response;
export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface FieldError {
  field: string;
  message: string;
}

export interface AssignmentView {
  id: number;
  scope: string;
  serviceName: string;
  protocol: string;
  portStart: number;
  portEnd: number;
  description: string | null;
  owner: string | null;
  tags: string[];
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  conflict?: AssignmentView;
}

export interface Warning {
  code: string;
  message: string;
}

export interface AssignmentResult {
  assignment: AssignmentView;
  warnings: Warning[];
}

export interface KeyView {
  id: number;
  name: string | null;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface CreatedKey {
  key: string;
  apiKey: KeyView;
}

export interface OrganizationView {
  slug: string;
  name: string;
  createdAt: string;
}

export interface CreatedOrg extends CreatedKey {
  organization: OrganizationView;
}

export interface ReservationView {
  id: number;
  scope: string;
  protocol: string;
  portStart: number;
  portEnd: number;
  purpose: string;
  owner: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditEvent {
  id: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  at: string;
}

/** The body of a response, as the test expects it to be shaped (the assertions check it). */
export function bodyOf<T>(response: Response): T {
  return response.body as T;
}

export function problemOf(response: Response): Problem {
  return bodyOf<Problem>(response);
}

/** The fields named by a problem's `errors`. */
export function errorFields(response: Response): string[] {
  return (problemOf(response).errors ?? []).map((error) => error.field);
}

export function warningCodes(response: Response): string[] {
  return bodyOf<AssignmentResult>(response).warnings.map((warning) => warning.code);
}

export function warningOf(response: Response, code: string): Warning | undefined {
  return bodyOf<AssignmentResult>(response).warnings.find((warning) => warning.code === code);
}

/** The app on a fresh database with the small registry fixture, listening on a free port. */
export async function openOrgApp(): Promise<TestApp> {
  const subject = await openTestApp({ syncFrom: SMALL_REGISTRY, adminApiKey: OPERATOR_KEY });
  // Listening once lets supertest send many requests at the same time to one server.
  await subject.app.listen({ port: 0, host: '127.0.0.1' });
  return subject;
}

export interface CallOptions {
  key?: string | undefined;
  body?: object | undefined;
  headers?: Record<string, string> | undefined;
}

/** One request; `key` goes in `Authorization: Bearer`. */
export async function call(
  app: FastifyInstance,
  method: Method,
  url: string,
  options: CallOptions = {},
): Promise<Response> {
  let test = request(app.server)[method](url);
  if (options.key !== undefined) test = test.set('authorization', `Bearer ${options.key}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) test = test.set(name, value);
  if (options.body !== undefined) test = test.send(options.body);
  return test;
}

/** Fails with the answer's text when the status is not the expected one (clear setup errors). */
export function expectStatus(response: Response, status: number, what: string): Response {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.text}`);
  }
  return response;
}

export interface OrgFixture {
  slug: string;
  /** The first admin key, as POST /v1/orgs answered it. */
  adminKey: string;
  adminKeyId: number;
  adminPrefix: string;
}

export async function createOrg(app: FastifyInstance, slug: string): Promise<OrgFixture> {
  const response = expectStatus(
    await call(app, 'post', '/v1/orgs', {
      key: OPERATOR_KEY,
      body: { slug, name: `Organisation ${slug}` },
    }),
    201,
    `POST /v1/orgs ${slug}`,
  );
  const created = bodyOf<CreatedOrg>(response);
  return {
    slug,
    adminKey: created.key,
    adminKeyId: created.apiKey.id,
    adminPrefix: created.apiKey.prefix,
  };
}

export async function createKey(
  app: FastifyInstance,
  org: OrgFixture,
  body: { scopes: string[]; name?: string; expiresAt?: string },
): Promise<CreatedKey> {
  const response = expectStatus(
    await call(app, 'post', `/v1/orgs/${org.slug}/keys`, { key: org.adminKey, body }),
    201,
    `POST /v1/orgs/${org.slug}/keys`,
  );
  return bodyOf<CreatedKey>(response);
}

export async function createAssignment(
  app: FastifyInstance,
  org: OrgFixture,
  body: Record<string, unknown>,
): Promise<AssignmentView> {
  const response = expectStatus(
    await call(app, 'post', `/v1/orgs/${org.slug}/assignments`, { key: org.adminKey, body }),
    201,
    `POST /v1/orgs/${org.slug}/assignments`,
  );
  return bodyOf<AssignmentResult>(response).assignment;
}

export async function createReservation(
  app: FastifyInstance,
  org: OrgFixture,
  body: Record<string, unknown>,
): Promise<ReservationView> {
  const response = expectStatus(
    await call(app, 'post', `/v1/orgs/${org.slug}/reservations`, { key: org.adminKey, body }),
    201,
    `POST /v1/orgs/${org.slug}/reservations`,
  );
  return bodyOf<ReservationView>(response);
}

/** Follows `nextCursor` from `url` (which has a `limit`) to the last page. */
export async function allPages<T>(
  app: FastifyInstance,
  url: string,
  key: string,
): Promise<{ pages: T[][]; items: T[] }> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard += 1) {
    const separator = url.includes('?') ? '&' : '?';
    const response = expectStatus(
      await call(
        app,
        'get',
        cursor === null ? url : `${url}${separator}cursor=${encodeURIComponent(cursor)}`,
        { key },
      ),
      200,
      `GET ${url}`,
    );
    const page = bodyOf<Page<T>>(response);
    pages.push(page.items);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return { pages, items: pages.flat() };
}

export interface RowCounts {
  organizations: number;
  apiKeys: number;
  assignments: number;
  reservations: number;
  auditEvents: number;
  idempotencyRecords: number;
}

/** Row counts of the organisation tables, straight from the database. */
export async function rowCounts(subject: TestApp): Promise<RowCounts> {
  const result = await subject.database.pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM organizations) AS organizations,
            (SELECT count(*) FROM api_keys) AS api_keys,
            (SELECT count(*) FROM assignments) AS assignments,
            (SELECT count(*) FROM reservations) AS reservations,
            (SELECT count(*) FROM audit_events) AS audit_events,
            (SELECT count(*) FROM idempotency_records) AS idempotency_records`,
  );
  const row = result.rows[0] ?? {};
  return {
    organizations: Number(row.organizations),
    apiKeys: Number(row.api_keys),
    assignments: Number(row.assignments),
    reservations: Number(row.reservations),
    auditEvents: Number(row.audit_events),
    idempotencyRecords: Number(row.idempotency_records),
  };
}
