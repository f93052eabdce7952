import { Type } from 'typebox';
import {
  NextCursor,
  PaginationQuery,
  PortNumber,
  ProtocolSchema,
  Nullable,
  StatusSchema,
  StringEnum,
} from './common.js';

/** Service names as they may appear in a URL: registry names include legacy ones like `whois++`. */
export const ServiceNameText = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[\\x21-\\x7e]+$',
  title: 'a service name of 1-64 visible ASCII characters',
  description: 'Service name or alias, any case (RFC 6335 names; legacy registry names too)',
  examples: ['postgresql'],
});

export const ServiceParams = Type.Object(
  { name: ServiceNameText },
  { additionalProperties: false },
);

export const ServiceQuery = Type.Object(
  {
    protocol: Type.Optional(ProtocolSchema),
    org: Type.Optional(
      Type.String({ maxLength: 63, description: 'Organisation slug (needs a key)' }),
    ),
    scope: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const ServicePort = Type.Object({
  protocol: Nullable(ProtocolSchema),
  portStart: PortNumber,
  portEnd: PortNumber,
  status: StatusSchema,
  primary: Type.Boolean({ description: 'The service is the primary name on this port' }),
  description: Nullable(Type.String()),
});

export const ServiceReport = Type.Object(
  {
    name: Type.String({
      description: 'The primary name (an alias answers with its primary)',
      examples: ['http'],
    }),
    aliases: Type.Array(Type.String(), { examples: [['www', 'www-http']] }),
    ports: Type.Array(ServicePort),
    iana: Type.Array(Type.Ref('RegistryEntry')),
    organization: Type.Array(Type.Unknown(), {
      description: 'The organisation’s own entries (with `org`)',
    }),
  },
  { $id: 'ServiceReport', description: 'Everything known about one service name' },
);

export const Resolution = Type.Object(
  {
    name: Type.String({ examples: ['postgresql'] }),
    protocol: ProtocolSchema,
    port: PortNumber,
    source: StringEnum(['iana', 'organization'] as const, {
      description: 'Whether the organisation’s entry or IANA’s primary answered',
    }),
  },
  { $id: 'Resolution', description: 'The one port a client should connect to' },
);

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Text to find in names and descriptions',
      examples: ['postgres'],
    }),
    protocol: Type.Optional(ProtocolSchema),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);

export const ServiceMatch = Type.Object({
  name: Type.String({ examples: ['postgresql'] }),
  rank: StringEnum(['exact', 'prefix', 'text'] as const, { description: 'Why it matched' }),
  description: Nullable(Type.String()),
  ports: Type.Array(
    Type.Object({ protocol: Nullable(ProtocolSchema), portStart: PortNumber, portEnd: PortNumber }),
  ),
});

export const ServiceSearchPage = Type.Object(
  { items: Type.Array(ServiceMatch), nextCursor: NextCursor },
  { $id: 'ServiceSearchPage' },
);

const PortItem = Type.Union(
  [
    Type.Integer({ description: 'A port number' }),
    Type.String({ maxLength: 20, description: '`443`, or `53/udp` for one protocol' }),
  ],
  { examples: [443, '53/udp'] },
);

export const LookupBody = Type.Object(
  {
    ports: Type.Optional(Type.Array(PortItem, { maxItems: 1000 })),
    services: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
  },
  {
    additionalProperties: false,
    description: 'Up to 1000 items in all',
    examples: [{ ports: [443, '53/udp'], services: ['postgresql'] }],
  },
);

const ItemError = Type.Object({
  status: Type.Integer({ examples: [400] }),
  field: Type.String({ examples: ['ports.1'] }),
  message: Type.String(),
});

const lookupItem = (result: ReturnType<typeof Type.Ref>) =>
  Type.Object({
    query: Type.String({ description: 'The item as asked' }),
    ok: Type.Boolean(),
    result: Type.Optional(result),
    error: Type.Optional(ItemError),
  });

/** The services half of a LookupAnswer (the REST route assembles the ports half from texts). */
export const LookupServices = Type.Object({
  services: Type.Array(lookupItem(Type.Ref('ServiceReport'))),
});

export const LookupAnswer = Type.Object(
  {
    ports: Type.Array(lookupItem(Type.Ref('PortReport'))),
    services: Type.Array(lookupItem(Type.Ref('ServiceReport'))),
  },
  { $id: 'LookupAnswer', description: 'One answer per item, in the order asked' },
);
