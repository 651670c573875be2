/**
 * The schema builder: plugins, scalars and root types. Configuration only; the domain types live
 * in one file each and `index.ts` assembles them.
 */
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin, { type FieldComplexityValue } from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError, type GraphQLField, getNamedType, isLeafType, isObjectType, Kind } from 'graphql';
import type { Context } from '../context.js';
import { gatewayError } from '../errors.js';
import { decodeCheckedGlobalID, MAX_NODE_IDS } from './ids.js';
import { DEFAULT_FIRST, MAX_FIRST } from './pagination.js';

/**
 * The estimated cost of one field, for the cost limit (`MAX_COST`, enforced by `src/security.ts`
 * before execution): scalars are free, every object costs 1, and a connection multiplies the
 * cost of its selection by `first` (clamped to 0-100: an out-of-range `first` is reported by the
 * resolver as BAD_USER_INPUT, not as a cost). `nodes(ids)` costs one per id (each is a lookup of
 * its own upstream, whatever is selected, even just `id`) and multiplies its selection by their number.
 * Roughly: how many objects the operation may load, i.e. what it costs the coordinator.
 */
function fieldCost(
  args: Record<string, unknown>,
  _context: Context,
  field: GraphQLField<unknown, Context, Record<string, unknown>>,
): FieldComplexityValue {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return 0;
  if (isObjectType(type) && field.args.some((arg) => arg.name === 'first') && 'edges' in type.getFields()) {
    const first = typeof args.first === 'number' ? args.first : DEFAULT_FIRST;
    return { field: 1, multiplier: Math.min(MAX_FIRST, Math.max(0, first)) };
  }
  if (Array.isArray(args.ids)) return { field: Math.max(1, args.ids.length), multiplier: args.ids.length };
  return { field: 1, multiplier: 1 };
}

export interface SchemaTypes {
  Context: Context;
  Scalars: {
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  /** A function when the count costs a call of its own: made only when a client selects it. */
  Connection: { totalCount: number | null | (() => Promise<number | null>) };
}

export const builder = new SchemaBuilder<SchemaTypes>({
  plugins: [RelayPlugin, DataloaderPlugin, ComplexityPlugin],
  // Costs are only annotated here; the check runs once per document and variables, before
  // execution (src/security.ts), not in every root resolver.
  complexity: { disabled: true, fieldComplexity: fieldCost },
  // Fields are non-null unless they say otherwise: a null then means something.
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'optional',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    decodeGlobalID: decodeCheckedGlobalID,
    nodesQueryOptions: {
      description: `Nodes by global ID, in the order asked (null where one cannot be read). At most ${MAX_NODE_IDS} IDs.`,
      resolve: (_root, args, _context, _info, resolveNodes) => {
        // Every distinct id is a coordinator call of its own: a bound no client can raise.
        if (args.ids.length > MAX_NODE_IDS) {
          throw gatewayError('BAD_USER_INPUT', `Ask for at most ${MAX_NODE_IDS} IDs at once (got ${args.ids.length}).`);
        }
        return resolveNodes(args.ids);
      },
    },
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
    resolve: (connection) =>
      typeof connection.totalCount === 'function' ? connection.totalCount() : connection.totalCount,
  }),
);
