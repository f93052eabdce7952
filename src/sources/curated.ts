/** The project's own curated data in `seed/curated/` (SPEC.md section 3), read and checked. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPort, isProtocol, type Protocol } from '../domain/protocols.js';
import { serviceNameProblem } from '../domain/service-name.js';
import { simpleRecord, type RegistryEntryRecord } from './entry.js';

export interface PrimaryName {
  port: number;
  protocol: Protocol;
  name: string;
  description: string;
}

export interface UnofficialUse {
  port: number;
  protocol: Protocol;
  name: string;
  text: string;
  /** The public origin of the fact, e.g. the project's own documentation. */
  source: string;
}

export const SECURITY_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number];

export interface SecurityNote {
  port: number;
  protocol: Protocol;
  severity: SecuritySeverity;
  text: string;
  source: string;
}

export interface BrowserBadPorts {
  source: string;
  ports: number[];
}

export interface CuratedData {
  primaryNames: PrimaryName[];
  unofficialUses: UnofficialUse[];
  securityNotes: SecurityNote[];
  browserBadPorts: BrowserBadPorts;
}

/** A curated file is missing or has the wrong shape: a bug in the repository, not user input. */
export class CuratedDataError extends Error {
  override readonly name = 'CuratedDataError';
}

const CURATED_PATH = join('seed', 'curated');
const MARKER_FILE = 'primary-names.json';

/**
 * The `seed/curated` folder, searched upward from this module: it sits two levels up from
 * `src/sources/` (tsx) and three from `dist/src/sources/` (compiled).
 */
export function curatedDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, CURATED_PATH);
    if (existsSync(join(candidate, MARKER_FILE))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) {
      throw new CuratedDataError(
        `no ${CURATED_PATH} folder above ${fileURLToPath(import.meta.url)}`,
      );
    }
    directory = parent;
  }
}

/** Reads and checks every curated file; throws CuratedDataError naming the file and item. */
export function loadCurated(directory: string = curatedDirectory()): CuratedData {
  const primaryNames = readList(directory, 'primary-names.json', toPrimaryName);
  const unofficialUses = readList(directory, 'unofficial-uses.json', toUnofficialUse);
  const securityNotes = readList(directory, 'security-notes.json', toSecurityNote);
  requireUniquePorts('primary-names.json', primaryNames);
  requireUniquePorts('security-notes.json', securityNotes);
  const badPorts = new Item(
    readJson(directory, 'browser-bad-ports.json'),
    'browser-bad-ports.json',
  );
  const browserBadPorts = { source: badPorts.text('source'), ports: badPorts.ports('ports') };
  return { primaryNames, unofficialUses, securityNotes, browserBadPorts };
}

/** Overrides for `markPrimaryAndLegacy`: `"80/tcp"` -> `"http"`. */
export function curatedPrimaryOverrides(data: CuratedData = loadCurated()): Map<string, string> {
  return new Map(data.primaryNames.map((entry) => [`${entry.port}/${entry.protocol}`, entry.name]));
}

/**
 * The curated primary names as registry entries, for the seed to add where a source lacks them.
 * `primary` is left to `markPrimaryAndLegacy` with `curatedPrimaryOverrides`, as for any source.
 */
export function curatedPrimaryEntries(data: CuratedData = loadCurated()): RegistryEntryRecord[] {
  return data.primaryNames.map((entry) =>
    simpleRecord({
      serviceName: entry.name,
      portStart: entry.port,
      portEnd: entry.port,
      protocol: entry.protocol,
      status: 'assigned',
      description: entry.description,
      source: 'curated',
    }),
  );
}

function readJson(directory: string, file: string): unknown {
  const path = join(directory, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CuratedDataError(`${file}: cannot read ${path}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CuratedDataError(`${file}: invalid JSON (${(error as Error).message})`);
  }
}

function readList<T>(directory: string, file: string, convert: (item: Item) => T): T[] {
  const data = readJson(directory, file);
  if (!Array.isArray(data)) throw new CuratedDataError(`${file}: expected an array`);
  return data.map((value: unknown, index) => convert(new Item(value, `${file} item ${index + 1}`)));
}

function requireUniquePorts(file: string, entries: Array<{ port: number; protocol: Protocol }>) {
  const seen = new Set<string>();
  for (const { port, protocol } of entries) {
    const key = `${port}/${protocol}`;
    if (seen.has(key)) throw new CuratedDataError(`${file}: ${key} appears twice`);
    seen.add(key);
  }
}

/** One JSON object being checked; every accessor throws with the item's location. */
class Item {
  private readonly fields: Record<string, unknown>;

  constructor(
    value: unknown,
    private readonly where: string,
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CuratedDataError(`${where}: expected an object`);
    }
    this.fields = value as Record<string, unknown>;
  }

  text(key: string): string {
    const value = this.fields[key];
    if (typeof value !== 'string' || value.trim() === '') this.fail(key, 'a non-empty string');
    return value;
  }

  port(key = 'port'): number {
    const value = this.fields[key];
    if (typeof value !== 'number' || !isPort(value)) this.fail(key, 'a port 0-65535');
    return value;
  }

  ports(key: string): number[] {
    const value = this.fields[key];
    if (!Array.isArray(value) || !value.every((port) => typeof port === 'number' && isPort(port))) {
      this.fail(key, 'an array of ports 0-65535');
    }
    return value as number[];
  }

  protocol(): Protocol {
    const value = this.fields.protocol;
    if (typeof value !== 'string' || !isProtocol(value)) this.fail('protocol', 'tcp/udp/sctp/dccp');
    return value;
  }

  serviceName(key = 'name'): string {
    const value = this.text(key);
    if (serviceNameProblem(value) !== null) this.fail(key, 'a service name valid under RFC 6335');
    return value;
  }

  severity(): SecuritySeverity {
    const value = this.fields.severity;
    if (!(SECURITY_SEVERITIES as readonly unknown[]).includes(value)) {
      this.fail('severity', SECURITY_SEVERITIES.join('/'));
    }
    return value as SecuritySeverity;
  }

  private fail(key: string, expected: string): never {
    throw new CuratedDataError(`${this.where}: "${key}" must be ${expected}`);
  }
}

function toPrimaryName(item: Item): PrimaryName {
  return {
    port: item.port(),
    protocol: item.protocol(),
    name: item.serviceName(),
    description: item.text('description'),
  };
}

function toUnofficialUse(item: Item): UnofficialUse {
  return {
    port: item.port(),
    protocol: item.protocol(),
    name: item.serviceName(),
    text: item.text('text'),
    source: item.text('source'),
  };
}

function toSecurityNote(item: Item): SecurityNote {
  return {
    port: item.port(),
    protocol: item.protocol(),
    severity: item.severity(),
    text: item.text('text'),
    source: item.text('source'),
  };
}
