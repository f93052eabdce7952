/**
 * Plain ANSI styling and line layout for the command line: no dependency, and every width is
 * measured on the text before any escape code is added.
 */

/** Lines never grow wider than this, so that output reads in any terminal or log. */
export const MAX_LINE_WIDTH = 100;

export type StyleName = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const CODES: Record<StyleName, [open: number, close: number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export type Paint = (style: StyleName | null, text: string) => string;

/** The painter for `color`: ANSI codes around the text, or the text unchanged. */
export function painter(color: boolean): Paint {
  return (style, text) => {
    if (!color || style === null || text.length === 0) return text;
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

/**
 * Colour only for a person at a terminal: stdout is a TTY and NO_COLOR (no-color.org) is unset
 * or empty.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** Removes ANSI escape codes: the text a reader sees. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Shortens `text` to `width` characters, marking the cut with "...". */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 3) return text.slice(0, Math.max(0, width));
  return `${text.slice(0, width - 3).trimEnd()}...`;
}

/** One cell of a row: its text, its style, and the width it is padded to (unless last). */
export interface Cell {
  text: string;
  style?: StyleName | null;
  width?: number;
}

/**
 * Lays out one row: cells padded to their widths and separated by two spaces; the last cell
 * is cut to fit `MAX_LINE_WIDTH`; empty cells at the end leave no trailing spaces.
 */
export function row(paint: Paint, indent: number, cells: Cell[]): string {
  const shown = [...cells];
  while (shown.length > 0 && shown[shown.length - 1]?.text === '') shown.pop();
  let used = indent;
  let line = ' '.repeat(indent);
  shown.forEach((cell, position) => {
    const last = position === shown.length - 1;
    const separator = position === 0 ? '' : '  ';
    used += separator.length;
    const text = last ? truncate(cell.text, MAX_LINE_WIDTH - used) : cell.text;
    const padding = last ? 0 : Math.max(0, (cell.width ?? 0) - text.length);
    line += separator + paint(cell.style ?? null, text) + ' '.repeat(padding);
    used += text.length + padding;
  });
  return line;
}

/** A run of words sharing one style, for `wrap`. */
export interface Words {
  text: string;
  style?: StyleName | null;
}

/**
 * Word-wraps styled text to `MAX_LINE_WIDTH`: the first line starts with `lead` (already laid
 * out, `leadWidth` characters wide), the following ones are indented by `leadWidth`. A word
 * longer than a line is cut.
 */
export function wrap(paint: Paint, lead: string, leadWidth: number, runs: Words[]): string[] {
  const room = Math.max(10, MAX_LINE_WIDTH - leadWidth);
  const words = runs.flatMap((run) =>
    run.text
      .split(/\s+/)
      .filter((word) => word.length > 0)
      .map((word) => ({ word: truncate(word, room), style: run.style ?? null })),
  );
  const lines: { word: string; style: StyleName | null }[][] = [[]];
  let used = 0;
  for (const word of words) {
    const current = lines[lines.length - 1] as { word: string; style: StyleName | null }[];
    const needed = (current.length > 0 ? 1 : 0) + word.word.length;
    if (current.length > 0 && used + needed > room) {
      lines.push([word]);
      used = word.word.length;
    } else {
      current.push(word);
      used += needed;
    }
  }
  return lines.map((line, position) => {
    const start = position === 0 ? lead : ' '.repeat(leadWidth);
    return start + paintWords(paint, line);
  });
}

/** Joins words with spaces, one escape sequence per run of equally styled words. */
function paintWords(paint: Paint, words: { word: string; style: StyleName | null }[]): string {
  let text = '';
  let position = 0;
  while (position < words.length) {
    const style = words[position]?.style ?? null;
    const run: string[] = [];
    while (position < words.length && (words[position]?.style ?? null) === style) {
      run.push(words[position]?.word ?? '');
      position += 1;
    }
    text += (text.length > 0 ? ' ' : '') + paint(style, run.join(' '));
  }
  return text;
}
