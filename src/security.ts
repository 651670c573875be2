/**
 * What a request may ask of the gateway, enforced before anything reaches the coordinator: CSRF
 * prevention, document limits (tokens, depth, aliases, directives), an estimated cost, field
 * suggestions, introspection, persisted operations. Built from well-kept plugins (graphql-armor,
 * Yoga's own, Pothos' complexity) configured in one place, and a body size limit.
 *
 * Every rejection carries a request error code of `errors.ts`: GRAPHQL_PARSE_FAILED (token limit,
 * via Yoga), GRAPHQL_VALIDATION_FAILED with `extensions.limit` naming the limit (depth, aliases,
 * directives, cost), BAD_REQUEST (CSRF, media type), REQUEST_ENTITY_TOO_LARGE, or PERSISTED_QUERY_*.
 *
 * Cheap per request: the validation rules run inside Yoga's per-document validation cache, the
 * token count inside its per-document parse cache, and the cost is cached per document, operation
 * and variables.
 */
import { createHash, hash as digest } from 'node:crypto';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorCallbackConfiguration } from '@escape.tech/graphql-armor-types';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type ValidationRule,
  validate,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApqStore } from './apq.js';
import type { Config } from './config.js';
import { requestError, requestErrorExtensions } from './errors.js';

/** Headers any one of which marks a GET or a "simple" POST as not forgeable cross-site. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'graphql-preflight', 'apollo-require-preflight'];

type LimitName = 'depth' | 'aliases' | 'directives' | 'cost';

function limitError(limit: LimitName, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      ...requestErrorExtensions('GRAPHQL_VALIDATION_FAILED', 400, { limit, ...extra }),
      http: { status: 400, spec: true },
    },
  });
}

/**
 * graphql-armor rules report through the validation context instead of throwing, so a rejection
 * is an ordinary validation error (400, GRAPHQL_VALIDATION_FAILED) that Yoga caches per document;
 * the "Syntax Error:" prefix armor puts on its messages is dropped, as these are not syntax errors.
 */
function armorReporting(limit: LimitName): GraphQLArmorCallbackConfiguration {
  return {
    propagateOnRejection: false,
    onReject: [
      (context, error) => context?.reportError(limitError(limit, error.message.replace(/^Syntax Error: /, ''))),
    ],
  };
}

/** Rejects documents over the depth, alias and directive limits, and introspection when off. */
function useDocumentLimits(config: Config): Plugin {
  const rules: ValidationRule[] = [
    // `__schema` fields are exempt (GraphiQL's introspection query is deep); an operation or alias
    // merely *named* __schema is not, since armor matches the field name only.
    maxDepthRule({ n: config.maxDepth, ignoreIntrospection: true, ...armorReporting('depth') }),
    maxAliasesRule({ n: config.maxAliases, ...armorReporting('aliases') }),
    maxDirectivesRule({ n: config.maxDirectives, ...armorReporting('directives') }),
  ];
  if (!config.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}

/**
 * A request a cross-site page cannot make a browser send without a CORS preflight (which the CORS
 * policy decides), so it needs no CSRF header: one with an `Authorization` header (not a
 * CORS-safelisted header: urql's and graphql-request's GETs, every authenticated client), or one
 * the browser itself marks `Sec-Fetch-Site: same-origin` (a header page scripts cannot set:
 * GraphiQL's subscription GET from the gateway's own page).
 */
export function cannotBeCrossSiteSimpleRequest(headers: Headers): boolean {
  return headers.has('authorization') || headers.get('sec-fetch-site') === 'same-origin';
}

/**
 * Yoga's CSRF plugin, with the `extensions.code` it leaves out: GETs and simple-content-type POSTs
 * must carry a preflight header unless they cannot be a cross-site simple request anyway.
 */
function useCsrf(): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: CSRF_HEADERS });
  return {
    onRequestParse(payload) {
      if (cannotBeCrossSiteSimpleRequest(payload.request.headers)) return;
      try {
        return csrf.onRequestParse?.(payload);
      } catch (error) {
        if (error instanceof GraphQLError) {
          throw requestError(
            'BAD_REQUEST',
            `Required CSRF header missing: send an Authorization header or one of ${CSRF_HEADERS.join(', ')} (any value) with GET and non-JSON POST requests.`,
            403,
          );
        }
        throw error;
      }
    },
  };
}

/** Yoga answers a POST no parser accepts with a bare 415; give it a body and a code like the rest. */
function useUnsupportedMediaType(): Plugin {
  return {
    onRequestParse({ request, requestParser }) {
      if (requestParser !== undefined) return;
      throw requestError(
        'BAD_REQUEST',
        `Unsupported content type ${JSON.stringify(request.headers.get('content-type') ?? '')}: send application/json.`,
        415,
      );
    },
  };
}

const MAX_COST_ENTRIES_PER_DOCUMENT = 64;
/** Cost-cache keys up to this many characters are kept as they are; longer ones as a SHA-1. */
const MAX_PLAIN_COST_KEY = 64;

/** The estimated cost of one operation (see `fieldCost` in schema/builder.ts); null if it cannot tell. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variableValues: Record<string, unknown> | null | undefined,
): number | null {
  let cost: number | null = null;
  const rule = createComplexityRule({
    context: {},
    variableValues: variableValues ?? {},
    operationName: operationName ?? undefined,
    // Only measure here; the decision is the caller's, and variable errors are execution's to report.
    validate: () => {},
    onResult: (result) => {
      cost = Math.max(cost ?? 0, result.complexity);
    },
  });
  validate(schema, document, [rule]);
  return cost;
}

/**
 * Refuses an operation whose estimated cost exceeds `maxCost` before it executes, with the
 * computed cost in the error. Costs depend on variables (`first: $n`), so they are cached per
 * document (by identity: Yoga's parse cache hands out one DocumentNode per query text), operation
 * name and variables.
 */
export function useCostLimit(maxCost: number): Plugin {
  const cache = new WeakMap<DocumentNode, { usesVariables: boolean; byKey: Map<string, number | null> }>();
  const costOf = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ) => {
    let entry = cache.get(document);
    if (entry === undefined) {
      const usesVariables = document.definitions.some(
        (definition) =>
          definition.kind === Kind.OPERATION_DEFINITION && Boolean(definition.variableDefinitions?.length),
      );
      entry = { usesVariables, byKey: new Map() };
      cache.set(document, entry);
    }
    // Variables the document does not declare cannot change its cost: no need to serialise them.
    // A digest, not the text, is the key: variables and names are up to a body long, and a cache
    // keyed by them grew the heap by gigabytes under distinct 97 KB variables.
    // A short key is its own digest (no hash object per request); a longer one is hashed.
    const text = `${operationName ?? ''}\u0000${entry.usesVariables && variables ? JSON.stringify(variables) : ''}`;
    const key = text.length <= MAX_PLAIN_COST_KEY ? text : digest('sha1', text, 'base64');
    const { byKey } = entry;
    if (byKey.has(key)) return byKey.get(key) ?? null;
    const cost = operationCost(schema, document, operationName, entry.usesVariables ? variables : {});
    if (byKey.size >= MAX_COST_ENTRIES_PER_DOCUMENT) byKey.clear();
    byKey.set(key, cost);
    return cost;
  };
  const check = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
  }) => {
    const cost = costOf(args.schema, args.document, args.operationName, args.variableValues);
    if (cost === null || cost <= maxCost) return null;
    return {
      errors: [
        limitError(
          'cost',
          `Query cost of ${cost} exceeds the limit of ${maxCost}. Connections multiply the cost of their selection by \`first\`: ask for fewer items or nest fewer connections.`,
          { cost: { actual: cost, max: maxCost } },
        ),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const rejected = check(args);
      if (rejected) setResultAndStopExecution(rejected);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const rejected = check(args);
      if (rejected) setResultAndStopExecution(rejected);
    },
  };
}

/**
 * Validates the text of a `PERSISTED_OPERATIONS` file: a JSON object mapping operation id (the
 * sha256 hex of the query) to query text. Throws an error naming `source` when it is not one.
 */
export function parsePersistedOperations(text: string, source: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${source}: expected a JSON object mapping operation hash to query text`);
  }
  const out: Record<string, string> = Object.create(null);
  for (const [id, query] of Object.entries(parsed)) {
    if (typeof query !== 'string' || query.trim() === '') {
      throw new Error(`${source}: the value of "${id.slice(0, 80)}" is not a query string`);
    }
    out[id] = query;
  }
  return out;
}

/** The GraphQL request parameters as a transport received them (HTTP body or query string, graphql-ws subscribe payload). */
export interface OperationParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

/**
 * Decides which operation text a request may run, before anything is parsed: the persisted
 * operations policy. One function for every transport: Yoga's `onParams` (HTTP POST, GET and SSE)
 * and graphql-ws' `onSubscribe` both pass through it, so what HTTP refuses the socket refuses too.
 * Returns the parameters with `query` filled in from the list, or throws a request error.
 */
export type OperationAdmission = (params: OperationParams) => OperationParams | Promise<OperationParams>;

/** Longest persisted-operation id looked up: a sha256 in hex is 64; ids are never stored. */
const MAX_OPERATION_ID_LENGTH = 256;

function persistedOperationId(params: OperationParams): string | null {
  const extensions = params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined;
  const hash = extensions?.persistedQuery?.sha256Hash;
  if (extensions?.persistedQuery?.version === 1 && typeof hash === 'string') return hash;
  return typeof params.documentId === 'string' ? params.documentId : null;
}

/** Deepest nesting of `variables`: the schema's inputs nest a few levels; graphql-js recurses per level. */
export const MAX_VARIABLES_DEPTH = 32;

function variablesTooDeep(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_VARIABLES_DEPTH) return true;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (variablesTooDeep(item, depth + 1)) return true;
  }
  return false;
}

function checkVariables(params: OperationParams): void {
  if (variablesTooDeep(params.variables, 1)) {
    throw requestError('BAD_USER_INPUT', `Variables nest deeper than ${MAX_VARIABLES_DEPTH} levels.`, 400);
  }
}

/**
 * The admission with automatic persisted queries (Apollo's APQ) in front of the list: a hash with
 * its query registers the query (after checking the hash), a hash alone runs what the list or the
 * store has, else PERSISTED_QUERY_NOT_FOUND tells the client to send the text once. Only where
 * arbitrary operations are allowed: in persisted-only mode a client-registered query would bypass
 * the list, so there hashes resolve through the list alone.
 */
export function createOperationAdmission(
  config: Config,
  persisted: Readonly<Record<string, string>> | undefined,
  apq?: ApqStore,
): OperationAdmission {
  const listed = listedOperationAdmission(config, persisted);
  if (!apq || !config.allowArbitraryOperations) return listed;
  const admitPersisted = async (params: OperationParams, hash: string) => {
    if (typeof params.query === 'string' && params.query !== '') {
      if (createHash('sha256').update(params.query).digest('hex') !== hash.toLowerCase()) {
        throw requestError('BAD_REQUEST', 'extensions.persistedQuery.sha256Hash is not the sha256 of the query.', 400);
      }
      await apq.set(hash.toLowerCase(), params.query);
      return listed(params);
    }
    if (persisted && Object.hasOwn(persisted, hash)) return listed(params);
    const stored = hash.length <= MAX_OPERATION_ID_LENGTH ? await apq.get(hash.toLowerCase()) : null;
    if (stored === null) {
      throw requestError(
        'PERSISTED_QUERY_NOT_FOUND',
        'PersistedQueryNotFound: send the query with its hash once, then the hash alone.',
        400,
      );
    }
    return listed({ ...params, query: stored });
  };
  // Synchronous unless the request uses the protocol: most requests carry a plain query.
  return (params) => {
    const extensions = params.extensions as
      | { persistedQuery?: { version?: unknown; sha256Hash?: unknown } }
      | undefined;
    const hash = extensions?.persistedQuery?.sha256Hash;
    if (extensions?.persistedQuery?.version !== 1 || typeof hash !== 'string') return listed(params);
    return admitPersisted(params, hash);
  };
}

function listedOperationAdmission(
  config: Config,
  persisted: Readonly<Record<string, string>> | undefined,
): (params: OperationParams) => OperationParams {
  if (!persisted) {
    if (!config.allowArbitraryOperations) throw new Error('allowArbitraryOperations=false needs persisted operations');
    return (params) => {
      checkVariables(params);
      return params;
    };
  }
  return (params) => {
    checkVariables(params);
    if (typeof params.query === 'string' && params.query !== '') {
      if (config.allowArbitraryOperations) return params;
      throw requestError(
        'PERSISTED_QUERY_ONLY',
        'This gateway only runs persisted operations: send the operation’s hash instead of its text.',
        400,
      );
    }
    const id = persistedOperationId(params);
    if (id === null) {
      throw requestError(
        'PERSISTED_QUERY_ID_REQUIRED',
        'Send a query, or a persisted operation id (extensions.persistedQuery.sha256Hash with version 1, or documentId).',
        400,
      );
    }
    const query = id.length <= MAX_OPERATION_ID_LENGTH && Object.hasOwn(persisted, id) ? persisted[id] : undefined;
    if (query === undefined) {
      throw requestError(
        'PERSISTED_QUERY_NOT_IN_LIST',
        'Unknown persisted operation: its hash is not in this gateway’s list.',
        400,
      );
    }
    return { ...params, query };
  };
}

/** The admission as a Yoga plugin: HTTP POST, GET (`documentId` in the query string too) and SSE. */
function useOperationAdmission(admit: OperationAdmission): Plugin {
  return {
    onParams({ params, setParams }) {
      const admitted = admit(params as OperationParams);
      if (!(admitted instanceof Promise)) {
        setParams(admitted as typeof params);
        return;
      }
      return admitted.then((value) => setParams(value as typeof params));
    },
  };
}

export interface SecurityOptions {
  admission: OperationAdmission;
}

function bodyTooLarge(limit: number): GraphQLError {
  return requestError('REQUEST_ENTITY_TOO_LARGE', `Request body too large: the limit is ${limit} bytes.`, 413);
}

/**
 * What a declared Content-Length earns: a refusal when it is not a length or exceeds the limit,
 * else null. The one check for Yoga's path, graphql-sse's and the direct JSON POST path.
 */
export function declaredLengthRefusal(declared: string, limit: number): GraphQLError | null {
  if (!/^\d+$/.test(declared)) return requestError('BAD_REQUEST', 'Content-Length header is invalid.', 400);
  return Number(declared) > limit ? bodyTooLarge(limit) : null;
}

/**
 * The body size limit. Yoga's own `maxRequestBodySize` pipes every body through a counting
 * TransformStream (an AbortController, a DOMException and a stream pipeline per request: about a
 * third of the gateway's CPU per request in the overhead benchmark). A body with a valid
 * Content-Length within the limit cannot grow past it (the HTTP parser reads exactly that many
 * bytes), so only a body without one (chunked) is counted while it is read.
 */
function useBodySizeLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        const refusal = declaredLengthRefusal(declared, limit);
        if (refusal) throw refusal;
        return;
      }
      if (requestParser == null || request.body == null) return;
      const parse = requestParser;
      setRequestParser(async (req) => {
        const reader = (req.body as ReadableStream<Uint8Array>).getReader();
        const chunks: Uint8Array[] = [];
        let size = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > limit) {
            await reader.cancel();
            throw bodyTooLarge(limit);
          }
          chunks.push(value);
        }
        return parse(new Request(req.url, { method: req.method, headers: req.headers, body: Buffer.concat(chunks) }));
      });
    },
  };
}

/** The gateway's request-hardening plugins, in the order they must run. */
export function securityPlugins(config: Config, options: SecurityOptions): Plugin[] {
  const plugins: Plugin[] = [useBodySizeLimit(config.maxBodyBytes), useCsrf(), useUnsupportedMediaType()];
  plugins.push(useOperationAdmission(options.admission));
  plugins.push(maxTokensPlugin({ n: config.maxTokens }) as Plugin);
  plugins.push(useDocumentLimits(config));
  if (!config.dev) plugins.push(blockFieldSuggestionsPlugin({ mask: '' }) as Plugin);
  plugins.push(useCostLimit(config.maxCost));
  return plugins;
}
