import { describe, expect, it } from 'vitest';
import {
  MAX_LINE_WIDTH,
  painter,
  row,
  stripAnsi,
  truncate,
  wantsColor,
  wrap,
} from '../../src/cli/terminal.js';

describe('wantsColor', () => {
  it('colours a terminal', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
  });

  it('does not colour a pipe or a file', () => {
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
  });

  it('does not colour when NO_COLOR is set, and does when it is empty (no-color.org)', () => {
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
});

describe('layout', () => {
  const paint = painter(false);

  it('truncates with "..." to the width asked', () => {
    expect(truncate('abcdefghij', 8)).toBe('abcde...');
    expect(truncate('abc', 8)).toBe('abc');
  });

  it('pads cells but never leaves trailing spaces for empty last cells', () => {
    expect(
      row(paint, 2, [{ text: 'dccp', width: 4 }, { text: 'unassigned', width: 10 }, { text: '' }]),
    ).toBe('  dccp  unassigned');
  });

  it('wraps long text within 100 characters, continuing under the first word', () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const wrapped = wrap(paint, '    lead  ', 10, [{ text }]);
    expect(wrapped.length).toBeGreaterThan(1);
    for (const line of wrapped) expect(line.length).toBeLessThanOrEqual(MAX_LINE_WIDTH);
    expect(wrapped[1]?.startsWith(' '.repeat(10) + 'word')).toBe(true);
    // Every word is kept, in order.
    expect(wrapped.join(' ').trim().split(/\s+/)).toEqual(['lead', ...text.split(' ')]);
  });

  it('paints with plain ANSI codes that stripAnsi removes', () => {
    const colored = painter(true)('red', 'critical');
    expect(colored).toBe('\u001b[31mcritical\u001b[39m');
    expect(stripAnsi(colored)).toBe('critical');
  });
});
