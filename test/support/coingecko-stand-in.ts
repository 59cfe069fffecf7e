import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stand-in answers `GET /api/v3/simple/price`. */
export type StandInBehaviour =
  /** 200 with `{ id: { usd } }` for each requested id found in `prices` (an `undefined` value leaves `usd` out). */
  | { kind: 'prices'; prices: Record<string, unknown>; delayMs?: number }
  /** Any status, with optional headers and body, e.g. 429 with Retry-After or a 503. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** 200 with this exact body, e.g. text that is not JSON. */
  | { kind: 'raw'; body: string }
  /** Headers never arrive: the client must time out. */
  | { kind: 'hang' };

/** One request the stand-in received. */
export interface StandInRequest {
  path: string;
  ids: string[];
  vsCurrencies: string | null;
  headers: http.IncomingHttpHeaders;
}

/** A CoinGecko stand-in on 127.0.0.1 that tests steer and inspect. */
export interface CoinGeckoStandIn {
  /** API base to use as COINGECKO_API_URL, e.g. `http://127.0.0.1:41234/api/v3`. */
  readonly apiUrl: string;
  /** Every request received, oldest first. */
  readonly requests: StandInRequest[];
  /** Sets how the next requests are answered. */
  respond(behaviour: StandInBehaviour): void;
  /** Answers normally with these prices. */
  setPrices(prices: Record<string, unknown>, delayMs?: number): void;
  /** Forgets the recorded requests. */
  resetRequests(): void;
  /** Stops listening and drops open connections, hung ones included. */
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port, answering `prices` until told otherwise. */
export async function startCoinGeckoStandIn(prices: Record<string, unknown> = {}): Promise<CoinGeckoStandIn> {
  let behaviour: StandInBehaviour = { kind: 'prices', prices };
  const requests: StandInRequest[] = [];

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (request.method !== 'GET' || url.pathname !== '/api/v3/simple/price') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    requests.push({
      path: url.pathname,
      ids,
      vsCurrencies: url.searchParams.get('vs_currencies'),
      headers: request.headers,
    });
    const current = behaviour;
    switch (current.kind) {
      case 'hang':
        return;
      case 'status':
        response
          .writeHead(current.status, { 'content-type': 'application/json', ...current.headers })
          .end(current.body ?? '{}');
        return;
      case 'raw':
        response.writeHead(200, { 'content-type': 'application/json' }).end(current.body);
        return;
      case 'prices': {
        const body: Record<string, Record<string, unknown>> = {};
        for (const id of ids) {
          if (!(id in current.prices)) continue;
          const usd = current.prices[id];
          body[id] = usd === undefined ? {} : { usd };
        }
        const send = () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (current.delayMs) setTimeout(send, current.delayMs);
        else send();
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    requests,
    respond: (next) => (behaviour = next),
    setPrices: (next, delayMs) => (behaviour = { kind: 'prices', prices: next, delayMs }),
    resetRequests: () => requests.splice(0, requests.length),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
