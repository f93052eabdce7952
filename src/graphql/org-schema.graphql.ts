/**
 * The organisation part of the GraphQL schema (SPEC.md sections 5 and 6): the types of
 * src/http/schemas/orgs.ts field for field, the `Organization` that `org(slug)` answers, and the
 * mutations, one per REST write. Inputs carry the fields of the REST bodies under the same names;
 * ./org-inputs.ts checks them against the same TypeBox schemas. Joined to the read schema in
 * ./schema.graphql.ts.
 */
import { MAX_PORT } from '../domain/protocols.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';

export const orgTypeDefs = /* GraphQL */ `
"""
What an API key may do: admin includes write, write includes read.
"""
enum KeyScope {
  "Read the organisation's assignments and reservations"
  read
  "Also change assignments and reservations"
  write
  "Also manage keys and read the audit log"
  admin
}

"""
An organisation (GET /v1/orgs/{org}): its own fields, and GraphQL-only lists of what it holds, each checked against the caller's key as the REST route of the same list is.
"""
type Organization {
  "Slug (RFC 1123 label)"
  slug: String!
  "Display name"
  name: String!
  "When it was created (ISO 8601)"
  createdAt: String!
  """
  GraphQL only: the organisation's assignments, filtered, in id order (read scope; GET /v1/orgs/{org}/assignments).
  """
  assignments(
    "Only this scope"
    scope: String
    "Only this protocol"
    protocol: Protocol
    "Only assignments holding this port, 0-${MAX_PORT}"
    port: Int
    "Only this service name (any case)"
    service: String
    "Assignments per page, 1-${MAX_LIMIT}"
    first: Int = ${DEFAULT_LIMIT}
    "The nextCursor of the previous page"
    after: String
  ): AssignmentConnection
  """
  GraphQL only: one assignment; its version is what ifVersion names (read scope; GET /v1/orgs/{org}/assignments/{id}).
  """
  assignment("The assignment's id" id: Int!): Assignment
  """
  GraphQL only: the organisation's reservations, in id order (read scope; GET /v1/orgs/{org}/reservations).
  """
  reservations(
    "Only this scope"
    scope: String
    "Only this protocol"
    protocol: Protocol
    "Reservations per page, 1-${MAX_LIMIT}"
    first: Int = ${DEFAULT_LIMIT}
    "The nextCursor of the previous page"
    after: String
  ): ReservationConnection
  """
  GraphQL only: one reservation (read scope; GET /v1/orgs/{org}/reservations/{id}).
  """
  reservation("The reservation's id" id: Int!): Reservation
  """
  GraphQL only: every write to the organisation, newest first (admin scope; GET /v1/orgs/{org}/audit).
  """
  audit(
    "Events per page, 1-${MAX_LIMIT}"
    first: Int = ${DEFAULT_LIMIT}
    "The nextCursor of the previous page"
    after: String
  ): AuditEventConnection
  """
  GraphQL only: the organisation's API keys; secrets are never shown again (admin scope; GET /v1/orgs/{org}/keys).
  """
  keys: [ApiKey!]
}

"""
An API key of an organisation, without its secret.
"""
type ApiKey {
  "Key id"
  id: Int!
  "What the key is for"
  name: String
  "Identifies the key; the secret is never stored"
  prefix: String!
  "What the key may do"
  scopes: [KeyScope!]!
  "When it stops working (ISO 8601); null for never"
  expiresAt: String
  "When it was revoked (ISO 8601)"
  revokedAt: String
  "When it was last used, to the minute (ISO 8601)"
  lastUsedAt: String
  "When it was created (ISO 8601)"
  createdAt: String!
}

"""
A new API key: the key itself is shown this once.
"""
type CreatedKey {
  "The key itself: shown once, store it now"
  key: String!
  "The key's record"
  apiKey: ApiKey!
}

"""
A new organisation and its first admin key, shown once.
"""
type CreatedOrg {
  "The organisation"
  organization: Organization!
  "The first admin key: shown once"
  key: String!
  "The first admin key's record"
  apiKey: ApiKey!
}

"""
A port or range an organisation uses in one scope.
"""
type Assignment {
  "Assignment id"
  id: Int!
  "Free-text scope such as prod, cluster-a or 10.0.0.5"
  scope: String!
  "RFC 6335 service name"
  serviceName: String!
  "The protocol"
  protocol: Protocol!
  "First port"
  portStart: Int!
  "Last port (equal to portStart for one port)"
  portEnd: Int!
  "What it is"
  description: String
  "The team that owns it"
  owner: String
  "Tags"
  tags: [String!]!
  "Optimistic-concurrency version: pass it as ifVersion to change or delete only this version"
  version: Int!
  "The key that created it"
  createdBy: String
  "When it was created (ISO 8601)"
  createdAt: String!
  "When it last changed (ISO 8601)"
  updatedAt: String!
  """
  GraphQL only: the ETag REST sends for this version (for If-Match on PATCH or DELETE).
  """
  etag: String!
}

"""
A risk of an assignment that does not refuse it.
"""
type Warning {
  "iana-assigned, ephemeral-overlap, privileged, browser-blocked, kubernetes-nodeport or nomad-dynamic"
  code: String!
  "What the risk is"
  message: String!
}

"""
A created, changed or allocated assignment and its warnings.
"""
type AssignmentResult {
  "The assignment as stored"
  assignment: Assignment!
  "Risks of the port, each with a code"
  warnings: [Warning!]!
  """
  GraphQL only: true when an idempotencyKey repeated an earlier allocation and its answer came back (REST's Idempotent-Replayed header).
  """
  replayed: Boolean!
}

"""
A block of ports of a scope and protocol set aside for a team or purpose.
"""
type Reservation {
  "Reservation id"
  id: Int!
  "The scope"
  scope: String!
  "The protocol"
  protocol: Protocol!
  "First port"
  portStart: Int!
  "Last port"
  portEnd: Int!
  "Who or what the block is for"
  purpose: String!
  "The team that owns it"
  owner: String
  "The key that created it"
  createdBy: String
  "When it was created (ISO 8601)"
  createdAt: String!
}

"""
One write to an organisation.
"""
type AuditEvent {
  "Event id"
  id: String!
  "Who wrote: key <prefix> or operator"
  actor: String!
  "What was done, such as assignment.create"
  action: String!
  "What kind of thing changed: organization, api-key, assignment, reservation"
  entityType: String!
  "Which one"
  entityId: String
  "The thing before the write; null for a creation"
  before: JSON
  "The thing after the write; null for a deletion"
  after: JSON
  "The request id of the write (X-Request-Id when the client sent one)"
  requestId: String
  "When (ISO 8601)"
  at: String!
}

"""
A page of assignments.
"""
type AssignmentConnection {
  "The assignments of this page"
  items: [Assignment!]!
  "Pass as after for the next page; null on the last page"
  nextCursor: String
}

"""
A page of reservations.
"""
type ReservationConnection {
  "The reservations of this page"
  items: [Reservation!]!
  "Pass as after for the next page; null on the last page"
  nextCursor: String
}

"""
A page of audit events.
"""
type AuditEventConnection {
  "The events of this page, newest first"
  items: [AuditEvent!]!
  "Pass as after for the next page; null on the last page"
  nextCursor: String
}

"""
A new assignment (the body of POST /v1/orgs/{org}/assignments): one port, or portStart and portEnd.
"""
input AssignmentInput {
  "RFC 6335 section 5.1 name"
  serviceName: String!
  "The protocol"
  protocol: Protocol!
  "One port (instead of portStart and portEnd)"
  port: Int
  "First port of a range"
  portStart: Int
  "Last port of a range (portStart when left out)"
  portEnd: Int
  "Scope; default when left out"
  scope: String
  "What it is"
  description: String
  "The team that owns it"
  owner: String
  "Tags"
  tags: [String!]
  "Allow 49152-65535 (RFC 6335 section 8.1.2 advises against)"
  allowDynamic: Boolean
}

"""
Changes to an assignment (the body of PATCH /v1/orgs/{org}/assignments/{id}): what is left out or null stays; "" clears description or owner, [] clears tags.
"""
input AssignmentPatch {
  "RFC 6335 section 5.1 name"
  serviceName: String
  "The protocol"
  protocol: Protocol
  "One port (instead of portStart and portEnd)"
  port: Int
  "First port of a range"
  portStart: Int
  "Last port of a range"
  portEnd: Int
  "Scope"
  scope: String
  "What it is"
  description: String
  "The team that owns it"
  owner: String
  "Tags (replace the old ones)"
  tags: [String!]
  "Allow 49152-65535 (RFC 6335 section 8.1.2 advises against)"
  allowDynamic: Boolean
}

"""
What to allocate (the body of POST /v1/orgs/{org}/allocations): the lowest free port of a window, or of a reservation.
"""
input AllocationInput {
  "RFC 6335 section 5.1 name"
  serviceName: String!
  "The protocol (the reservation's when left out with reservationId)"
  protocol: Protocol
  "Scope; default when left out"
  scope: String
  "First port of the window (default 1024)"
  from: Int
  "Last port of the window (default 32767)"
  to: Int
  "Allocate inside this reservation (it sets scope, protocol and window)"
  reservationId: Int
  "Let the window reach into 49152-65535 (RFC 6335 section 8.1.2 advises against)"
  allowDynamic: Boolean
  "What it is"
  description: String
  "The team that owns it"
  owner: String
}

"""
A new reservation (the body of POST /v1/orgs/{org}/reservations).
"""
input ReservationInput {
  "The protocol"
  protocol: Protocol!
  "First port"
  portStart: Int!
  "Last port"
  portEnd: Int!
  "Scope; default when left out"
  scope: String
  "Who or what the block is for"
  purpose: String!
  "The team that owns it"
  owner: String
  "Allow 49152-65535"
  allowDynamic: Boolean
}

"""
A new API key (the body of POST /v1/orgs/{org}/keys).
"""
input ApiKeyInput {
  "What the key is for"
  name: String
  "What the key may do"
  scopes: [KeyScope!]!
  "When it stops working: an ISO 8601 date-time in the future"
  expiresAt: String
}

"""
The writes of the organisation API (SPEC.md section 5): each the same registry call as its REST route, with the same key checks, audited with the request id. Several mutations in one document run one after the other, each on its own.
"""
type Mutation {
  """
  Create an organisation (operator key); answers its first admin key, once (POST /v1/orgs).
  """
  createOrg(
    "Slug (RFC 1123 label: lower-case letters, digits, inner hyphens)"
    slug: String!
    "Display name"
    name: String!
  ): CreatedOrg

  """
  Assign a port or range to a service (write scope); CONFLICT on overlap, warnings on risks (POST /v1/orgs/{org}/assignments).
  """
  createAssignment(
    "Organisation slug"
    org: String!
    "The assignment"
    input: AssignmentInput!
  ): AssignmentResult

  """
  Change an assignment (write scope); with ifVersion, PRECONDITION_FAILED when it changed since (PATCH /v1/orgs/{org}/assignments/{id}).
  """
  updateAssignment(
    "Organisation slug"
    org: String!
    "The assignment's id"
    id: Int!
    "The changes"
    input: AssignmentPatch!
    "Change only this version (REST's If-Match)"
    ifVersion: Int
  ): AssignmentResult

  """
  Delete an assignment (write scope); true when deleted (DELETE /v1/orgs/{org}/assignments/{id}).
  """
  deleteAssignment(
    "Organisation slug"
    org: String!
    "The assignment's id"
    id: Int!
    "Delete only this version (REST's If-Match)"
    ifVersion: Int
  ): Boolean

  """
  Allocate the lowest free port of a window or reservation (write scope); CONFLICT when none is left (POST /v1/orgs/{org}/allocations).
  """
  allocatePort(
    "Organisation slug"
    org: String!
    "What to allocate"
    input: AllocationInput!
    "Makes retries safe: the same key answers the first allocation again; with a different input it is refused (BAD_USER_INPUT). REST's Idempotency-Key"
    idempotencyKey: String
  ): AssignmentResult

  """
  Reserve a block of ports of a scope and protocol (write scope; POST /v1/orgs/{org}/reservations).
  """
  createReservation(
    "Organisation slug"
    org: String!
    "The reservation"
    input: ReservationInput!
  ): Reservation

  """
  Release a reservation (write scope); true when deleted (DELETE /v1/orgs/{org}/reservations/{id}).
  """
  deleteReservation(
    "Organisation slug"
    org: String!
    "The reservation's id"
    id: Int!
  ): Boolean

  """
  Create an API key (admin scope); the key is shown once (POST /v1/orgs/{org}/keys).
  """
  createApiKey(
    "Organisation slug"
    org: String!
    "The key"
    input: ApiKeyInput!
  ): CreatedKey

  """
  Revoke an API key (admin scope); answers the revoked key (DELETE /v1/orgs/{org}/keys/{id}).
  """
  revokeApiKey(
    "Organisation slug"
    org: String!
    "The key's id"
    id: Int!
  ): ApiKey
}
`;
