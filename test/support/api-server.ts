import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createApiResources, type ApiResources } from '../../src/api/api-resources';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logging';

/** An API process's app, served on a free loopback port. */
export interface TestApiServer {
  baseUrl: string;
  config: Config;
  resources: ApiResources;
  /** Every line the API logged, as JSON objects. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Builds the app as src/server.ts does from `env` (see `engineEnv`) and serves it on 127.0.0.1. */
export async function startTestApi(env: Record<string, string>): Promise<TestApiServer> {
  const config = loadConfig(env);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'warn', format: 'json', write: (line) => logs.push(JSON.parse(line)) });
  const resources = createApiResources(config, logger);
  await resources.guardReady();
  const server = await new Promise<Server>((resolve) => {
    const listening = resources.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    config,
    resources,
    logs,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await resources.close();
    },
  };
}

/** The answer of {@link callApi}: status, headers and the JSON body (null when there is none). */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

/** Sends one request; `body` is sent as JSON, `raw` as is with a JSON content type. */
export async function callApi(
  baseUrl: string,
  method: string,
  route: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined || options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = options.raw ?? JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${route}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}
