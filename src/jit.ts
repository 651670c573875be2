/**
 * Compiled execution (graphql-jit) for queries and mutations, cached per document AND operation.
 *
 * A compiled query bakes in everything `compileQuery` is given besides the schema: the document
 * and the operation chosen from it (plus a result stringifier shaped for that operation). The
 * @envelop/graphql-jit plugin keys its cache by document alone, so a document with several
 * operations ran whichever was asked first for every later operationName (GraphiQL sends its whole
 * editor as one document). Here the key is the document (by identity: Yoga's parse cache hands
 * out one DocumentNode per query text, and the WeakMap lets an entry go with it) and the name of
 * the operation that was actually selected, so the entries per document are bounded by the
 * document's own operations, whatever names clients send. Failures (an unknown operation name)
 * are not cached; graphql-js reports them as it would without compilation.
 *
 * Not for subscriptions: graphql-jit drops arguments written inline in a subscription document
 * (graphql-jit#183). Nor for operations with @defer or @stream, which graphql-jit (like graphql-js
 * 16) cannot deliver incrementally: Yoga's own executor does.
 */
import {
  BREAK,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  Kind,
  visit,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

type Compiled = CompiledQuery<unknown, Record<string, unknown>>;

const incremental = new WeakMap<DocumentNode, boolean>();

/** Whether a document uses @defer or @stream anywhere; cached per document like the compilations. */
function usesIncrementalDelivery(document: DocumentNode): boolean {
  let uses = incremental.get(document);
  if (uses === undefined) {
    uses = false;
    visit(document, {
      [Kind.DIRECTIVE]: (node) => {
        if (node.name.value !== 'defer' && node.name.value !== 'stream') return undefined;
        uses = true;
        return BREAK;
      },
    });
    incremental.set(document, uses);
  }
  return uses;
}

export function useCompiledExecution(): Plugin {
  const cache = new WeakMap<DocumentNode, Map<string, Compiled>>();

  const compiled = (args: ExecutionArgs): Compiled | null => {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation || operation.operation === 'subscription') return null;
    // The selected operation's own name (or '' for the one anonymous operation a document may
    // have): names a client sends that select nothing never reach the cache.
    const key = operation.name?.value ?? '';
    let byOperation = cache.get(args.document);
    let entry = byOperation?.get(key);
    if (entry) return entry;
    const result = compileQuery(args.schema, args.document, operation.name?.value);
    if (!isCompiledQuery(result)) return null;
    entry = result as Compiled;
    if (!byOperation) {
      byOperation = new Map();
      cache.set(args.document, byOperation);
    }
    byOperation.set(key, entry);
    return entry;
  };

  const run = (args: ExecutionArgs) => {
    const query = compiled(args);
    if (!query) return execute(args);
    const result = query.query(args.rootValue, args.contextValue, args.variableValues) as
      | ExecutionResult
      | Promise<ExecutionResult>;
    const withStringify = (value: ExecutionResult) => Object.assign(value, { stringify: query.stringify });
    return result instanceof Promise ? result.then(withStringify) : withStringify(result);
  };

  return {
    // Subscriptions go through `subscribe`, never here; `compiled` leaves them to graphql-js anyway.
    onExecute({ args, setExecuteFn }) {
      if (!usesIncrementalDelivery(args.document)) setExecuteFn(run);
    },
  };
}
