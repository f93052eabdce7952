import { bandsContaining, ephemeralSystems } from '../domain/classification.js';
import type { Protocol } from '../domain/protocols.js';
import type { CuratedData } from '../sources/curated.js';

export type NoteKind =
  'security' | 'unofficial-use' | 'browser-blocked' | 'ephemeral' | 'dynamic' | 'band';

/** A fact attached to a port, always with the source it comes from (FACTS.md section 5). */
export interface PortNote {
  kind: NoteKind;
  severity: 'info' | 'warning' | 'critical';
  protocol: Protocol | null;
  text: string;
  source: string;
}

/** Curated notes indexed by port once, so that a lookup only reads a map. */
export class PortNotes {
  private readonly byPort = new Map<number, PortNote[]>();
  private readonly badPorts: ReadonlySet<number>;
  private readonly badPortsSource: string;

  constructor(curated: CuratedData) {
    for (const note of curated.securityNotes) {
      this.add(note.port, {
        kind: 'security',
        severity: note.severity,
        protocol: note.protocol,
        text: note.text,
        source: note.source,
      });
    }
    for (const use of curated.unofficialUses) {
      this.add(use.port, {
        kind: 'unofficial-use',
        severity: 'info',
        protocol: use.protocol,
        text: `Commonly used by ${use.name} (not an IANA assignment): ${use.text}`,
        source: use.source,
      });
    }
    this.badPorts = new Set(curated.browserBadPorts.ports);
    this.badPortsSource = curated.browserBadPorts.source;
  }

  isBrowserBlocked(port: number): boolean {
    return this.badPorts.has(port);
  }

  /** Curated notes plus the notes that follow from the port number itself. */
  forPort(port: number, protocol?: Protocol): PortNote[] {
    const notes = (this.byPort.get(port) ?? []).filter(
      (note) => !protocol || note.protocol === null || note.protocol === protocol,
    );
    // Browsers speak HTTP over TCP (and QUIC, which the Fetch list does not cover).
    if (this.badPorts.has(port) && (!protocol || protocol === 'tcp')) {
      notes.push({
        kind: 'browser-blocked',
        severity: 'info',
        protocol: 'tcp',
        text: 'Browsers refuse HTTP(S) requests to this port, so a web service here is unreachable from a browser.',
        source: this.badPortsSource,
      });
    }
    if (port >= 49152) {
      notes.push({
        kind: 'dynamic',
        severity: 'warning',
        protocol: null,
        text: 'Dynamic (private, ephemeral) port: IANA never assigns it, and it must not be used as a service identifier.',
        source: 'RFC 6335 section 8.1.2',
      });
    }
    const systems = ephemeralSystems(port).filter((system) => !system.startsWith('IANA'));
    if (systems.length > 0) {
      notes.push({
        kind: 'ephemeral',
        severity: 'warning',
        protocol: null,
        text: `Inside the default ephemeral (client) port range of ${systems.join(', ')}: an outgoing connection can take it, so a server listening here may fail to start.`,
        source: 'FACTS.md section 2 (ip_local_port_range, KB 929851, net.inet.ip.portrange)',
      });
    }
    for (const band of bandsContaining(port)) {
      notes.push({
        kind: 'band',
        severity: 'info',
        protocol: null,
        text: `Inside the ${band.label} range (${band.start}-${band.end}).`,
        source: band.source,
      });
    }
    return notes;
  }

  private add(port: number, note: PortNote): void {
    const list = this.byPort.get(port);
    if (list) list.push(note);
    else this.byPort.set(port, [note]);
  }
}
