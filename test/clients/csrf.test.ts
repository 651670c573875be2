/**
 * The CSRF rule as browsers and mainstream clients meet it: a request that a cross-site page could
 * make a browser send without a preflight is refused unless it carries a preflight header; one
 * with an `Authorization` header, or marked same-origin by the browser, cannot be such a request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_KEYS, type Stack, startStack } from '../support/stack.js';

const URL_ = 'http://gateway.test/graphql';
const QUERY = '{ trainingJobs(first: 1) { totalCount } }';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
});

const get = (headers: Record<string, string>) =>
  stack.gateway.fetch(`${URL_}?query=${encodeURIComponent(QUERY)}`, {
    headers: { accept: 'application/json', ...headers },
  });
const postText = (headers: Record<string, string>) =>
  stack.gateway.fetch(URL_, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body: JSON.stringify({ query: QUERY }),
  });

interface Body {
  data?: { trainingJobs: { totalCount: number } };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe('CSRF prevention', () => {
  it('runs a GET that carries an Authorization header (urql and graphql-request defaults)', async () => {
    const response = await get({ authorization: `Bearer ${EMULATOR_KEYS.dev}` });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Body).data?.trainingJobs.totalCount).toBeGreaterThan(0);
  });

  it("runs a GET the browser marks same-origin (GraphiQL's subscription GET from the gateway's page)", async () => {
    const response = await get({ 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(200);
  });

  it('refuses a simple GET from another site, or from no browser at all, without a preflight header', async () => {
    const variants: Array<Record<string, string>> = [
      {},
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of variants) {
      const response = await get(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      const body = (await response.json()) as Body;
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(body.errors?.[0]?.message).toMatch(/Authorization header or one of x-graphql-yoga-csrf/);
    }
    // A form-style POST is refused before anything runs.
    stack.emulator.resetStats();
    expect((await postText({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(stack.calls()).toBe(0);
  });

  it('still accepts the preflight headers on a GET', async () => {
    for (const header of ['x-graphql-yoga-csrf', 'graphql-preflight', 'apollo-require-preflight']) {
      expect((await get({ [header]: '1', 'sec-fetch-site': 'cross-site' })).status, header).toBe(200);
    }
  });
});
