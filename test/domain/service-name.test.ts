import { describe, expect, it } from 'vitest';
import {
  isValidServiceName,
  serviceNameKey,
  serviceNameMessage,
  serviceNameProblem,
} from '../../src/domain/service-name.js';

describe('service names (RFC 6335 section 5.1)', () => {
  it.each([['http'], ['a'], ['x-1'], ['HTTP'], ['1a'], ['mit-ml-dev'], ['abcdefghijklmno']])(
    'accepts %j',
    (name) => {
      expect(serviceNameProblem(name)).toBeNull();
      expect(isValidServiceName(name)).toBe(true);
    },
  );

  it.each([
    ['an empty name', '', 'empty'],
    ['16 characters', 'abcdefghijklmnop', 'too-long'],
    ['a leading hyphen', '-a', 'hyphen-at-edge'],
    ['a trailing hyphen', 'a-', 'hyphen-at-edge'],
    ['two hyphens in a row', 'a--b', 'double-hyphen'],
    ['digits only', '123', 'no-letter'],
    ['digits and hyphens only', '1-2', 'no-letter'],
    ['plus signs (legacy whois++)', 'whois++', 'invalid-character'],
    ['an asterisk (legacy sql*net)', 'sql*net', 'invalid-character'],
    ['an underscore (legacy instl_boots)', 'instl_boots', 'invalid-character'],
    ['a non-ASCII letter', 'café', 'invalid-character'],
    ['a Cyrillic letter that looks Latin', 'httр', 'invalid-character'],
    ['a space', 'my service', 'invalid-character'],
  ])('refuses %s (%j) as %s', (_name, name, problem) => {
    expect(serviceNameProblem(name)).toBe(problem);
    expect(isValidServiceName(name)).toBe(false);
  });

  it('cites RFC 6335 section 5.1 in its messages', () => {
    expect(serviceNameMessage('too-long')).toBe(
      'service name must be at most 15 characters (RFC 6335 section 5.1)',
    );
  });

  it('compares names without case', () => {
    expect(serviceNameKey('HTTP')).toBe(serviceNameKey('http'));
    expect(serviceNameKey('WarmspotMgmt')).toBe('warmspotmgmt');
  });
});
