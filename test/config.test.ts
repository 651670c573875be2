import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('defaults to the embedded emulator on 127.0.0.1:4000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4000, coordinatorUrl: null, introspection: true });
    expect(config.emulator).toMatchObject({ speed: 1, resultShape: 'list', rateLimitPerMinute: null });
  });

  it('reads a coordinator URL without a trailing slash', () => {
    const config = loadConfig({ COORDINATOR_URL: 'https://scaigrid.example/v1/modules/scaimind/' });
    expect(config.coordinatorUrl).toBe('https://scaigrid.example/v1/modules/scaimind');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['COORDINATOR_URL', 'ftp://example'],
    ['COORDINATOR_TIMEOUT_MS', '-1'],
    ['INTROSPECTION', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['EMULATOR_RESULT_SHAPE', 'tree'],
    ['REDIS_URL', 'localhost:6379'],
  ])('stops on a bad %s (%s) with a message naming the variable', (variable, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as Error).message).toMatch(new RegExp(`^${variable}: expected`));
  });

  it('never echoes a Redis password in its complaint', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@host' })).toThrow(/\*\*\*/);
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@host' })).not.toThrow(/hunter2/);
  });
});
