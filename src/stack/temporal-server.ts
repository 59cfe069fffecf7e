import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startProcess, waitUntil, type ManagedProcess } from './managed-process';
import { httpAnswers, temporalAnswers } from './probes';

/** The pinned Temporal dev server settings kept in temporal/server.json. */
export interface TemporalServerSpec {
  cli: { module: string; version: string; binary: string };
  sqlitePragmas: Record<string, string>;
  searchAttributes: Record<string, 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList'>;
  dynamicConfig: Record<string, unknown>;
}

/** Reads temporal/server.json. */
export function readTemporalServerSpec(projectRoot: string): TemporalServerSpec {
  return JSON.parse(readFileSync(path.join(projectRoot, 'temporal', 'server.json'), 'utf8')) as TemporalServerSpec;
}

/** The absolute path of the project-local Temporal CLI that scripts/bootstrap.mjs builds. */
export function temporalCliPath(projectRoot: string): string {
  return path.join(projectRoot, readTemporalServerSpec(projectRoot).cli.binary);
}

/**
 * The dev-server flags shared by the stack and the tests: SQLite pragmas, search attributes and
 * dynamic config from temporal/server.json.
 */
export function devServerExtraArgs(projectRoot: string): string[] {
  const spec = readTemporalServerSpec(projectRoot);
  return [
    ...Object.entries(spec.sqlitePragmas).flatMap(([pragma, value]) => ['--sqlite-pragma', `${pragma}=${value}`]),
    ...Object.entries(spec.searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ...Object.entries(spec.dynamicConfig).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${JSON.stringify(value)}`,
    ]),
  ];
}

/** Options of {@link startTemporalServer}. */
export interface StartTemporalOptions {
  projectRoot: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps every workflow across restarts. */
  dbFile: string;
  namespace: string;
  logFile: string;
}

/** Starts the Temporal dev server with its Web UI on 127.0.0.1 and resolves once both answer. */
export async function startTemporalServer(options: StartTemporalOptions): Promise<ManagedProcess> {
  const server = startProcess({
    name: 'temporal',
    command: temporalCliPath(options.projectRoot),
    args: [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--ui-ip',
      '127.0.0.1',
      '--ui-port',
      String(options.uiPort),
      '--db-filename',
      options.dbFile,
      '--namespace',
      options.namespace,
      '--log-level',
      'warn',
      ...devServerExtraArgs(options.projectRoot),
    ],
    logFile: options.logFile,
  });
  const address = `127.0.0.1:${options.port}`;
  await waitUntil(`Temporal on ${address}`, () => temporalAnswers(address), 120_000, server.exited);
  await waitUntil(
    `Temporal Web UI on :${options.uiPort}`,
    () => httpAnswers(`http://127.0.0.1:${options.uiPort}/`),
    60_000,
    server.exited,
  );
  return server;
}
