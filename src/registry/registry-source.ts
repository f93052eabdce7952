import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { curatedPrimaryOverrides } from '../sources/curated.js';
import { detectFormat, parseRegistryFile } from '../sources/entry-set.js';
import {
  RegistryFormatError,
  type RegistryEntryRecord,
  type RegistryFormat,
} from '../sources/entry.js';

/** IANA's CSV is about 1.1 MB; anything far larger is not this registry. */
const MAX_BYTES = 64 * 1024 * 1024;
const FORMATS: readonly RegistryFormat[] = ['csv', 'xml', 'services'];

/** The source of a sync could not be read: a missing file, an unreachable URL, a bad format. */
export class RegistrySourceError extends Error {
  override readonly name = 'RegistrySourceError';
}

export interface RegistryFile {
  source: string;
  format: RegistryFormat;
  checksum: string;
  records: RegistryEntryRecord[];
}

export interface ReadOptions {
  format?: string | undefined;
  timeoutMs?: number;
}

/** Reads and parses a registry file from a path or an http(s) URL. */
export async function readRegistrySource(
  from: string,
  options: ReadOptions = {},
): Promise<RegistryFile> {
  const format = options.format === undefined ? undefined : parseFormat(options.format);
  const bytes = isUrl(from)
    ? await download(from, options.timeoutMs ?? 30_000)
    : await readLocal(from);
  const checksum = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
  const chosen = format ?? detectFormat(from, text.slice(0, 4096));
  try {
    return {
      source: from,
      format: chosen,
      checksum,
      records: parseRegistryFile(text, chosen, curatedPrimaryOverrides()),
    };
  } catch (error) {
    if (error instanceof RegistryFormatError) {
      throw new RegistrySourceError(
        `${from} is not a valid ${chosen} registry file: ${error.message}`,
      );
    }
    throw error;
  }
}

export function parseFormat(value: string): RegistryFormat {
  const format = FORMATS.find((known) => known === value.toLowerCase());
  if (!format) {
    throw new RegistrySourceError(`unknown format "${value}"; use one of ${FORMATS.join(', ')}`);
  }
  return format;
}

function isUrl(from: string): boolean {
  return /^https?:\/\//i.test(from);
}

async function readLocal(file: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new RegistrySourceError(`${file} is not a file`);
    if (info.size > MAX_BYTES)
      throw new RegistrySourceError(`${file} is larger than ${MAX_BYTES} bytes`);
    return await readFile(file);
  } catch (error) {
    if (error instanceof RegistrySourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new RegistrySourceError(`cannot read ${file}: ${code ?? String(error)}`);
  }
}

async function download(url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : cause || (error instanceof Error ? error.message : String(error));
    throw new RegistrySourceError(`cannot fetch ${url}: ${reason}`);
  }
  if (!response.ok) {
    throw new RegistrySourceError(`cannot fetch ${url}: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BYTES)
    throw new RegistrySourceError(`${url} is larger than ${MAX_BYTES} bytes`);
  try {
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > MAX_BYTES)
      throw new RegistrySourceError(`${url} is larger than ${MAX_BYTES} bytes`);
    return body;
  } catch (error) {
    if (error instanceof RegistrySourceError) throw error;
    throw new RegistrySourceError(`cannot fetch ${url}: the download broke off (${String(error)})`);
  }
}
