/** Data: checking dataset URIs before they are used, and the datasets the cluster has cached. */
import type { CachedDataset, DataValidationResult } from '../coordinator/domain.js';
import { gatewayError } from '../errors.js';
import { builder } from './builder.js';

/** One validation call checks at most this many URIs: the query must stay cheap upstream. */
export const MAX_VALIDATE_URIS = 100;

export const DataSourceValidationRef = builder.objectRef<DataValidationResult>('DataSourceValidation').implement({
  description: 'Whether the coordinator can read one dataset URI with your credentials.',
  fields: (t) => ({
    uri: t.exposeString('uri'),
    ok: t.exposeBoolean('ok'),
    message: t.exposeString('message', { nullable: true, description: 'Why not, when `ok` is false.' }),
  }),
});

const CachedDatasetRef = builder.objectRef<CachedDataset>('CachedDataset').implement({
  description: 'A dataset staged on the cluster: jobs reading it start faster.',
  fields: (t) => ({
    uri: t.exposeString('uri'),
    sizeBytes: t.float({
      nullable: true,
      description: 'Size in bytes (a Float: datasets outgrow GraphQL’s 32-bit Int; exact up to 2^53).',
      resolve: (entry) => entry.sizeBytes,
    }),
    cachedAt: t.field({ type: 'DateTime', nullable: true, resolve: (entry) => entry.cachedAt }),
  }),
});

/**
 * Validates distinct URIs in one coordinator call and answers in the order asked (duplicates
 * included). A URI the coordinator left out of its answer counts as not validated, never as valid.
 */
export async function validateUris(
  validate: (uris: readonly string[]) => Promise<DataValidationResult[]>,
  uris: readonly string[],
): Promise<DataValidationResult[]> {
  const distinct = [...new Set(uris)];
  if (distinct.length === 0) return [];
  const results = await validate(distinct);
  const byUri = new Map(results.map((result) => [result.uri, result]));
  return uris.map(
    (uri) => byUri.get(uri) ?? { uri, ok: false, message: 'The coordinator did not report on this URI.' },
  );
}

builder.queryFields((t) => ({
  validateDataSources: t.field({
    type: [DataSourceValidationRef],
    description: `Checks that the coordinator can read each dataset URI (one call for all; at most ${MAX_VALIDATE_URIS} distinct URIs). Needs scaimind:manage.`,
    args: { uris: t.arg.stringList({ required: true }) },
    resolve: (_root, { uris }, context) => {
      if (new Set(uris).size > MAX_VALIDATE_URIS) {
        throw gatewayError('BAD_USER_INPUT', `Validate at most ${MAX_VALIDATE_URIS} distinct URIs at once.`);
      }
      return validateUris((list) => context.api.validateData(list), uris);
    },
  }),
  dataCache: t.field({
    type: [CachedDatasetRef],
    nullable: true,
    description: 'Datasets cached on the cluster for your tenant. Needs scaimind:manage.',
    resolve: (_root, _args, context) => context.api.getDataCache(),
  }),
}));
