import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RegistryEntryRecord } from '../../src/sources/entry.js';
import { assignEntryKeys, contentHash, parseRegistryFile } from '../../src/sources/entry-set.js';

const SNAPSHOT = path.resolve(process.cwd(), '../shared/data/service-names-port-numbers.csv');
const exists = existsSync(SNAPSHOT);
const skipped = exists ? '' : ' (skipped: ../shared/data/service-names-port-numbers.csv is absent)';

describe(`the real IANA CSV snapshot${skipped}`, () => {
  let cached: RegistryEntryRecord[] | undefined;
  const records = (): RegistryEntryRecord[] => {
    if (cached === undefined) {
      const started = performance.now();
      cached = parseRegistryFile(readFileSync(SNAPSHOT), 'csv');
      console.log(
        `parsed ${cached.length} records in ${Math.round(performance.now() - started)} ms`,
      );
    }
    return cached;
  };
  const on = (port: number, protocol: string) =>
    records().filter((r) => r.portStart === port && r.portEnd === port && r.protocol === protocol);

  it.skipIf(!exists)('has 14474 records with the expected protocol counts', () => {
    const counts: Record<string, number> = {};
    for (const record of records()) {
      const key = record.protocol ?? 'null';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(records()).toHaveLength(14474);
    expect(counts).toEqual({ tcp: 6576, udp: 6338, sctp: 93, dccp: 11, null: 1456 });
  });

  it.skipIf(!exists)('makes http primary on 80/tcp and whoispp on 63/tcp', () => {
    expect(
      on(80, 'tcp')
        .filter((r) => r.primary)
        .map((r) => r.serviceName),
    ).toEqual(['http']);
    expect(
      on(63, 'tcp')
        .filter((r) => r.primary)
        .map((r) => r.serviceName),
    ).toEqual(['whoispp']);
    expect(on(63, 'tcp').find((r) => r.serviceName === 'whois++')?.legacy).toBe(true);
  });

  it.skipIf(!exists)('has imap on 143/tcp and a reserved 143/udp', () => {
    expect(on(143, 'tcp').map((r) => [r.serviceName, r.status])).toEqual([['imap', 'assigned']]);
    expect(on(143, 'udp').map((r) => [r.serviceName, r.status])).toEqual([[null, 'reserved']]);
  });

  it.skipIf(!exists)('has no entry at or above 49152', () => {
    expect(records().filter((r) => (r.portEnd ?? 0) >= 49152)).toEqual([]);
  });

  it.skipIf(!exists)('has at most one primary per port and protocol', () => {
    const seen = new Set<string>();
    for (const record of records().filter((r) => r.primary)) {
      const key = `${record.portStart}-${record.portEnd}/${record.protocol}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it.skipIf(!exists)('gives unique keys, numbering the second name-only rdp', () => {
    const keys = assignEntryKeys(records()).map((item) => item.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((key) => key.includes('#'))).toEqual(['-|-|-|rdp#2']);
  });

  it.skipIf(!exists)('yields the same hashes when parsed twice', () => {
    const again = parseRegistryFile(readFileSync(SNAPSHOT), 'csv');
    expect(again.map(contentHash)).toEqual(records().map(contentHash));
  });

  it.skipIf(!exists)('carries no e-mail address', () => {
    const text = JSON.stringify(records());
    expect(text).not.toMatch(/[\w.+-]+(?:@|&)[\w-]+\.(?:com|org|net|nl|edu)\b/);
  });
});
