import type { Wallet } from 'ethers';

import type { RegistryWorkflowInput } from '../api/workflow-schemas';
import {
  CREATE_WORKFLOW_TYPES,
  DEACTIVATE_WORKFLOW_TYPES,
  SET_PAUSED_TYPES,
  workflowRegistryDomain,
} from '../chain/abi-codec';

/** How long a signature stays valid, in seconds: the API accepts deadlines up to one hour ahead. */
export const SIGNATURE_LIFETIME_SECONDS = 600;

/** The registry a signature is bound to: its chain and address (the EIP-712 domain). */
export interface RegistryDomainInput {
  chainId: bigint;
  registry: string;
}

/** A deadline `lifetimeSeconds` from now, in unix seconds. */
export function deadlineFromNow(lifetimeSeconds = SIGNATURE_LIFETIME_SECONDS, nowMs = Date.now()): bigint {
  return BigInt(Math.floor(nowMs / 1000) + lifetimeSeconds);
}

/**
 * Signs `CreateWorkflow` for `input` (the registry encodings of the create body) with the owner's
 * registry `nonce`. The signer must be `input.owner`.
 */
export function signCreateWorkflow(
  wallet: Wallet,
  domain: RegistryDomainInput,
  input: RegistryWorkflowInput,
  nonce: bigint,
  deadline: bigint,
): Promise<string> {
  return wallet.signTypedData(workflowRegistryDomain(domain.chainId, domain.registry), CREATE_WORKFLOW_TYPES, {
    owner: input.owner,
    triggerType: input.triggerType,
    triggerData: input.triggerData,
    actionType: input.actionType,
    actionData: input.actionData,
    maxExecutions: input.maxExecutions,
    nonce,
    deadline,
  });
}

/** Signs `DeactivateWorkflow` for `workflowId` with the owner's registry `nonce`. */
export function signDeactivateWorkflow(
  wallet: Wallet,
  domain: RegistryDomainInput,
  workflowId: bigint,
  nonce: bigint,
  deadline: bigint,
): Promise<string> {
  return wallet.signTypedData(workflowRegistryDomain(domain.chainId, domain.registry), DEACTIVATE_WORKFLOW_TYPES, {
    workflowId,
    nonce,
    deadline,
  });
}

/** Signs `SetPaused` for `workflowId`: `paused` true to pause, false to resume. */
export function signSetPaused(
  wallet: Wallet,
  domain: RegistryDomainInput,
  workflowId: bigint,
  paused: boolean,
  deadline: bigint,
): Promise<string> {
  return wallet.signTypedData(workflowRegistryDomain(domain.chainId, domain.registry), SET_PAUSED_TYPES, {
    workflowId,
    paused,
    deadline,
  });
}
