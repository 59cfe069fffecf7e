import { formatEther } from 'ethers';

import type { ActionDataView, TriggerDataView, WorkflowView } from '../api/workflow-schemas';
import { ActionType, PriceComparator, TriggerType } from '../domain/codes';

/** Wei as ETH with its unit, without trailing zeros: `1.5 ETH`. */
export function eth(wei: bigint | string): string {
  return `${formatEther(wei).replace(/\.0$/, '')} ETH`;
}

/** A trigger in words: `at 2026-12-03T10:00:00.000Z`, `every 3600 s`, `ethereum at or below $3200`. */
export function describeTrigger(type: number, data: TriggerDataView): string {
  if (type === TriggerType.Time && 'execute_at' in data) return `at ${isoSeconds(data.execute_at)}`;
  if (type === TriggerType.Interval && 'interval_seconds' in data) return `every ${data.interval_seconds} s`;
  if (type === TriggerType.Price && 'comparator' in data) {
    const side = data.comparator === PriceComparator.AtOrBelow ? 'at or below' : 'at or above';
    return `${data.token} ${side} $${data.price_usd}`;
  }
  return `trigger type ${type} ${JSON.stringify(data)}`;
}

/** An action in words: `send 1 ETH to 0x…`, `transfer 5 of token 0x… to 0x…`, `call 0x… with 4 bytes`. */
export function describeAction(type: number, data: ActionDataView): string {
  if (type === ActionType.NativeTransfer && 'amount_wei' in data) return `send ${eth(data.amount_wei)} to ${data.to}`;
  if (type === ActionType.Erc20Transfer && 'amount' in data) {
    return `transfer ${data.amount} base units of token ${data.token} to ${data.to}`;
  }
  if (type === ActionType.ContractCall && 'calldata' in data) {
    const bytes = (data.calldata.length - 2) / 2;
    const value = BigInt(data.value_wei) > 0n ? ` and ${eth(data.value_wei)}` : '';
    return `call ${data.target} with ${bytes} bytes of calldata${value}`;
  }
  return `action type ${type} ${JSON.stringify(data)}`;
}

/** The automation's state, with the waiting reason; `no automation` when Temporal has none. */
export function describeState(workflow: WorkflowView): string {
  const status = workflow.status;
  if (!status) return workflow.active ? 'no automation' : 'inactive';
  return status.waiting_reason ? `${status.state} (${status.waiting_reason})` : status.state;
}

/** Executions against the limit: `0 of 1`, `3 of unlimited`. */
export function describeRuns(workflow: WorkflowView): string {
  return `${workflow.execution_count} of ${workflow.max_executions === 0 ? 'unlimited' : workflow.max_executions}`;
}

// States after which an automation checks nothing more.
const FINAL_STATES = new Set(['completed', 'deactivated', 'cancelled']);

/** One line per workflow, for `list`. */
export function workflowLine(workflow: WorkflowView): string {
  return [
    `#${workflow.workflow_id}`,
    workflow.active ? 'active' : 'inactive',
    describeState(workflow),
    `${describeTrigger(workflow.trigger_type, workflow.trigger_data)}: ${describeAction(workflow.action_type, workflow.action_data)}`,
    `${describeRuns(workflow)} runs`,
  ].join('  ');
}

/** Every field of a workflow and its automation, one per line, for `status`. */
export function workflowLines(workflow: WorkflowView): string[] {
  const lines = [
    `Workflow ${workflow.workflow_id} (${workflow.active ? 'active' : 'inactive'})`,
    `  owner       ${workflow.owner}`,
    `  trigger     ${describeTrigger(workflow.trigger_type, workflow.trigger_data)}`,
    `  action      ${describeAction(workflow.action_type, workflow.action_data)}`,
    `  executed    ${describeRuns(workflow)} times, last ${workflow.last_executed_at ?? 'never'}`,
    `  created     ${workflow.created_at}`,
    `  state       ${describeState(workflow)}`,
  ];
  const status = workflow.status;
  if (status?.last_check) {
    const check = status.last_check;
    lines.push(`  last check  $${check.price_usd} from ${check.source} at ${check.checked_at}`);
  }
  if (status?.next_check_at && !FINAL_STATES.has(status.state)) lines.push(`  next check  ${status.next_check_at}`);
  for (const execution of status?.executions ?? []) {
    const fee = execution.gas_fee_wei === null ? 'fee not charged yet' : `fee ${eth(execution.gas_fee_wei)}`;
    lines.push(`  execution ${execution.execution_no} at ${execution.executed_at}: tx ${execution.tx_hash}, ${fee}`);
  }
  return lines;
}

function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `unix ${seconds}` : date.toISOString();
}
