import path from 'node:path';

import { startProcess, waitUntil, type ManagedProcess } from './managed-process';
import { rpcChainId } from './probes';

/** The chain id of Hardhat's local network, as configured in hardhat.config.ts. */
export const LOCAL_CHAIN_ID = 31337;

/** Options of {@link startChainNode}. */
export interface StartChainOptions {
  projectRoot: string;
  port: number;
  logFile: string;
}

/**
 * Starts `hardhat node` bound to 127.0.0.1 (it binds every interface unless told) and resolves once
 * it answers eth_chainId with {@link LOCAL_CHAIN_ID}.
 *
 * NOTE: Hardhat's EVM keeps its state in memory: a new node is a new, empty chain.
 */
export async function startChainNode(options: StartChainOptions): Promise<ManagedProcess> {
  const hardhatCli = path.join(options.projectRoot, 'node_modules', 'hardhat', 'internal', 'cli', 'bootstrap.js');
  const node = startProcess({
    name: 'chain',
    command: process.execPath,
    args: [hardhatCli, 'node', '--hostname', '127.0.0.1', '--port', String(options.port)],
    cwd: options.projectRoot,
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    logFile: options.logFile,
  });
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  await waitUntil(
    `Hardhat node on ${rpcUrl}`,
    async () => (await rpcChainId(rpcUrl)) === LOCAL_CHAIN_ID,
    60_000,
    node.exited,
  );
  return node;
}
