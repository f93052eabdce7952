import {
  assignmentProblems,
  assignmentWarnings,
  type AssignmentWarning,
  type PortBlock,
} from '../domain/assignment-rules.js';
import type { Protocol } from '../domain/protocols.js';
import { serviceNameKey } from '../domain/service-name.js';
import { EXCLUSION_VIOLATION, postgresErrorCode } from '../db/errors.js';
import { rerunIfAborted } from '../db/transactions.js';
import type { Assignment, PrismaClient } from '../generated/prisma/client.js';
import { writeAudit, type Actor, type Tx } from './audit.js';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  type FieldProblem,
} from './errors.js';
import type { OrganizationRef } from './organizations.js';
import { paginateById, type Page } from './pagination.js';
import type { PortNotes } from './port-notes.js';
import type { Registry } from './registry.js';

export const DEFAULT_SCOPE = 'default';

export interface AssignmentView {
  id: number;
  scope: string;
  serviceName: string;
  protocol: Protocol;
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

/** A new assignment as a client sends it: one `port`, or `portStart` and `portEnd`. */
export interface AssignmentInput {
  serviceName?: string | undefined;
  protocol?: string | undefined;
  port?: number | undefined;
  portStart?: number | undefined;
  portEnd?: number | undefined;
  scope?: string | undefined;
  description?: string | undefined;
  owner?: string | undefined;
  tags?: string[] | undefined;
  allowDynamic?: boolean | undefined;
}

export interface AssignmentFilter {
  scope?: string | undefined;
  protocol?: Protocol | undefined;
  port?: number | undefined;
  service?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export function assignmentView(row: Assignment): AssignmentView {
  return {
    id: row.id,
    scope: row.scope,
    serviceName: row.serviceName,
    protocol: row.protocol,
    portStart: row.portStart,
    portEnd: row.portEnd,
    description: row.description,
    owner: row.owner,
    tags: row.tags,
    version: row.version,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Normalised, checked fields of an assignment (422 with every field problem otherwise). */
export interface CheckedAssignment extends PortBlock {
  serviceName: string;
  scope: string;
  description: string | null;
  owner: string | null;
  tags: string[];
}

export class Assignments {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly registry: Registry,
    private readonly notes: PortNotes,
  ) {}

  check(input: AssignmentInput, base?: AssignmentView): CheckedAssignment {
    const problems = [];
    if (
      input.port !== undefined &&
      (input.portStart !== undefined || input.portEnd !== undefined)
    ) {
      problems.push({ field: 'port', message: 'give either port, or portStart and portEnd' });
    }
    const portStart = input.port ?? input.portStart ?? base?.portStart;
    // A new assignment given only portStart is one port; a change of portStart keeps portEnd.
    const portEnd = input.port ?? input.portEnd ?? (base ? base.portEnd : input.portStart);
    const serviceName = input.serviceName ?? base?.serviceName;
    const protocol = input.protocol ?? base?.protocol;
    problems.push(
      ...assignmentProblems({
        serviceName,
        protocol,
        portStart,
        portEnd,
        // The override given when the ports were set holds while they stay the same.
        allowDynamic:
          input.allowDynamic ??
          (base !== undefined && portStart === base.portStart && portEnd === base.portEnd),
      }),
    );
    const scope = (input.scope ?? base?.scope ?? DEFAULT_SCOPE).trim();
    if (scope.length === 0) problems.push({ field: 'scope', message: 'must not be blank' });
    if (problems.length > 0) {
      throw new InvalidInputError(
        'invalid assignment',
        input.port === undefined ? problems : asPortProblems(problems),
        'unprocessable',
      );
    }
    return {
      serviceName: serviceName as string,
      protocol: protocol as Protocol,
      portStart: portStart as number,
      portEnd: portEnd as number,
      scope,
      description: textOrNull(input.description, base?.description),
      owner: textOrNull(input.owner, base?.owner),
      tags: input.tags ?? base?.tags ?? [],
    };
  }

  /** Warnings of SPEC.md section 5 for a block, from the in-memory registry. */
  warnings(serviceName: string, block: PortBlock): AssignmentWarning[] {
    const key = serviceNameKey(serviceName);
    const holders = new Set<string>();
    const index = this.registry.current;
    const assigned = index
      .entriesInWindow(block.portStart, block.portEnd)
      .filter(
        (entry) =>
          entry.status === 'assigned' &&
          entry.serviceName !== null &&
          (entry.protocol === null || entry.protocol === block.protocol),
      );
    // Where IANA assigns the ports to this very service, the other names there (www beside http)
    // are its aliases and duplicates, not other services.
    const own = assigned.filter((entry) => serviceNameKey(entry.serviceName as string) === key);
    for (const entry of assigned) {
      if (serviceNameKey(entry.serviceName as string) === key) continue;
      if (own.some((mine) => mine.portStart === entry.portStart && mine.portEnd === entry.portEnd))
        continue;
      holders.add(entry.serviceName as string);
    }
    const browserBlockedPorts: number[] = [];
    for (
      let port = block.portStart;
      port <= block.portEnd && browserBlockedPorts.length < 5;
      port += 1
    ) {
      if (this.notes.isBrowserBlocked(port)) browserBlockedPorts.push(port);
    }
    return assignmentWarnings(serviceName, block, {
      ianaHolders: [...holders],
      browserBlockedPorts,
    });
  }

  async create(
    org: OrganizationRef,
    actor: Actor,
    input: AssignmentInput,
  ): Promise<{ assignment: AssignmentView; warnings: AssignmentWarning[] }> {
    const checked = this.check(input);
    const warnings = this.warnings(checked.serviceName, checked);
    const assignment = await this.insideConflictGuard(org, checked, (tx) =>
      this.insert(tx, org, actor, checked),
    );
    return { assignment, warnings };
  }

  /** Inserts and audits inside a caller's transaction (allocation uses it too). */
  async insert(
    tx: Tx,
    org: OrganizationRef,
    actor: Actor,
    checked: CheckedAssignment,
  ): Promise<AssignmentView> {
    const row = await tx.assignment.create({
      data: {
        organizationId: org.id,
        scope: checked.scope,
        serviceName: checked.serviceName,
        nameKey: serviceNameKey(checked.serviceName),
        protocol: checked.protocol,
        portStart: checked.portStart,
        portEnd: checked.portEnd,
        description: checked.description,
        owner: checked.owner,
        tags: checked.tags,
        createdBy: actor.principal.label,
      },
    });
    const view = assignmentView(row);
    await writeAudit(tx, actor, {
      organizationId: org.id,
      action: 'assignment.create',
      entityType: 'assignment',
      entityId: row.id,
      after: view,
    });
    return view;
  }

  async get(org: OrganizationRef, id: number): Promise<AssignmentView> {
    const row = await this.prisma.assignment.findFirst({ where: { id, organizationId: org.id } });
    if (!row) throw new NotFoundError(`no assignment ${id}`);
    return assignmentView(row);
  }

  async list(org: OrganizationRef, filter: AssignmentFilter): Promise<Page<AssignmentView>> {
    return paginateById(filter.limit, filter.cursor, async (after, take) => {
      const rows = await this.prisma.assignment.findMany({
        where: {
          organizationId: org.id,
          ...(filter.scope === undefined ? {} : { scope: filter.scope }),
          ...(filter.protocol === undefined ? {} : { protocol: filter.protocol }),
          ...(filter.service === undefined ? {} : { nameKey: serviceNameKey(filter.service) }),
          ...(filter.port === undefined
            ? {}
            : { portStart: { lte: filter.port }, portEnd: { gte: filter.port } }),
          ...(after === null ? {} : { id: { gt: Number(after) } }),
        },
        orderBy: { id: 'asc' },
        take,
      });
      return rows.map(assignmentView);
    });
  }

  /** Assignments of an organisation (one scope, or all) holding `port`, for lookups. */
  async holding(
    organizationId: number,
    port: { portStart: number; portEnd: number; protocol?: Protocol | undefined },
    scope?: string,
  ): Promise<AssignmentView[]> {
    const rows = await this.prisma.assignment.findMany({
      where: {
        organizationId,
        portStart: { lte: port.portEnd },
        portEnd: { gte: port.portStart },
        ...(port.protocol ? { protocol: port.protocol } : {}),
        ...(scope === undefined ? {} : { scope }),
      },
      orderBy: [{ portStart: 'asc' }, { id: 'asc' }],
    });
    return rows.map(assignmentView);
  }

  async named(organizationId: number, name: string, scope?: string): Promise<AssignmentView[]> {
    const rows = await this.prisma.assignment.findMany({
      where: {
        organizationId,
        nameKey: serviceNameKey(name),
        ...(scope === undefined ? {} : { scope }),
      },
      orderBy: [{ scope: 'asc' }, { id: 'asc' }],
    });
    return rows.map(assignmentView);
  }

  async update(
    org: OrganizationRef,
    actor: Actor,
    id: number,
    input: AssignmentInput,
    ifMatch: number | undefined,
  ): Promise<{ assignment: AssignmentView; warnings: AssignmentWarning[] }> {
    let checked: CheckedAssignment | null = null;
    const assignment = await this.insideConflictGuard(
      org,
      () => checked,
      async (tx) => {
        // The row is locked for the transaction: concurrent changes queue instead of racing.
        const current = await this.lockedForChange(tx, org, id, ifMatch);
        checked = this.check(input, current);
        const row = await tx.assignment.update({
          where: { id },
          data: {
            scope: checked.scope,
            serviceName: checked.serviceName,
            nameKey: serviceNameKey(checked.serviceName),
            protocol: checked.protocol,
            portStart: checked.portStart,
            portEnd: checked.portEnd,
            description: checked.description,
            owner: checked.owner,
            tags: checked.tags,
            version: { increment: 1 },
          },
        });
        const view = assignmentView(row);
        await writeAudit(tx, actor, {
          organizationId: org.id,
          action: 'assignment.update',
          entityType: 'assignment',
          entityId: id,
          before: current,
          after: view,
        });
        return view;
      },
      id,
    );
    const final = checked as CheckedAssignment | null;
    return { assignment, warnings: final ? this.warnings(final.serviceName, final) : [] };
  }

  async delete(
    org: OrganizationRef,
    actor: Actor,
    id: number,
    ifMatch: number | undefined,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.lockedForChange(tx, org, id, ifMatch);
      await tx.assignment.delete({ where: { id } });
      await writeAudit(tx, actor, {
        organizationId: org.id,
        action: 'assignment.delete',
        entityType: 'assignment',
        entityId: id,
        before: current,
      });
    });
  }

  /** The assignment, locked until the transaction ends; 404 when absent, 412 when stale. */
  private async lockedForChange(
    tx: Tx,
    org: OrganizationRef,
    id: number,
    ifMatch: number | undefined,
  ): Promise<AssignmentView> {
    const locked = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM assignments WHERE id = ${id} AND organization_id = ${org.id} FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError(`no assignment ${id}`);
    const current = assignmentView(await tx.assignment.findUniqueOrThrow({ where: { id } }));
    if (ifMatch !== undefined && ifMatch !== current.version) {
      throw new PreconditionFailedError(
        `assignment ${id} changed since version ${ifMatch} (it is at ${current.version})`,
      );
    }
    return current;
  }

  /**
   * Runs a write in a transaction; an overlap refused by the database's exclusion constraint
   * (so also when two requests race) becomes a 409 naming the holder.
   */
  private async insideConflictGuard<T>(
    org: OrganizationRef,
    block: CheckedAssignment | (() => CheckedAssignment | null),
    write: (tx: Tx) => Promise<T>,
    updating?: number,
  ): Promise<T> {
    try {
      return await rerunIfAborted(() => this.prisma.$transaction(write));
    } catch (error) {
      const checked = typeof block === 'function' ? block() : block;
      if (postgresErrorCode(error) !== EXCLUSION_VIOLATION || !checked) throw error;
      const holders = (await this.holding(org.id, checked, checked.scope)).filter(
        (holder) => holder.id !== updating,
      );
      const single = checked.portStart === checked.portEnd;
      const ports = single
        ? `port ${checked.portStart}`
        : `ports ${checked.portStart}-${checked.portEnd}`;
      throw new ConflictError(
        `${ports}/${checked.protocol} overlap${single ? 's' : ''} an assignment in scope "${checked.scope}"`,
        holders[0],
      );
    }
  }
}

/** A client that sent one `port` hears about `port`, not about the start and end it stands for. */
function asPortProblems(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems
    .map((problem) =>
      problem.field === 'portStart' || problem.field === 'portEnd'
        ? { field: 'port', message: problem.message }
        : problem,
    )
    .filter((problem) => {
      const key = `${problem.field}:${problem.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * An optional text field (description, owner): left out keeps the current value; blank is no
 * value, so that a PATCH with `""` clears it and nothing stores a blank.
 */
export function textOrNull(
  value: string | undefined,
  current: string | null | undefined,
): string | null {
  if (value === undefined) return current ?? null;
  return value.trim() === '' ? null : value;
}
