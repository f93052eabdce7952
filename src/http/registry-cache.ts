import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnswerCache } from '../registry/answer-cache.js';

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

/** Sends JSON text already serialized by the route's response schema. */
export function sendJson(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}

/** Bounded: a scan of every port must not grow it without limit. */
const SERIALIZED_LIMIT = 4096;

/**
 * Registry answers serialized once per registry version: the route's own response schema
 * serializes (`reply.serialize`), and the text is reused until the next sync. The hot lookups then
 * cost a map read instead of building and serializing a report per request.
 */
export class SerializedAnswers {
  private readonly texts = new AnswerCache<string>(SERIALIZED_LIMIT);

  /** The text under `key` for this registry version, made by `produce` unless kept. */
  text(version: string, key: string, produce: () => string): string {
    return this.texts.get(version, key, produce);
  }

  /** Sends the answer under `key`, serialized by the route's response schema the first time. */
  answer(reply: FastifyReply, version: string, key: string, build: () => unknown): FastifyReply {
    return sendJson(
      reply,
      this.text(version, key, () => String(reply.serialize(build()))),
    );
  }
}
