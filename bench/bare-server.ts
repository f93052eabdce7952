import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';

/**
 * The baseline of SPEC.md section 9: a bare Fastify route answering from a prebuilt Map of
 * port to JSON text, with no schema, no plugins, no logging. Run as its own process by
 * bench/load.ts: `node --import tsx bench/bare-server.ts` with BARE_MAP_FILE naming a JSON
 * object `{ "443": <answer>, ... }`. Prints `{"listening":"http://127.0.0.1:N"}` when up.
 */
const file = process.env.BARE_MAP_FILE;
if (!file) throw new Error('BARE_MAP_FILE is not set');
const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
const answers = new Map<number, string>(
  Object.entries(parsed).map(([port, answer]) => [Number(port), JSON.stringify(answer)]),
);

const app = Fastify({ logger: false });
app.get<{ Params: { port: string } }>('/v1/ports/:port', async (request, reply) => {
  const answer = answers.get(Number(request.params.port));
  if (answer === undefined) return reply.code(404).send({ status: 404 });
  return reply.header('content-type', 'application/json; charset=utf-8').send(answer);
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ listening: url }));

const stop = (): void => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
