// Publishes a new answer on a local Chainlink-style price feed: `npm run set-price -- ethereum 3198.16`.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Contract, JsonRpcProvider, parseUnits } from 'ethers';

import { loadArtifact } from '../src/chain/artifacts';
import { loadEnvFiles } from '../src/env-files';
import { localWallet } from '../src/stack/local-accounts';
import type { LocalDeployment } from '../src/stack/local-deployment';

const USAGE = 'Usage: npm run set-price -- <asset> <usd>   e.g. npm run set-price -- ethereum 3198.16';

async function main(): Promise<void> {
  const projectRoot = path.resolve(__dirname, '..');
  loadEnvFiles(projectRoot);
  const [asset, usd] = process.argv.slice(2);
  if (!asset || !usd) throw new Error(USAGE);
  if (!/^\d{1,15}(\.\d{1,8})?$/.test(usd) || Number(usd) <= 0) {
    throw new Error(`"${usd}" is not a positive USD amount with at most 8 decimals. ${USAGE}`);
  }

  const deploymentFile = path.resolve(projectRoot, process.env.DATA_DIR?.trim() || '.data', 'deployment.json');
  let deployment: LocalDeployment;
  try {
    deployment = JSON.parse(readFileSync(deploymentFile, 'utf8')) as LocalDeployment;
  } catch {
    throw new Error(`No local deployment at ${deploymentFile}: start the stack with \`npm start\` first.`);
  }
  const feedAddress = deployment.priceFeeds[asset];
  if (!feedAddress) {
    throw new Error(`No local price feed for "${asset}". Feeds: ${Object.keys(deployment.priceFeeds).join(', ')}.`);
  }

  const provider = new JsonRpcProvider(process.env.RPC_URL?.trim() || 'http://127.0.0.1:8545', deployment.chainId, {
    staticNetwork: true,
  });
  try {
    const feed = new Contract(
      feedAddress,
      loadArtifact('LocalPriceFeed').abi,
      localWallet('deployer').connect(provider),
    );
    const decimals = Number(await feed.decimals());
    const receipt = await (await feed.setAnswer(parseUnits(usd, decimals))).wait();
    const [roundId, answer, , updatedAt] = await feed.latestRoundData();
    process.stdout.write(
      `${asset} feed ${feedAddress}: round ${roundId} answer ${answer} (${decimals} decimals) updated at ${updatedAt}, tx ${receipt.hash}\n`,
    );
  } finally {
    provider.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
