import type { FastifyInstance } from 'fastify';
import request from 'supertest';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions: { code: string; [key: string]: unknown };
}

/** A GraphQL answer: HTTP status, data and errors. */
export interface GraphqlAnswer {
  status: number;
  /** As the REST tests read `response.body`: the assertions check the shape. */
  data: request.Response['body'];
  errors: GraphqlError[];
  text: string;
  headers: Record<string, string>;
}

/**
 * POSTs one query to /graphql, with `key` as `Authorization: Bearer` when given, and any other
 * request headers (such as `x-request-id`).
 */
export async function graphql(
  app: FastifyInstance,
  query: string,
  variables?: Record<string, unknown>,
  key?: string,
  headers: Record<string, string> = {},
): Promise<GraphqlAnswer> {
  let post = request(app.server).post('/graphql');
  if (key !== undefined) post = post.set('authorization', `Bearer ${key}`);
  for (const [name, value] of Object.entries(headers)) post = post.set(name, value);
  const response = await post.send({ query, variables });
  return {
    status: response.status,
    data: response.body.data,
    errors: response.body.errors ?? [],
    text: response.text,
    headers: response.headers as Record<string, string>,
  };
}
