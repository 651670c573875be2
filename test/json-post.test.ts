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

function cases(jobId: string): Case[] {
  const json = (value: unknown) => JSON.stringify(value);
  return [
    { name: 'a query with variables', body: json({ query: JOB_QUERY, variables: { id: jobId } }), direct: true },
    {
      name: 'the same, with charset in the content type',
      body: json({ query: JOB_QUERY, variables: { id: jobId } }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      direct: true,
    },
    {
      name: 'accept: application/graphql-response+json, with a validation error (400)',
      body: json({ query: '{ trainingJob(id: "x") { noSuchField } }' }),
      headers: { accept: 'application/graphql-response+json' },
      direct: true,
    },
    {
      name: "Apollo Client's accept header",
      body: json({ query: JOB_QUERY, variables: { id: jobId } }),
      headers: { accept: 'application/graphql-response+json,application/json;q=0.9' },
      direct: true,
    },
    { name: 'a syntax error', body: json({ query: '{ trainingJob(id: ' }), direct: true },
    {
      name: 'an unknown operation name',
      body: json({ query: JOB_QUERY, operationName: 'Nope', variables: { id: jobId } }),
      direct: true,
    },
    { name: 'a variable of the wrong type', body: json({ query: JOB_QUERY, variables: { id: 42 } }), direct: true },
    { name: 'a missing variable', body: json({ query: JOB_QUERY }), direct: true },
    {
      name: 'too deep (a limit)',
      body: json({
        query: `{ trainingJobs { edges { node { evaluations { edges { node { job { evaluations { edges { node { job { name } } } } } } } } } } } }`,
      }),
      direct: true,
    },
    {
      name: 'an upstream NOT_FOUND',
      body: json({ query: JOB_QUERY, variables: { id: 'job_does_not_exist' } }),
      direct: true,
    },
    {
      name: 'a rejected credential',
      body: json({ query: JOB_QUERY, variables: { id: jobId } }),
      headers: { authorization: 'Bearer nope' },
      direct: true,
    },
    {
      name: 'no credential (the development key header)',
      body: json({ query: JOB_QUERY, variables: { id: jobId } }),
      headers: { authorization: '' },
      direct: true,
    },
    {
      name: 'a cross-origin request from a browser (CORS headers)',
      body: json({ query: JOB_QUERY, variables: { id: jobId } }),
      headers: { origin: 'https://app.example.com' },
      direct: true,
    },
    {
      name: 'a subscription (an event stream that ends at once: the job does not exist)',
      body: json({ query: 'subscription { trainingJobUpdated(id: "job_does_not_exist") { status } }' }),
      direct: true,
    },
    { name: 'query is not a string', body: json({ query: 42 }), direct: false },
    {
      name: 'an unknown persisted query',
      body: json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
      direct: false,
    },
    { name: 'a batch (array body)', body: json([{ query: '{ __typename }' }]), direct: false },
    { name: 'invalid JSON', body: '{"query": ', direct: false },
    {
      name: 'text/plain (CSRF)',
      body: json({ query: '{ __typename }' }),
      headers: { 'content-type': 'text/plain' },
      direct: false,
    },
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
