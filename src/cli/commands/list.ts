import { noMorePositionals, parseAddress, stringOption } from '../arguments';
import type { Command } from '../context';
import { workflowLine } from '../format';

/** `list [--owner <address>]`: every workflow of the key's address, or of `--owner`, one line each. */
export const listCommand: Command = {
  name: 'list',
  usage: 'list [--owner <address>]',
  summary: "Your workflows (or --owner's, which needs no key), one line each with the automation's state.",
  options: ['owner'],
  async run(context, positionals, options) {
    noMorePositionals(positionals, 0, 'list');
    const ownerOption = stringOption(options, 'owner');
    const owner = ownerOption ? parseAddress(ownerOption, '--owner', 'list') : context.ownerKey().address;
    const listed = await context.api.listWorkflows(owner);
    const lines =
      listed.workflows.length === 0
        ? [`${listed.user_address} has no workflows`]
        : [`Workflows of ${listed.user_address}:`, ...listed.workflows.map(workflowLine)];
    return { lines, json: listed };
  },
};
