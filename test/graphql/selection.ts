import {
  buildSchema,
  getNamedType,
  isObjectType,
  type GraphQLNamedType,
} from '../../src/graphql/graphql-js.js';
import { typeDefs } from '../../src/graphql/schema.graphql.js';

/**
 * Fields only GraphQL has (nested reports through loaders, an organisation's lists, what REST sends
 * as headers); REST answers have no such key.
 */
export const GRAPHQL_ONLY_FIELDS = new Set([
  'PortReport.services',
  'ServicePort.report',
  'ServiceMatch.report',
  'Organization.assignments',
  'Organization.assignment',
  'Organization.reservations',
  'Organization.reservation',
  'Organization.audit',
  'Organization.keys',
  'Assignment.etag',
  'AssignmentResult.replayed',
]);

const schema = buildSchema(typeDefs);

/**
 * The selection of every field of a type, nested all the way down, but for the GraphQL-only
 * fields: what an answer must hold to equal the REST JSON of the same thing.
 */
export function selectAll(typeName: string): string {
  const type: GraphQLNamedType | undefined = schema.getType(typeName);
  if (!type || !isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  const fields = Object.values(type.getFields())
    .filter((field) => !GRAPHQL_ONLY_FIELDS.has(`${typeName}.${field.name}`))
    .map((field) => {
      const named = getNamedType(field.type);
      return isObjectType(named) ? `${field.name} ${selectAll(named.name)}` : field.name;
    });
  return `{ ${fields.join(' ')} }`;
}
