import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Express } from 'express';
import fc from 'fast-check';
import type Redis from 'ioredis';

import { createApp, type ApiDependencies } from '../../src/api/app';
import { buildOpenApiDocument, openApiDocument, type OpenApiDocument } from '../../src/api/openapi';
import { API_OPERATIONS } from '../../src/api/openapi-operations';
import { parseCreateWorkflowRequest } from '../../src/api/workflow-schemas';
import { createLogger } from '../../src/logging';

type Json = Record<string, any>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Dependencies that mount every optional part of the app. `Required` makes a new optional dependency (and
 * so, likely, a new router) a compile error here until the test provides it, so its routes are walked too.
 */
function fullDependencies(): Required<ApiDependencies> {
  const unused = () => {
    throw new Error('not called: the test only walks the routes and fetches the docs');
  };
  const dependencies: Required<ApiDependencies> = {
    logger: createLogger({ level: 'error', write: () => undefined }),
    version: 'test',
    chainId: 31337,
    contracts: { workflowRegistry: '0x', actionExecutor: '0x', feeEscrow: '0x' },
    probes: [],
    prices: { getPrice: unused, supportedAssets: unused },
    workflows: {
      apiKey: 'test-key',
      service: {
        create: unused,
        deactivate: unused,
        setPaused: unused,
        get: unused,
        listByOwner: unused,
        nonce: unused,
        registry: '0x',
        chainId: 31337,
      },
    },
    escrow: { service: { balance: unused, buildDeposit: unused, buildWithdraw: unused } },
    corsOrigins: [],
    rateLimit: {
      redis: {} as Redis,
      logger: createLogger({ level: 'error', write: () => undefined }),
      perWindow: 1,
      mutationsPerWindow: 1,
    },
    trustProxy: 0,
  };
  return dependencies;
}

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

/**
 * Every method and path registered as a route on `app`, walking its router and each router mounted in
 * it (Express 5: a mounted router is a layer whose `handle` has a `stack`, its mount path in `rawPath`).
 * Paths come out in OpenAPI form: `:name` becomes `{name}`, no trailing slash.
 */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string')
          throw new Error(`route path ${String(layer.route.path)} is no string`);
        const full = `${prefix}${layer.route.path}`.replace(/\/$/, '') || '/';
        if (/[*?()[\]]/.test(full)) throw new Error(`route ${full} uses a pattern the document cannot state`);
        const openApiPath = full.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) {
          if (method === '_all') throw new Error(`route ${full} answers every method`);
          found.push(`${method.toUpperCase()} ${openApiPath}`);
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        if (typeof layer.rawPath !== 'string') throw new Error(`a router is mounted at ${String(layer.rawPath)}`);
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return found.sort();
}

function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** Every `$ref` value anywhere in `value`. */
function refsIn(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, refs));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') refs.push(item);
      else refsIn(item, refs);
    }
  }
  return refs;
}

function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, segment) => (node === undefined ? undefined : node[segment]), document);
}

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();
  const paths = document.paths as Record<string, Record<string, Json>>;

  it('documents every route registered on the app, and no route that is not', () => {
    expect(documentedRoutes(document)).toEqual(registeredRoutes(createApp(fullDependencies())));
  });

  it('is an OpenAPI 3 document with info and tags', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toEqual({
      title: 'Autometa API',
      version: expect.any(String),
      description: expect.any(String),
    });
    const tags = document.tags.map((tag) => tag.name);
    expect(new Set(tags).size).toBe(tags.length);
    for (const item of Object.values(paths)) {
      for (const operation of Object.values(item)) expect(tags).toEqual(expect.arrayContaining(operation.tags));
    }
  });

  it('is plain JSON: nothing is lost by serialising it', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('gives every path operations with unique ids, declared path parameters and described responses', () => {
    const operationIds: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      expect(path).toMatch(/^\/[\w/{}.-]*[^/]$/);
      expect(Object.keys(item).length).toBeGreaterThan(0);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      for (const [method, operation] of Object.entries(item)) {
        expect(HTTP_METHODS).toContain(method);
        operationIds.push(operation.operationId);
        expect(operation.summary).toEqual(expect.any(String));

        const pathParameters = (operation.parameters as Json[]).filter((parameter) => parameter.in === 'path');
        expect(pathParameters.map((parameter) => parameter.name).sort()).toEqual(templated);
        for (const parameter of pathParameters) {
          expect(parameter).toMatchObject({ required: true, schema: { type: 'string' } });
        }

        const responses = operation.responses as Json;
        const statuses = Object.keys(responses);
        expect(statuses.some((status) => /^2\d\d$/.test(status))).toBe(true);
        for (const status of statuses) {
          expect(status).toMatch(/^([1-5]\d\d|default)$/);
          expect(responses[status].description).toEqual(expect.any(String));
          expect(responses[status].content).toBeDefined();
        }
      }
    }
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('answers errors of every operation with the one error body, for each status it can give', () => {
    const errorBody = { $ref: '#/components/schemas/ErrorBody' };
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const responses = operation.responses as Json;
        const where = `${method.toUpperCase()} ${path}`;
        // Every route reads JSON bodies through the same parser and sits behind the same rate limit.
        for (const status of ['400', '413', '415', '429', 'default']) {
          expect({ where, status, schema: responses[status]?.content['application/json'].schema }).toEqual({
            where,
            status,
            schema: errorBody,
          });
        }
        for (const [status, response] of Object.entries(responses)) {
          if (/^2/.test(status) || (path === '/api/utils/healthz' && status === '503')) continue;
          expect({ where, status, schema: response.content['application/json'].schema }).toEqual({
            where,
            status,
            schema: errorBody,
          });
        }
      }
    }
    expect(document.components.schemas.ErrorBody).toMatchObject({
      type: 'object',
      properties: {
        success: { const: false },
        error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
      },
      required: ['success', 'error'],
    });
    const statuses = new Set(
      Object.values(paths).flatMap((item) =>
        Object.values(item).flatMap((operation) => Object.keys(operation.responses as Json)),
      ),
    );
    for (const status of ['400', '401', '403', '404', '409', '413', '429', '503']) expect(statuses).toContain(status);
  });

  it('asks for X-API-Key on the mutations, through one apiKey scheme', () => {
    expect(document.components.securitySchemes).toEqual({
      operatorKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: expect.any(String) },
    });
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const requirement of operation.security as Json[]) {
          for (const scheme of Object.keys(requirement))
            expect(document.components.securitySchemes).toHaveProperty(scheme);
        }
        const keyed = (operation.security as Json[]).some((requirement) => 'operatorKey' in requirement);
        expect({ route: `${method} ${path}`, keyed, answers401: '401' in operation.responses }).toEqual({
          route: `${method} ${path}`,
          keyed: method !== 'get' && !path.startsWith('/api/escrow/'),
          answers401: keyed,
        });
      }
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs)
      expect({ ref, resolved: resolvePointer(document, ref) !== undefined }).toEqual({ ref, resolved: true });
  });

  it('states the request schemas from the input side of the route schemas', () => {
    const create = document.components.schemas.CreateWorkflowRequest as Json;
    expect(create.required).toEqual(
      expect.arrayContaining(['user_address', 'trigger_type', 'trigger_data', 'action_type', 'action_data']),
    );
    expect(create.required).not.toContain('max_executions');
    // The address is a string the route checksums; its JSON form is the pattern it must match before that.
    expect(create.properties.user_address).toEqual({ type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' });
    // The contract call's value_wei defaults to the bigint 0 after parsing; clients send the string "0".
    const call = create.properties.action_data.anyOf.find((option: Json) => 'target' in option.properties);
    expect(call.properties.value_wei).toMatchObject({ type: 'string', default: '0' });
    expect(call.required).toEqual(['target', 'calldata']);
    const workflowIdParameter = paths['/api/workflow/{workflow_id}'].get.parameters[0];
    expect(workflowIdParameter.schema).toEqual({ type: 'string', pattern: '^\\d{1,78}$' });
  });

  it('shows examples the routes accept', () => {
    for (const operation of API_OPERATIONS) {
      for (const [name, parameter] of Object.entries(operation.pathParams ?? {})) {
        expect({ name, valid: parameter.schema.safeParse(parameter.example).success }).toEqual({ name, valid: true });
      }
      if (operation.body) {
        const parsed = operation.body.schema.safeParse(operation.body.example);
        expect({ operation: operation.operationId, issues: parsed.error?.issues }).toEqual({
          operation: operation.operationId,
          issues: undefined,
        });
      }
    }
    const create = API_OPERATIONS.find((operation) => operation.operationId === 'createWorkflow')!;
    expect(() => parseCreateWorkflowRequest(create.body!.example)).not.toThrow();
  });

  it('states no create body invalid that the route accepts', () => {
    // The route checks trigger_data and action_data against the layout their type codes pick; the
    // document says "one of the layouts". Its schema must still accept whatever the route does.
    const create = API_OPERATIONS.find((operation) => operation.operationId === 'createWorkflow')!.body!;
    const address = '0x976EA74026E726554dB657fA54763abd0C3a0aa9';
    const value = fc.constantFrom<unknown>(
      0,
      1,
      2,
      3,
      1.5,
      '1',
      'ETH',
      address,
      address.toLowerCase(),
      { execute_at: 4_000_000_000 },
      { interval_seconds: 60 },
      { token: 'btc', comparator: 1, price_usd: '65000.12345678' },
      { to: address, amount_wei: '1' },
      { token: address, to: address, amount: '5' },
      { target: address, calldata: '0x1234' },
      { target: address, calldata: '0x', value_wei: '7' },
    );
    const field = fc.constantFrom(
      'user_address',
      'trigger_type',
      'trigger_data',
      'action_type',
      'action_data',
      'max_executions',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(field, fc.option(value)), { maxLength: 4 }), (changes) => {
        const body: Record<string, unknown> = structuredClone(create.example);
        for (const [name, changed] of changes) {
          if (changed === null) delete body[name];
          else body[name] = structuredClone(changed);
        }
        let accepted = true;
        try {
          parseCreateWorkflowRequest(body);
        } catch {
          accepted = false;
        }
        if (accepted) expect(create.schema.safeParse(body).success).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('GET /api/openapi.json and /api/docs', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // Without the rate limit, whose Redis is a stand-in.
    const app = createApp({ ...fullDependencies(), rateLimit: undefined });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  it('serves the document the routes are described by', async () => {
    const response = await fetch(`${baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('serves Swagger UI from this origin, pointed at the document', async () => {
    const page = await fetch(`${baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('data-url="/api/openapi.json"');
    expect(html).not.toMatch(/<script>|https?:\/\//);

    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets).toEqual(
      expect.arrayContaining([
        '/api/docs/swagger-ui-bundle.js',
        '/api/docs/swagger-ui.css',
        '/api/docs/autometa-docs.js',
      ]),
    );
    for (const asset of assets) {
      const response = await fetch(`${baseUrl}${asset}`);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/javascript|css|png/);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(await (await fetch(`${baseUrl}/api/docs/autometa-docs.js`)).text()).toContain('SwaggerUIBundle(');
    expect((await fetch(`${baseUrl}/api/docs/`)).status).toBe(200);
  });

  it('serves no other file of the Swagger UI package', async () => {
    for (const name of [
      'index.html',
      'swagger-initializer.js',
      'package.json',
      '%2e%2e/package.json',
      'swagger-ui.js.map',
    ]) {
      const response = await fetch(`${baseUrl}/api/docs/${name}`);
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
      expect(await response.json()).toMatchObject({ success: false, error: { code: 'not_found' } });
    }
  });
});
