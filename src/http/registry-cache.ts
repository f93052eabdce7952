import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Registry answers change only on sync: they carry the registry's content version as ETag
 * (the same in every process on the same data) and may be cached briefly. Returns true when the
 * client's copy is current and a 304 was sent.
 */
export function notModified(
  request: FastifyRequest,
  reply: FastifyReply,
  version: string,
  variant = '',
): boolean {
  const etag = `"${version}${variant ? `-${variant}` : ''}"`;
  reply.header('etag', etag).header('cache-control', 'public, max-age=60');
  const header = request.headers['if-none-match'];
  if (!header) return false;
  const matches =
    header.trim() === '*' ||
    header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
  if (matches) reply.code(304).send();
  return matches;
}

/** Answers that include an organisation's data are private and always fresh. */
export function isPrivateLookup(
  reply: FastifyReply,
  query: { org?: string | undefined; scope?: string | undefined },
): boolean {
  const org = query.org !== undefined || query.scope !== undefined;
  if (org) reply.header('cache-control', 'private, no-store');
  return org;
}
