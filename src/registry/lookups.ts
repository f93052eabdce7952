import type { Protocol } from '../domain/protocols.js';
import { InvalidInputError } from './errors.js';
import type { OrganizationServices } from './organization-services.js';
import type { Principal } from './principal.js';
import type { FreePorts, FreePortsQuery, RegistryReads } from './registry-reads.js';
import type { PortReport, Resolution, ServiceReport } from './reports.js';

/** The organisation part of a lookup: `org` (a slug the caller's key may read) and `scope`. */
export interface OrgSelector {
  org?: string | undefined;
  scope?: string | undefined;
}

/** Authenticates the caller, only when a lookup names an organisation. */
export type Authenticate = () => Promise<Principal>;

/**
 * Lookups that may include an organisation's own entries (SPEC.md section 5): IANA's answer from
 * the in-memory registry, plus the organisation's committed assignments from the database. REST
 * and GraphQL both call these; without `org` they are the plain registry reads.
 */
export class Lookups {
  constructor(
    private readonly reads: RegistryReads,
    private readonly orgs: OrganizationServices,
  ) {}

  async port(
    authenticate: Authenticate,
    query: { port: number; protocol?: Protocol | undefined } & OrgSelector,
  ): Promise<PortReport> {
    const report = this.reads.port(query.port, query.protocol);
    const org = await this.organization(authenticate, query);
    return org ? this.orgs.portReport(org, report, query.protocol, query.scope) : report;
  }

  async service(
    authenticate: Authenticate,
    query: { name: string; protocol?: Protocol | undefined } & OrgSelector,
  ): Promise<ServiceReport> {
    const org = await this.organization(authenticate, query);
    const iana = () => this.reads.service(query.name, query.protocol);
    return org
      ? this.orgs.serviceReport(org, query.name, iana, query.protocol, query.scope)
      : iana();
  }

  async resolve(
    authenticate: Authenticate,
    query: { name: string; protocol?: Protocol | undefined } & OrgSelector,
  ): Promise<Resolution> {
    const protocol = query.protocol ?? 'tcp';
    const org = await this.organization(authenticate, query);
    const iana = () => this.reads.resolve(query.name, protocol);
    return org ? this.orgs.resolve(org, query.name, protocol, query.scope, iana) : iana();
  }

  async freePorts(
    authenticate: Authenticate,
    query: FreePortsQuery & OrgSelector,
  ): Promise<FreePorts> {
    const org = await this.organization(authenticate, query);
    const taken = org
      ? await this.orgs.takenPorts(org, query.protocol, query.from, query.to, query.scope)
      : undefined;
    return this.reads.freePorts({ ...query, taken });
  }

  async exportServices(
    authenticate: Authenticate,
    query: { protocol?: Protocol | undefined } & OrgSelector,
  ): Promise<string> {
    const text = this.reads.exportServices(query.protocol);
    const org = await this.organization(authenticate, query);
    if (!org) return text;
    const lines = [`# Organisation ${org.slug}${query.scope ? `, scope ${query.scope}` : ''}`];
    for (const assignment of await this.orgs.allAssignments(org, query.scope, query.protocol)) {
      if (assignment.portStart !== assignment.portEnd) continue;
      const comment = [assignment.scope, assignment.description].filter(Boolean).join(': ');
      lines.push(
        `${assignment.serviceName.padEnd(15)} ${`${assignment.portStart}/${assignment.protocol}`.padEnd(11)}\t# ${comment.replace(/\s+/g, ' ')}`,
      );
    }
    return `${text}${lines.join('\n')}\n`;
  }

  private async organization(authenticate: Authenticate, selector: OrgSelector) {
    if (selector.org === undefined) {
      if (selector.scope !== undefined) throw InvalidInputError.field('scope', 'needs org');
      return null;
    }
    return this.orgs.readable(await authenticate(), selector.org);
  }
}
