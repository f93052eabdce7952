import { AnswerCache } from './answer-cache.js';
import { InvalidPortError } from '../domain/classification.js';
import { parsePortSpec } from '../domain/port-input.js';
import { rangesTable, type RangesTable } from '../domain/port-ranges.js';
import { isPort, MAX_PORT, type Protocol } from '../domain/protocols.js';
import { loadCurated } from '../sources/curated.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import type { Page } from './pagination.js';
import { PortNotes } from './port-notes.js';
import type { Registry } from './registry.js';
import {
  exportEtcServices,
  listPortEntries,
  searchServices,
  type PortWindowQuery,
  type ServiceMatch,
  type ServiceSearch,
} from './registry-queries.js';
import {
  buildPortReport,
  buildServiceReport,
  resolveService,
  type EntryView,
  type PortReport,
  type Resolution,
  type ServiceReport,
} from './reports.js';

export const MAX_LOOKUP_ITEMS = 1000;
const REPORT_CACHE_SIZE = 4096;
export const MAX_FREE_PORTS = 1000;
/** Default window of free-port searches: user ports below every OS ephemeral range but FreeBSD's. */
export const FREE_PORTS_WINDOW = { from: 1024, to: 32767 } as const;

export interface LookupItemError {
  status: number;
  field: string;
  message: string;
}

export type LookupItem<T> =
  { query: string; ok: true; result: T } | { query: string; ok: false; error: LookupItemError };

export interface LookupAnswer<P = PortReport> {
  ports: LookupItem<P>[];
  services: LookupItem<ServiceReport>[];
}

export interface FreePortsQuery {
  from: number;
  to: number;
  protocol: Protocol;
  count: number;
  /** Ports an organisation holds, skipped as well. */
  taken?: ((port: number) => boolean) | undefined;
}

export interface FreePorts {
  protocol: Protocol;
  from: number;
  to: number;
  ports: number[];
}

/** The key of one port's report (for one protocol, or all) in the answer caches. */
export function portReportKey(port: number, protocol: string | undefined): string {
  return `${port}/${protocol ?? ''}`;
}

/**
 * Every read of the registry, for REST and GraphQL alike: one place for the rules, answered from
 * the in-memory index (never a query per request).
 */
export class RegistryReads {
  private readonly notes = new PortNotes(loadCurated());
  private readonly reports = new AnswerCache<PortReport>(REPORT_CACHE_SIZE);

  constructor(private readonly registry: Registry) {}

  /** The version of the data answers are built from: the ETag of registry answers. */
  get version(): string {
    return this.registry.current.version;
  }

  get portNotes(): PortNotes {
    return this.notes;
  }

  port(port: number, protocol?: Protocol): PortReport {
    if (!isPort(port))
      throw InvalidInputError.field('port', `must be an integer from 0 to ${MAX_PORT}`);
    const index = this.registry.current;
    return this.reports.get(index, portReportKey(port, protocol), () =>
      buildPortReport(index, this.notes, port, protocol),
    );
  }

  service(name: string, protocol?: Protocol): ServiceReport {
    return buildServiceReport(this.registry.current, name, protocol);
  }

  resolve(name: string, protocol?: Protocol): Resolution {
    return resolveService(this.registry.current, name, protocol);
  }

  ports(query: PortWindowQuery): Page<EntryView> {
    return listPortEntries(this.registry.current, query);
  }

  search(search: ServiceSearch): Page<ServiceMatch> {
    return searchServices(this.registry.current, search);
  }

  freePorts(query: FreePortsQuery): FreePorts {
    if (query.from > query.to) throw InvalidInputError.field('from', 'must not be greater than to');
    const ports = this.registry.current.freePorts(
      query.from,
      query.to,
      query.protocol,
      query.count,
    );
    return { protocol: query.protocol, from: query.from, to: query.to, ports };
  }

  ranges(): RangesTable {
    return rangesTable();
  }

  exportServices(protocol?: Protocol): string {
    return exportEtcServices(this.registry.current, protocol);
  }

  /** Many ports and services at once; a bad item gets its own error, in the place it was asked. */
  lookup(request: { ports?: (number | string)[]; services?: string[] }): LookupAnswer {
    return this.lookupWith(request, (port, protocol) => this.port(port, protocol));
  }

  /**
   * `lookup`, with each port's answer made by `answer` (the REST route answers with the report's
   * serialized text, reused across requests).
   */
  lookupWith<P>(
    request: { ports?: (number | string)[]; services?: string[] },
    answer: (port: number, protocol: Protocol | undefined) => P,
  ): LookupAnswer<P> {
    const ports = request.ports ?? [];
    const services = request.services ?? [];
    if (ports.length + services.length > MAX_LOOKUP_ITEMS) {
      throw InvalidInputError.field(
        'ports',
        `at most ${MAX_LOOKUP_ITEMS} items in all may be asked at once`,
      );
    }
    return {
      ports: ports.map((item, position) =>
        lookupItem(String(item), `ports.${position}`, () => {
          const spec = typeof item === 'number' ? numericSpec(item) : parsePortSpec(item);
          if (spec.portStart !== spec.portEnd) {
            throw InvalidInputError.field('port', 'must be one port, not a range');
          }
          return answer(spec.portStart, spec.protocol ?? undefined);
        }),
      ),
      services: services.map((name, position) =>
        lookupItem(name, `services.${position}`, () => this.service(name)),
      ),
    };
  }
}

function numericSpec(port: number): { portStart: number; portEnd: number; protocol: null } {
  if (!isPort(port))
    throw InvalidInputError.field('port', `must be an integer from 0 to ${MAX_PORT}`);
  return { portStart: port, portEnd: port, protocol: null };
}

function lookupItem<T>(query: string, field: string, answer: () => T): LookupItem<T> {
  try {
    return { query, ok: true, result: answer() };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return { query, ok: false, error: { status: 404, field, message: error.message } };
    }
    if (error instanceof InvalidInputError || error instanceof InvalidPortError) {
      return { query, ok: false, error: { status: 400, field, message: error.message } };
    }
    throw error;
  }
}
