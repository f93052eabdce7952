import type { PrismaClient } from '../generated/prisma/client.js';
import { generateKey, keyView, type KeyView } from './api-keys.js';
import { writeAudit, type Actor } from './audit.js';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db/errors.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.js';
import { canSee, hasScope, SCOPES, type Principal, type Scope } from './principal.js';

/** RFC 1123 label: what a slug must be to sit in DNS names and URLs unchanged. */
const SLUG_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface OrganizationView {
  slug: string;
  name: string;
  createdAt: string;
}

export interface OrganizationRef {
  id: number;
  slug: string;
  name: string;
  createdAt: Date;
}

export interface CreatedKey {
  key: string;
  apiKey: KeyView;
}

export function organizationView(org: OrganizationRef): OrganizationView {
  return { slug: org.slug, name: org.name, createdAt: org.createdAt.toISOString() };
}

export class Organizations {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The organisation `slug` as `principal` may use it with `scope`. An organisation the principal
   * cannot see is "not found", not "forbidden", so that names do not leak (SPEC.md section 7).
   */
  async access(principal: Principal, slug: string, scope: Scope): Promise<OrganizationRef> {
    const org = SLUG_PATTERN.test(slug)
      ? await this.prisma.organization.findUnique({ where: { slug } })
      : null;
    if (!org || !canSee(principal, org.id)) throw new NotFoundError(`no organisation "${slug}"`);
    if (!hasScope(principal, scope)) {
      throw new ForbiddenError(`this key lacks the ${scope} scope for "${slug}"`);
    }
    return org;
  }

  /** Operator only: a new organisation and its first admin key, shown once. */
  async create(
    principal: Principal,
    actor: Actor,
    input: { slug: string; name: string },
  ): Promise<{ organization: OrganizationView } & CreatedKey> {
    if (principal.kind !== 'operator') {
      throw new ForbiddenError('only the operator key may create organisations');
    }
    const problems = [];
    if (!SLUG_PATTERN.test(input.slug)) {
      problems.push({
        field: 'slug',
        message: 'must be an RFC 1123 label: 1-63 lower-case letters, digits or inner hyphens',
      });
    }
    if (input.name.trim().length === 0)
      problems.push({ field: 'name', message: 'must not be blank' });
    if (problems.length > 0)
      throw new InvalidInputError('invalid organisation', problems, 'unprocessable');
    const secret = generateKey();
    try {
      return await this.prisma.$transaction(async (tx) => {
        const org = await tx.organization.create({
          data: { slug: input.slug, name: input.name.trim() },
        });
        const key = await tx.apiKey.create({
          data: {
            organizationId: org.id,
            name: 'first admin key',
            prefix: secret.prefix,
            hash: secret.hash,
            scopes: ['admin'],
          },
        });
        const organization = organizationView(org);
        await writeAudit(tx, actor, {
          organizationId: org.id,
          action: 'organization.create',
          entityType: 'organization',
          entityId: org.slug,
          after: organization,
        });
        return { organization, key: secret.key, apiKey: keyView(key) };
      });
    } catch (error) {
      if (postgresErrorCode(error) === UNIQUE_VIOLATION) {
        throw new ConflictError(`an organisation "${input.slug}" exists already`);
      }
      throw error;
    }
  }

  async createKey(
    org: OrganizationRef,
    actor: Actor,
    input: { name?: string | undefined; scopes: Scope[]; expiresAt?: string | undefined },
  ): Promise<CreatedKey> {
    const problems = [];
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0 || scopes.some((scope) => !SCOPES.includes(scope))) {
      problems.push({ field: 'scopes', message: 'must list one or more of read, write, admin' });
    }
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt <= new Date())) {
      problems.push({ field: 'expiresAt', message: 'must be a date-time in the future' });
    }
    if (problems.length > 0) throw new InvalidInputError('invalid key', problems, 'unprocessable');
    const secret = generateKey();
    return this.prisma.$transaction(async (tx) => {
      const key = await tx.apiKey.create({
        data: {
          organizationId: org.id,
          name: input.name ?? null,
          prefix: secret.prefix,
          hash: secret.hash,
          scopes,
          expiresAt,
        },
      });
      const view = keyView(key);
      await writeAudit(tx, actor, {
        organizationId: org.id,
        action: 'key.create',
        entityType: 'api-key',
        entityId: key.id,
        after: view,
      });
      return { key: secret.key, apiKey: view };
    });
  }

  async revokeKey(org: OrganizationRef, actor: Actor, id: number): Promise<KeyView> {
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.apiKey.findFirst({ where: { id, organizationId: org.id } });
      if (!existing) throw new NotFoundError(`no key ${id}`);
      if (existing.revokedAt) return keyView(existing);
      const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
      await writeAudit(tx, actor, {
        organizationId: org.id,
        action: 'key.revoke',
        entityType: 'api-key',
        entityId: id,
        before: keyView(existing),
        after: keyView(revoked),
      });
      return keyView(revoked);
    });
  }
}
