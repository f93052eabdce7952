import { Type, type TSchema } from 'typebox';

/** RFC 9457 problem details, the body of every error answer. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI naming the kind of problem', examples: ['about:blank'] }),
    title: Type.String({ description: 'Short summary of the kind of problem' }),
    status: Type.Integer({ description: 'HTTP status code', examples: [400] }),
    detail: Type.Optional(Type.String({ description: 'What went wrong with this request' })),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    conflict: Type.Optional(
      Type.Unknown({ description: 'On 409: the assignment or reservation that holds the ports' }),
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'The parameter or body field', examples: ['port'] }),
          message: Type.String({ description: 'Why it was refused' }),
        }),
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** A string enum that validates, documents and types as one (`enum` reads better than anyOf). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number]; examples?: T[number][] } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * A whole number as it appears in a URL: ASCII digits only, no sign, exponent, spaces or leading
 * zeros ("80abc", "1e3", "-1", " 80", "080" are refused). The range is checked after parsing, so
 * that "65536" gets the same clear message.
 */
export function DigitsText(title: string, options: { description: string; examples: string[] }) {
  return Type.String({ pattern: '^(0|[1-9][0-9]{0,8})$', maxLength: 9, title, ...options });
}

export const ProtocolSchema = StringEnum(['tcp', 'udp', 'sctp', 'dccp'] as const, {
  description: 'Transport protocol (each has its own 0-65535 port space)',
  examples: ['tcp'],
});

export const StatusSchema = StringEnum(['assigned', 'reserved', 'unassigned'] as const, {
  description: 'IANA status of the port and protocol',
  examples: ['assigned'],
});

export const PortNumber = Type.Integer({
  minimum: 0,
  maximum: 65535,
  description: 'Port number',
  examples: [443],
});

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const PaginationQuery = {
  limit: Type.Optional(
    DigitsText('an integer from 1 to 500', {
      description: 'Items per page, 1-500 (default 50)',
      examples: ['50'],
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'The `nextCursor` of the previous page',
      examples: ['bzo1MA'],
    }),
  ),
};

export const NextCursor = Nullable(
  Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' }),
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: a parameter or body field is invalid (see `errors`)',
  401: 'Missing or invalid API key',
  404: 'Not found',
  409: 'Conflict with the current state (see the body)',
  412: 'The If-Match version is stale',
  422: 'Well-formed but breaks a rule (see `errors`)',
  429: 'Too many requests; see Retry-After',
  503: 'Not ready (registry loading or database unreachable); see Retry-After',
};

/** Problem+json answers for the given status codes, for a route's `response` schema. */
export function problemResponses(...codes: number[]) {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      Type.Ref('Problem', { description: PROBLEM_DESCRIPTIONS[code] ?? 'Error' }),
    ]),
  );
}
