import type { Command } from '../context';
import { balanceCommand } from './balance';
import { createCommand } from './create';
import { depositCommand, withdrawCommand } from './escrow';
import { deleteWorkflowCommand, pauseWorkflowCommand, resumeWorkflowCommand } from './lifecycle';
import { listCommand } from './list';
import { statusCommand } from './status';

/** Every command, in the order the usage lists them. */
export const COMMANDS: readonly Command[] = [
  balanceCommand,
  depositCommand,
  withdrawCommand,
  createCommand,
  listCommand,
  statusCommand,
  pauseWorkflowCommand,
  resumeWorkflowCommand,
  deleteWorkflowCommand,
];
