import { validate } from '@readme/openapi-parser';

type OpenApiDocument = Parameters<typeof validate>[0];

/**
 * What @readme/openapi-parser finds wrong with an OpenAPI document: structure against the
 * specification's schema, `$ref`s that do not resolve, path parameters, duplicate operation ids.
 * Empty when the document is valid.
 */
export async function validateOpenApi(document: unknown): Promise<string[]> {
  if (typeof document !== 'object' || document === null) return ['the document is not an object'];
  // The parser dereferences the document it is given; the caller's copy stays as it was.
  const copy = structuredClone(document) as OpenApiDocument;
  try {
    const result = await validate(copy, {
      resolve: { external: false },
      validate: { errors: { colorize: false } },
    });
    return result.valid ? [] : result.errors.map((error) => error.message);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
