import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { paginateById, type Page } from './pagination.js';
import type { Principal } from './principal.js';

/** Who did a write, and the request it came with. */
export interface Actor {
  principal: Principal;
  requestId: string | null;
}

export interface AuditView {
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

export type Tx = Prisma.TransactionClient;

/** Records one write inside the transaction that makes it: both land, or neither. */
export async function writeAudit(
  tx: Tx,
  actor: Actor,
  event: {
    organizationId: number;
    action: string;
    entityType: string;
    entityId: string | number | null;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      organizationId: event.organizationId,
      actorKeyId: actor.principal.kind === 'key' ? actor.principal.keyId : null,
      actor: actor.principal.label,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId === null ? null : String(event.entityId),
      before: toJson(event.before),
      after: toJson(event.after),
      requestId: actor.requestId,
    },
  });
}

/** Audit events of an organisation, newest first. */
export async function listAudit(
  prisma: PrismaClient,
  organizationId: number,
  limit: number,
  cursor: string | undefined,
): Promise<Page<AuditView>> {
  return paginateById(limit, cursor, async (after, take) => {
    const events = await prisma.auditEvent.findMany({
      where: { organizationId, ...(after === null ? {} : { id: { lt: BigInt(after) } }) },
      orderBy: { id: 'desc' },
      take,
    });
    return events.map((event) => ({
      id: event.id.toString(),
      actor: event.actor,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      before: event.before,
      after: event.after,
      requestId: event.requestId,
      at: event.at.toISOString(),
    }));
  });
}

function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull | undefined {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
