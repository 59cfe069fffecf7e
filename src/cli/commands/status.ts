import { parseWorkflowId } from '../arguments';
import type { Command } from '../context';
import { workflowLines } from '../format';

/** `status <id>`: one workflow's registry record and its automation's status; needs no key. */
export const statusCommand: Command = {
  name: 'status',
  usage: 'status <id>',
  summary: "A workflow's record and its automation: state, last price check, executions and gas fees.",
  options: [],
  async run(context, positionals) {
    const workflowId = parseWorkflowId(positionals, 'status');
    const answer = await context.api.getWorkflow(workflowId);
    return { lines: workflowLines(answer.workflow), json: answer };
  },
};
