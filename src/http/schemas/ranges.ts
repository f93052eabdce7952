import { Type } from 'typebox';
import { PortNumber } from './common.js';

const Source = Type.String({
  description: 'Where the fact comes from',
  examples: ['RFC 6335 section 6'],
});

export const RangesTable = Type.Object(
  {
    ranges: Type.Array(
      Type.Object({
        id: Type.String({ examples: ['system'] }),
        label: Type.String({ examples: ['System Ports (Well-Known)'] }),
        start: PortNumber,
        end: PortNumber,
        assignedByIana: Type.Boolean(),
        assignment: Type.String({ description: 'How IANA assigns ports of the range' }),
        source: Source,
      }),
      { description: 'RFC 6335 section 6 ranges' },
    ),
    ephemeral: Type.Array(
      Type.Object({
        id: Type.String({ examples: ['linux'] }),
        family: Type.String({
          description: 'The PortReport flag the row belongs to',
          examples: ['linux'],
        }),
        name: Type.String({ examples: ['Linux'] }),
        system: Type.String({ examples: ['Linux (kernel 4.2 and later)'] }),
        start: PortNumber,
        end: PortNumber,
        setting: Type.String({ examples: ['sysctl net.ipv4.ip_local_port_range'] }),
        current: Type.Boolean({ description: 'The default of current releases' }),
        source: Source,
      }),
      { description: 'Default client (ephemeral) port ranges of operating systems' },
    ),
    bands: Type.Array(
      Type.Object({
        id: Type.String({ examples: ['kubernetes-nodeport'] }),
        label: Type.String({ examples: ['Kubernetes NodePort'] }),
        start: PortNumber,
        end: PortNumber,
        setting: Type.String(),
        source: Source,
      }),
      { description: 'Other bands worth a warning' },
    ),
    privileged: Type.Object({
      system: Type.String(),
      below: PortNumber,
      start: PortNumber,
      end: PortNumber,
      requirement: Type.String(),
      setting: Type.String(),
      defaultUnprivilegedStart: PortNumber,
      source: Source,
    }),
  },
  { $id: 'RangesTable', description: 'Port ranges and the facts behind the classification' },
);
