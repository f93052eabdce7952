import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';
import { NotFoundError, UnauthenticatedError } from './errors.js';
import type { Principal, Scope } from './principal.js';

/** Keys look like `prk_<8 hex>_<secret>`; the prefix identifies a key, only a hash is stored. */
const KEY_PATTERN = /^prk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
/** Recording every use would turn each read into a write; once a minute is enough to audit. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface NewKey {
  /** The whole key, shown once. */
  key: string;
  prefix: string;
  hash: string;
}

export interface KeyView {
  id: number;
  name: string | null;
  prefix: string;
  scopes: Scope[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export function generateKey(): NewKey {
  const prefix = randomBytes(4).toString('hex');
  const key = `prk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashKey(key) };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export class ApiKeys {
  private readonly operatorHash: string | null;

  constructor(
    private readonly prisma: PrismaClient,
    operatorKey: string | undefined,
  ) {
    this.operatorHash = operatorKey ? hashKey(operatorKey) : null;
  }

  /** The principal behind a bearer token; UnauthenticatedError for anything not valid now. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token)
      throw new UnauthenticatedError('an API key is required (Authorization: Bearer <key>)');
    const hash = hashKey(token);
    if (this.operatorHash && sameDigest(hash, this.operatorHash)) {
      return { kind: 'operator', label: 'operator' };
    }
    const match = KEY_PATTERN.exec(token);
    const stored = match
      ? await this.prisma.apiKey.findUnique({ where: { prefix: match[1] as string } })
      : null;
    // Compare even when nothing was found, so timing does not tell which prefixes exist.
    const valid = sameDigest(hash, stored?.hash ?? hashKey('no such key'));
    if (!stored || !valid || stored.organizationId === null) {
      throw new UnauthenticatedError('the API key is not valid');
    }
    const now = new Date();
    if (stored.revokedAt) throw new UnauthenticatedError('the API key has been revoked');
    if (stored.expiresAt && stored.expiresAt <= now) {
      throw new UnauthenticatedError('the API key has expired');
    }
    if (
      !stored.lastUsedAt ||
      now.getTime() - stored.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS
    ) {
      await this.prisma.apiKey.update({ where: { id: stored.id }, data: { lastUsedAt: now } });
    }
    return {
      kind: 'key',
      keyId: stored.id,
      organizationId: stored.organizationId,
      scopes: stored.scopes,
      label: `key ${stored.prefix}`,
    };
  }

  async list(organizationId: number): Promise<KeyView[]> {
    const keys = await this.prisma.apiKey.findMany({
      where: { organizationId },
      orderBy: { id: 'asc' },
    });
    return keys.map(keyView);
  }

  async get(organizationId: number, id: number): Promise<KeyView> {
    const key = await this.prisma.apiKey.findFirst({ where: { id, organizationId } });
    if (!key) throw new NotFoundError(`no key ${id}`);
    return keyView(key);
  }
}

export function keyView(key: {
  id: number;
  name: string | null;
  prefix: string;
  scopes: Scope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}): KeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}
