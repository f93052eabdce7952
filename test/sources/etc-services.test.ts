import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RegistryFormatError } from '../../src/sources/entry.js';
import { markPrimaryAndLegacy } from '../../src/sources/entry-set.js';
import { parseEtcServices } from '../../src/sources/etc-services.js';

const SERVICES = readFileSync(new URL('../fixtures/sources/services', import.meta.url));

function formatError(text: string): string {
  try {
    parseEtcServices(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryFormatError);
    return (error as Error).message;
  }
  throw new Error('expected a RegistryFormatError');
}

describe('parseEtcServices', () => {
  const records = parseEtcServices(SERVICES);

  it('makes one record per name and alias, skipping comments, blank lines and other protocols', () => {
    expect(records.map((r) => `${r.serviceName} ${r.portStart}/${r.protocol}`)).toEqual([
      'tcpmux 1/tcp',
      'echo 7/tcp',
      'echo 7/udp',
      'discard 9/tcp',
      'sink 9/tcp',
      'null 9/tcp',
      'ssh 22/tcp',
      'http 80/tcp',
      'www 80/tcp',
      'kerberos 88/tcp',
      'kerberos5 88/tcp',
      'krb5 88/tcp',
      'kerberos-sec 88/tcp',
      'https 443/udp',
      'sctp-echo 7/sctp',
    ]);
  });

  it('takes the description from the trailing comment, or null', () => {
    expect(records.find((r) => r.serviceName === 'ssh')?.description).toBe(
      'SSH Remote Login Protocol',
    );
    expect(records.find((r) => r.serviceName === 'echo')?.description).toBeNull();
  });

  it('marks aliases with a note that makes them legacy, the main name primary', () => {
    const www = records.find((r) => r.serviceName === 'www');
    expect(www).toMatchObject({
      status: 'assigned',
      source: 'etc-services',
      notes: 'Alias of "http" in /etc/services',
    });
    const marked = markPrimaryAndLegacy(records).filter((r) => r.portStart === 80);
    expect(marked.map((r) => [r.serviceName, r.primary, r.legacy])).toEqual([
      ['http', true, false],
      ['www', false, true],
    ]);
  });

  it('throws with the line number on a bad port field', () => {
    expect(formatError('echo 7/tcp\nhttp 80abc/tcp\n')).toBe(
      '/etc/services line 2: "80abc/tcp" is not "port/protocol"',
    );
  });

  it('throws on a port above 65535', () => {
    expect(formatError('big 70000/tcp')).toBe(
      '/etc/services line 1: port 70000 is outside 0-65535',
    );
  });

  it('throws on a line without a port', () => {
    expect(formatError('# header\nlonely\n')).toMatch(
      /^\/etc\/services line 2: expected "name port\/protocol"/,
    );
  });

  it('throws on a file without service lines', () => {
    expect(formatError('# only a comment\n\n')).toMatch(/no service lines/);
  });
});
