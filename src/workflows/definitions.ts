import { defineQuery, defineSignal } from '@temporalio/workflow';

import type { AutomationStatus } from '../domain/automation';

/** Answers an automation's status: state, last check, next check and every execution. */
export const statusQuery = defineQuery<AutomationStatus>('status');

/** Pauses an automation after any execution in flight; no trigger is checked until it resumes. */
export const pauseSignal = defineSignal('pause');

/** Resumes a paused automation. */
export const resumeSignal = defineSignal('resume');

/**
 * Asks an automation to check its trigger now instead of at its next timer: the price watcher sends it
 * when a price crosses the automation's threshold, and operators may send it after a deposit.
 */
export const wakeSignal = defineSignal('wake');
