/**
 * Errors inside @defer / @stream parts get the same mapping as any other: a closed-set code, the
 * request id, and masking of what the coordinator's 5xx said; over multipart HTTP and SSE alike.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useStack } from './support/stack.js';

type Part = {
  data?: unknown;
  hasNext?: boolean;
  incremental?: Array<{ errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> }>;
};

const DEFERRED = `{
  trainingJobs(first: 1) { totalCount }
  ... @defer { queue { depth } }
  ... @defer(label: "job") { trainingJob(id: "job_any") { name } }
}`;

/** The JSON payloads of a multipart/mixed or text/event-stream response, in order. */
function parts(text: string, contentType: string): Part[] {
  if (contentType.startsWith('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data: ') && line.length > 'data: '.length)
      .map((line) => JSON.parse(line.slice('data: '.length)) as Part);
  }
  return text
    .split(/\r?\n---/)
    .map((chunk) => chunk.slice(chunk.indexOf('{')))
    .filter((chunk) => chunk.startsWith('{'))
    .map((chunk) => JSON.parse(chunk) as Part);
}

describe('errors inside incremental delivery', () => {
  const stack = useStack({ client: { retry: { maxAttempts: 1 } } });
  beforeEach(() => {
    stack.emulator.setFaults([
      { route: 'GET /queue', kind: 'status', status: 500 },
      { route: 'GET /jobs/{job_id}', kind: 'status', status: 503 },
    ]);
  });

  it.each([
    ['multipart/mixed', 'multipart/mixed'],
    ['text/event-stream', 'text/event-stream'],
  ])('maps the errors of deferred parts over %s', async (accept) => {
    const response = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, 'x-request-id': 'deferred-1' },
      body: JSON.stringify({ query: DEFERRED }),
    });
    const received = parts(await response.text(), response.headers.get('content-type') ?? '');
    const errors = received.flatMap((part) => part.incremental ?? []).flatMap((entry) => entry.errors ?? []);
    expect(errors.map((error) => [error.path?.join('.'), error.extensions?.code, error.extensions?.requestId])).toEqual(
      [
        ['queue', 'INTERNAL_SERVER_ERROR', 'deferred-1'],
        ['trainingJob', 'UPSTREAM_UNAVAILABLE', 'deferred-1'],
      ],
    );
    // What the coordinator's 5xx said, and its route, stay inside the gateway.
    for (const error of errors) expect(error.message).not.toMatch(/Injected fault|GET \/|failed:/);
    expect(stack.logs.some((line) => line.includes('"unexpected error"') && line.includes('deferred-1'))).toBe(true);
  });
});
