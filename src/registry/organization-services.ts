import type { PrismaClient } from '../generated/prisma/client.js';
import { Allocations } from './allocations.js';
import { ApiKeys } from './api-keys.js';
import { Assignments, assignmentView, type AssignmentView } from './assignments.js';
import type { Protocol } from '../domain/protocols.js';
import { Organizations, type OrganizationRef } from './organizations.js';
import type { PortNotes } from './port-notes.js';
import type { Principal } from './principal.js';
import type { Registry } from './registry.js';
import { Reservations } from './reservations.js';
import type { PortReport, Resolution, ServiceReport } from './reports.js';
import { NotFoundError } from './errors.js';

/** Everything about organisations, built once per process and shared by REST and GraphQL. */
export class OrganizationServices {
  readonly keys: ApiKeys;
  readonly organizations: Organizations;
  readonly assignments: Assignments;
  readonly reservations: Reservations;
  readonly allocations: Allocations;

  constructor(
    readonly prisma: PrismaClient,
    private readonly registry: Registry,
    notes: PortNotes,
    operatorKey: string | undefined,
  ) {
    this.keys = new ApiKeys(prisma, operatorKey);
    this.organizations = new Organizations(prisma);
    this.assignments = new Assignments(prisma, registry, notes);
    this.reservations = new Reservations(prisma);
    this.allocations = new Allocations(prisma, registry, this.assignments);
  }

  /** The organisation a lookup's `org` names, readable by `principal` (404 otherwise). */
  async readable(principal: Principal, slug: string): Promise<OrganizationRef> {
    return this.organizations.access(principal, slug, 'read');
  }

  /** A PortReport with the organisation's assignments on the port (one scope, or all). */
  async portReport(
    org: OrganizationRef,
    report: PortReport,
    protocol?: Protocol,
    scope?: string,
  ): Promise<PortReport> {
    const organization = await this.assignments.holding(
      org.id,
      { portStart: report.port, portEnd: report.port, protocol },
      scope,
    );
    return { ...report, organization };
  }

  /** A ServiceReport with the organisation's entries of that name; 404 only when neither has it. */
  async serviceReport(
    org: OrganizationRef,
    name: string,
    iana: () => ServiceReport,
    protocol?: Protocol,
    scope?: string,
  ): Promise<ServiceReport> {
    const organization = (await this.assignments.named(org.id, name, scope)).filter(
      (assignment) => !protocol || assignment.protocol === protocol,
    );
    try {
      return { ...iana(), organization };
    } catch (error) {
      if (!(error instanceof NotFoundError) || organization.length === 0) throw error;
      return {
        name: (organization[0] as AssignmentView).serviceName,
        aliases: [],
        ports: [],
        iana: [],
        organization,
      };
    }
  }

  /** The organisation's own entry first (in `scope`, else any scope), then IANA's primary. */
  async resolve(
    org: OrganizationRef,
    name: string,
    protocol: Protocol,
    scope: string | undefined,
    iana: () => Resolution,
  ): Promise<Resolution> {
    const candidates = (await this.assignments.named(org.id, name, scope)).filter(
      (assignment) => assignment.protocol === protocol,
    );
    const own =
      candidates.find((assignment) => assignment.scope === (scope ?? 'default')) ?? candidates[0];
    if (own)
      return { name: own.serviceName, protocol, port: own.portStart, source: 'organization' };
    return iana();
  }

  /** Ports of [from, to] held by the organisation's assignments or reservations in a scope. */
  async takenPorts(
    org: OrganizationRef,
    protocol: Protocol,
    from: number,
    to: number,
    scope?: string,
  ): Promise<(port: number) => boolean> {
    const where = {
      organizationId: org.id,
      protocol,
      portStart: { lte: to },
      portEnd: { gte: from },
      ...(scope === undefined ? {} : { scope }),
    };
    const blocks = [
      ...(await this.prisma.assignment.findMany({
        where,
        select: { portStart: true, portEnd: true },
      })),
      ...(await this.prisma.reservation.findMany({
        where,
        select: { portStart: true, portEnd: true },
      })),
    ];
    return (port) => blocks.some((block) => block.portStart <= port && port <= block.portEnd);
  }

  /** Every assignment of the organisation (for the /etc/services export). */
  async allAssignments(
    org: OrganizationRef,
    scope?: string,
    protocol?: Protocol,
  ): Promise<AssignmentView[]> {
    const rows = await this.prisma.assignment.findMany({
      where: {
        organizationId: org.id,
        ...(scope === undefined ? {} : { scope }),
        ...(protocol === undefined ? {} : { protocol }),
      },
      orderBy: [{ portStart: 'asc' }, { id: 'asc' }],
    });
    return rows.map(assignmentView);
  }
}
