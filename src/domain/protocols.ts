/** Transport protocols with their own 16-bit port space (FACTS.md section 1). */
export const PROTOCOLS = ['tcp', 'udp', 'sctp', 'dccp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const ENTRY_STATUSES = ['assigned', 'reserved', 'unassigned'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const MIN_PORT = 0;
export const MAX_PORT = 65535;

export function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/** Lower-cases a protocol name, returning null when it is not one of the four. */
export function parseProtocol(value: string): Protocol | null {
  const lower = value.trim().toLowerCase();
  return isProtocol(lower) ? lower : null;
}

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}
