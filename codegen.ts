import type { CodegenConfig } from '@graphql-codegen/cli';

const scalars = { DateTime: 'string', JSON: 'unknown' };

/**
 * Typed documents checked against the committed SDL (never the network, never the running code):
 * generated, not committed, by `npm run build` (so by `npm ci`) and before `npm test` and
 * `npm run typecheck`. The schema test keeps the SDL in step with the code, and codegen fails on a
 * document the SDL does not allow. Two targets: the operations the tests and GraphiQL use, and the
 * runs page's `.graphql` files. The page's documents are plain strings (`documentMode: 'string'`),
 * so its bundle carries no GraphQL parser.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': {
      documents: ['test/**/*.ts', 'src/graphiql-examples.ts', '!test/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars },
    },
    'web/src/generated/': {
      documents: ['web/src/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      // Enums as const objects: the page derives its status lists from the schema's enum.
      config: { useTypeImports: true, enumType: 'const', documentMode: 'string', scalars },
    },
  },
};

export default config;
