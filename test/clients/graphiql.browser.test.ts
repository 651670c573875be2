/**
 * GraphiQL as an internal user meets it: the gateway's own page in headless Chromium with no
 * other host reachable, each example operation run from the editor with the keyboard, and the
 * subscription example streaming until the evaluation completes.
 */
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLES } from '../../src/graphiql-examples.js';
import { artifactPath, type BrowserSession, describeBrowser, launchBrowser } from '../support/browser.js';
import { type ServedGateway, serveGateway } from '../support/served.js';

const BROWSER_TIMEOUT = 90_000;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** The editor line (1-based) of the first line starting with `prefix`, plus `offset`. */
function lineOf(prefix: string, offset = 1): number {
  const index = GRAPHIQL_EXAMPLES.split('\n').findIndex((line) => line.startsWith(prefix));
  if (index < 0) throw new Error(`no example starts with ${prefix}`);
  return index + 1 + offset;
}

/** What an editor pane shows; the editor renders spaces as no-break spaces. */
async function textOf(page: Page, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText keeps the line breaks.
  return (await page.locator(selector).innerText()).replaceAll('\u00a0', ' ');
}

describeBrowser('GraphiQL in Chromium, offline', () => {
  let served: ServedGateway;
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    served = await serveGateway();
    browser = await launchBrowser({ allowedOrigins: [served.origin] });
    page = browser.page;
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  async function setVariables(variables: Record<string, unknown>): Promise<void> {
    await page.locator('.graphiql-editor-tool .view-lines').first().click();
    await page.keyboard.press('Control+a');
    // Delete first (a bracket typed over a selection surrounds it), then insert the text in one
    // go (brackets and quotes typed key by key are auto-closed by the editor).
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify(variables));
  }

  /** Puts the cursor inside the operation that starts with `prefix` and runs it with Ctrl+Enter. */
  async function runOperation(prefix: string, isResponse: (response: Response) => boolean): Promise<Response> {
    await page.locator('.graphiql-query-editor .view-lines').click();
    await page.keyboard.press('Control+g');
    await page.keyboard.insertText(String(lineOf(prefix)));
    await page.keyboard.press('Enter');
    const response = page.waitForResponse(
      (candidate) => candidate.url().startsWith(served.url) && isResponse(candidate),
    );
    await page.keyboard.press('Control+Enter');
    return response;
  }

  const isPostOf = (operationName: string) => (response: Response) =>
    response.request().method() === 'POST' && response.request().postDataJSON()?.operationName === operationName;

  async function runQuery(prefix: string, operationName: string, variables: Record<string, unknown>): Promise<Body> {
    await setVariables(variables);
    const response = await runOperation(prefix, isPostOf(operationName));
    expect(response.status(), operationName).toBe(200);
    const body = (await response.json()) as Body;
    expect(body.errors, operationName).toBeUndefined();
    return body;
  }

  it(
    'loads from the gateway alone, with the examples in the editor',
    async () => {
      await page.goto(served.url);
      await page.waitForSelector('.graphiql-query-editor .view-line', { timeout: 60_000 });
      await expect.poll(() => textOf(page, '.graphiql-query-editor')).toContain('query JobsWithEvaluations');
      await expect.poll(() => page.title()).toBe('ScaiMind GraphQL gateway');
      // The schema arrived (introspection POST), so the docs and autocompletion work.
      await expect
        .poll(() => browser.allowed.filter((request) => request.startsWith('POST')).length)
        .toBeGreaterThan(0);
      expect(browser.blocked).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );

  let completedJobIds: string[] = [];
  let evaluationId = '';

  it(
    'runs the nested query and the paginated listing',
    async () => {
      const nested = await runQuery('query JobsWithEvaluations', 'JobsWithEvaluations', {});
      expect((nested.data as { trainingJobs: { totalCount: number } }).trainingJobs.totalCount).toBeGreaterThan(0);
      await expect.poll(() => textOf(page, '.graphiql-response')).toContain('"trainingJobs"');

      const listing = await runQuery('query ListJobs', 'ListJobs', { after: null });
      const { edges } = (
        listing.data as { trainingJobs: { edges: Array<{ node: { jobId: string; status: string } }> } }
      ).trainingJobs;
      completedJobIds = edges.filter((edge) => edge.node.status === 'COMPLETED').map((edge) => edge.node.jobId);
      expect(completedJobIds.length).toBeGreaterThanOrEqual(2);
      await expect.poll(() => textOf(page, '.graphiql-response')).toContain('"endCursor"');
    },
    BROWSER_TIMEOUT,
  );

  it(
    'runs the mutation twice with different inputs: the example hard-codes no idempotency key',
    async () => {
      const ids: string[] = [];
      for (const jobId of completedJobIds.slice(0, 2)) {
        const body = await runQuery('mutation SubmitEvaluation', 'SubmitEvaluation', { jobId });
        const payload = body.data?.submitEvaluation as {
          evaluation: { evaluationId: string } | null;
          userErrors: Array<{ code: string }>;
        };
        expect(payload.userErrors).toEqual([]);
        ids.push(payload.evaluation?.evaluationId ?? '');
      }
      expect(new Set(ids).size).toBe(2);
      evaluationId = ids[0] as string;
    },
    BROWSER_TIMEOUT,
  );

  it(
    'streams the subscription example until the evaluation completes',
    async () => {
      await setVariables({ id: evaluationId });
      const stream = await runOperation(
        'subscription WatchEvaluation',
        (response) => response.request().method() === 'GET' && response.url().includes('WatchEvaluation'),
      );
      // An SSE GET with no preflight header: GraphiQL's own, accepted as same-origin.
      expect(stream.status()).toBe(200);
      expect(stream.headers()['content-type']).toContain('text/event-stream');
      const pane = { text: () => textOf(page, '.graphiql-response') };
      await expect.poll(() => pane.text()).toContain('"phase": "QUEUED"');
      // Still streaming: the run button is a stop button while the subscription is open.
      expect(await page.getAttribute('button.graphiql-execute-button', 'aria-label')).toMatch(/^Stop/);

      let screenshotTaken = false;
      for (let step = 0; step < 60; step++) {
        const text = await pane.text();
        if (text.includes('"phase": "SUCCEEDED"')) break;
        // Mid-stream: a benchmark has its score while the evaluation is still running.
        if (!screenshotTaken && text.includes('"phase": "RUNNING"') && text.includes('"score": 0.')) {
          await page.screenshot({ path: await artifactPath('graphiql-subscription-streaming.png') });
          screenshotTaken = true;
        }
        served.emulator.advance(4_000);
        await page.waitForTimeout(150);
      }
      await expect.poll(() => pane.text()).toContain('"phase": "SUCCEEDED"');
      expect(await pane.text()).toContain('"status": "COMPLETED"');
      await page.screenshot({ path: await artifactPath('graphiql-subscription-completed.png') });
      // The gateway ends the stream after the terminal state: GraphiQL's stop button turns back.
      await page.waitForSelector('button.graphiql-execute-button[aria-label^="Execute"]');
      expect(screenshotTaken).toBe(true);
      expect(browser.blocked).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );
});
