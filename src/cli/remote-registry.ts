import type { Protocol } from '../domain/protocols.js';
import type { PortReport, Resolution, ServiceReport } from '../registry/reports.js';
import { CliError, describeError } from './errors.js';
import type { RegistryLookup } from './registry-lookup.js';

const TIMEOUT_MS = 10_000;

interface Answer {
  status: number;
  body: unknown;
}

/** A running Port Registry asked over HTTP: the same REST answers the API documents. */
export class RemoteRegistry implements RegistryLookup {
  private readonly base: URL;

  constructor(
    base: URL,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {
    // A base with a path (behind a proxy, `https://host/registry`) keeps it: `v1/...` is relative.
    this.base = new URL(base.href);
    this.base.search = '';
    this.base.hash = '';
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
  }

  async port(port: number, protocol?: Protocol): Promise<PortReport> {
    const answer = await this.get(`v1/ports/${port}`, protocol);
    return this.expect(answer, isPortReport, 'a PortReport');
  }

  async service(name: string, protocol?: Protocol): Promise<ServiceReport> {
    const answer = await this.get(`v1/services/${pathSegment(name)}`, protocol);
    return this.expect(answer, isServiceReport, 'a ServiceReport');
  }

  async resolve(name: string, protocol?: Protocol): Promise<Resolution | null> {
    const answer = await this.get(`v1/resolve/${pathSegment(name)}`, protocol);
    if (answer.status === 404) return null;
    return this.expect(answer, isResolution, 'a resolution');
  }

  async close(): Promise<void> {}

  private async get(path: string, protocol: Protocol | undefined): Promise<Answer> {
    const url = new URL(path, this.base);
    if (protocol) url.searchParams.set('protocol', protocol);
    let response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw CliError.failed(`cannot reach ${this.origin}: ${networkReason(error, this.timeoutMs)}`);
    }
    const text = await response.text().catch(() => '');
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, body };
  }

  private expect<T>(answer: Answer, check: (body: unknown) => body is T, what: string): T {
    const { status, body } = answer;
    if (status === 200) {
      if (check(body)) return body;
      throw CliError.failed(`${this.origin} did not answer with ${what}: is it a Port Registry?`);
    }
    const detail = problemDetail(body) ?? `HTTP ${status}`;
    if (status === 404) throw CliError.notFound(detail);
    if (status === 400) throw CliError.usage(`the server refused the query: ${detail}`);
    if (status === 503) throw CliError.failed(`${this.origin} is not ready: ${detail}`);
    throw CliError.failed(`${this.origin} answered ${status}: ${detail}`);
  }

  /** The server as the user gave it, for messages. */
  private get origin(): string {
    return this.base.href.replace(/\/$/, '');
  }
}

/**
 * A service name as one path segment. Dots are escaped too, so that a name such as `..` cannot
 * walk up the path; the server decodes them back.
 */
function pathSegment(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E');
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  // fetch fails with "fetch failed"; the socket's reason (ECONNREFUSED, ENOTFOUND) is the cause.
  const cause = error instanceof Error ? error.cause : undefined;
  return describeError(cause ?? error);
}

function problemDetail(body: unknown): string | null {
  if (!isRecord(body)) return null;
  if (typeof body.detail === 'string' && body.detail !== '') return body.detail;
  if (typeof body.title === 'string' && body.title !== '') return body.title;
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Enough of the shape to format it; the server's schema guarantees the rest. */
function isPortReport(body: unknown): body is PortReport {
  return (
    isRecord(body) &&
    typeof body.port === 'number' &&
    isRecord(body.classification) &&
    Array.isArray(body.protocols) &&
    Array.isArray(body.iana) &&
    Array.isArray(body.notes)
  );
}

function isServiceReport(body: unknown): body is ServiceReport {
  return (
    isRecord(body) &&
    typeof body.name === 'string' &&
    Array.isArray(body.aliases) &&
    Array.isArray(body.ports) &&
    Array.isArray(body.iana)
  );
}

function isResolution(body: unknown): body is Resolution {
  return isRecord(body) && typeof body.port === 'number' && typeof body.protocol === 'string';
}
