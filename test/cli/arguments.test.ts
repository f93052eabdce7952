import { describe, expect, it } from 'vitest';
import { parseCliArguments, type CliCommand } from '../../src/cli/arguments.js';
import { CliError } from '../../src/cli/errors.js';

function parse(argv: string[], env: NodeJS.ProcessEnv = {}): CliCommand {
  return parseCliArguments(argv, env);
}

/** The CliError a command line is refused with. */
function refusal(argv: string[], env: NodeJS.ProcessEnv = {}): CliError {
  try {
    parse(argv, env);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('parseCliArguments', () => {
  it('reads a port, a port with a protocol, and --protocol', () => {
    expect(parse(['443'])).toEqual({
      kind: 'lookup',
      query: { kind: 'port', port: 443, protocol: undefined },
      json: false,
      url: null,
    });
    expect(parse(['53/udp'])).toMatchObject({ query: { kind: 'port', port: 53, protocol: 'udp' } });
    expect(parse(['--protocol', 'UDP', '53'])).toMatchObject({
      query: { port: 53, protocol: 'udp' },
    });
    expect(parse(['-p', 'sctp', '53/sctp'])).toMatchObject({ query: { protocol: 'sctp' } });
  });

  it('reads anything else of 1-64 visible ASCII characters as a service name', () => {
    for (const name of [
      'postgresql',
      'WWW',
      '9pfs',
      '3com-tsmux',
      'whois++',
      '914c/g',
      'x'.repeat(64),
    ]) {
      expect(parse([name])).toMatchObject({ query: { kind: 'service', name } });
    }
    expect(parse(['--protocol', 'udp', 'domain'])).toMatchObject({
      query: { kind: 'service', name: 'domain', protocol: 'udp' },
    });
  });

  it('reads --json and --url, and PORT_REGISTRY_URL when --url is absent', () => {
    const command = parse(['--json', '--url', 'http://127.0.0.1:3000', '80']);
    expect(command).toMatchObject({ json: true });
    expect(command.kind === 'lookup' && command.url?.href).toBe('http://127.0.0.1:3000/');
    const fromEnv = parse(['80'], { PORT_REGISTRY_URL: 'https://ports.example/registry' });
    expect(fromEnv.kind === 'lookup' && fromEnv.url?.href).toBe('https://ports.example/registry');
    const overridden = parse(['--url', 'http://a.example', '80'], {
      PORT_REGISTRY_URL: 'http://b.example',
    });
    expect(overridden.kind === 'lookup' && overridden.url?.host).toBe('a.example');
    expect(parse(['80'], { PORT_REGISTRY_URL: '' })).toMatchObject({ url: null });
  });

  it('answers --help and --version before anything else', () => {
    expect(parse(['--help'])).toEqual({ kind: 'help' });
    expect(parse(['-h', 'not a name'])).toEqual({ kind: 'help' });
    expect(parse(['--version'])).toEqual({ kind: 'version' });
    expect(parse(['-v'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['080'], '"080": port must not have leading zeros'],
    [['70000'], '"70000": port must be an integer from 0 to 65535'],
    [['6000-6063'], '"6000-6063": one port at a time, not a range'],
    [['53/xyz'], '"53/xyz": protocol must be one of tcp, udp, sctp, dccp'],
    [['53/'], '"53/": protocol must not be empty after "/"'],
    [['--protocol', 'tcp', '53/udp'], '"53/udp" names udp but --protocol says tcp'],
    [['--protocol', 'xyz', '53'], '--protocol must be one of tcp, udp, sctp, dccp, not "xyz"'],
    [['caf\u00e9'], '"café" is neither a port'],
    [['two words'], '"two words" is neither a port'],
    [['x'.repeat(65)], 'is neither a port'],
    [[''], '"" is neither a port'],
    [[], 'give one port or service name'],
    [['80', '443'], 'give one port or service name, not 2'],
    [['--form', '80'], "unknown option '--form'"],
    [['--url', 'ftp://example', '80'], '--url must be an http:// or https:// URL'],
    [['--url', 'not a url', '80'], '--url must be an http:// or https:// URL'],
  ])('refuses %j with exit code 2', (argv, message) => {
    const error = refusal(argv);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });

  it('refuses a PORT_REGISTRY_URL that is not an http URL, naming the variable', () => {
    const error = refusal(['80'], { PORT_REGISTRY_URL: 'localhost:3000' });
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^PORT_REGISTRY_URL must be an http/);
  });
});
