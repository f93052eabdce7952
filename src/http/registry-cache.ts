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

/** Sends JSON text already serialized by the route's response schema. */
export function sendJson(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}

/** The key of one port's report (for one protocol, or all) in `portReports`. */
export function portReportKey(port: number, protocol: string | undefined): string {
  return `${port}/${protocol ?? ''}`;
}

/** Bounded: a scan of every port must not grow it without limit. */
const SERIALIZED_LIMIT = 4096;

/**
 * Registry answers serialized once per registry version: the route's own response schema
 * serializes (`reply.serialize`), and the text is reused until the next sync. The hot lookups then
 * cost a map read instead of building and serializing a report per request.
 */
export class SerializedAnswers {
  private version: string | null = null;
  private readonly texts = new Map<string, string>();

  /** The text under `key` for this registry version, made by `produce` the first time. */
  text(version: string, key: string, produce: () => string): string {
    if (version !== this.version) {
      this.version = version;
      this.texts.clear();
    }
    let text = this.texts.get(key);
    if (text === undefined) {
      text = produce();
      if (this.texts.size >= SERIALIZED_LIMIT) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }

  /** Sends the answer under `key`, serialized by the route's response schema the first time. */
  answer(reply: FastifyReply, version: string, key: string, build: () => unknown): FastifyReply {
    return sendJson(
      reply,
      this.text(version, key, () => String(reply.serialize(build()))),
    );
  }
}
