import type { Protocol } from '../domain/protocols.js';
import { assignmentProblems } from '../domain/assignment-rules.js';
import { EXCLUSION_VIOLATION, isRecordMissing, postgresErrorCode } from '../db/errors.js';
import { rerunIfAborted } from '../db/transactions.js';
import type { PrismaClient, Reservation } from '../generated/prisma/client.js';
import { DEFAULT_SCOPE, textOrNull } from './assignments.js';
import { writeAudit, type Actor } from './audit.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';
import type { OrganizationRef } from './organizations.js';
import { paginateById, type Page } from './pagination.js';

export interface ReservationView {
  id: number;
  scope: string;
  protocol: Protocol;
  portStart: number;
  portEnd: number;
  purpose: string;
  owner: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface ReservationInput {
  protocol?: string | undefined;
  portStart?: number | undefined;
  portEnd?: number | undefined;
  scope?: string | undefined;
  purpose?: string | undefined;
  owner?: string | undefined;
  allowDynamic?: boolean | undefined;
}

export function reservationView(row: Reservation): ReservationView {
  return {
    id: row.id,
    scope: row.scope,
    protocol: row.protocol,
    portStart: row.portStart,
    portEnd: row.portEnd,
    purpose: row.purpose,
    owner: row.owner,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Blocks of ports an organisation sets aside in one scope and protocol for a team or purpose. */
export class Reservations {
  constructor(private readonly prisma: PrismaClient) {}

  async create(
    org: OrganizationRef,
    actor: Actor,
    input: ReservationInput,
  ): Promise<ReservationView> {
    // A block follows the port rules of an assignment (a placeholder name satisfies the name rule).
    const problems = assignmentProblems({ ...input, serviceName: 'reservation' });
    const purpose = input.purpose?.trim() ?? '';
    if (purpose.length === 0) problems.push({ field: 'purpose', message: 'must not be blank' });
    const scope = (input.scope ?? DEFAULT_SCOPE).trim();
    if (scope.length === 0) problems.push({ field: 'scope', message: 'must not be blank' });
    if (problems.length > 0)
      throw new InvalidInputError('invalid reservation', problems, 'unprocessable');
    try {
      return await rerunIfAborted(() =>
        this.prisma.$transaction(async (tx) => {
          const row = await tx.reservation.create({
            data: {
              organizationId: org.id,
              scope,
              protocol: input.protocol as Protocol,
              portStart: input.portStart as number,
              portEnd: input.portEnd as number,
              purpose,
              owner: textOrNull(input.owner, null),
              createdBy: actor.principal.label,
            },
          });
          const view = reservationView(row);
          await writeAudit(tx, actor, {
            organizationId: org.id,
            action: 'reservation.create',
            entityType: 'reservation',
            entityId: row.id,
            after: view,
          });
          return view;
        }),
      );
    } catch (error) {
      if (postgresErrorCode(error) !== EXCLUSION_VIOLATION) throw error;
      const holder = await this.prisma.reservation.findFirst({
        where: {
          organizationId: org.id,
          scope,
          protocol: input.protocol as Protocol,
          portStart: { lte: input.portEnd as number },
          portEnd: { gte: input.portStart as number },
        },
      });
      throw new ConflictError(
        `ports ${input.portStart}-${input.portEnd}/${input.protocol} overlap a reservation in scope "${scope}"`,
        holder ? reservationView(holder) : undefined,
      );
    }
  }

  async get(org: OrganizationRef, id: number): Promise<ReservationView> {
    const row = await this.prisma.reservation.findFirst({ where: { id, organizationId: org.id } });
    if (!row) throw new NotFoundError(`no reservation ${id}`);
    return reservationView(row);
  }

  async list(
    org: OrganizationRef,
    filter: {
      scope?: string | undefined;
      protocol?: Protocol | undefined;
      limit: number;
      cursor?: string | undefined;
    },
  ): Promise<Page<ReservationView>> {
    return paginateById(filter.limit, filter.cursor, async (after, take) => {
      const rows = await this.prisma.reservation.findMany({
        where: {
          organizationId: org.id,
          ...(filter.scope === undefined ? {} : { scope: filter.scope }),
          ...(filter.protocol === undefined ? {} : { protocol: filter.protocol }),
          ...(after === null ? {} : { id: { gt: Number(after) } }),
        },
        orderBy: { id: 'asc' },
        take,
      });
      return rows.map(reservationView);
    });
  }

  async delete(org: OrganizationRef, actor: Actor, id: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      // One statement: of two deletes at once, the second waits on the row, then finds none.
      const row = await tx.reservation
        .delete({ where: { id, organizationId: org.id } })
        .catch((error: unknown) => {
          throw isRecordMissing(error) ? new NotFoundError(`no reservation ${id}`) : error;
        });
      await writeAudit(tx, actor, {
        organizationId: org.id,
        action: 'reservation.delete',
        entityType: 'reservation',
        entityId: id,
        before: reservationView(row),
      });
    });
  }
}
