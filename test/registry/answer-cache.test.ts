import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/registry/answer-cache.js';

describe('AnswerCache', () => {
  function counting(): { build: (key: string) => () => string; builds: string[] } {
    const builds: string[] = [];
    return { builds, build: (key) => () => (builds.push(key), `answer ${key}`) };
  }

  it('keeps an answer from its second request on, and answers the same either way', () => {
    const cache = new AnswerCache<string>(10);
    const { build, builds } = counting();
    expect(cache.get('v1', '443/', build('443/'))).toBe('answer 443/');
    expect(cache.size).toBe(0);
    expect(cache.get('v1', '443/', build('443/'))).toBe('answer 443/');
    expect(cache.size).toBe(1);
    for (let i = 0; i < 5; i += 1)
      expect(cache.get('v1', '443/', build('443/'))).toBe('answer 443/');
    expect(builds).toEqual(['443/', '443/']);
  });

  it('keeps nothing of keys asked once, however many (a scan of every port)', () => {
    const cache = new AnswerCache<string>(100);
    const { build, builds } = counting();
    for (let port = 0; port < 65536; port += 1) cache.get('v1', `${port}/`, build(`${port}/`));
    expect(cache.size).toBe(0);
    expect(builds).toHaveLength(65536);
  });

  it('stays within its bound, and starts afresh for a new registry version', () => {
    const cache = new AnswerCache<string>(100);
    const { build, builds } = counting();
    for (let round = 0; round < 2; round += 1) {
      for (let port = 0; port < 250; port += 1) cache.get('v1', `${port}/`, build(`${port}/`));
    }
    expect(cache.size).toBeLessThanOrEqual(100);
    cache.get('v1', '1/', build('1/'));
    cache.get('v1', '1/', build('1/'));
    const before = builds.length;
    expect(cache.get('v2', '1/', build('1/'))).toBe('answer 1/');
    expect(builds.length).toBe(before + 1);
    expect(cache.size).toBe(0);
  });
});
