/**
 * The numbered bad-input cases of the hardening brief: each gets a clear error with a stable
 * `extensions.code`, and none of them reaches the coordinator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack, withStack } from './support/stack.js';

type Body = {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

const URL_ = 'http://gateway.test/graphql';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

/** The nested 21-call showcase query: must stay allowed by the default limits. */
const SHOWCASE = `{
  trainingJobs(first: 20) { edges { node { name evaluations(first: 5) { edges { node {
    status job { name } benchmarks { name score }
  } } } } } }
}`;

/** 15 levels deep (trainingJobs → edges → node → evaluations → ... → id). */
const DEEP_SELECTION = `trainingJobs(first: 1) { edges { node { evaluations(first: 1) { edges { node { job {
  evaluations(first: 1) { edges { node { job { evaluations(first: 1) { edges { node { id } } } } } } } } } } } } } }`;

describe('bad input: clear errors, stable codes, no upstream call', () => {
  let stack: Stack;

  const post = async (body: string, headers: Record<string, string> = JSON_HEADERS) => {
    // A fresh headers object each time: the fetch implementation may add content-length to it.
    const response = await stack.gateway.fetch(URL_, { method: 'POST', headers: { ...headers }, body });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const query = (q: string, variables?: Record<string, unknown>) => post(JSON.stringify({ query: q, variables }));
  const codes = (body: Body) => body.errors?.map((error) => error.extensions?.code);

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.emulator.resetStats());

  it('1. malformed JSON body → 400 BAD_REQUEST, with the request id and without the parser internals', async () => {
    for (const headers of [JSON_HEADERS, { ...JSON_HEADERS, accept: 'application/json' }]) {
      const response = await post('{"query": "{ queue { depth } }"', { ...headers, 'x-request-id': 'malformed-1' });
      expect(response.status).toBe(400);
      expect(codes(response.body)).toEqual(['BAD_REQUEST']);
      expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_REQUEST', requestId: 'malformed-1' });
    }
    expect(stack.calls()).toBe(0);
  });

  it('2. syntax and validation errors → 400, no field suggestions outside development mode', async () => {
    const syntax = await query('{ queue { depth }');
    expect(syntax.status).toBe(400);
    expect(codes(syntax.body)).toEqual(['GRAPHQL_PARSE_FAILED']);

    const invalid = await query('{ trainingJobs(first: 1) { edges { node { nam } } } }');
    expect(invalid.status).toBe(400);
    expect(codes(invalid.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(invalid.body.errors?.[0]?.message).toContain('Cannot query field "nam"');
    expect(invalid.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(stack.calls()).toBe(0);

    await withStack({ config: { dev: true } }, async (dev) => {
      const response = await dev.run('{ trainingJobs(first: 1) { edges { node { nam } } } }');
      expect(response.body.errors?.[0]?.message).toMatch(/Did you mean "name"/);
    });
  });

  it('3. variables of the wrong type → 400', async () => {
    const response = await query('query Q($n: Int) { trainingJobs(first: $n) { totalCount } }', { n: 'many' });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.message).toContain('$n');
    expect(stack.calls()).toBe(0);
  });

  it('4. `first` below 1 or above 100, and a malformed cursor → BAD_USER_INPUT', async () => {
    for (const args of ['first: 0', 'first: 101', 'first: 5, after: "not-a-cursor"']) {
      const response = await query(`{ trainingJobs(${args}) { totalCount } }`);
      expect(codes(response.body), args).toEqual(['BAD_USER_INPUT']);
    }
    expect(stack.calls()).toBe(0);
  });

  it('5. depth above the limit (12) → rejected before execution, also for an operation named __schema', async () => {
    const deep = await query(`{ ${DEEP_SELECTION} }`);
    expect(deep.status).toBe(400);
    expect(codes(deep.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(deep.body.errors?.[0]?.extensions?.limit).toBe('depth');
    expect(deep.body.errors?.[0]?.message).toMatch(/depth limit of 12 exceeded, found 15/);

    const disguised = await query(`query __schema { ${DEEP_SELECTION} }`);
    expect(disguised.status).toBe(400);
    expect(disguised.body.errors?.[0]?.extensions?.limit).toBe('depth');

    const aliased = await query(`{ __schema: ${DEEP_SELECTION} }`);
    expect(aliased.status).toBe(400);
    expect(aliased.body.errors?.[0]?.extensions?.limit).toBe('depth');
    expect(stack.calls()).toBe(0);

    // GraphiQL's (deep) introspection query is not a victim of the depth limit.
    const { getIntrospectionQuery } = await import('graphql');
    const introspection = await query(getIntrospectionQuery());
    expect(introspection.status).toBe(200);
    expect(introspection.body.errors).toBeUndefined();
  });

  it('6. too many aliases (15) or directives (50) → rejected', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `q${i}: queue { depth }`).join(' ');
    const tooManyAliases = await query(`{ ${aliases} }`);
    expect(tooManyAliases.status).toBe(400);
    expect(codes(tooManyAliases.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(tooManyAliases.body.errors?.[0]?.extensions?.limit).toBe('aliases');

    const tooManyDirectives = await query(`{ ${'__typename @include(if: true) '.repeat(51)}}`);
    expect(tooManyDirectives.status).toBe(400);
    expect(codes(tooManyDirectives.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(tooManyDirectives.body.errors?.[0]?.extensions?.limit).toBe('directives');
    expect(stack.calls()).toBe(0);
  });

  it('7. oversized body → 413 without reading it all; too many tokens → 400', async () => {
    const padding = 'x'.repeat(200_000);
    const big = await post(JSON.stringify({ query: '{ queue { depth } }', variables: { padding } }));
    expect(big.status).toBe(413);
    expect(codes(big.body)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);

    // Chunked, no Content-Length: the gateway must stop reading once past the limit.
    const chunk = new TextEncoder().encode(`"${'y'.repeat(16_382)}",`);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"query":"{ queue { depth } }","variables":{"p":['));
      },
      pull(controller) {
        pulled++;
        // 64 MB if it were read to the end.
        if (pulled > 4096) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const started = Date.now();
    const response = await stack.gateway.fetch(URL_, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as Body).errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(pulled).toBeLessThan(64);
    expect(Date.now() - started).toBeLessThan(2_000);

    const tokens = await query(`{ ${'__typename '.repeat(1_001)}}`);
    expect(tokens.status).toBe(400);
    expect(codes(tokens.body)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(tokens.body.errors?.[0]?.message).toMatch(/Token limit of 1000 exceeded/);
    expect(stack.calls()).toBe(0);
  });

  it('1b. an unsupported content type (or multipart: no uploads here) → 415 with a code', async () => {
    for (const contentType of ['application/xml', 'multipart/form-data; boundary=x']) {
      const response = await post('--x--', { 'content-type': contentType, 'graphql-preflight': '1' });
      expect(response.status, contentType).toBe(415);
      expect(codes(response.body)).toEqual(['BAD_REQUEST']);
    }
    expect(stack.calls()).toBe(0);
  });

  it('8. a batched (array) body → 400', async () => {
    const response = await post(JSON.stringify([{ query: '{ queue { depth } }' }, { query: '{ queue { depth } }' }]));
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['BAD_REQUEST']);
    expect(stack.calls()).toBe(0);
  });

  it('9. an estimated cost above the limit → rejected with the computed cost; the showcase query passes', async () => {
    const expensive = await query(
      '{ trainingJobs(first: 100) { edges { node { evaluations(first: 100) { edges { node { status } } } } } } }',
    );
    expect(expensive.status).toBe(400);
    const error = expensive.body.errors?.[0];
    expect(error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error?.extensions?.limit).toBe('cost');
    // 1 + 100 × (edges 1 + node 1 + evaluations (1 + 100 × (edges 1 + node 1)))
    expect(error?.extensions?.cost).toEqual({ actual: 20_301, max: 1_000 });
    expect(error?.message).toContain('20301');
    expect(stack.calls()).toBe(0);

    // The same through a variable: the cost follows the variables, not only the document.
    const viaVariable =
      'query V($n: Int) { trainingJobs(first: $n) { edges { node { evaluations(first: 50) { edges { node { status } } } } } } }';
    expect((await query(viaVariable, { n: 100 })).status).toBe(400);
    const cheap = await query(viaVariable, { n: 2 });
    expect(cheap.status).toBe(200);
    expect(cheap.body.errors).toBeUndefined();

    stack.emulator.resetStats();
    const showcase = await query(SHOWCASE);
    expect(showcase.status).toBe(200);
    expect(showcase.body.errors).toBeUndefined();
    expect(stack.calls()).toBe(21);
  });

  it('10. introspection is on by default; INTROSPECTION=false turns it off', async () => {
    const on = await query('{ __schema { queryType { name } } }');
    expect(on.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });

    await withStack({ config: { introspection: false } }, async (closed) => {
      const off = await closed.run('{ __schema { queryType { name } } }', undefined, { headers: JSON_HEADERS });
      expect(off.status).toBe(400);
      expect(off.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(off.body.errors?.[0]?.message).toMatch(/introspection/);
      const type = await closed.run('{ __type(name: "Query") { name } }');
      expect(type.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await closed.run('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
    });
  });

  it('11. CSRF: GET or non-JSON POST without the preflight header → 403; a mutation over GET → 405', async () => {
    const get = (headers: Record<string, string>, q = '{ queue { depth } }') =>
      stack.gateway.fetch(`${URL_}?query=${encodeURIComponent(q)}`, {
        headers: { accept: 'application/json', ...headers },
      });

    // GraphiQL itself (an HTML GET from a browser) still loads; its requests are JSON POSTs.
    const page = await stack.gateway.fetch(URL_, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);

    const bare = await get({});
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as Body).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    for (const header of ['x-graphql-yoga-csrf', 'graphql-preflight', 'apollo-require-preflight']) {
      const allowed = await get({ [header]: '1' });
      expect(allowed.status, header).toBe(200);
    }

    const form = await post(`query=${encodeURIComponent('{ queue { depth } }')}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(403);
    const text = await post('{ queue { depth } }', { 'content-type': 'text/plain' });
    expect(text.status).toBe(403);
    expect(codes(text.body)).toEqual(['BAD_REQUEST']);

    stack.emulator.resetStats();
    const mutation = await get(
      { 'x-graphql-yoga-csrf': '1' },
      'mutation { cancelTrainingJob(input: { id: "job_x" }) { job { id } } }',
    );
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('allow')).toBe('POST');
    expect(((await mutation.json()) as Body).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(stack.calls()).toBe(0);
  });

  it('12. a global ID of the wrong type → BAD_USER_INPUT', async () => {
    const evaluationId = Buffer.from('Evaluation:eval_0001').toString('base64');
    const response = await query(`{ trainingJob(id: "${evaluationId}") { name } }`);
    expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.message).toContain('Expected the ID of a TrainingJob');
    expect(stack.calls()).toBe(0);
  });

  // 13. WebSocket abuse (connection_init timeout 4408, subscribe before ack 4401, duplicate id
  // 4409, repeated init 4429, and the same depth/alias/cost limits as HTTP) runs over a real
  // socket in test/ws-abuse.test.ts.
  it('13. (see test/ws-abuse.test.ts) the WebSocket limits share the HTTP validation plugins', async () => {
    const { schema, validate, parse } = stack.gateway.getEnveloped({});
    const errors = validate(schema, parse(`{ ${DEEP_SELECTION} }`));
    expect(errors.map((error: { extensions?: Record<string, unknown> }) => error.extensions?.limit)).toEqual(['depth']);
  });
});
