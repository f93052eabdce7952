/**
 * Query resolvers: each one reads its arguments the way the REST route does and makes the same
 * call, nothing more: Lookups for the reads that take `org` (without it they are the plain
 * registry reads), RegistryReads for the others, the registry for its summary. Nested lists of
 * reports go through the loaders in ./loaders.ts; `org(slug)`, its lists and the mutations are in
 * ./org-resolvers.ts.
 */
import { valueFromASTUntyped, type ValueNode } from './graphql-js.js';
import type { IResolvers, MercuriusContext } from 'mercurius';
import { MAX_PORT, MIN_PORT } from '../domain/protocols.js';
import { authenticate } from '../http/org-access.js';
import type { Lookups } from '../registry/lookups.js';
import type { OrganizationServices } from '../registry/organization-services.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import {
  FREE_PORTS_WINDOW,
  MAX_FREE_PORTS,
  type RegistryReads,
} from '../registry/registry-reads.js';
import type { Registry } from '../registry/registry.js';
import {
  bounded,
  given,
  orgSelector,
  type FreePortsArgs,
  type LookupArgs,
  type PortArgs,
  type PortsArgs,
  type SearchArgs,
  type ServiceArgs,
} from './arguments.js';
import { orgQueryResolvers, orgResolvers } from './org-resolvers.js';
import { FREE_PORTS_DEFAULT_COUNT } from './schema.graphql.js';

/**
 * The JSON scalar: any value, passed through as is (the before and after of audit events).
 * Functions only: Mercurius copies them onto the SDL's scalar, which keeps its description.
 */
const jsonScalar = {
  serialize: (value: unknown) => value,
  parseValue: (value: unknown) => value,
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) =>
    valueFromASTUntyped(ast, variables),
};

export interface ResolverDependencies {
  reads: RegistryReads;
  lookups: Lookups;
  registry: Registry;
  orgs: OrganizationServices;
}

/** The caller's key (Authorization: Bearer), checked only when a lookup names an organisation. */
function callerOf(context: MercuriusContext) {
  return () => authenticate(context.reply.request);
}

export function resolvers({ reads, lookups, registry, orgs }: ResolverDependencies): IResolvers {
  return {
    ...orgResolvers(orgs),
    JSON: jsonScalar,
    Query: {
      port: (_root: unknown, args: PortArgs, context: MercuriusContext) =>
        lookups.port(callerOf(context), {
          port: args.number,
          protocol: given(args.protocol),
          ...orgSelector(args),
        }),

      ports: (_root: unknown, args: PortsArgs) =>
        reads.ports({
          from: bounded(args.from, 'from', MIN_PORT, MIN_PORT, MAX_PORT),
          to: bounded(args.to, 'to', MAX_PORT, MIN_PORT, MAX_PORT),
          protocol: given(args.protocol),
          status: given(args.status),
          limit: bounded(args.first, 'first', DEFAULT_LIMIT, 1, MAX_LIMIT),
          cursor: given(args.after),
        }),

      service: (_root: unknown, args: ServiceArgs, context: MercuriusContext) =>
        lookups.service(callerOf(context), {
          name: args.name,
          protocol: given(args.protocol),
          ...orgSelector(args),
        }),

      resolve: (_root: unknown, args: ServiceArgs, context: MercuriusContext) =>
        lookups.resolve(callerOf(context), {
          name: args.name,
          protocol: given(args.protocol),
          ...orgSelector(args),
        }),

      services: (_root: unknown, args: SearchArgs) =>
        reads.search({
          query: args.query,
          protocol: given(args.protocol),
          limit: bounded(args.first, 'first', DEFAULT_LIMIT, 1, MAX_LIMIT),
          cursor: given(args.after),
        }),

      classify: (_root: unknown, args: { port: number }) => reads.port(args.port).classification,

      ranges: () => reads.ranges(),

      freePorts: (_root: unknown, args: FreePortsArgs, context: MercuriusContext) =>
        lookups.freePorts(callerOf(context), {
          from: bounded(args.from, 'from', FREE_PORTS_WINDOW.from, MIN_PORT, MAX_PORT),
          to: bounded(args.to, 'to', FREE_PORTS_WINDOW.to, MIN_PORT, MAX_PORT),
          protocol: given(args.protocol) ?? 'tcp',
          count: bounded(args.count, 'count', FREE_PORTS_DEFAULT_COUNT, 1, MAX_FREE_PORTS),
          ...orgSelector(args),
        }),

      registry: () => registry.summary(),

      lookup: (_root: unknown, args: LookupArgs) =>
        reads.lookup({ ports: given(args.ports), services: given(args.services) }),

      ...orgQueryResolvers(),
    },
  };
}
