import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Express } from 'express';
import Redis from 'ioredis';

import { createApp, type ApiDependencies } from '../../src/api/app';
import { createLogger } from '../../src/logging';
import { callApi, startTestApi, type TestApiServer } from '../support/api-server';
import { engineEnv } from '../support/engine';
import { testServices } from '../support/services';

const ALLOWED_ORIGIN = 'https://app.example.com';

/** A fresh namespace name: rate-limit counters are kept per namespace, so each app here starts at zero. */
const freshNamespace = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('API security: rate limits, headers, CORS, body size and validation', () => {
  jest.setTimeout(60_000);
  const services = testServices();
  const started: { close(): Promise<void> }[] = [];
  let api: TestApiServer;

  beforeAll(async () => {
    // Temporal is never asked here: its client connects lazily.
    api = await startTestApi(
      engineEnv(freshNamespace('api-security'), {
        CORS_ORIGINS: `${ALLOWED_ORIGIN}, http://localhost:5173`,
        // The validation cases below send many mutations; the limits have their own apps.
        RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000',
      }),
    );
    started.push(api);
  });

  afterAll(async () => {
    for (const server of started.reverse()) await server.close();
  });

  /** Serves an app built by createApp on a free port, closed after the tests. */
  async function serve(app: Express): Promise<string> {
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    started.push({
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const utilsOnly = (overrides: Partial<ApiDependencies> = {}): ApiDependencies => ({
    logger: createLogger({ level: 'error', write: () => undefined }),
    version: 'test',
    chainId: 31337,
    contracts: {
      workflowRegistry: services.deployment.workflowRegistry,
      actionExecutor: services.deployment.actionExecutor,
      feeEscrow: services.deployment.feeEscrow,
    },
    probes: [],
    ...overrides,
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After past the mutation limit, then the overall one, across processes', async () => {
      const env = engineEnv(freshNamespace('api-ratelimit'), {
        RATE_LIMIT_PER_MINUTE: '5',
        RATE_LIMIT_MUTATIONS_PER_MINUTE: '2',
        CORS_ORIGINS: ALLOWED_ORIGIN,
      });
      const first = await startTestApi(env);
      started.push(first);
      const second = await startTestApi(env);
      started.push(second);
      const deposit = (baseUrl: string) =>
        callApi(baseUrl, 'POST', '/api/escrow/deposit', { body: {}, headers: { Origin: ALLOWED_ORIGIN } });

      // Two mutations (refused as invalid, but counted), one at each process.
      expect((await deposit(first.baseUrl)).status).toBe(400);
      expect((await deposit(second.baseUrl)).status).toBe(400);
      const limited = await deposit(first.baseUrl);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body).toEqual({
        success: false,
        error: {
          code: 'rate_limited',
          message: expect.stringContaining('at most 2 per 60 s'),
          details: { scope: 'mutations', limit: 2, retry_after_seconds: retryAfter },
        },
      });
      // Browsers can read the refusal, and it carries the security headers like any answer.
      expect(limited.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(limited.headers.get('x-content-type-options')).toBe('nosniff');

      // Reads still pass until the overall limit: 3 requests so far, 2 more allowed.
      expect((await callApi(second.baseUrl, 'GET', '/api/utils/contracts')).status).toBe(200);
      expect((await callApi(first.baseUrl, 'GET', '/api/utils/contracts')).status).toBe(200);
      const overall = await callApi(second.baseUrl, 'GET', '/api/utils/contracts');
      expect(overall.status).toBe(429);
      expect(overall.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(overall.body.error).toMatchObject({ code: 'rate_limited', details: { scope: 'all', limit: 5 } });

      // Another client budget (another deployment's namespace) is not touched.
      expect((await callApi(api.baseUrl, 'GET', '/api/utils/contracts')).status).toBe(200);
    });

    it('counts in fixed windows: the budget comes back when the window ends', async () => {
      const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
      started.push({ close: async () => redis.disconnect() });
      await new Promise((resolve) => redis.once('ready', resolve));
      const logger = createLogger({ level: 'error', write: () => undefined });
      const baseUrl = await serve(
        createApp(
          utilsOnly({
            rateLimit: {
              redis,
              logger,
              perWindow: 2,
              mutationsPerWindow: 1,
              windowMs: 1_500,
              keyPrefix: `test:ratelimit:${randomBytes(4).toString('hex')}:`,
            },
          }),
        ),
      );
      const get = () => callApi(baseUrl, 'GET', '/api/utils/contracts');
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^[12]$/);
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      expect((await get()).status).toBe(200);
    });

    it('lets requests through while Redis is down, and warns once', async () => {
      // A client whose connection is closed fails every command at once, as the API's does while Redis is down.
      const redis = new Redis(services.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
      redis.on('error', () => undefined);
      redis.disconnect();
      const lines: Record<string, unknown>[] = [];
      const logger = createLogger({ level: 'info', format: 'json', write: (line) => lines.push(JSON.parse(line)) });
      const baseUrl = await serve(
        createApp(utilsOnly({ logger, rateLimit: { redis, logger, perWindow: 1, mutationsPerWindow: 1 } })),
      );
      for (let request = 0; request < 4; request++) {
        expect((await callApi(baseUrl, 'GET', '/api/utils/contracts')).status).toBe(200);
      }
      expect(lines.filter((line) => line.level === 'warn')).toEqual([
        expect.objectContaining({ message: 'Rate limits not enforced: Redis does not answer' }),
      ]);
    });
  });

  describe('security headers', () => {
    it('sets them on answers and on errors, and hides the framework', async () => {
      for (const route of ['/api/utils/contracts', '/api/no-such-endpoint', '/api/workflow/abc']) {
        const answer = await callApi(api.baseUrl, 'GET', route);
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('x-frame-options')).toBe('DENY');
        expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
        const policy = answer.headers.get('content-security-policy') ?? '';
        expect(policy).toContain("default-src 'self'");
        expect(policy).toContain("script-src 'self'");
        expect(policy).toContain("style-src 'self'");
        expect(policy).toContain("frame-ancestors 'none'");
        expect(answer.headers.get('x-powered-by')).toBeNull();
      }
    });
  });

  describe('CORS', () => {
    it('answers allowed origins, their preflights included, and no others', async () => {
      const allowed = await callApi(api.baseUrl, 'GET', '/api/utils/contracts', {
        headers: { Origin: 'http://localhost:5173' },
      });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(allowed.headers.get('vary')).toContain('Origin');

      const preflight = await fetch(`${api.baseUrl}/api/workflow/create`, {
        method: 'OPTIONS',
        headers: {
          Origin: ALLOWED_ORIGIN,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-api-key',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('X-API-Key');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

      const denied = await callApi(api.baseUrl, 'GET', '/api/utils/contracts', {
        headers: { Origin: 'https://evil.example.net' },
      });
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      const deniedPreflight = await fetch(`${api.baseUrl}/api/workflow/create`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example.net', 'Access-Control-Request-Method': 'POST' },
      });
      expect(deniedPreflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(deniedPreflight.headers.get('access-control-allow-methods')).toBeNull();
    });

    it('adds no CORS headers at all when no origin is configured', async () => {
      const baseUrl = await serve(createApp(utilsOnly()));
      const answer = await callApi(baseUrl, 'GET', '/api/utils/contracts', { headers: { Origin: ALLOWED_ORIGIN } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('vary')).toBeNull();
    });
  });

  describe('body size', () => {
    it('answers 413 with the error body to a body over 64 kb, before any route runs', async () => {
      const answer = await callApi(api.baseUrl, 'POST', '/api/escrow/deposit', {
        raw: JSON.stringify({ user_address: '0x', amount_wei: '1', padding: 'x'.repeat(70_000) }),
      });
      expect(answer.status).toBe(413);
      expect(answer.body).toEqual({
        success: false,
        error: {
          code: 'payload_too_large',
          message: 'The request body is larger than the limit of 65536 bytes',
          details: { limit_bytes: 65_536 },
        },
      });
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });

  describe('validation', () => {
    it('answers 400 naming the body for malformed JSON', async () => {
      const answer = await callApi(api.baseUrl, 'POST', '/api/escrow/withdraw', { raw: '{"user_address":' });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        success: false,
        error: {
          code: 'invalid_request',
          message: 'body must be valid JSON (an object, sent as Content-Type: application/json)',
          details: [{ path: 'body', message: expect.any(String) }],
        },
      });
    });

    it('answers 400 naming workflow_id for ids that are not a bounded whole number', async () => {
      for (const id of ['abc', '1e3', '-1', '0x10', '1.5', '9'.repeat(79), (2n ** 256n).toString()]) {
        for (const [method, route] of [
          ['GET', `/api/workflow/${id}`],
          ['DELETE', `/api/workflow/${id}`],
          ['POST', `/api/workflow/${id}/pause`],
          ['POST', `/api/workflow/${id}/resume`],
        ] as const) {
          const answer = await callApi(api.baseUrl, method, route, {
            headers: { 'X-API-Key': api.config.API_KEY },
          });
          expect({ id, method, route, status: answer.status }).toEqual({ id, method, route, status: 400 });
          expect(answer.body.error).toMatchObject({ code: 'invalid_request', details: [{ path: 'workflow_id' }] });
        }
      }
    });

    it('answers 400 naming the address for malformed addresses in every path', async () => {
      for (const route of ['/api/workflow/user/', '/api/workflow/nonce/', '/api/escrow/balance/']) {
        for (const address of ['0x12', 'not-an-address', `0x${'g'.repeat(40)}`, `0x${'0'.repeat(40)}`]) {
          const answer = await callApi(api.baseUrl, 'GET', `${route}${address}`);
          expect({ route, address, status: answer.status }).toEqual({ route, address, status: 400 });
          expect(answer.body.error).toMatchObject({ code: 'invalid_request', details: [{ path: 'address' }] });
        }
      }
    });
  });
});
