import { Type } from 'typebox';
import {
  DigitsText,
  NextCursor,
  Nullable,
  PaginationQuery,
  PortNumber,
  ProtocolSchema,
  StringEnum,
} from './common.js';

const Slug = Type.String({
  minLength: 1,
  maxLength: 63,
  description: 'Organisation slug (RFC 1123 label)',
  examples: ['acme'],
});
const Id = DigitsText('a positive integer id', { description: 'Numeric id', examples: ['42'] });
const ScopeText = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Free-text scope such as `prod`, `cluster-a` or `10.0.0.5` (default `default`)',
  examples: ['prod'],
});
const KeyScope = StringEnum(['read', 'write', 'admin'] as const, {
  description: 'admin includes write, write includes read',
});
const Timestamp = Type.String({ format: 'date-time' });

export const OrgParams = Type.Object({ org: Slug }, { additionalProperties: false });
export const OrgItemParams = Type.Object({ org: Slug, id: Id }, { additionalProperties: false });

export const Organization = Type.Object(
  { slug: Slug, name: Type.String({ examples: ['Acme Corp'] }), createdAt: Timestamp },
  { $id: 'Organization' },
);

export const CreateOrgBody = Type.Object(
  {
    slug: Type.String({ maxLength: 100, examples: ['acme'] }),
    name: Type.String({ maxLength: 200, examples: ['Acme Corp'] }),
  },
  { additionalProperties: false },
);

export const ApiKey = Type.Object(
  {
    id: Type.Integer(),
    name: Nullable(Type.String()),
    prefix: Type.String({
      description: 'Identifies the key; the secret is never stored',
      examples: ['3f9a0c12'],
    }),
    scopes: Type.Array(KeyScope),
    expiresAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
    lastUsedAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'ApiKey' },
);

export const CreatedKey = Type.Object(
  {
    key: Type.String({
      description: 'The key itself: shown once, store it now',
      examples: ['prk_3f9a0c12_...'],
    }),
    apiKey: Type.Ref('ApiKey'),
  },
  { $id: 'CreatedKey' },
);

export const CreatedOrg = Type.Object(
  {
    organization: Type.Ref('Organization'),
    key: Type.String({ description: 'The first admin key: shown once' }),
    apiKey: Type.Ref('ApiKey'),
  },
  { $id: 'CreatedOrg' },
);

export const CreateKeyBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    scopes: Type.Array(Type.String({ maxLength: 10 }), {
      minItems: 1,
      maxItems: 3,
      examples: [['read']],
    }),
    expiresAt: Type.Optional(
      Type.String({ maxLength: 40, description: 'ISO 8601 date-time in the future' }),
    ),
  },
  { additionalProperties: false },
);

export const Assignment = Type.Object(
  {
    id: Type.Integer(),
    scope: Type.String({ examples: ['default'] }),
    serviceName: Type.String({ examples: ['billing-api'] }),
    protocol: ProtocolSchema,
    portStart: PortNumber,
    portEnd: PortNumber,
    description: Nullable(Type.String()),
    owner: Nullable(Type.String({ description: 'Team', examples: ['payments'] })),
    tags: Type.Array(Type.String()),
    version: Type.Integer({ description: 'Optimistic-concurrency version; the ETag carries it' }),
    createdBy: Nullable(Type.String({ description: 'The key that created it' })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Assignment', description: 'A port or range an organisation uses in one scope' },
);

export const Warning = Type.Object(
  {
    code: StringEnum([
      'iana-assigned',
      'ephemeral-overlap',
      'privileged',
      'browser-blocked',
      'kubernetes-nodeport',
      'nomad-dynamic',
    ] as const),
    message: Type.String(),
  },
  { $id: 'Warning' },
);

export const AssignmentResult = Type.Object(
  { assignment: Type.Ref('Assignment'), warnings: Type.Array(Type.Ref('Warning')) },
  { $id: 'AssignmentResult' },
);

/**
 * Port fields are numbers in the schema and checked by the domain rules, so that 70000 or 1.5
 * get a 422 naming the field (SPEC.md section 5), while a string is a malformed body (400).
 */
const PortField = Type.Number({ description: 'Integer 0-65535' });

const assignmentFields = {
  serviceName: Type.String({
    maxLength: 100,
    description: 'RFC 6335 section 5.1 name',
    examples: ['billing-api'],
  }),
  protocol: Type.String({ maxLength: 10, examples: ['tcp'] }),
  port: Type.Optional(PortField),
  portStart: Type.Optional(PortField),
  portEnd: Type.Optional(PortField),
  scope: Type.Optional(ScopeText),
  description: Type.Optional(
    Type.String({ maxLength: 500, description: 'Free text; in a PATCH, `""` clears it' }),
  ),
  owner: Type.Optional(
    Type.String({ maxLength: 100, description: 'Team; in a PATCH, `""` clears it' }),
  ),
  tags: Type.Optional(
    Type.Array(Type.String({ maxLength: 50 }), {
      maxItems: 20,
      description: 'In a PATCH, the whole new list; `[]` clears it',
    }),
  ),
  allowDynamic: Type.Optional(
    Type.Boolean({ description: 'Allow 49152-65535 (RFC 6335 8.1.2 advises against)' }),
  ),
};

export const CreateAssignmentBody = Type.Object(assignmentFields, {
  additionalProperties: false,
  examples: [
    { serviceName: 'billing-api', protocol: 'tcp', port: 8443, scope: 'prod', owner: 'payments' },
  ],
});

export const UpdateAssignmentBody = Type.Partial(Type.Object(assignmentFields), {
  additionalProperties: false,
});

export const AssignmentListQuery = Type.Object(
  {
    scope: Type.Optional(ScopeText),
    protocol: Type.Optional(ProtocolSchema),
    port: Type.Optional(
      DigitsText('an integer from 0 to 65535', {
        description: 'Assignments holding this port',
        examples: ['8443'],
      }),
    ),
    service: Type.Optional(Type.String({ maxLength: 100 })),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);

export const AssignmentPage = Type.Object(
  { items: Type.Array(Type.Ref('Assignment')), nextCursor: NextCursor },
  { $id: 'AssignmentPage' },
);

export const Reservation = Type.Object(
  {
    id: Type.Integer(),
    scope: Type.String(),
    protocol: ProtocolSchema,
    portStart: PortNumber,
    portEnd: PortNumber,
    purpose: Type.String({ examples: ['payments team services'] }),
    owner: Nullable(Type.String()),
    createdBy: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { $id: 'Reservation' },
);

export const CreateReservationBody = Type.Object(
  {
    protocol: Type.String({ maxLength: 10, examples: ['tcp'] }),
    portStart: PortField,
    portEnd: PortField,
    scope: Type.Optional(ScopeText),
    purpose: Type.String({ maxLength: 200 }),
    owner: Type.Optional(Type.String({ maxLength: 100 })),
    allowDynamic: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ReservationListQuery = Type.Object(
  { scope: Type.Optional(ScopeText), protocol: Type.Optional(ProtocolSchema), ...PaginationQuery },
  { additionalProperties: false },
);

export const ReservationPage = Type.Object(
  { items: Type.Array(Type.Ref('Reservation')), nextCursor: NextCursor },
  { $id: 'ReservationPage' },
);

export const AllocationBody = Type.Object(
  {
    serviceName: Type.String({ maxLength: 100, examples: ['billing-api'] }),
    protocol: Type.Optional(Type.String({ maxLength: 10, examples: ['tcp'] })),
    scope: Type.Optional(ScopeText),
    from: Type.Optional(PortField),
    to: Type.Optional(PortField),
    reservationId: Type.Optional(Type.Integer({ minimum: 1 })),
    allowDynamic: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    owner: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    actor: Type.String({ examples: ['key 3f9a0c12'] }),
    action: Type.String({ examples: ['assignment.create'] }),
    entityType: Type.String(),
    entityId: Nullable(Type.String()),
    before: Type.Unknown(),
    after: Type.Unknown(),
    requestId: Nullable(Type.String()),
    at: Timestamp,
  },
  { $id: 'AuditEvent' },
);

export const AuditPage = Type.Object(
  { items: Type.Array(Type.Ref('AuditEvent')), nextCursor: NextCursor },
  { $id: 'AuditPage' },
);
