import path from 'node:path';

import { startProcess, type ManagedProcess } from '../../src/stack/managed-process';

/** One JSON line of the worker's log, with the fields the bench reads. */
export interface WorkerLogLine {
  /**
   * Milliseconds since the epoch, from the line's `time`.
   *
   * NOTE: lines of the workflow and activity loggers pass through the Temporal runtime's log collector,
   * which holds them 100–200 ms before they reach the process logger that stamps `time`; only lines the
   * process logger writes itself (the price check lines) carry the moment they describe.
   */
  at: number;
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** A worker process (src/worker.ts) the bench started, and what it logged that the bench looks at. */
export interface EngineWorker {
  process: ManagedProcess;
  /** 'Execute transaction sent' lines, oldest first. */
  sent: WorkerLogLine[];
  /** 'Price crossed thresholds' lines of the watcher, oldest first. */
  crossings: WorkerLogLine[];
  /** Warning and error lines, oldest first (at most the first 200 kept). */
  problems: WorkerLogLine[];
  /** Price check lines (one per automation check) logged so far. */
  checkLines(): number;
  /** Price check lines that matched {@link StartEngineWorkerOptions.keepChecksMatching}, oldest first. */
  keptChecks: WorkerLogLine[];
  /** True once the process has exited. */
  exited(): boolean;
}

const KEPT_PROBLEMS = 200;

/** Options of {@link startEngineWorker}. */
export interface StartEngineWorkerOptions {
  /** Keeps the price check lines that hold this text (most are only counted). */
  keepChecksMatching?: string;
}

/**
 * Starts src/worker.ts through tsx as `npm run temporal-worker` does, in a process group of its own,
 * with only `settings` (plus PATH and HOME) in its environment, and resolves once it polls its task
 * queue. Its log goes to `logFile`; the lines the bench needs are also parsed as they come.
 */
export async function startEngineWorker(
  projectRoot: string,
  settings: Record<string, string>,
  logFile: string,
  started: ManagedProcess[],
  options: StartEngineWorkerOptions = {},
): Promise<EngineWorker> {
  const sent: WorkerLogLine[] = [];
  const crossings: WorkerLogLine[] = [];
  const problems: WorkerLogLine[] = [];
  const keptChecks: WorkerLogLine[] = [];
  let checks = 0;
  let polling = false;
  let exited = false;

  const onLine = (line: string) => {
    // Most lines are price checks: count them without parsing.
    if (line.includes('"Price check for ')) {
      checks++;
      if (options.keepChecksMatching && line.includes(options.keepChecksMatching)) {
        const parsed = parseLine(line);
        if (parsed) keptChecks.push(parsed);
      }
      return;
    }
    const parsed = parseLine(line);
    if (!parsed) return;
    if (parsed.message === 'Execute transaction sent') sent.push(parsed);
    else if (parsed.message === 'Price crossed thresholds') crossings.push(parsed);
    else if (parsed.message === 'Worker polling') polling = true;
    if ((parsed.level === 'warn' || parsed.level === 'error') && problems.length < KEPT_PROBLEMS) problems.push(parsed);
  };

  const worker = startProcess({
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(projectRoot, 'src', 'worker.ts')],
    cwd: projectRoot,
    // DATA_DIR points nowhere, so no local.env of a developer's stack slips into the bench's settings.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: '/nonexistent', ...settings },
    logFile,
    onLine,
  });
  started.push(worker);
  void worker.exited.then(() => (exited = true));

  const deadline = Date.now() + 120_000;
  while (!polling) {
    if (exited) throw new Error(`the worker exited while starting; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`the worker did not poll within 120 s; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: worker, sent, crossings, problems, keptChecks, checkLines: () => checks, exited: () => exited };
}

function parseLine(line: string): WorkerLogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const { time, level, message, ...fields } = JSON.parse(line) as Record<string, unknown>;
    return { at: Date.parse(String(time)), level: String(level), message: String(message), fields };
  } catch {
    return undefined;
  }
}
