import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

// Event and task queue kind numbers of temporal.api.enums.v1, spelled out so this module needs no runtime proto import.
const WORKFLOW_TASK_SCHEDULED = 5;
const WORKFLOW_TASK_STARTED = 6;
const WORKFLOW_TASK_TIMED_OUT = 8;
const WORKFLOW_TASK_FAILED = 9;
const TIMER_STARTED = 17;
const TIMER_FIRED = 18;
const TIMER_CANCELED = 19;
const MARKER_RECORDED = 25;
const TASK_QUEUE_KIND_STICKY = 2;

/** One timed check found in a workflow history. */
export interface CheckLagSample {
  /** When the check was due: the workflow's `nextCheckAt`, in ms since the epoch. */
  dueAt: number;
  /** How late the workflow task that runs the check started (the worker picked it up). */
  startLagMs: number;
  /** How late the check's local activity completed: the check lag proper. */
  doneLagMs: number;
  /**
   * True when the check's workflow task timed out, failed, or went to the normal queue instead of the
   * worker's sticky queue (which the worker then answers by replaying the whole history).
   *
   * NOTE: a worker that evicted the workflow from its cache but still gets the task on its sticky queue
   * fetches and replays the history without a trace in it; those checks count as untroubled here.
   */
  troubled: boolean;
}

/**
 * Finds every check an automation (or the bare loop) made on its timer, and how late each one was.
 *
 * A workflow's clock is the start time of its current workflow task, moved on to the completion time of
 * each local activity it resolves (the SDK records that time in the local-activity marker). The workflow
 * sets `nextCheckAt` to that clock plus `intervalMs` when it starts the check timer, so that is when the
 * next check is due; the check happens when its local activity completes, in the task that follows the
 * TimerFired event. Checks woken by a signal (timer cancelled) are skipped.
 */
export function checkLagsFromHistory(events: readonly HistoryEvent[], intervalMs: number): CheckLagSample[] {
  const samples: CheckLagSample[] = [];
  const dueByTimer = new Map<string, number>();
  let workflowTime = 0;
  let pending: { dueAt: number; troubled: boolean; startedAt?: number } | undefined;

  for (const event of events) {
    switch (event.eventType) {
      case WORKFLOW_TASK_SCHEDULED:
        if (pending && event.workflowTaskScheduledEventAttributes?.taskQueue?.kind !== TASK_QUEUE_KIND_STICKY)
          pending.troubled = true;
        break;
      case WORKFLOW_TASK_TIMED_OUT:
      case WORKFLOW_TASK_FAILED:
        if (pending) pending.troubled = true;
        break;
      case WORKFLOW_TASK_STARTED:
        workflowTime = tsToMs(event.eventTime);
        if (pending && pending.startedAt === undefined) pending.startedAt = workflowTime;
        break;
      case MARKER_RECORDED: {
        const completedAt = localActivityCompleteTime(event);
        if (completedAt === undefined) break;
        workflowTime = Math.max(workflowTime, completedAt);
        if (pending?.startedAt !== undefined) {
          samples.push({
            dueAt: pending.dueAt,
            startLagMs: pending.startedAt - pending.dueAt,
            doneLagMs: completedAt - pending.dueAt,
            troubled: pending.troubled,
          });
          pending = undefined;
        }
        break;
      }
      case TIMER_STARTED: {
        const attributes = event.timerStartedEventAttributes;
        if (attributes?.timerId && tsToMs(attributes.startToFireTimeout) === intervalMs) {
          dueByTimer.set(attributes.timerId, workflowTime + intervalMs);
        }
        break;
      }
      case TIMER_FIRED: {
        const timerId = event.timerFiredEventAttributes?.timerId ?? '';
        const dueAt = dueByTimer.get(timerId);
        dueByTimer.delete(timerId);
        if (dueAt !== undefined) pending = { dueAt, troubled: false };
        break;
      }
      case TIMER_CANCELED:
        dueByTimer.delete(event.timerCanceledEventAttributes?.timerId ?? '');
        break;
    }
  }
  return samples;
}

/** The `complete_time` of a local-activity marker, in ms since the epoch; undefined for other markers. */
function localActivityCompleteTime(event: HistoryEvent): number | undefined {
  const payload = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  if (!payload) return undefined;
  try {
    const data = JSON.parse(Buffer.from(payload).toString('utf8')) as {
      complete_time?: { seconds?: number | string; nanos?: number };
    };
    const time = data.complete_time;
    return time ? Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6) : undefined;
  } catch {
    return undefined;
  }
}
