import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Protocol } from '../../src/domain/protocols.js';
import { PortNotes } from '../../src/registry/port-notes.js';
import { RegistryIndex, type IndexedEntry } from '../../src/registry/registry-index.js';
import {
  buildPortReport,
  buildServiceReport,
  resolveService,
  type PortReport,
  type Resolution,
  type ServiceReport,
} from '../../src/registry/reports.js';
import { loadCurated } from '../../src/sources/curated.js';
import { assignEntryKeys, parseRegistryFile } from '../../src/sources/entry-set.js';

/** A small IANA-format registry: 443, 53, 80 with aliases, a range, a name-only entry. */
export const CLI_FIXTURE = path.resolve('test/cli/fixtures/registry.csv');

/** The fixture as the registry loads it: parsed, primaries marked, keyed and numbered. */
export function fixtureIndex(): RegistryIndex {
  const records = parseRegistryFile(readFileSync(CLI_FIXTURE, 'utf8'), 'csv');
  const entries: IndexedEntry[] = assignEntryKeys(records).map(({ key, record }, position) => ({
    ...record,
    id: position + 1,
    entryKey: key,
  }));
  return new RegistryIndex(entries, 'cli-fixture');
}

/** Real reports over the fixture, built by the same functions RegistryReads answers with. */
export function fixtureReports(): {
  port(port: number, protocol?: Protocol): PortReport;
  service(name: string, protocol?: Protocol): ServiceReport;
  resolve(name: string, protocol?: Protocol): Resolution | null;
} {
  const index = fixtureIndex();
  const notes = new PortNotes(loadCurated());
  return {
    port: (port, protocol) => buildPortReport(index, notes, port, protocol),
    service: (name, protocol) => buildServiceReport(index, name, protocol),
    resolve: (name, protocol) => {
      try {
        return resolveService(index, name, protocol);
      } catch {
        return null;
      }
    },
  };
}
