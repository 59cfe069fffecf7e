import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ConfigError, SETTING_NAMES, loadConfig } from '../../src/config';

const validEnv = {
  RPC_URL: 'http://127.0.0.1:8545',
  CHAIN_ID: '31337',
  WORKFLOW_REGISTRY_ADDRESS: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
  ACTION_EXECUTOR_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  FEE_ESCROW_ADDRESS: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  RELAYER_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
  WORKER_PRIVATE_KEY: `0x${'22'.repeat(32)}`,
  REDIS_URL: 'redis://127.0.0.1:6379',
  API_KEY: 'an-operator-key-of-length',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts a complete environment and applies the defaults', () => {
    const config = loadConfig(validEnv);
    expect(config.CHAIN_ID).toBe(31337);
    expect(config.PRICE_CACHE_TTL).toBe(30);
    expect(config.PORT).toBe(8000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.TEMPORAL_TASK_QUEUE).toBe('autometa');
    expect(config.COINGECKO_API_URL).toBe('https://api.coingecko.com/api/v3');
    expect(config.COINGECKO_API_KEY).toBeUndefined();
  });

  it('checksums contract addresses', () => {
    expect(loadConfig(validEnv).WORKFLOW_REGISTRY_ADDRESS).toBe('0x5FbDB2315678afecb367f032d93F642f64180aa3');
  });

  it('names a missing setting', () => {
    const { WORKER_PRIVATE_KEY: _omitted, ...env } = validEnv;
    expect(problemsOf(env)).toEqual(['WORKER_PRIVATE_KEY is required but not set']);
  });

  it('treats a blank value as missing', () => {
    expect(problemsOf({ ...validEnv, RPC_URL: '   ' })).toEqual(['RPC_URL is required but not set']);
  });

  it('names every malformed setting with its reason', () => {
    const problems = problemsOf({
      ...validEnv,
      FEE_ESCROW_ADDRESS: '0x1234',
      RELAYER_PRIVATE_KEY: 'not-a-key',
      REDIS_URL: 'http://127.0.0.1:6379',
      PORT: '70000',
      PRICE_CACHE_TTL: '-5',
      TEMPORAL_ADDRESS: 'localhost',
      API_KEY: 'short',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'FEE_ESCROW_ADDRESS must be a 0x-prefixed 20-byte hex address',
        'RELAYER_PRIVATE_KEY must be a 32-byte hex private key (0x followed by 64 hex digits)',
        'REDIS_URL must be a URL starting with redis:// or rediss://',
        'PORT must be 1 to 65535',
        'PRICE_CACHE_TTL must be above 0',
        'TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233',
        'API_KEY must be at least 16 characters (it guards every mutation)',
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('rejects an unknown log level', () => {
    expect(problemsOf({ ...validEnv, LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL /);
  });

  it('defaults the API limits to 300 requests and 30 mutations a minute, no CORS origin and no proxy', () => {
    const config = loadConfig(validEnv);
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(300);
    expect(config.RATE_LIMIT_MUTATIONS_PER_MINUTE).toBe(30);
    expect(config.CORS_ORIGINS).toEqual([]);
    expect(config.TRUST_PROXY).toBe(0);
  });

  it('reads CORS_ORIGINS as a list of origins, lower case and without a trailing slash', () => {
    const config = loadConfig({ ...validEnv, CORS_ORIGINS: ' https://App.Example.com/ , http://localhost:5173' });
    expect(config.CORS_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('names the API settings that are malformed', () => {
    const problems = problemsOf({
      ...validEnv,
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_MUTATIONS_PER_MINUTE: 'many',
      CORS_ORIGINS: 'https://app.example.com/path',
      TRUST_PROXY: '-1',
    });
    expect(problems).toEqual([
      'RATE_LIMIT_PER_MINUTE must be at least 1',
      expect.stringMatching(/^RATE_LIMIT_MUTATIONS_PER_MINUTE /),
      expect.stringMatching(/^CORS_ORIGINS must list origins .*"https:\/\/app.example.com\/path" is not one$/),
      'TRUST_PROXY must be 0 or above',
    ]);
  });

  it('never echoes a malformed private key in its message', () => {
    const leaked = `0x${'ab'.repeat(31)}`;
    try {
      loadConfig({ ...validEnv, WORKER_PRIVATE_KEY: leaked });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain(leaked);
    }
  });

  it('defaults WORKER_MAX_CACHED_WORKFLOWS above the automations one worker is meant to hold', () => {
    expect(loadConfig(validEnv).WORKER_MAX_CACHED_WORKFLOWS).toBe(10_000);
    expect(problemsOf({ ...validEnv, WORKER_MAX_CACHED_WORKFLOWS: '5' })).toEqual([
      'WORKER_MAX_CACHED_WORKFLOWS must be at least 10',
    ]);
  });
});

describe('the documentation of the settings', () => {
  const root = path.resolve(__dirname, '..', '..');
  const envExample = readFileSync(path.join(root, '.env.example'), 'utf8');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

  it.each(SETTING_NAMES)('documents %s in .env.example and in the README', (name) => {
    expect(envExample).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(readme).toContain(`| \`${name}\` |`);
  });
});
