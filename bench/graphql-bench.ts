import {
  compareLoads,
  describeLoad,
  fetchText,
  loadProblem,
  pairing,
  type LoadRequest,
} from './load.js';
import { millis } from './stats.js';
import type { Benchmark, BenchResult } from './types.js';

/**
 * SPEC.md section 9: GraphQL `port(number: 443)` against the REST lookup GET /v1/ports/443, on
 * the shared server, with the same autocannon settings, the two taking turns round by round.
 */

const PORT = 443;
const TARGET_RATIO = 0.5;

/** What a client asking "what is 443?" needs: a subset of the REST report's fields. */
const QUERY =
  `{ port(number: ${PORT}) { port classification { range privileged } ` +
  `protocols { protocol status primary names } } }`;

interface GraphqlAnswer {
  data?: { port?: { port?: unknown } | null } | null;
  errors?: unknown[];
}

/** Throws unless the query answers 200 with the port and without errors. */
async function probeGraphql(request: LoadRequest): Promise<string> {
  const answer = await fetchText(request.url, {
    method: 'POST',
    body: request.body,
    headers: request.headers,
  });
  const parsed = (() => {
    try {
      return JSON.parse(answer.body) as GraphqlAnswer;
    } catch {
      return null;
    }
  })();
  if (answer.status !== 200 || parsed?.data?.port?.port !== PORT || parsed.errors) {
    throw new Error(`POST /graphql answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  }
  return answer.body;
}

export const graphqlVsRest: Benchmark = {
  name: 'graphql-vs-rest',
  title: `GraphQL port(number: ${PORT}) against REST GET /v1/ports/${PORT}`,
  async run(context): Promise<BenchResult> {
    const server = await context.apiServer();
    const graphql: LoadRequest = {
      url: `${server.url}/graphql`,
      pid: server.pid,
      method: 'POST',
      body: JSON.stringify({ query: QUERY }),
      headers: { 'content-type': 'application/json' },
    };
    const rest: LoadRequest = { url: `${server.url}/v1/ports/${PORT}`, pid: server.pid };
    const graphqlBody = await probeGraphql(graphql);
    const restProbe = await fetchText(rest.url);
    if (restProbe.status !== 200) {
      throw new Error(`GET /v1/ports/${PORT} answered ${restProbe.status}`);
    }
    const [graphqlFigures, restFigures] = await compareLoads([graphql, rest], context.settings);
    if (!graphqlFigures || !restFigures) throw new Error('no load figures');
    // A 200 may still carry GraphQL errors, which autocannon cannot see: ask once more after.
    await probeGraphql(graphql);

    const problem = loadProblem(graphqlFigures) ?? loadProblem(restFigures);
    const compared = pairing(graphqlFigures, restFigures);
    const { connections, rounds, durationSeconds } = context.settings;
    return {
      rows: [
        {
          benchmark: `GraphQL port(number: ${PORT}) vs REST GET /v1/ports/${PORT} (req/s)`,
          figure: problem ? `not valid: ${problem}` : compared.figure,
          target: `≥ ${TARGET_RATIO.toFixed(2)}×; all 2xx`,
          met: problem === null && compared.ratio >= TARGET_RATIO,
        },
      ],
      details: [
        `GraphQL \`${QUERY}\` by POST /graphql (JSON body) against GET /v1/ports/${PORT}, same ` +
          `autocannon settings (${connections} connections, ${rounds} alternating ` +
          `${durationSeconds} s rounds). The query selects a subset of the REST report ` +
          `(no IANA entries, notes or ephemeral flags): ${Buffer.byteLength(graphqlBody)} bytes ` +
          `against REST's ${Buffer.byteLength(restProbe.body)}. REST serves a report serialized ` +
          `once per registry version; the JSON answer of this key-less query is likewise kept ` +
          `per registry version from its second request on (src/graphql/plugin.ts), so both ` +
          `measure mostly the HTTP path. With a key, GraphQL executes every request (compiled ` +
          `by graphql-jit); that figure is not measured here.`,
        describeLoad('GraphQL', graphqlFigures),
        describeLoad('REST', restFigures),
        `GraphQL/REST ${compared.detail}`,
        `p99: GraphQL ${millis(graphqlFigures.p99Ms)}, REST ${millis(restFigures.p99Ms)}`,
      ],
    };
  },
};
