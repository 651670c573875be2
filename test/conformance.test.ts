/**
 * GraphQL over HTTP conformance: graphql-http's server audit suite (every audit, not only the
 * MUSTs) against the gateway, with every hardening plugin on: in process through `gateway.fetch`
 * (Yoga's whole path), and over a socket, where JSON POSTs take the direct path of
 * src/json-post.ts.
 *
 * The audit's fetch adds the CSRF preflight header `graphql-preflight: 1` to its GET requests.
 * That is legitimate: CSRF prevention only refuses requests a browser could send cross-site
 * without a preflight (GET and "simple" POSTs carry no custom header then); every real client of
 * the gateway (GraphiQL, Apollo, urql, curl scripts) can and does send one. The audits check what
 * a GET means, which is a separate question. That a GET *without* the header stays 403 is proven
 * here too, and in test/hardening-bad-input.test.ts (case 11).
 */
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { useStack } from './support/stack.js';

/** graphql-http 1.23.1: 61 audits. A change of count means a new version: look at what it checks. */
const AUDIT_COUNT = 61;
const URL_ = 'http://gateway.test/graphql';

describe.each(['in process', 'over a socket'])('graphql-http server audits, %s', (transport) => {
  const stack = useStack();
  let server: RunningServer | undefined;
  beforeAll(async () => {
    if (transport === 'over a socket') server = await startServer(stack.gateway, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server?.stop());

  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if ((init.method ?? 'GET').toUpperCase() === 'GET') headers.set('graphql-preflight', '1');
    if (!server) return stack.gateway.fetch(String(input), { ...init, headers });
    return fetch(String(input).replace(URL_, server.url), { ...init, headers });
  };
  const audits = serverAudits({ url: URL_, fetchFn });

  it(`runs all ${AUDIT_COUNT} audits`, () => {
    expect(audits).toHaveLength(AUDIT_COUNT);
  });

  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${'reason' in result ? result.reason : ''}`).toBe('ok');
    });
  }

  it('still refuses the same GETs without the preflight header (CSRF prevention stays on)', async () => {
    const response = await stack.gateway.fetch(`${URL_}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(403);
  });
});
