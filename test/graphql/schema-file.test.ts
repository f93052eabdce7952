import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildSchema,
  isEnumType,
  isObjectType,
  isScalarType,
} from '../../src/graphql/graphql-js.js';
import { printedSchema, typeDefs } from '../../src/graphql/schema.graphql.js';

describe('schema.graphql', () => {
  it('is the printed SDL of src/graphql/schema.graphql.ts (run `npm run schema` when not)', async () => {
    const committed = await readFile(path.resolve('schema.graphql'), 'utf8');
    expect(committed).toBe(printedSchema());
  });

  it('describes every type, field, argument and enum value', () => {
    const schema = buildSchema(typeDefs);
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && type.name !== 'JSON')) continue;
      if (!type.description) undocumented.push(type.name);
      if (isObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
          for (const argument of field.args) {
            if (!argument.description) {
              undocumented.push(`${type.name}.${field.name}(${argument.name})`);
            }
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description) undocumented.push(`${type.name}.${value.name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});
