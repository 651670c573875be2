import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations the tests and GraphiQL use, checked against the committed
 * SDL: `npm run codegen` after a schema change (the schema test says when).
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/**/*.ts', 'src/graphiql-examples.ts', '!test/generated/**'],
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
