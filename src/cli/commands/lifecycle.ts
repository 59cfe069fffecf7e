import { parseWorkflowId } from '../arguments';
import type { Command } from '../context';
import { deadlineFromNow, signDeactivateWorkflow, signSetPaused } from '../signing';

/** `pause <id>` and `resume <id>`: signs `SetPaused` under the registry's domain and sends it. */
function pauseCommand(paused: boolean): Command {
  const name = paused ? 'pause' : 'resume';
  return {
    name,
    usage: `${name} <id>`,
    summary: paused
      ? 'Pauses an automation: no trigger checks or executions until resumed.'
      : 'Resumes a paused automation.',
    options: [],
    async run(context, positionals) {
      const workflowId = parseWorkflowId(positionals, name);
      const key = context.ownerKey();
      const contracts = await context.api.contracts();
      key.checkChain(contracts.chain_id);
      const deadline = deadlineFromNow();
      const domain = { chainId: contracts.chain_id, registry: contracts.workflow_registry };
      const signature = await signSetPaused(key.wallet, domain, workflowId, paused, deadline);
      const answer = await context.api.setPaused(workflowId, paused, { signature, deadline: Number(deadline) });
      return { lines: [`Workflow ${answer.workflow_id} ${answer.paused ? 'paused' : 'resumed'}`], json: answer };
    },
  };
}

/** `pause <id>`. */
export const pauseWorkflowCommand = pauseCommand(true);

/** `resume <id>`. */
export const resumeWorkflowCommand = pauseCommand(false);

/**
 * `delete <id>`: signs `DeactivateWorkflow` with the owner's registry nonce; the API deactivates the
 * workflow on-chain and cancels its automation (an execution in flight finishes first).
 */
export const deleteWorkflowCommand: Command = {
  name: 'delete',
  usage: 'delete <id>',
  summary: 'Deactivates a workflow on-chain and stops its automation.',
  options: [],
  async run(context, positionals) {
    const workflowId = parseWorkflowId(positionals, 'delete');
    const key = context.ownerKey();
    const { nonce, registry, chain_id: chainId } = await context.api.nonce(key.address);
    key.checkChain(chainId);
    const deadline = deadlineFromNow();
    const signature = await signDeactivateWorkflow(key.wallet, { chainId, registry }, workflowId, nonce, deadline);
    const answer = await context.api.deleteWorkflow(workflowId, { signature, deadline: Number(deadline) });
    return { lines: [`Workflow ${answer.workflow_id} deleted: tx ${answer.tx_hash}`], json: answer };
  },
};
