import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult } from '@temporalio/worker';

import { decodeHistoryJson } from '../../scripts/record-histories';
import { installQuietRuntime } from '../support/runtime';

const historiesDir = path.resolve(__dirname, '..', 'replay', 'histories');
const files = readdirSync(historiesDir)
  .filter((file) => file.endsWith('.json'))
  .sort();

/** The workflow type a history ran, from its first event. */
function workflowTypeOf(history: History): string | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}

describe('recorded workflow histories', () => {
  jest.setTimeout(120_000);
  const histories = new Map(
    files.map((file) => [
      path.basename(file, '.json'),
      decodeHistoryJson(readFileSync(path.join(historiesDir, file), 'utf8')),
    ]),
  );
  const results = new Map<string, ReplayResult>();

  beforeAll(async () => {
    installQuietRuntime();
    // One replay worker and one bundle of the current workflow code for every history.
    const replays = Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../src/workflows') },
      [...histories].map(([workflowId, history]) => ({ workflowId, history })),
    );
    for await (const result of replays) results.set(result.workflowId, result);
  });

  it('covers the automation, registry sync and price watcher workflows', () => {
    const types = new Set([...histories.values()].map(workflowTypeOf));
    expect([...types]).toEqual(
      expect.arrayContaining(['automationWorkflow', 'priceWatcherWorkflow', 'registrySyncWorkflow']),
    );
  });

  it.each(files.map((file) => path.basename(file, '.json')))('replays %s deterministically', (name) => {
    const result = results.get(name);
    expect(result).toBeDefined();
    // A determinism violation names the command the code gave and the event the history holds.
    if (result?.error) throw result.error;
  });
});
