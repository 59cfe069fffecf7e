import {
  AbiCoder,
  Contract,
  Interface,
  keccak256,
  type ContractRunner,
  type ErrorDescription,
  type InterfaceAbi,
} from 'ethers';

import { loadArtifact } from './artifacts';

/** The three contracts of a deployment, connected to one runner. */
export interface AutometaContracts {
  registry: Contract;
  executor: Contract;
  escrow: Contract;
}

/** Connects to a deployment's WorkflowRegistry, ActionExecutor and FeeEscrow. */
export function connectContracts(
  addresses: { workflowRegistry: string; actionExecutor: string; feeEscrow: string },
  runner: ContractRunner,
): AutometaContracts {
  return {
    registry: new Contract(addresses.workflowRegistry, loadArtifact('WorkflowRegistry').abi, runner),
    executor: new Contract(addresses.actionExecutor, loadArtifact('ActionExecutor').abi, runner),
    escrow: new Contract(addresses.feeEscrow, loadArtifact('FeeEscrow').abi, runner),
  };
}

let revertInterface: Interface | undefined;

/**
 * Decodes revert data from any of our contracts (and OpenZeppelin's ERC-20 errors), since a revert deep
 * in a call (the escrow under the executor, a token under the executor) surfaces at the outer call.
 */
export function decodeRevert(data: string | undefined | null): ErrorDescription | undefined {
  if (!data || data === '0x') return undefined;
  revertInterface ??= new Interface(
    (['WorkflowRegistry', 'ActionExecutor', 'FeeEscrow', 'CallForwarder', 'TestToken'] as const).flatMap((name) =>
      (loadArtifact(name).abi as Exclude<InterfaceAbi, string>).filter(
        (fragment) => typeof fragment !== 'string' && (fragment as { type?: string }).type === 'error',
      ),
    ),
  );
  try {
    return revertInterface.parseError(data) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The revert data inside an ethers error, wherever this ethers version put it. */
export function revertDataOf(error: unknown): string | undefined {
  const candidate = error as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } };
  for (const data of [candidate.data, candidate.info?.error?.data, candidate.error?.data]) {
    if (typeof data === 'string' && data.startsWith('0x')) return data;
    if (data && typeof (data as { data?: unknown }).data === 'string') return (data as { data: string }).data;
  }
  return undefined;
}

/**
 * The FeeEscrow execution key of one execution: unique per chain, registry, workflow and execution
 * number, so the escrow charges each execution's fee at most once.
 */
export function executionKey(chainId: number, registry: string, registryId: bigint, executionNo: number): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ['uint256', 'address', 'uint256', 'uint64'],
      [chainId, registry, registryId, executionNo],
    ),
  );
}
