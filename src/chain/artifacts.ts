import fs from 'node:fs';
import path from 'node:path';

import type { InterfaceAbi } from 'ethers';

/** Names of the contracts the app deploys or talks to, as compiled by Hardhat. */
export type ContractName =
  'WorkflowRegistry' | 'ActionExecutor' | 'FeeEscrow' | 'CallForwarder' | 'TestToken' | 'LocalPriceFeed';

/** What the app needs from a Hardhat artifact: the ABI to talk to a contract and the bytecode to deploy it. */
export interface ContractArtifact {
  contractName: string;
  /** Source path relative to the project root, e.g. `contracts/finance/FeeEscrow.sol`. */
  sourceName: string;
  abi: InterfaceAbi;
  /** Creation bytecode, `0x`-prefixed; `0x` for interfaces and abstract contracts. */
  bytecode: string;
}

/** Options of {@link loadArtifact}. */
export interface LoadArtifactOptions {
  /**
   * Hardhat's artifacts directory.
   * @default `<project root>/artifacts`, the project root being the nearest folder above this module that holds
   * `hardhat.config.ts`, or else the current working directory
   */
  artifactsDir?: string;
}

/** Thrown by {@link loadArtifact} when no compiled artifact (or more than one) has the requested name. */
export class ArtifactNotFoundError extends Error {
  override readonly name = 'ArtifactNotFoundError';

  constructor(
    readonly contractName: string,
    readonly artifactsDir: string,
    readonly candidates: readonly string[] = [],
  ) {
    super(
      candidates.length > 1
        ? `Several artifacts are named ${contractName} under ${artifactsDir}: ${candidates.join(', ')}`
        : `No compiled artifact for ${contractName} under ${artifactsDir}; run \`npx hardhat compile\` first`,
    );
  }
}

const cache = new Map<string, ContractArtifact>();

/**
 * Loads the ABI and bytecode of contract `name` from Hardhat's artifact layout,
 * `<artifactsDir>/contracts/<folders>/<Name>.sol/<Name>.json`.
 *
 * Results are cached per file for the life of the process, so recompile and restart to pick up changes.
 *
 * @throws {ArtifactNotFoundError} when the contracts are not compiled or two sources define the name.
 */
export function loadArtifact(name: ContractName | (string & {}), options: LoadArtifactOptions = {}): ContractArtifact {
  const artifactsDir = options.artifactsDir ?? path.join(findProjectRoot(), 'artifacts');
  const matches = findArtifactFiles(path.join(artifactsDir, 'contracts'), `${name}.json`);
  if (matches.length !== 1) {
    throw new ArtifactNotFoundError(name, artifactsDir, matches);
  }
  const file = matches[0];
  const cached = cache.get(file);
  if (cached) return cached;

  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as ContractArtifact;
  const artifact: ContractArtifact = {
    contractName: json.contractName,
    sourceName: json.sourceName,
    abi: json.abi,
    bytecode: json.bytecode,
  };
  cache.set(file, artifact);
  return artifact;
}

function findProjectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'hardhat.config.ts'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** Hardhat names each artifact after its contract inside a folder named after the source file. */
function findArtifactFiles(dir: string, fileName: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findArtifactFiles(entryPath, fileName));
    else if (entry.name === fileName) found.push(entryPath);
  }
  return found;
}
