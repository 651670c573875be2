/**
 * The direct path for plain JSON POSTs (src/json-post.ts) answers exactly as Yoga's full path.
 *
 * Each request goes over a real socket twice: once with a Content-Length (the direct path, or
 * Yoga's full path with the body already read when the direct path steps aside) and once with a
 * chunked body, which only Yoga's own streaming reader takes. Status, headers (but the date) and
 * body must be the same. A counter on `executeJsonPost` shows which requests the direct path
 * really answered, so a case cannot pass by falling back without anyone noticing.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/app.js';
import { type RunningServer, startServer } from '../src/server.js';
import { EMULATOR_KEYS, type ServedGateway, serveGateway } from './support/served.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const AUTH = `Bearer ${EMULATOR_KEYS.dev}`;

function post(url: string, body: string, headers: Record<string, string>, chunked: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (chunked) {
      // Two writes without a Content-Length: node sends them chunked.
      const middle = Math.floor(body.length / 2);
      req.write(body.slice(0, middle));
      req.end(body.slice(middle));
    } else {
      req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    }
  });
}

/**
 * What a client can observe, but the date, how the body was framed, and the coordinator's own id
 * of each upstream call (a new one per call).
 */
function observable(reply: Reply) {
  const { date: _date, 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = reply.headers;
  const body = reply.body.replace(/"upstreamRequestId":"[^"]*"/g, '"upstreamRequestId":"…"');
  return { status: reply.status, headers, body };
}

interface Case {
  name: string;
  body: string;
  headers?: Record<string, string>;
  /** Whether the direct path answers it (else it steps aside for Yoga's full path). */
  direct: boolean;
}

const JOB_QUERY = 'query Job($id: ID!) { trainingJob(id: $id) { jobId name status } }';

/** A request the direct path answers: its JSON body, and headers besides the defaults. */
const direct = (name: string, params: unknown, headers?: Record<string, string>): Case => ({
  name,
  body: JSON.stringify(params),
  headers,
  direct: true,
});
/** A request the direct path leaves to Yoga's full path: its raw body. */
const stepsAside = (name: string, body: string, headers?: Record<string, string>): Case => ({
  name,
  body,
  headers,
  direct: false,
});

function cases(jobId: string): Case[] {
  const job = (id: unknown) => ({ query: JOB_QUERY, variables: { id } });
  const tooDeep =
    '{ trainingJobs { edges { node { evaluations { edges { node { job { evaluations { edges { node { job { name } } } } } } } } } } } }';
  return [
    direct('a query with variables', job(jobId)),
    direct('the same, with charset in the content type', job(jobId), {
      'content-type': 'application/json; charset=utf-8',
    }),
    direct(
      'accept: application/graphql-response+json, a validation error (400)',
      { query: '{ trainingJob(id: "x") { noSuchField } }' },
      { accept: 'application/graphql-response+json' },
    ),
    direct("Apollo Client's accept header", job(jobId), {
      accept: 'application/graphql-response+json,application/json;q=0.9',
    }),
    direct('a syntax error', { query: '{ trainingJob(id: ' }),
    direct('an unknown operation name', { ...job(jobId), operationName: 'Nope' }),
    direct('a variable of the wrong type', job(42)),
    direct('a missing variable', { query: JOB_QUERY }),
    direct('too deep (a limit)', { query: tooDeep }),
    direct('an upstream NOT_FOUND', job('job_does_not_exist')),
    direct('a rejected credential', job(jobId), { authorization: 'Bearer nope' }),
    direct('no credential (the development key header)', job(jobId), { authorization: '' }),
    direct('a cross-origin request from a browser (CORS headers)', job(jobId), { origin: 'https://app.example.com' }),
    direct('a subscription (an event stream that ends at once: no such job)', {
      query: 'subscription { trainingJobUpdated(id: "job_does_not_exist") { status } }',
    }),
    stepsAside('query is not a string', '{"query":42}'),
    stepsAside(
      'an unknown persisted query',
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    ),
    stepsAside('a batch (array body)', '[{"query":"{ __typename }"}]'),
    stepsAside('invalid JSON', '{"query": '),
    stepsAside('text/plain (CSRF)', '{"query":"{ __typename }"}', { 'content-type': 'text/plain' }),
  ];
}

async function firstJob(gateway: Gateway, status: string): Promise<string> {
  const listed = await gateway.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify({
      query: `{ trainingJobs(first: 1, filter: { status: [${status}] }) { edges { node { jobId } } } }`,
    }),
  });
  const reply = (await listed.json()) as { data?: { trainingJobs: { edges: Array<{ node: { jobId: string } }> } } };
  const id = reply.data?.trainingJobs.edges[0]?.node.jobId;
  if (!id) throw new Error(`no ${status} job: ${JSON.stringify(reply)}`);
  return id;
}

describe('the direct path for JSON POSTs answers as Yoga does', () => {
  let served: ServedGateway;
  let server: RunningServer;
  let jobId: string;
  let directAnswers = 0;

  beforeAll(async () => {
    served = await serveGateway();
    const gateway: Gateway = served.gateway;
    const execute = gateway.executeJsonPost;
    gateway.executeJsonPost = async (request, params) => {
      const response = await execute(request, params);
      if (response !== null) directAnswers++;
      return response;
    };
    // A second server on the same gateway, started after the counter is in place.
    server = await startServer(gateway, { host: '127.0.0.1', port: 0 });
    jobId = await firstJob(gateway, 'COMPLETED');
  });

  afterAll(async () => {
    await server?.stop();
    await served?.stop();
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])('case %i', async (index) => {
    const c = cases(jobId)[index] as Case;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: AUTH,
      'x-request-id': `json-post-${index}`,
      ...c.headers,
    };
    if (headers.authorization === '') delete headers.authorization;
    const before = directAnswers;
    const direct = await post(server.url, c.body, headers, false);
    const answeredDirectly = directAnswers - before;
    const yoga = await post(server.url, c.body, headers, true);
    expect(directAnswers - before, `${c.name}: the chunked request must take Yoga's path`).toBe(answeredDirectly);
    expect(answeredDirectly, `${c.name}: answered by the direct path`).toBe(c.direct ? 1 : 0);
    expect(observable(direct), c.name).toEqual(observable(yoga));
    expect(direct.headers['x-request-id']).toBe(`json-post-${index}`);
  });

  it('runs a mutation once', async () => {
    const running = await firstJob(served.gateway, 'TRAINING');
    served.emulator.resetStats();
    const before = directAnswers;
    const reply = await post(
      server.url,
      JSON.stringify({
        query: 'mutation($input: CancelTrainingJobInput!) { cancelTrainingJob(input: $input) { userErrors { code } } }',
        variables: { input: { id: running } },
      }),
      { 'content-type': 'application/json', authorization: AUTH },
      false,
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ data: { cancelTrainingJob: { userErrors: [] } } });
    expect(directAnswers - before).toBe(1);
    const posts = Object.entries(served.emulator.stats().requests).filter(([route]) => route.startsWith('POST'));
    expect(posts).toEqual([['POST /jobs/{job_id}/cancel', 1]]);
  });
});
