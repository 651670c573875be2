import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Browser tests (headless Chromium) load the shared 2-core machine; they run after the rest. */
const BROWSER_TESTS = ['test/web-*.test.ts', 'test/**/*.browser.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`) without an exports map: Node loads the CJS
    // build for the libraries, so our sources must get the same copy or `instanceof GraphQLError`
    // fails across the two (the dual-package hazard).
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: BROWSER_TESTS, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // Groups run one after the other: Chromium never competes with the timing-sensitive live tests.
        test: { name: 'browser', include: BROWSER_TESTS, testTimeout: 60_000, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
