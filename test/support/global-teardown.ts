import type { RunningTestServices } from './global-setup';

/** Stops every service global-setup started, whatever state the tests left them in. */
export default async function globalTeardown(): Promise<void> {
  const running = (globalThis as { autometaTestServices?: RunningTestServices }).autometaTestServices;
  if (!running) return;
  await running.temporal.teardown();
  await Promise.all(running.processes.map((service) => service.stop(5_000)));
}
