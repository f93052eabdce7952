import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import graphiql from '../../src/plugins/graphiql.js';
import { externalReferences, pageReferences } from './page-references.js';

/** The explorer beside a stand-in /graphql that knows one query. */
async function sampleApp(): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(mercurius, {
    schema: 'type Query { port(number: Int!): Int }',
    resolvers: { Query: { port: (_root: unknown, args: { number: number }) => args.number } },
  });
  await app.register(graphiql);
  await app.ready();
  return app;
}

describe('graphiql plugin', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await sampleApp();
  });
  afterAll(async () => app.close());

  it('serves the explorer page with a same-origin-only Content-Security-Policy', async () => {
    const page = await request(app.server).get('/graphiql');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:/);
  });

  it('loads React, ReactDOM and GraphiQL from this server, never from a CDN', async () => {
    const page = await request(app.server).get('/graphiql');
    expect(externalReferences(page.text)).toEqual([]);
    const references = pageReferences(page.text).filter((url) => !url.startsWith('data:'));
    const version = /@\d+\.\d+\.\d+/.source;
    const expected = [
      `/graphiql/assets/graphiql${version}/graphiql\\.min\\.css`,
      '/graphiql/assets/explorer\\.css',
      `/graphiql/assets/react${version}/react\\.production\\.min\\.js`,
      `/graphiql/assets/react-dom${version}/react-dom\\.production\\.min\\.js`,
      `/graphiql/assets/graphiql${version}/graphiql\\.min\\.js`,
      '/graphiql/assets/explorer\\.js',
    ];
    expect(references).toHaveLength(expected.length);
    references.forEach((reference, i) => expect(reference).toMatch(new RegExp(`^${expected[i]}$`)));
    for (const reference of references) {
      const asset = await request(app.server).get(reference);
      expect({ reference, status: asset.status }).toEqual({ reference, status: 200 });
      const type = reference.endsWith('.css') ? /^text\/css/ : /javascript/;
      expect(asset.headers['content-type']).toMatch(type);
    }
  });

  it('serves no other file of those packages', async () => {
    const page = await request(app.server).get('/graphiql');
    const graphiqlDir = /\/graphiql\/assets\/graphiql@[^/]+\//.exec(page.text)?.[0];
    const reactDir = /\/graphiql\/assets\/react@[^/]+\//.exec(page.text)?.[0];
    for (const path of [
      `${graphiqlDir}package.json`,
      `${graphiqlDir}graphiql.js`,
      `${graphiqlDir}src/index.ts`,
      `${reactDir}react.development.js`,
      `${reactDir}../package.json`,
      `${reactDir}%2e%2e/package.json`,
    ]) {
      const response = await request(app.server).get(path);
      // 404, or 403 for a path that climbs out of the directory.
      expect([403, 404], path).toContain(response.status);
    }
  });

  it('mounts GraphiQL with a fetcher on /graphql and the port 443 example query', async () => {
    const script = await request(app.server).get('/graphiql/assets/explorer.js');
    expect(script.text).toContain('"endpoint":"/graphql"');
    expect(script.text).toContain('port(number: 443)');
    expect(script.text).toContain('GraphiQL.createFetcher');
  });
});
