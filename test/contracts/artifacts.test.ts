import os from 'node:os';
import path from 'node:path';

import { expect } from 'chai';
import { ethers } from 'hardhat';

import { ArtifactNotFoundError, loadArtifact } from '../../src/chain/artifacts';

describe('loadArtifact', function () {
  it('loads the ABI and creation bytecode Hardhat compiled for a contract', async function () {
    const artifact = loadArtifact('FeeEscrow');
    expect(artifact.contractName).to.equal('FeeEscrow');
    expect(artifact.sourceName).to.equal('contracts/finance/FeeEscrow.sol');
    expect(artifact.bytecode).to.match(/^0x[0-9a-f]{100,}$/);
    const compiled = await ethers.getContractFactory('FeeEscrow');
    expect(artifact.bytecode).to.equal(compiled.bytecode);
    expect(new ethers.Interface(artifact.abi).getFunction('chargeFee')?.format()).to.equal(
      'chargeFee(address,uint256,bytes32)',
    );
  });

  it('tells the user to compile when the artifacts are missing', function () {
    const artifactsDir = path.join(os.tmpdir(), 'autometa-no-artifacts');
    expect(() => loadArtifact('WorkflowRegistry', { artifactsDir }))
      .to.throw(ArtifactNotFoundError)
      .with.property(
        'message',
        `No compiled artifact for WorkflowRegistry under ${artifactsDir}; run \`npx hardhat compile\` first`,
      );
  });

  it('rejects a name no contract has', function () {
    expect(() => loadArtifact('NoSuchContract')).to.throw(ArtifactNotFoundError, /npx hardhat compile/);
  });
});
