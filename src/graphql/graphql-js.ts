/**
 * graphql-js, the copy Mercurius uses. The package ships CommonJS (`main`) and ESM (`module`)
 * builds: Node loads the CommonJS one for `import` and `require` alike, but Vite, so vitest, picks
 * the ESM one, and two copies refuse each other's schemas ("Cannot use GraphQLObjectType from
 * another module or realm") and fail each other's `instanceof GraphQLError`. Naming the CommonJS
 * file gives one copy everywhere; import graphql-js from here, never from 'graphql'.
 */
export * from 'graphql/index.js';
