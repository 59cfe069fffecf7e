import http from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';
import { parseEther, type EventLog } from 'ethers';
import { z } from 'zod';

import { createApiResources, type ApiResources } from '../../src/api/api-resources';
import { API_OPERATIONS, type ApiOperation } from '../../src/api/openapi-operations';
import { encodeNativeTransfer, encodeTimeTrigger } from '../../src/chain/abi-codec';
import { loadConfig } from '../../src/config';
import { ActionType, TriggerType } from '../../src/domain/codes';
import { createLogger } from '../../src/logging';
import { hardhatDevWallet, localWallet } from '../../src/stack/local-accounts';
import { createEngineTestKit, createTestNamespace, engineEnv, type EngineTestKit } from '../support/engine';

// Property-based fuzz of every endpoint in the OpenAPI operation table (which the OpenAPI unit test holds
// equal to the app's routes), against the app as the API process builds it, on the test run's Temporal,
// Redis and chain. Properties: no 5xx, every error in the one error body, 2xx bodies as documented, and
// no state change at all.

const OWNER_INDEX = 4;
/** Requests per endpoint; FUZZ_RUNS sets another number (and FUZZ_SEED a seed) for longer or replayed runs. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const API_KEY = 'test-operator-key-0123456789';
const ALLOWED_ORIGIN = 'http://localhost:5173';

// Node's HTTP server answers a request head over 16 KiB (--max-http-header-size) with a bare 431 before
// the app sees it, so the generators keep path, query and headers together below that: at most 4,000
// characters each for a path parameter, the query and a long key.
type KeyChoice = 'valid' | 'none' | 'wrong' | 'empty' | 'long';

/** One request as sent: raw path (with any query), headers by choice, raw body text. */
interface FuzzRequest {
  method: string;
  path: string;
  key: KeyChoice;
  contentType?: string;
  contentEncoding?: string;
  origin?: string;
  body?: string;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const strictErrorBody = z.strictObject({
  success: z.literal(false),
  error: z.strictObject({ code: z.string().min(1), message: z.string().min(1), details: z.unknown().optional() }),
});

describe('API fuzz: malformed input to every endpoint', () => {
  jest.setTimeout(180_000);
  let kit: EngineTestKit;
  let api: ApiResources;
  let server: http.Server;
  let port: number;
  let agent: http.Agent;
  let before: Record<string, string>;
  /** Ids at or below it may exist in the registry: unsigned mutations with the key never name them. */
  let knownIds: bigint;
  let ownedId: bigint;
  let now: number;
  const figures: { endpoint: string; requests: number; ms: number; answers: Map<string, number> }[] = [];
  const neutralised = { count: 0 };

  beforeAll(async () => {
    const namespace = await createTestNamespace('api-fuzz');
    kit = await createEngineTestKit(namespace, OWNER_INDEX);
    // The app as the API process builds it, with limits high enough never to answer 429 in the run.
    const config = loadConfig(
      engineEnv(namespace, {
        API_KEY,
        RATE_LIMIT_PER_MINUTE: '1000000',
        RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
        CORS_ORIGINS: ALLOWED_ORIGIN,
      }),
    );
    api = createApiResources(config, createLogger({ level: 'error', write: () => undefined }));
    server = await new Promise<http.Server>((resolve) => {
      const listening = api.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    port = (server.address() as AddressInfo).port;
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

    // The owner funds its escrow, approves the relayer and owns one workflow, so a request that slipped
    // through validation could really create, deactivate or pay, and the snapshot would show it.
    const { owner } = kit;
    await (await owner.contracts.escrow.deposit({ value: parseEther('1') })).wait();
    await (await owner.contracts.registry.setOperator(localWallet('relayer').address, true)).wait();
    const block = await kit.provider.getBlock('latest');
    now = block!.timestamp;
    const receipt = await (
      await owner.contracts.registry.createWorkflow(
        TriggerType.Time,
        encodeTimeTrigger(now + 86_400),
        ActionType.NativeTransfer,
        encodeNativeTransfer(hardhatDevWallet(OWNER_INDEX).address, 1n),
        1,
      )
    ).wait();
    ownedId = (receipt.logs.find((log: EventLog) => log.eventName === 'WorkflowCreated') as EventLog).args
      .workflowId as bigint;
    knownIds = ((await kit.contracts.registry.workflowCount()) as bigint) + 100n;
    before = await snapshot();
  });

  afterAll(async () => {
    agent?.destroy();
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await api?.close();
    await kit?.close();
    if (figures.length > 0) {
      const total = figures.reduce((sum, figure) => sum + figure.requests, 0);
      const ms = figures.reduce((sum, figure) => sum + figure.ms, 0);
      const lines = figures.map((figure) => {
        const answers = [...figure.answers].sort((left, right) => right[1] - left[1]);
        const tally = answers.map(([answer, count]) => `${answer} ${count}`).join(', ');
        return `  ${figure.endpoint}: ${figure.requests} requests in ${figure.ms} ms (${tally})`;
      });
      // The figures of the run, for whoever tunes FUZZ_RUNS.
      console.log(
        `API fuzz: ${total} requests in ${ms} ms (${neutralised.count} sent without the key as they could succeed)\n` +
          lines.join('\n'),
      );
    }
  });

  /** Everything a request could change: registry, escrow, balances and nonces of every account in play, Temporal. */
  async function snapshot(): Promise<Record<string, string>> {
    const { registry, escrow } = kit.contracts;
    const accounts = new Set([
      kit.owner.address,
      localWallet('relayer').address,
      localWallet('worker').address,
      localWallet('user').address,
      ...API_OPERATIONS.flatMap(
        (operation) => JSON.stringify(operation.body?.example ?? {}).match(/0x[0-9a-fA-F]{40}/g) ?? [],
      ),
    ]);
    const state: Record<string, string> = {
      workflowCount: String(await registry.workflowCount()),
      totalOwed: String(await escrow.totalOwed()),
      ownedWorkflowActive: String((await registry.getWorkflow(ownedId)).active),
      relayerApproved: String(await registry.isOperator(kit.owner.address, localWallet('relayer').address)),
      temporalWorkflows: String((await kit.client.workflow.count()).count),
    };
    for (const account of accounts) {
      state[`${account} balance`] = String(await kit.provider.getBalance(account));
      state[`${account} transactions`] = String(await kit.provider.getTransactionCount(account, 'pending'));
      state[`${account} escrow`] = String(await escrow.balanceOf(account));
      state[`${account} registry nonce`] = String(await registry.nonces(account));
    }
    return state;
  }

  function send(request: FuzzRequest, retry = true): Promise<Answer> {
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string | number> = {};
    const key = { valid: API_KEY, none: undefined, wrong: `${API_KEY}x`, empty: '', long: 'k'.repeat(4_000) }[
      request.key
    ];
    if (key !== undefined) headers['X-API-Key'] = key;
    if (request.contentType !== undefined) headers['Content-Type'] = request.contentType;
    if (request.contentEncoding !== undefined) headers['Content-Encoding'] = request.contentEncoding;
    if (request.origin !== undefined) headers.Origin = request.origin;
    if (body) headers['Content-Length'] = body.length;
    return new Promise<Answer>((resolve, reject) => {
      const outgoing = http.request(
        { host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent: retry ? agent : false },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              contentType: String(incoming.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          incoming.on('error', reject);
        },
      );
      // A server that answers before reading a large body (413) may reset the connection under the client.
      outgoing.on('error', (error) => (retry ? send(request, false).then(resolve, reject) : reject(error)));
      outgoing.end(body);
    });
  }

  /**
   * Drops the key from a request that could change state if it were valid: a mutation naming an id that
   * may exist, or a body that passes a keyed operation's schema without an owner signature (which no
   * random input can forge). Everything else is sent as generated.
   */
  function guarded(request: FuzzRequest): FuzzRequest {
    if (request.key !== 'valid' || request.method === 'GET') return request;
    const pathname = request.path.split('?')[0];
    const segments = pathname.split('/').map((segment) => {
      try {
        return decodeURIComponent(segment).trim();
      } catch {
        return segment;
      }
    });
    const namesKnownId = segments.some((segment) => /^\d+$/.test(segment) && BigInt(segment) <= knownIds);
    let parsed: unknown;
    try {
      parsed = request.body === undefined ? undefined : JSON.parse(request.body);
    } catch {
      parsed = undefined;
    }
    const fields =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    const signed = isSigned(request);
    // Without a signature the routes read no deadline, so a bad one does not make the body fail.
    const unsigned = fields ? { ...fields, deadline: undefined } : parsed;
    const validBody =
      !signed &&
      API_OPERATIONS.some(
        (operation) =>
          operation.auth && operation.body?.required !== false && operation.body?.schema.safeParse(unsigned).success,
      );
    if (!(namesKnownId && !signed) && !validBody) return request;
    neutralised.count++;
    return { ...request, key: 'none' };
  }

  /**
   * `200`, or the status and error code of an error answer (`400 invalid_request`), after the method when
   * the request was sent with another method than its operation's (`GET 200`).
   */
  function answerKind(operation: ApiOperation | undefined, request: FuzzRequest, answer: Answer): string {
    const method = operation && request.method !== operation.method.toUpperCase() ? `${request.method} ` : '';
    if (answer.status < 400) return `${method}${answer.status}`;
    try {
      return `${method}${answer.status} ${JSON.parse(answer.text).error.code}`;
    } catch {
      return `${method}${answer.status}`;
    }
  }

  function check(request: FuzzRequest, answer: Answer): void {
    const where = `${request.method} ${request.path.slice(0, 200)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
    if (answer.status >= 500 || answer.status < 200 || (answer.status >= 300 && answer.status < 400)) {
      throw new Error(`Status ${answer.status}: ${where}`);
    }
    if (answer.status >= 400) {
      if (!answer.contentType.startsWith('application/json')) throw new Error(`Error not as JSON: ${where}`);
      const parsed = strictErrorBody.safeParse(JSON.parse(answer.text));
      if (!parsed.success) throw new Error(`Error body not in the one shape (${parsed.error.message}): ${where}`);
      return;
    }
    const operation = operationAt(request.method, request.path);
    if (!operation) throw new Error(`2xx from no documented operation: ${where}`);
    if ('html' in operation.success) {
      if (!answer.contentType.startsWith('text/html')) throw new Error(`Docs page not HTML: ${where}`);
      return;
    }
    const parsed = operation.success.schema.safeParse(JSON.parse(answer.text));
    if (!parsed.success) throw new Error(`2xx body not as documented (${parsed.error.message}): ${where}`);
  }

  async function fuzz(name: string, requests: fc.Arbitrary<FuzzRequest>, operation?: ApiOperation): Promise<void> {
    const started = Date.now();
    let count = 0;
    const answers = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(requests, async (generated) => {
        count++;
        const request = guarded(generated);
        const answer = await send(request);
        const kind = answerKind(operation, request, answer);
        answers.set(kind, (answers.get(kind) ?? 0) + 1);
        check(request, answer);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    );
    figures.push({ endpoint: name, requests: count, ms: Date.now() - started, answers });
  }

  for (const operation of API_OPERATIONS) {
    const name = `${operation.method.toUpperCase()} ${operation.path}`;
    it(`${name}: no 5xx, one error body, documented answers`, async () => {
      await fuzz(name, requestFor(operation, { now, knownIds, ownedId }), operation);
    });
  }

  it('unknown paths and methods: no 5xx, one error body', async () => {
    await fuzz('unknown routes', unknownRequest());
  });

  it('changed no state: registry, escrow, balances, nonces and Temporal workflows are as before', async () => {
    // Visibility lags behind starts; a workflow started by a request would show within this wait.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await snapshot()).toEqual(before);
  });
});

/** The documented operation a request lands on, matched as Express matches: any case, trailing slashes. */
function operationAt(method: string, path: string): ApiOperation | undefined {
  const pathname = path.split('?')[0];
  return API_OPERATIONS.find((operation) => {
    if (operation.method.toUpperCase() !== method) return false;
    const pattern = operation.path
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    // Express ignores trailing slashes, any number of them.
    return new RegExp(`^${pattern}/*$`, 'i').test(pathname);
  });
}

// ---- Generators ----

const HEX = '0123456789abcdefABCDEF';
const RAW_PATH_CHARS = [...'abcXYZ0189-._~!$&\'()*+,;=:@%/?[]{}|\\^`"<>'];

const hexString = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...HEX), minLength: min, maxLength: max });

/** Addresses that are not acceptable ones: wrong length, case, prefix, alphabet, or zero. */
const badAddress = fc.oneof(
  hexString(0, 39).map((hex) => `0x${hex}`),
  hexString(41, 80).map((hex) => `0x${hex}`),
  hexString(40, 40).map((hex) => `0X${hex}`),
  hexString(40, 40),
  hexString(39, 39).map((hex) => `0xg${hex}`),
  hexString(40, 40).map(
    (hex) => `0x${hex.replace(/[a-f]/, (c) => c.toUpperCase()).replace(/[A-F]/, (c) => c.toLowerCase())}`,
  ),
  fc.constantFrom(
    '0x0000000000000000000000000000000000000000',
    '0x90f79bf6eb2c4f870365e785982e1f101e93B906',
    ' 0x90F79bf6EB2c4f870365E785982E1f101E93b906x',
    '0x90F79bf6EB2c4f870365E785982E1f101E93b9０6',
    'vitalik.eth',
  ),
);

/** Hex that is not acceptable calldata or a signature: odd, not hex, unprefixed, or huge. */
const badHex = fc.oneof(
  hexString(1, 40)
    .filter((hex) => hex.length % 2 === 1)
    .map((hex) => `0x${hex}`),
  hexString(2, 40).map((hex) => `0x${hex}zz`),
  hexString(2, 40),
  hexString(129, 131).map((hex) => `0x${hex}`),
  fc.nat(10_000).map((n) => `0x${'ab'.repeat(n + 4_097)}`),
  fc.constantFrom('0x', '0X00', '0x 00', '0x٠٠'),
);

/** Numbers and amounts that are wrong one way or another: sign, fraction, size, NaN-like, type. */
const badNumber = fc.oneof(
  fc.constantFrom(
    -1,
    -0,
    0,
    1.5,
    -1.5,
    1e308,
    -1e308,
    5e-324,
    2 ** 53,
    2 ** 64,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    'NaN',
    'Infinity',
    '-Infinity',
    '1e309',
    '-1',
    '1.5',
    '1e18',
    '0x10',
    ' 1 ',
    '+1',
    '1_000',
    '1,000',
    '٣',
    '１',
    '',
    '0',
    '00',
  ),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }).map(String),
  fc.bigInt({ min: 2n ** 256n - 10n, max: 2n ** 256n + 10n }).map(String),
);

/** Strings that are junk for any field: unicode, control characters, empty, huge. */
const badString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\u202E',
    '𝟙𝟚',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'toString',
    '<script>',
  ),
  fc.nat(70_000).map((n) => 'x'.repeat(n)),
);

/** Values that are fragments of valid bodies, to build near-valid ones with mismatched parts. */
function fragments(now: number) {
  return fc.constantFrom<unknown>(
    0,
    1,
    2,
    3,
    { execute_at: now + 3_600 },
    { interval_seconds: 60 },
    { token: 'ETH', comparator: 0, price_usd: 3200.5 },
    { to: hardhatDevWallet(OWNER_INDEX).address, amount_wei: '1' },
    { token: hardhatDevWallet(5).address, to: hardhatDevWallet(OWNER_INDEX).address, amount: '1' },
    { target: hardhatDevWallet(5).address, calldata: '0x', value_wei: '0' },
    hardhatDevWallet(OWNER_INDEX).address,
    hardhatDevWallet(OWNER_INDEX).address.toLowerCase(),
    `0x${'ab'.repeat(65)}`,
    `0x${'00'.repeat(65)}`,
    `0x${'ff'.repeat(32)}${'7f'.repeat(32)}1b`,
    now + 600,
    now - 600,
  );
}

function badValue(now: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    badAddress,
    badHex,
    badNumber,
    badString,
    fragments(now),
    fc.constantFrom<unknown>(null, true, false, [], {}, [1], { a: 1 }),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

/** Every key path of a JSON object, `a.b` for nested ones. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => [`${prefix}${key}`, ...keyPaths(item, `${prefix}${key}.`)]);
}

type Mutation =
  | { kind: 'delete'; path: string }
  | { kind: 'set'; path: string; value: unknown }
  | { kind: 'add'; key: string; value: unknown };

function mutate(example: Record<string, unknown>, mutations: Mutation[]): unknown {
  const body = structuredClone(example) as Record<string, any>;
  for (const mutation of mutations) {
    // A copy each time: constant values are one shared object, and setting the same object at a path and
    // then inside itself would make the body circular (and change the constant for later runs).
    const value = mutation.kind === 'delete' ? undefined : structuredClone(mutation.value);
    if (mutation.kind === 'add') {
      Object.defineProperty(body, mutation.key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    const keys = mutation.path.split('.');
    const last = keys.pop()!;
    const parent = keys.reduce<any>((node, key) => (node && typeof node === 'object' ? node[key] : undefined), body);
    if (!parent || typeof parent !== 'object') continue;
    if (mutation.kind === 'delete') delete parent[last];
    else parent[last] = value;
  }
  return body;
}

/**
 * JSON bodies: random values, and the documented example, also signed for operations that take an owner
 * signature, broken in up to four places.
 */
function jsonBody(operation: ApiOperation, now: number): fc.Arbitrary<unknown> {
  const example = operation.body?.example ?? { user_address: hardhatDevWallet(OWNER_INDEX).address };
  // Signed seeds carry a random well-formed signature and a deadline within the hour the API accepts, so
  // requests get as far as the signature check, which no random signature passes.
  const seeds = operation.auth ? [example, { ...example, signature: '', deadline: now + 600 }] : [example];
  const seed = fc
    .tuple(fc.constantFrom(...seeds), hexString(130, 130))
    .map(([chosen, signature]) =>
      'signature' in chosen ? { ...chosen, signature: `0x${signature}`, deadline: now + 600 } : chosen,
    );
  const paths = [...keyPaths(example), 'signature', 'deadline'];
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
    fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...paths), value: badValue(now) }),
    fc.record({
      kind: fc.constant('add' as const),
      key: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'signature'),
      ),
      value: badValue(now),
    }),
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(seed, fc.array(mutation, { maxLength: 4 }))
        .map(([chosen, mutations]) => mutate(chosen, mutations)),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: badValue(now) },
  );
}

/** Body text that is not the JSON it claims to be, or JSON the parser must refuse. */
function malformedText(operation: ApiOperation, now: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '{',
      '}',
      '{"a":',
      '{"a":1,}',
      "{'a':1}",
      '[1,2',
      'NaN',
      'undefined',
      '{"a":NaN}',
      '{"a":Infinity}',
      '\uFEFF{}',
      '{"a":1}{"b":2}',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      'null',
      'true',
      '0',
      '"text"',
      '{"a":01}',
      '{"a":"\\ud800"}',
      '{"a":"\\u00"}',
      '['.repeat(20_000),
      `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
      `{"user_address":${'9'.repeat(10_000)}}`,
      `{"user_address":"${'a'.repeat(70_000)}"}`,
      `[${'{},'.repeat(20_000)}{}]`,
    ),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.tuple(jsonBody(operation, now), fc.nat(), fc.string({ maxLength: 3 })).map(([body, at, insert]) => {
      const text = JSON.stringify(body) ?? '';
      const cut = at % (text.length + 1);
      return text.slice(0, cut) + insert + text.slice(cut + 1);
    }),
  );
}

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=bogus',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/vnd.api+json',
      'application/json;',
      '*/*',
      ';;',
      'a/b/c',
    ),
  },
);

const contentEncoding = fc.oneof(
  { weight: 20, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus', 'gzip, gzip') },
);

const keyChoice = fc.constantFrom<KeyChoice>('valid', 'valid', 'none', 'wrong', 'empty', 'long');

const origin = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(ALLOWED_ORIGIN, 'http://evil.example', 'null', '*', 'http://localhost:5173/x'),
  },
);

const queryString = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc
        .array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })), { maxLength: 5 })
        .map((pairs) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`),
      fc.constantFrom(
        '?',
        '?a',
        '?a=1&a=2',
        '?a[]=1&a[b]=2',
        '?__proto__[x]=1',
        '?%',
        '?%zz=1',
        `?q=${'x'.repeat(4_000)}`,
      ),
    ),
  },
);

/** What the generators need to know about the chain, read once it is set up. */
interface FuzzContext {
  /** The latest block's unix time. */
  now: number;
  /** Ids at or below it may exist in the registry. */
  knownIds: bigint;
  /** The id of the workflow the fuzz owner owns. */
  ownedId: bigint;
}

/** Values for one path parameter: its example, near-valid values, and garbage, raw or percent-encoded. */
function parameterValue(operation: ApiOperation, name: string, context: FuzzContext): fc.Arbitrary<string> {
  const spec = operation.pathParams![name];
  const nearValid =
    name === 'workflow_id'
      ? fc.oneof(
          fc.constant(String(context.ownedId)),
          fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }).map(String),
          fc.constantFrom('0', '00', '1.0', '-1', '+1', '1e3', '0x1', '%201', String(2n ** 256n), '9'.repeat(79)),
        )
      : name === 'address'
        ? fc.oneof(
            fc.constantFrom(
              hardhatDevWallet(OWNER_INDEX).address,
              hardhatDevWallet(OWNER_INDEX).address.toLowerCase(),
              hardhatDevWallet(60).address,
            ),
            badAddress.map(encodeURIComponent),
          )
        : fc.constantFrom('eth', 'BTC', 'ethereum', 'Bitcoin', 'doge', 'x'.repeat(33), 'eth-usd', 'ETH%20');
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(spec.example) },
    { weight: 4, arbitrary: nearValid },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...RAW_PATH_CHARS), maxLength: 30 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%00',
        '%2F',
        '%2e%2e',
        '..',
        '.',
        '',
        '%20',
        'user',
        'create',
        'nonce',
      ),
    },
    { weight: 1, arbitrary: fc.nat(4_000).map((n) => (n % 2 ? '9' : 'a').repeat(n + 1)) },
  );
}

/** The segment as Express hands it to the route, or undefined when it is no valid percent-encoding. */
function decodedSegment(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * Whether the route reads a `signature` from the request, and so takes the signature path: the body must
 * reach it as JSON (application/json in UTF-8, not encoded) and be an object with that field.
 */
function isSigned(request: Pick<FuzzRequest, 'body' | 'contentType' | 'contentEncoding'>): boolean {
  const [type, ...parameters] = (request.contentType ?? '').toLowerCase().split(';');
  const charset = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('charset='));
  if (type.trim() !== 'application/json' || (charset && charset !== 'charset=utf-8')) return false;
  if (request.contentEncoding !== undefined && request.contentEncoding !== 'identity') return false;
  try {
    const parsed: unknown = request.body === undefined ? undefined : JSON.parse(request.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'signature' in parsed;
  } catch {
    return false;
  }
}

function requestFor(operation: ApiOperation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const names = Object.keys(operation.pathParams ?? {});
  const values = fc.tuple(...names.map((name) => parameterValue(operation, name, context)));
  const body = fc.oneof(
    { weight: operation.body ? 1 : 4, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: jsonBody(operation, context.now).map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: malformedText(operation, context.now) },
  );
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constant(operation.method.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  );
  return fc
    .record({ method, values, query: queryString, key: keyChoice, contentType, contentEncoding, origin, body })
    .map(({ values: generated, query, ...request }) => {
      const path = names.reduce((template, name, index) => {
        let value = generated[index];
        // An unsigned mutation never names an id that may exist (it could succeed with the key): such an
        // id becomes one that cannot, so the request meets an unknown id instead. A signed one may, since
        // no random signature is the owner's.
        const decoded = decodedSegment(value)?.trim();
        const mayExist = decoded !== undefined && /^\d+$/.test(decoded) && BigInt(decoded) <= context.knownIds;
        if (name === 'workflow_id' && operation.method !== 'get' && mayExist && !isSigned(request)) {
          value = String(context.knownIds + 1_000_000n + BigInt(decoded.length));
        }
        return template.replace(`{${name}}`, value);
      }, operation.path);
      const sent: FuzzRequest = { ...request, path: path + query };
      for (const field of ['contentType', 'contentEncoding', 'origin', 'body'] as const) {
        if (sent[field] === undefined) delete sent[field];
      }
      return sent;
    });
}

/** Requests to paths no route has, and documented paths with other methods. */
function unknownRequest(): fc.Arbitrary<FuzzRequest> {
  const segment = fc.oneof(
    fc.string({ unit: fc.constantFrom(...RAW_PATH_CHARS.filter((char) => char !== '?')), maxLength: 12 }),
    fc.constantFrom(
      'api',
      'workflow',
      'price',
      'utils',
      'escrow',
      'docs',
      'openapi.json',
      '..',
      '%2e%2e',
      'index.html',
    ),
  );
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
    path: fc.array(segment, { minLength: 0, maxLength: 5 }).map((segments) => `/api/${segments.join('/')}`),
    key: keyChoice,
    contentType,
    body: fc.oneof(
      fc.constant('{}'),
      fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    ),
  });
}
