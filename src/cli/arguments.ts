import { parseArgs } from 'node:util';
import { InvalidPortError } from '../domain/classification.js';
import { parsePortSpec } from '../domain/port-input.js';
import { PROTOCOLS, isProtocol, type Protocol } from '../domain/protocols.js';
import { CliError } from './errors.js';

export const USAGE = `usage: port-registry [options] <port or name>

  port-registry 443                 what is port 443, on every protocol?
  port-registry 53/udp              one protocol only (also: --protocol udp 53)
  port-registry postgresql          which ports does a service use? (aliases resolve)

options:
  -p, --protocol <name>   only this protocol: ${PROTOCOLS.join(', ')}
      --json              print the REST API's JSON answer (PortReport or ServiceReport)
      --url <url>         ask a running server, e.g. http://127.0.0.1:3000
                          (default: PORT_REGISTRY_URL)
  -h, --help              show this help
  -v, --version           show the version

Without --url the local database is read: DATABASE_URL, or the embedded store under DATA_DIR
(shared with a running server). Exit codes: 0 found, 1 not found or no answer, 2 bad input.`;

/** What to look up: one port (with an optional protocol) or one service name. */
export type LookupQuery =
  | { kind: 'port'; port: number; protocol: Protocol | undefined }
  | { kind: 'service'; name: string; protocol: Protocol | undefined };

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'lookup'; query: LookupQuery; json: boolean; url: URL | null };

/** Registry names as they may be asked: 1-64 visible ASCII characters (legacy names included). */
const SERVICE_NAME_TEXT = /^[\x21-\x7e]{1,64}$/;
/** Text a person means as a port: digits, maybe a range, maybe `/protocol` (`53/udp`, `080`). */
const PORT_SHAPED = /^[0-9]+(-[0-9]+)?(\/|$)/;

/** Reads the command line; throws CliError (exit 2) for anything it cannot run. */
export function parseCliArguments(argv: string[], env: NodeJS.ProcessEnv): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        protocol: { type: 'string', short: 'p' },
        json: { type: 'boolean', default: false },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's messages go on with advice about `--`; the first sentence is the one that matters.
    throw CliError.usage(`${firstSentence(message)} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length !== 1) {
    throw CliError.usage(
      positionals.length === 0
        ? 'give one port or service name, e.g. port-registry 443 (see --help)'
        : `give one port or service name, not ${positionals.length} (see --help)`,
    );
  }
  const protocol = values.protocol === undefined ? undefined : protocolOption(values.protocol);
  const query = parseQuery(positionals[0] as string, protocol);
  return { kind: 'lookup', query, json: values.json, url: serverUrl(values.url, env) };
}

/** `443`, `53/udp` (with `--protocol` agreeing, if given) or a service name. */
export function parseQuery(text: string, protocol?: Protocol): LookupQuery {
  if (PORT_SHAPED.test(text)) {
    let spec;
    try {
      spec = parsePortSpec(text);
    } catch (error) {
      if (error instanceof InvalidPortError)
        throw CliError.usage(`${quote(text)}: ${error.message}`);
      throw error;
    }
    if (spec.portStart !== spec.portEnd) {
      throw CliError.usage(`${quote(text)}: one port at a time, not a range`);
    }
    if (spec.protocol && protocol && spec.protocol !== protocol) {
      throw CliError.usage(`${quote(text)} names ${spec.protocol} but --protocol says ${protocol}`);
    }
    return { kind: 'port', port: spec.portStart, protocol: spec.protocol ?? protocol };
  }
  if (!SERVICE_NAME_TEXT.test(text)) {
    throw CliError.usage(
      `${quote(text)} is neither a port (0-65535, optionally /${PROTOCOLS.join(', /')}) ` +
        'nor a service name (1-64 visible ASCII characters)',
    );
  }
  return { kind: 'service', name: text, protocol };
}

function protocolOption(value: string): Protocol {
  const lower = value.toLowerCase();
  if (!isProtocol(lower)) {
    throw CliError.usage(`--protocol must be one of ${PROTOCOLS.join(', ')}, not ${quote(value)}`);
  }
  return lower;
}

/** `--url`, else PORT_REGISTRY_URL, else null (the local database). */
function serverUrl(option: string | undefined, env: NodeJS.ProcessEnv): URL | null {
  const [text, source] =
    option !== undefined ? [option, '--url'] : [env.PORT_REGISTRY_URL, 'PORT_REGISTRY_URL'];
  if (text === undefined || (text === '' && source === 'PORT_REGISTRY_URL')) return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw CliError.usage(`${source} must be an http:// or https:// URL, not ${quote(text)}`);
  }
  return url;
}

function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  const sentence = end === -1 ? message : message.slice(0, end);
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** The input as JSON text: quotes, and no control character reaches the terminal. */
function quote(text: string): string {
  return JSON.stringify(text);
}
