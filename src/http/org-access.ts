import type { FastifyRequest } from 'fastify';
import type { Actor } from '../registry/audit.js';
import type { OrganizationRef } from '../registry/organizations.js';
import type { Principal, Scope } from '../registry/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The bearer token of a request, if it has one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Authenticates the request (401 when there is no valid key) and remembers who it is. */
export async function authenticate(request: FastifyRequest): Promise<Principal> {
  if (request.principal) return request.principal;
  const principal = await request.server.orgs.keys.authenticate(bearerToken(request));
  request.principal = principal;
  return principal;
}

/** The organisation of the route for this request's key: 401, then 404, then 403 for the scope. */
export async function organizationFor(
  request: FastifyRequest,
  slug: string,
  scope: Scope,
): Promise<OrganizationRef> {
  const principal = await authenticate(request);
  return request.server.orgs.organizations.access(principal, slug, scope);
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.principal) throw new Error('actorOf before authenticate');
  return { principal: request.principal, requestId: request.id };
}

/** `If-Match: "12-3"` (id-version) or a bare version; undefined when absent. */
export function ifMatchVersion(request: FastifyRequest, id: number): number | undefined {
  const header = request.headers['if-match'];
  if (!header) return undefined;
  // RFC 9110 section 13.1.1: `*` matches any current representation.
  if (header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d+)-(\d+)"?$/.exec(header.trim());
  if (!match || Number(match[1]) !== id) return -1;
  return Number(match[2]);
}

export function assignmentEtag(assignment: { id: number; version: number }): string {
  return `"${assignment.id}-${assignment.version}"`;
}
