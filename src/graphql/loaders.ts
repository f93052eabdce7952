/**
 * Mercurius loaders for the reports nested in other answers: Mercurius gathers every parent of a
 * field resolved in the same tick into one batch, so a list of 100 reports asks RegistryReads once
 * (its batch read, `lookup`), not 100 times. An item that fails keeps its own typed error.
 */
import type { MercuriusLoaders } from 'mercurius';
import { serviceNameKey } from '../domain/service-name.js';
import type { ServiceMatch } from '../registry/registry-queries.js';
import {
  MAX_LOOKUP_ITEMS,
  type LookupItem,
  type RegistryReads,
} from '../registry/registry-reads.js';
import type { PortReport, ServicePort, ServiceReport } from '../registry/reports.js';

interface LoaderQuery<T> {
  obj: T;
}

/** The result, or the error the call threw: one failed item must not fail its batch. */
function settle<T>(read: () => T): T | Error {
  try {
    return read();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function inChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_LOOKUP_ITEMS) {
    chunks.push(items.slice(start, start + MAX_LOOKUP_ITEMS));
  }
  return chunks;
}

/**
 * Answers of one batch read, item by item. `lookup` flattens an item's error to its HTTP status, so
 * a failed item is asked again alone to get the domain error back (failures are rare: these keys
 * come from the registry itself).
 */
function answers<T>(items: LookupItem<T>[], askAlone: (position: number) => T): (T | Error)[] {
  return items.map((item, position) => (item.ok ? item.result : settle(() => askAlone(position))));
}

function serviceReports(reads: RegistryReads, names: string[]): (ServiceReport | Error)[] {
  const items = inChunks(names).flatMap((chunk) => reads.lookup({ services: chunk }).services);
  return answers(items, (position) => reads.service(names[position] as string));
}

/** `80/tcp`-style lookup items; one port each (ranges never reach here). */
function portReports(reads: RegistryReads, ports: ServicePort[]): (PortReport | Error)[] {
  const specs = ports.map((port) =>
    port.protocol ? `${port.portStart}/${port.protocol}` : String(port.portStart),
  );
  const items = inChunks(specs).flatMap((chunk) => reads.lookup({ ports: chunk }).ports);
  return answers(items, (position) => {
    const port = ports[position] as ServicePort;
    return reads.port(port.portStart, port.protocol ?? undefined);
  });
}

/** Every name on a port, unique without case, in report order (primary first per protocol). */
function namesOnPort(report: PortReport): string[] {
  const names = new Map<string, string>();
  for (const name of report.protocols.flatMap((status) => status.names)) {
    if (!names.has(serviceNameKey(name))) names.set(serviceNameKey(name), name);
  }
  return [...names.values()];
}

export function loaders(reads: RegistryReads): MercuriusLoaders {
  return {
    PortReport: {
      /** One report per service: an alias answers with its primary's report, kept once. */
      services: async (queries: LoaderQuery<PortReport>[]) => {
        const perPort = queries.map(({ obj }) => namesOnPort(obj));
        const names = [...new Set(perPort.flat())];
        const reports = serviceReports(reads, names);
        const byName = new Map(names.map((name, position) => [name, reports[position]]));
        return perPort.map((portNames) => {
          const found = new Map<string, ServiceReport>();
          for (const name of portNames) {
            const report = byName.get(name);
            if (report instanceof Error) return report;
            if (report && !found.has(serviceNameKey(report.name))) {
              found.set(serviceNameKey(report.name), report);
            }
          }
          return [...found.values()];
        });
      },
    },

    ServicePort: {
      report: async (queries: LoaderQuery<ServicePort>[]) => {
        const single = queries.filter(({ obj }) => obj.portStart === obj.portEnd);
        const reports = portReports(
          reads,
          single.map(({ obj }) => obj),
        );
        const byQuery = new Map(single.map((query, position) => [query, reports[position]]));
        return queries.map((query) => byQuery.get(query) ?? null);
      },
    },

    ServiceMatch: {
      report: async (queries: LoaderQuery<ServiceMatch>[]) =>
        serviceReports(
          reads,
          queries.map(({ obj }) => obj.name),
        ),
    },
  };
}
