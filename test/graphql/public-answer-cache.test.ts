import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');
const V2 = path.resolve('test/fixtures/registry/small-v2.csv');
const QUERY = '{ port(number: 70) { port protocols { protocol status names } } }';

/** Public GraphQL answers kept per registry version (src/graphql/plugin.ts). */
describe('GraphQL answers to public queries', () => {
  let subject: TestApp;
  beforeAll(async () => {
    subject = await openTestApp({ syncFrom: V1 });
  });
  afterAll(async () => subject?.close());

  const post = (query: string, key?: string) => {
    const sent = request(subject.app.server).post('/graphql');
    if (key) sent.set('authorization', `Bearer ${key}`);
    return sent.send({ query });
  };

  it('are kept from the second request on, and a sync starts afresh', async () => {
    const port = vi.spyOn(subject.app.reads, 'port');
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await post(QUERY)).body);
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0].data.port.protocols[0]).toMatchObject({ protocol: 'tcp', names: ['gopher'] });
    // Built for the first two (the second is kept), served from the cache for the others.
    expect(port).toHaveBeenCalledTimes(2);

    await subject.registry.sync({ from: V2 });
    const after = (await post(QUERY)).body;
    expect(after.data.port.protocols[0]).toMatchObject({ protocol: 'tcp', names: [] });
    port.mockRestore();
  });

  it('never keep an answer with errors', async () => {
    const query = '{ port(number: 22) { port } }';
    const port = vi.spyOn(subject.app.reads, 'port').mockImplementation(() => {
      throw new Error('boom');
    });
    for (let i = 0; i < 3; i += 1) {
      const failed = await post(query);
      expect(failed.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    }
    port.mockRestore();
    expect((await post(query)).body).toEqual({ data: { port: { port: 22 } } });
  });

  it('never answer a request that carries a key, nor a mutation', async () => {
    for (let i = 0; i < 3; i += 1) await post(QUERY);
    const port = vi.spyOn(subject.app.reads, 'port');
    const keyed = await post(QUERY, 'not-a-real-key');
    // The query itself needs no key; it is executed, not taken from the cache.
    expect(keyed.body.data.port.port).toBe(70);
    expect(port).toHaveBeenCalled();
    port.mockRestore();
    const mutation = 'mutation { revokeApiKey(org: "nobody", id: "x") { id } }';
    for (let i = 0; i < 3; i += 1) {
      const refused = await post(mutation);
      expect(refused.body.errors?.length).toBeGreaterThan(0);
    }
  });
});
