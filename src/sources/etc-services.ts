/** `/etc/services` (services(5)) into registry entry records. */
import { isPort, parseProtocol } from '../domain/protocols.js';
import {
  RegistryFormatError,
  simpleRecord,
  type EntrySource,
  type RegistryEntryRecord,
} from './entry.js';
import { cleanText, quoted } from './iana-fields.js';

/** Real files list protocols of their own (`ddp` on Linux); they have no port space here. */
const OTHER_PROTOCOL = /^[a-z][a-z0-9-]*$/i;

/**
 * Parses `name port/proto [aliases...] # comment` lines. Every name and every alias becomes a
 * record with status `assigned`; an alias carries the note `Alias of "name" in /etc/services`,
 * which `markPrimaryAndLegacy` reads as legacy (glibc matches aliases, the RFC does not know
 * them). The trailing comment becomes the description. Blank and comment lines are skipped;
 * a line with a bad port or protocol field throws RegistryFormatError with its line number.
 */
export function parseEtcServices(
  text: string | Buffer,
  source: EntrySource = 'etc-services',
): RegistryEntryRecord[] {
  const content = (typeof text === 'string' ? text : text.toString('utf8')).replace(/^\uFEFF/, '');
  const records: RegistryEntryRecord[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    records.push(...parseLine(line, index + 1, source));
  });
  if (records.length === 0) {
    throw new RegistryFormatError('/etc/services: the file has no service lines');
  }
  return records;
}

function parseLine(line: string, lineNumber: number, source: EntrySource): RegistryEntryRecord[] {
  const hash = line.indexOf('#');
  const body = (hash >= 0 ? line.slice(0, hash) : line).trim();
  if (body === '') return [];
  const description = hash >= 0 ? cleanText(line.slice(hash + 1)) : null;
  const [name, portField, ...aliases] = body.split(/\s+/);
  const where = `/etc/services line ${lineNumber}`;
  if (name === undefined || portField === undefined) {
    throw new RegistryFormatError(`${where}: expected "name port/protocol", got ${quoted(body)}`);
  }
  const match = /^(\d+)\/(\S+)$/.exec(portField);
  if (!match) {
    throw new RegistryFormatError(`${where}: ${quoted(portField)} is not "port/protocol"`);
  }
  const port = Number(match[1]);
  if (!isPort(port)) throw new RegistryFormatError(`${where}: port ${port} is outside 0-65535`);
  const protocolName = match[2] ?? '';
  const protocol = parseProtocol(protocolName);
  if (protocol === null) {
    if (OTHER_PROTOCOL.test(protocolName)) return [];
    throw new RegistryFormatError(`${where}: protocol ${quoted(protocolName)} is not valid`);
  }
  const base = {
    portStart: port,
    portEnd: port,
    protocol,
    status: 'assigned' as const,
    description,
    source,
  };
  return [
    simpleRecord({ ...base, serviceName: name }),
    ...aliases.map((alias) =>
      simpleRecord({ ...base, serviceName: alias, notes: `Alias of "${name}" in /etc/services` }),
    ),
  ];
}
