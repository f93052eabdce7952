import { createHash } from 'node:crypto';
import { DYNAMIC_START, type AssignmentWarning } from '../domain/assignment-rules.js';
import { EXCLUSION_VIOLATION, isAbortedForAnother, postgresErrorCode } from '../db/errors.js';
import { isPort, isProtocol, type Protocol } from '../domain/protocols.js';
import { serviceNameMessage, serviceNameProblem } from '../domain/service-name.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { DEFAULT_SCOPE, type Assignments, type AssignmentView } from './assignments.js';
import type { Actor, Tx } from './audit.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';
import type { OrganizationRef } from './organizations.js';
import type { Registry } from './registry.js';

/** Default window: user ports below the Linux, Windows and macOS ephemeral ranges. */
export const ALLOCATION_WINDOW = { from: 1024, to: 32767 } as const;
const MAX_ATTEMPTS = 5;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export interface AllocationInput {
  serviceName?: string | undefined;
  protocol?: string | undefined;
  scope?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  reservationId?: number | undefined;
  description?: string | undefined;
  owner?: string | undefined;
  allowDynamic?: boolean | undefined;
}

/** An Idempotency-Key and the name the caller sent it under (a header, or a GraphQL argument). */
export interface IdempotencyKey {
  key: string;
  field: string;
}

export interface Allocation {
  assignment: AssignmentView;
  warnings: AssignmentWarning[];
  /** True when an Idempotency-Key repeated an earlier request and its answer is returned. */
  replayed: boolean;
}

interface Window {
  scope: string;
  protocol: Protocol;
  from: number;
  to: number;
  reservationId: number | null;
}

/**
 * Picks the lowest free port of a window and assigns it (SPEC.md section 5). Allocations of one
 * organisation, scope and protocol are serialised by a transaction-scoped advisory lock; the
 * exclusion constraint stays the last word, so two processes can never hand out one port twice.
 */
export class Allocations {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly registry: Registry,
    private readonly assignments: Assignments,
  ) {}

  async allocate(
    org: OrganizationRef,
    actor: Actor,
    input: AllocationInput,
    idempotencyKey?: IdempotencyKey,
  ): Promise<Allocation> {
    const serviceName = checkName(input.serviceName);
    if (idempotencyKey !== undefined) checkIdempotencyKey(idempotencyKey);
    // A direct POST does not wait for the advisory lock: it can take the chosen port between the
    // scan and the insert. The exclusion constraint then refuses the insert, or the two inserts
    // deadlock and PostgreSQL aborts one (db/errors.ts isAbortedForAnother); scan again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.allocateOnce(org, actor, input, serviceName, idempotencyKey);
      } catch (error) {
        if (postgresErrorCode(error) !== EXCLUSION_VIOLATION && !isAbortedForAnother(error))
          throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new ConflictError('the window kept changing under concurrent writes; retry');
        }
      }
    }
  }

  private async allocateOnce(
    org: OrganizationRef,
    actor: Actor,
    input: AllocationInput,
    serviceName: string,
    idempotencyKey: IdempotencyKey | undefined,
  ): Promise<Allocation> {
    return this.prisma.$transaction(async (tx) => {
      if (idempotencyKey !== undefined) {
        const earlier = await claimIdempotencyKey(tx, org.id, idempotencyKey, requestHash(input));
        if (earlier) return { ...earlier, replayed: true };
      }
      const window = await resolveWindow(tx, org, input);
      await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`alloc|${org.id}|${window.scope}|${window.protocol}`}))`;
      const port = await this.lowestFreePort(tx, org, window);
      if (port === null) {
        throw new ConflictError(
          `no free ${window.protocol} port in ${window.from}-${window.to} (scope "${window.scope}")`,
        );
      }
      const block = { protocol: window.protocol, portStart: port, portEnd: port };
      const checked = this.assignments.check({
        serviceName,
        protocol: window.protocol,
        port,
        scope: window.scope,
        description: input.description,
        owner: input.owner,
        allowDynamic: true,
      });
      const assignment = await this.assignments.insert(tx, org, actor, checked);
      const result = { assignment, warnings: this.assignments.warnings(serviceName, block) };
      if (idempotencyKey !== undefined) {
        await tx.idempotencyRecord.update({
          where: { organizationId_key: { organizationId: org.id, key: idempotencyKey.key } },
          data: { response: JSON.parse(JSON.stringify(result)) },
        });
      }
      return { ...result, replayed: false };
    });
  }

  private async lowestFreePort(
    tx: Tx,
    org: OrganizationRef,
    window: Window,
  ): Promise<number | null> {
    const overlapping = { portStart: { lte: window.to }, portEnd: { gte: window.from } };
    const [held, reserved] = await Promise.all([
      tx.assignment.findMany({
        where: {
          organizationId: org.id,
          scope: window.scope,
          protocol: window.protocol,
          ...overlapping,
        },
        select: { portStart: true, portEnd: true },
      }),
      tx.reservation.findMany({
        where: {
          organizationId: org.id,
          scope: window.scope,
          protocol: window.protocol,
          ...overlapping,
          ...(window.reservationId === null ? {} : { id: { not: window.reservationId } }),
        },
        select: { portStart: true, portEnd: true },
      }),
    ]);
    const taken = [...held, ...reserved];
    const index = this.registry.current;
    for (let port = window.from; port <= window.to; port += 1) {
      if (index.statusOf(port, window.protocol) !== 'unassigned') continue;
      const holder = taken.find((block) => block.portStart <= port && port <= block.portEnd);
      if (holder) {
        port = holder.portEnd;
        continue;
      }
      return port;
    }
    return null;
  }
}

/** An Idempotency-Key is 1-200 visible ASCII characters. */
function checkIdempotencyKey({ key, field }: IdempotencyKey): void {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw InvalidInputError.field(field, 'must be 1-200 visible ASCII characters');
  }
}

function checkName(name: string | undefined): string {
  const problem = name === undefined ? 'empty' : serviceNameProblem(name);
  if (problem) {
    throw new InvalidInputError(
      'invalid allocation',
      [
        {
          field: 'serviceName',
          message: name === undefined ? 'is required' : serviceNameMessage(problem),
        },
      ],
      'unprocessable',
    );
  }
  return name as string;
}

async function resolveWindow(
  tx: Tx,
  org: OrganizationRef,
  input: AllocationInput,
): Promise<Window> {
  if (input.reservationId !== undefined) {
    const reservation = await tx.reservation.findFirst({
      where: { id: input.reservationId, organizationId: org.id },
    });
    if (!reservation) throw new NotFoundError(`no reservation ${input.reservationId}`);
    const problems = [];
    if (input.protocol !== undefined && input.protocol !== reservation.protocol) {
      problems.push({
        field: 'protocol',
        message: `must be ${reservation.protocol}, the reservation's protocol`,
      });
    }
    if (input.scope !== undefined && input.scope !== reservation.scope) {
      problems.push({
        field: 'scope',
        message: `must be "${reservation.scope}", the reservation's scope`,
      });
    }
    if (input.from !== undefined || input.to !== undefined) {
      problems.push({
        field: 'from',
        message: 'a reservation sets the window; leave from and to out',
      });
    }
    if (problems.length > 0)
      throw new InvalidInputError('invalid allocation', problems, 'unprocessable');
    return {
      scope: reservation.scope,
      protocol: reservation.protocol,
      from: reservation.portStart,
      to: reservation.portEnd,
      reservationId: reservation.id,
    };
  }
  const problems = [];
  if (input.protocol === undefined || !isProtocol(input.protocol)) {
    problems.push({ field: 'protocol', message: 'must be one of tcp, udp, sctp, dccp' });
  }
  const from = input.from ?? ALLOCATION_WINDOW.from;
  const to = input.to ?? ALLOCATION_WINDOW.to;
  if (!isPort(from))
    problems.push({ field: 'from', message: 'must be an integer from 0 to 65535' });
  if (!isPort(to)) problems.push({ field: 'to', message: 'must be an integer from 0 to 65535' });
  if (isPort(from) && isPort(to) && from > to)
    problems.push({ field: 'from', message: 'must not be greater than to' });
  else if (isPort(to) && to >= DYNAMIC_START && !input.allowDynamic) {
    problems.push({
      field: 'to',
      message: `reaches into the dynamic range ${DYNAMIC_START}-65535 (RFC 6335 section 8.1.2); set allowDynamic to override`,
    });
  }
  const scope = (input.scope ?? DEFAULT_SCOPE).trim();
  if (scope.length === 0) problems.push({ field: 'scope', message: 'must not be blank' });
  if (problems.length > 0)
    throw new InvalidInputError('invalid allocation', problems, 'unprocessable');
  return { scope, protocol: input.protocol as Protocol, from, to, reservationId: null };
}

/** The fields of an allocation, in a fixed order, that a repeat under one key must match. */
const REQUEST_FIELDS = [
  'serviceName',
  'protocol',
  'scope',
  'from',
  'to',
  'reservationId',
  'description',
  'owner',
  'allowDynamic',
] as const satisfies readonly (keyof AllocationInput)[];

/** A fingerprint of the request: a field left out and a field sent as null count the same. */
function requestHash(input: AllocationInput): string {
  const values = REQUEST_FIELDS.map((field) => input[field] ?? null);
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

/**
 * Claims an Idempotency-Key inside the transaction. A concurrent request with the same key waits
 * on the unique index until the first commits, then finds its answer here. A key that was first
 * used with a different request is refused (422), as the IETF Idempotency-Key draft asks: the
 * caller has reused a key by mistake, and replaying the other answer would hide it.
 */
async function claimIdempotencyKey(
  tx: Tx,
  organizationId: number,
  { key, field }: IdempotencyKey,
  hash: string,
): Promise<Omit<Allocation, 'replayed'> | null> {
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_records (organization_id, key, request_hash, response)
    VALUES (${organizationId}, ${key}, ${hash}, '{}'::jsonb)
    ON CONFLICT (organization_id, key) DO NOTHING`;
  if (inserted === 1) return null;
  const record = await tx.idempotencyRecord.findUniqueOrThrow({
    where: { organizationId_key: { organizationId, key } },
  });
  if (record.requestHash !== null && record.requestHash !== hash) {
    throw new InvalidInputError(
      'Idempotency-Key reused',
      [
        {
          field,
          message: 'was already used with a different request; send a new key for a new request',
        },
      ],
      'unprocessable',
    );
  }
  return record.response as unknown as Omit<Allocation, 'replayed'>;
}
