/**
 * The organisation API over GraphQL: `org(slug)` and its lists, and the mutations. Each resolver
 * does what the REST route of the same thing does (src/http/org-routes.ts,
 * src/http/assignment-routes.ts), through the same functions: the caller's key from the request
 * (authenticate, organizationFor: 401, then 404 for an organisation it cannot see, then 403 for the
 * scope), the body bounds of ./org-inputs.ts, then one call into registry/ with actorOf(request),
 * so that the audit log records the key and the request id.
 *
 * Every nested list checks its own scope against the organisation again (`audit` and `keys` need
 * admin, as their routes do), so a field never shows what its REST route would refuse.
 */
import type { FastifyRequest } from 'fastify';
import type { IResolverObject, IResolvers, MercuriusContext } from 'mercurius';
import { MAX_PORT, MIN_PORT } from '../domain/protocols.js';
import { actorOf, assignmentEtag, authenticate, organizationFor } from '../http/org-access.js';
import {
  AllocationBody,
  CreateAssignmentBody,
  CreateKeyBody,
  CreateOrgBody,
  CreateReservationBody,
  UpdateAssignmentBody,
} from '../http/schemas/orgs.js';
import type { AssignmentView } from '../registry/assignments.js';
import { listAudit } from '../registry/audit.js';
import type { OrganizationServices } from '../registry/organization-services.js';
import { organizationView, type OrganizationView } from '../registry/organizations.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import { bounded, given } from './arguments.js';
import {
  idempotencyKey,
  restBody,
  type AllocationFields,
  type ApiKeyFields,
  type AssignmentFields,
  type AssignmentListArgs,
  type GraphqlInput,
  type OrgArgs,
  type OrgItemArgs,
  type PageArgs,
  type ReservationFields,
  type ReservationListArgs,
} from './org-inputs.js';

/** The HTTP request behind a GraphQL operation: its key, its id. */
function requestOf(context: MercuriusContext): FastifyRequest {
  return context.reply.request;
}

/** An answer that holds a secret shown once: no cache may keep it (as REST's 201s). */
function noStore(context: MercuriusContext): void {
  context.reply.header('cache-control', 'no-store');
}

function pageSize(first: number | null | undefined): number {
  return bounded(first, 'first', DEFAULT_LIMIT, 1, MAX_LIMIT);
}

/** REST's assignment result, with whether an idempotency key replayed it. */
function assignmentResult<T extends { assignment: AssignmentView }>(result: T, replayed = false) {
  return { ...result, replayed };
}

/** `org(slug)`: the organisation itself needs the read scope, as GET /v1/orgs/{org}. */
export function orgQueryResolvers(): IResolverObject {
  return {
    org: async (_root: unknown, args: { slug: string }, context: MercuriusContext) =>
      organizationView(await organizationFor(requestOf(context), args.slug, 'read')),
  };
}

export function orgResolvers(orgs: OrganizationServices): IResolvers {
  return {
    Organization: {
      assignments: async (
        org: OrganizationView,
        args: AssignmentListArgs,
        context: MercuriusContext,
      ) => {
        const ref = await organizationFor(requestOf(context), org.slug, 'read');
        return orgs.assignments.list(ref, {
          scope: given(args.scope),
          protocol: given(args.protocol),
          port: args.port == null ? undefined : bounded(args.port, 'port', 0, MIN_PORT, MAX_PORT),
          service: given(args.service),
          limit: pageSize(args.first),
          cursor: given(args.after),
        });
      },

      assignment: async (org: OrganizationView, args: { id: number }, context: MercuriusContext) =>
        orgs.assignments.get(await organizationFor(requestOf(context), org.slug, 'read'), args.id),

      reservations: async (
        org: OrganizationView,
        args: ReservationListArgs,
        context: MercuriusContext,
      ) => {
        const ref = await organizationFor(requestOf(context), org.slug, 'read');
        return orgs.reservations.list(ref, {
          scope: given(args.scope),
          protocol: given(args.protocol),
          limit: pageSize(args.first),
          cursor: given(args.after),
        });
      },

      reservation: async (org: OrganizationView, args: { id: number }, context: MercuriusContext) =>
        orgs.reservations.get(await organizationFor(requestOf(context), org.slug, 'read'), args.id),

      audit: async (org: OrganizationView, args: PageArgs, context: MercuriusContext) => {
        const ref = await organizationFor(requestOf(context), org.slug, 'admin');
        return listAudit(orgs.prisma, ref.id, pageSize(args.first), given(args.after));
      },

      keys: async (org: OrganizationView, _args: unknown, context: MercuriusContext) => {
        const ref = await organizationFor(requestOf(context), org.slug, 'admin');
        return orgs.keys.list(ref.id);
      },
    },

    Assignment: {
      etag: (assignment: AssignmentView) => assignmentEtag(assignment),
    },

    Mutation: {
      createOrg: async (
        _root: unknown,
        args: { slug: string; name: string },
        context: MercuriusContext,
      ) => {
        const request = requestOf(context);
        const principal = await authenticate(request);
        const body = restBody(CreateOrgBody, args);
        const created = await orgs.organizations.create(principal, actorOf(request), body);
        noStore(context);
        return created;
      },

      createAssignment: async (
        _root: unknown,
        args: OrgArgs & { input: GraphqlInput<AssignmentFields> },
        context: MercuriusContext,
      ) => {
        const request = requestOf(context);
        await authenticate(request);
        const body = restBody(CreateAssignmentBody, args.input);
        const org = await organizationFor(request, args.org, 'write');
        return assignmentResult(await orgs.assignments.create(org, actorOf(request), body));
      },

      updateAssignment: async (
        _root: unknown,
        args: OrgItemArgs & { input: GraphqlInput<AssignmentFields>; ifVersion?: number | null },
        context: MercuriusContext,
      ) => {
        const request = requestOf(context);
        await authenticate(request);
        const body = restBody(UpdateAssignmentBody, args.input);
        const org = await organizationFor(request, args.org, 'write');
        const result = await orgs.assignments.update(
          org,
          actorOf(request),
          args.id,
          body,
          given(args.ifVersion),
        );
        return assignmentResult(result);
      },

      deleteAssignment: async (
        _root: unknown,
        args: OrgItemArgs & { ifVersion?: number | null },
        context: MercuriusContext,
      ) => {
        const request = requestOf(context);
        const org = await organizationFor(request, args.org, 'write');
        await orgs.assignments.delete(org, actorOf(request), args.id, given(args.ifVersion));
        return true;
      },

      allocatePort: async (
        _root: unknown,
        args: OrgArgs & {
          input: GraphqlInput<AllocationFields>;
          idempotencyKey?: string | null;
        },
        context: MercuriusContext,
      ) => {
        const request = requestOf(context);
        await authenticate(request);
        const body = restBody(AllocationBody, args.input);
        const org = await organizationFor(request, args.org, 'write');
        const key = idempotencyKey(args.idempotencyKey);
        const allocation = await orgs.allocations.allocate(org, actorOf(request), body, key);
        return assignmentResult(
          { assignment: allocation.assignment, warnings: allocation.warnings },
          allocation.replayed,
        );
      },

      createReservation: async (
        _root: unknown,
        args: OrgArgs & { input: GraphqlInput<ReservationFields> },
        context: MercuriusContext,
      ) => {
        const request = requestOf(context);
        await authenticate(request);
        const body = restBody(CreateReservationBody, args.input);
        const org = await organizationFor(request, args.org, 'write');
        return orgs.reservations.create(org, actorOf(request), body);
      },

      deleteReservation: async (_root: unknown, args: OrgItemArgs, context: MercuriusContext) => {
        const request = requestOf(context);
        const org = await organizationFor(request, args.org, 'write');
        await orgs.reservations.delete(org, actorOf(request), args.id);
        return true;
      },

      createApiKey: async (
        _root: unknown,
        args: OrgArgs & { input: GraphqlInput<ApiKeyFields> },
        context: MercuriusContext,
      ) => {
        const request = requestOf(context);
        await authenticate(request);
        const body = restBody(CreateKeyBody, args.input);
        const org = await organizationFor(request, args.org, 'admin');
        // KeyScope values are the scopes themselves; the registry checks them again.
        const scopes = args.input.scopes ?? [];
        const created = await orgs.organizations.createKey(org, actorOf(request), {
          ...body,
          scopes,
        });
        noStore(context);
        return created;
      },

      revokeApiKey: async (_root: unknown, args: OrgItemArgs, context: MercuriusContext) => {
        const request = requestOf(context);
        const org = await organizationFor(request, args.org, 'admin');
        return orgs.organizations.revokeKey(org, actorOf(request), args.id);
      },
    },
  };
}
