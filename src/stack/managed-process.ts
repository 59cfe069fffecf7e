import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

/** A child process the stack started and is responsible for stopping. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Ends the whole process group: SIGTERM, then SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startProcess}. */
export interface StartProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** File that receives the process's stdout and stderr. */
  logFile: string;
  /** Also copies output lines to this callback, e.g. to prefix them on the terminal. */
  onLine?: (line: string) => void;
}

/**
 * Starts a long-running child in a process group of its own.
 *
 * Its own group lets the stack stop grandchildren too (tsx and npm start a second node process), and
 * keeps a terminal's Ctrl-C from reaching it before the stack decides the shutdown order.
 */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${options.name} could not start: ${options.command} was not found`);
  const pid = child.pid;

  let pending = '';
  const forward = (chunk: Buffer) => {
    log.write(chunk);
    if (!options.onLine) return;
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) options.onLine(line);
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);

  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      log.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  let running = true;
  void exited.then(() => (running = false));

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  return {
    name: options.name,
    pid,
    exited,
    async stop(graceMs = 10_000) {
      if (!running) {
        signalGroup('SIGKILL');
        return;
      }
      signalGroup('SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') signalGroup('SIGKILL');
      await exited;
      // Grandchildren that ignored SIGTERM would otherwise outlive their parent.
      signalGroup('SIGKILL');
    },
  };
}

/** Polls `check` until it returns true, failing after `timeoutMs` with a message naming `what`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  exited?: Promise<unknown>,
) {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void exited?.then(() => (died = true));
  while (Date.now() < deadline) {
    if (died) throw new Error(`${what}: the process exited while starting`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s`);
}
