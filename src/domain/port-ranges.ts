/**
 * Reference tables about port numbers (FACTS.md sections 1 and 2): the RFC 6335 ranges, the
 * client (ephemeral) ranges operating systems really use, other bands worth a warning, and the
 * privileged boundary. Plain data; `rangesTable()` is what `GET /v1/ranges` serves.
 */

export type PortRangeId = 'system' | 'user' | 'dynamic';

export interface PortRange {
  readonly id: PortRangeId;
  /** IANA's name for the range, with its older alias in parentheses. */
  readonly label: string;
  readonly start: number;
  readonly end: number;
  /** Whether IANA assigns ports in the range at all. */
  readonly assignedByIana: boolean;
  /** How IANA assigns ports in the range. */
  readonly assignment: string;
  readonly source: string;
}

const RFC_6335_SECTION_6 = 'RFC 6335 section 6';

/** RFC 6335 section 6: the three ranges, in ascending order, covering 0-65535 without gaps. */
export const PORT_RANGES: readonly PortRange[] = [
  {
    id: 'system',
    label: 'System Ports (Well-Known)',
    start: 0,
    end: 1023,
    assignedByIana: true,
    assignment: 'IETF Review or IESG Approval',
    source: RFC_6335_SECTION_6,
  },
  {
    id: 'user',
    label: 'User Ports (Registered)',
    start: 1024,
    end: 49151,
    assignedByIana: true,
    assignment: 'IETF Review, IESG Approval or Expert Review',
    source: RFC_6335_SECTION_6,
  },
  {
    id: 'dynamic',
    label: 'Dynamic Ports (Private or Ephemeral)',
    start: 49152,
    end: 65535,
    assignedByIana: false,
    // RFC 6335 section 8.1.2: never a service identifier, so organisations may not register here.
    assignment: 'never assigned; must not be used as a service identifier (RFC 6335 section 8.1.2)',
    source: RFC_6335_SECTION_6,
  },
];

/** The systems reported in PortReport `classification.ephemeral`, in the order of that object. */
export const EPHEMERAL_SYSTEMS = ['iana', 'linux', 'windows', 'macos', 'freebsd'] as const;
export type EphemeralSystem = (typeof EPHEMERAL_SYSTEMS)[number];

export interface EphemeralRange {
  readonly id: string;
  /** Which PortReport flag the row belongs to. */
  readonly family: EphemeralSystem;
  /** Short name used in warnings, e.g. "Linux". */
  readonly name: string;
  /** The system and versions the row describes. */
  readonly system: string;
  readonly start: number;
  readonly end: number;
  /** Where an administrator reads or changes the range. */
  readonly setting: string;
  /** True for the default of current releases, the row behind the PortReport flag. */
  readonly current: boolean;
  readonly source: string;
}

/**
 * Default client (ephemeral) port ranges, FACTS.md section 2. Clients do not pick source ports
 * from 1024-49151 on any current system, and not all current systems use 49152-65535.
 */
export const EPHEMERAL_RANGES: readonly EphemeralRange[] = [
  {
    id: 'iana',
    family: 'iana',
    name: 'IANA',
    system: 'IANA suggestion',
    start: 49152,
    end: 65535,
    setting: 'RFC 6335 Dynamic Ports',
    current: true,
    source: RFC_6335_SECTION_6,
  },
  {
    id: 'linux',
    family: 'linux',
    name: 'Linux',
    system: 'Linux (kernel 4.2 and later)',
    start: 32768,
    // Linux 4.2 (commit 07f4c90062f8) moved the default end from 61000 to 60999.
    end: 60999,
    setting: 'sysctl net.ipv4.ip_local_port_range',
    current: true,
    source: 'Linux kernel Documentation/networking/ip-sysctl (ip_local_port_range)',
  },
  {
    id: 'linux-before-4.2',
    family: 'linux',
    name: 'Linux before 4.2',
    system: 'Linux (kernel before 4.2)',
    start: 32768,
    end: 61000,
    setting: 'sysctl net.ipv4.ip_local_port_range',
    current: false,
    source: 'Linux kernel Documentation/networking/ip-sysctl (ip_local_port_range)',
  },
  {
    id: 'windows',
    family: 'windows',
    name: 'Windows',
    system: 'Windows Vista / Server 2008 and later',
    start: 49152,
    end: 65535,
    setting: 'netsh int ipv4 show dynamicport tcp',
    current: true,
    source: 'Microsoft KB 929851',
  },
  {
    id: 'windows-legacy',
    family: 'windows',
    name: 'Windows XP / Server 2003',
    system: 'Windows XP / Server 2003 and earlier',
    start: 1025,
    end: 5000,
    setting: 'netsh int ipv4 show dynamicport tcp',
    current: false,
    source: 'Microsoft KB 929851',
  },
  {
    id: 'macos',
    family: 'macos',
    name: 'macOS',
    system: 'macOS (XNU)',
    start: 49152,
    end: 65535,
    setting: 'sysctl net.inet.ip.portrange.first / net.inet.ip.portrange.last',
    current: true,
    source: 'XNU bsd/netinet/in_pcb.c defaults (net.inet.ip.portrange.first/last)',
  },
  {
    id: 'freebsd',
    family: 'freebsd',
    name: 'FreeBSD',
    system: 'FreeBSD (current releases)',
    start: 10000,
    end: 65535,
    setting: 'sysctl net.inet.ip.portrange.first / net.inet.ip.portrange.last',
    current: true,
    source: 'FreeBSD sys/netinet/in.h IPPORT_EPHEMERALFIRST/LAST; inet(4)',
  },
];

/** The rows behind the PortReport flags: one current default per system. */
export const CURRENT_EPHEMERAL_RANGES: readonly EphemeralRange[] = EPHEMERAL_RANGES.filter(
  (row) => row.current,
);

export type PortBandId = 'kubernetes-nodeport' | 'nomad-dynamic';

/** A band some widespread software hands out by itself, so a fixed port there can clash. */
export interface PortBand {
  readonly id: PortBandId;
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly setting: string;
  readonly source: string;
}

/** Other bands worth a warning when an organisation registers a port (FACTS.md section 2). */
export const PORT_BANDS: readonly PortBand[] = [
  {
    id: 'kubernetes-nodeport',
    label: 'Kubernetes NodePort',
    start: 30000,
    end: 32767,
    setting: 'kube-apiserver --service-node-port-range',
    source: 'Kubernetes documentation, Service type NodePort',
  },
  {
    id: 'nomad-dynamic',
    label: 'HashiCorp Nomad dynamic ports',
    start: 20000,
    end: 32000,
    setting: 'Nomad client min_dynamic_port / max_dynamic_port',
    source: 'HashiCorp Nomad documentation, client configuration',
  },
];

export interface PrivilegedBoundary {
  readonly system: string;
  /** Ports below this need privilege by default; equal to `defaultUnprivilegedStart`. */
  readonly below: number;
  readonly start: number;
  readonly end: number;
  readonly requirement: string;
  readonly setting: string;
  readonly defaultUnprivilegedStart: number;
  readonly source: string;
}

/** FACTS.md section 1: binding below 1024 on Linux needs root or CAP_NET_BIND_SERVICE. */
export const PRIVILEGED_PORTS: PrivilegedBoundary = {
  system: 'Linux',
  below: 1024,
  start: 0,
  end: 1023,
  requirement: 'root or CAP_NET_BIND_SERVICE',
  setting: 'sysctl net.ipv4.ip_unprivileged_port_start',
  defaultUnprivilegedStart: 1024,
  source:
    'Linux kernel Documentation/networking/ip-sysctl (ip_unprivileged_port_start); capabilities(7)',
};

/** The whole reference table as plain data. */
export interface RangesTable {
  ranges: PortRange[];
  ephemeral: EphemeralRange[];
  bands: PortBand[];
  privileged: PrivilegedBoundary;
}

/** The data `GET /v1/ranges` and GraphQL `ranges` serve; fresh copies, so callers cannot alter the tables. */
export function rangesTable(): RangesTable {
  return {
    ranges: PORT_RANGES.map((row) => ({ ...row })),
    ephemeral: EPHEMERAL_RANGES.map((row) => ({ ...row })),
    bands: PORT_BANDS.map((row) => ({ ...row })),
    privileged: { ...PRIVILEGED_PORTS },
  };
}
