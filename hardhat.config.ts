import path from 'node:path';

import { subtask } from 'hardhat/config';
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from 'hardhat/builtin-tasks/task-names';
import type { HardhatUserConfig } from 'hardhat/config';
import '@nomicfoundation/hardhat-ethers';
import '@nomicfoundation/hardhat-chai-matchers';

const SOLC_VERSION = '0.8.28';

// Compiler downloads are unreachable offline: compile with the npm `solc` package's soljson build,
// which is pinned to SOLC_VERSION in package.json.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  const solcPackage = path.dirname(require.resolve('solc/package.json'));
  return {
    compilerPath: path.join(solcPackage, 'soljson.js'),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: require('solc/package.json').version,
  };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun' },
  },
  paths: { sources: 'contracts', tests: 'test/contracts', artifacts: 'artifacts', cache: 'cache' },
  networks: {
    // Automine makes one block per transaction; with distinct timestamps required, a busy local chain's
    // clock would run ahead of real time, and time triggers would be due late by wall-clock timers.
    hardhat: { chainId: 31337, allowBlocksWithSameTimestamp: true },
  },
  mocha: { timeout: 60_000 },
};

export default config;
