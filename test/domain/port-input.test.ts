import { describe, expect, it } from 'vitest';
import { InvalidPortError } from '../../src/domain/classification.js';
import { parsePort, parsePortRange, parsePortSpec } from '../../src/domain/port-input.js';

function failure(run: () => unknown): InvalidPortError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidPortError) return error;
    throw error;
  }
  throw new Error('expected InvalidPortError');
}

describe('parsePort', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['80', 80],
    ['1023', 1023],
    ['49152', 49152],
    ['65535', 65535],
  ])('reads %j as %i', (text, port) => {
    expect(parsePort(text)).toBe(port);
  });

  it.each([
    ['a negative number', '-1', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['a plus sign', '+80', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['one above the top', '65536', 'must be an integer from 0 to 65535'],
    ['six digits', '100000', 'must be an integer from 0 to 65535'],
    ['a huge number', '99999999999999999999', 'must be an integer from 0 to 65535'],
    ['trailing letters', '80abc', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['an exponent', '1e3', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['hex', '0x50', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['a decimal point', '80.0', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['an empty string', '', 'must not be empty'],
    ['only spaces', '  ', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['a leading space', ' 80', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['a trailing newline', '80\n', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['an inner space', '8 0', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['Arabic-Indic digits', '١٢٣', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['full-width digits', '８０', 'must be an integer from 0 to 65535 written in decimal digits'],
    ['a leading zero', '080', 'must not have leading zeros'],
    ['only zeros', '00', 'must not have leading zeros'],
    ['Infinity', 'Infinity', 'must be an integer from 0 to 65535 written in decimal digits'],
  ])('refuses %s (%j)', (_name, text, reason) => {
    expect(failure(() => parsePort(text))).toMatchObject({ field: 'port', reason });
  });

  it('reports the field it was given', () => {
    expect(failure(() => parsePort('x', 'from')).field).toBe('from');
  });
});

describe('parsePortRange', () => {
  it.each([
    ['80', 80, 80],
    ['6000-6063', 6000, 6063],
    ['0-65535', 0, 65535],
    ['443-443', 443, 443],
  ])('reads %j as %i-%i', (text, portStart, portEnd) => {
    expect(parsePortRange(text)).toEqual({ portStart, portEnd });
  });

  it.each([
    ['reversed bounds', '6063-6000', 'must not start after it ends'],
    ['a missing end', '6000-', 'must be a port or a range such as 6000-6063'],
    ['a missing start', '-6000', 'must be a port or a range such as 6000-6063'],
    ['three parts', '1-2-3', 'must be a port or a range such as 6000-6063'],
    ['a double hyphen', '1--2', 'must be a port or a range such as 6000-6063'],
    [
      'spaces around the hyphen',
      '6000 - 6063',
      'must be an integer from 0 to 65535 written in decimal digits',
    ],
    ['an end above the top', '6000-65536', 'must be an integer from 0 to 65535'],
    ['an empty string', '', 'must not be empty'],
  ])('refuses %s (%j)', (_name, text, reason) => {
    expect(failure(() => parsePortRange(text))).toMatchObject({ field: 'port', reason });
  });
});

describe('parsePortSpec', () => {
  it.each([
    ['443', { portStart: 443, portEnd: 443, protocol: null }],
    ['53/udp', { portStart: 53, portEnd: 53, protocol: 'udp' }],
    ['53/UDP', { portStart: 53, portEnd: 53, protocol: 'udp' }],
    ['6000-6063/tcp', { portStart: 6000, portEnd: 6063, protocol: 'tcp' }],
    ['6000-6063', { portStart: 6000, portEnd: 6063, protocol: null }],
    ['9/sctp', { portStart: 9, portEnd: 9, protocol: 'sctp' }],
    ['5004/dccp', { portStart: 5004, portEnd: 5004, protocol: 'dccp' }],
  ])('reads %j', (text, spec) => {
    expect(parsePortSpec(text)).toEqual(spec);
  });

  it.each([
    ['an unknown protocol', '53/icmp', 'must be one of tcp, udp, sctp, dccp'],
    ['a protocol with spaces', '53/ udp', 'must be one of tcp, udp, sctp, dccp'],
    ['a protocol with digits', '53/udp6', 'must be one of tcp, udp, sctp, dccp'],
    ['an empty protocol', '53/', 'must not be empty after "/"'],
  ])('reports %s (%j) on the field protocol', (_name, text, reason) => {
    expect(failure(() => parsePortSpec(text))).toMatchObject({ field: 'protocol', reason });
  });

  it.each([
    ['protocol first', 'tcp/80'],
    ['two slashes', '80/tcp/udp'],
    ['a bad port', '80abc/tcp'],
    ['no port', '/tcp'],
    ['an empty string', ''],
    ['reversed bounds', '6063-6000/tcp'],
  ])('reports %s (%j) on the field port', (_name, text) => {
    expect(failure(() => parsePortSpec(text)).field).toBe('port');
  });
});
