/**
 * The schema builder: plugins, scalars and root types. Configuration only; the domain types live
 * in one file each and `index.ts` assembles them.
 */
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError, Kind } from 'graphql';
import type { Context } from '../context.js';

export interface SchemaTypes {
  Context: Context;
  Scalars: {
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: number | null };
}

export const builder = new SchemaBuilder<SchemaTypes>({
  plugins: [RelayPlugin, DataloaderPlugin],
  // Fields are non-null unless they say otherwise: a null then means something.
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'optional',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(
      `DateTime must be an RFC 3339 timestamp such as 2026-11-27T10:00:00Z, got ${JSON.stringify(value)}`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return new Date(value).toISOString();
}

builder.scalarType('DateTime', {
  description: 'An RFC 3339 timestamp in UTC with millisecond precision, e.g. `2026-11-27T10:00:00.000Z`.',
  // Domain timestamps are already normalised ISO strings; serialising is the identity.
  serialize: (value) => value as string,
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON: the coordinator reply exactly as received, for debugging and fields not yet modelled.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.queryType({ description: 'Read the training jobs, evaluations and queue of the caller’s ScaiGrid tenant.' });
builder.subscriptionType({
  description: 'Live status. The gateway polls the coordinator once per watched run, however many clients watch it.',
});
builder.mutationType({
  description: 'Act on training jobs and submit evaluations. Expected failures come back as `userErrors`.',
});

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    nullable: true,
    description: 'Items across all pages, as the coordinator counted them (null if it did not say).',
    resolve: (connection) => connection.totalCount,
  }),
);
