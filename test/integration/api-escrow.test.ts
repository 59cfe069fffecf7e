import { Contract, JsonRpcProvider, Wallet, parseEther, toQuantity, type HDNodeWallet } from 'ethers';

import { loadArtifact } from '../../src/chain/artifacts';
import { callApi, startTestApi, type TestApiServer } from '../support/api-server';
import { engineEnv } from '../support/engine';
import { testServices } from '../support/services';

describe('/api/escrow against a real chain', () => {
  jest.setTimeout(60_000);
  const services = testServices();
  let api: TestApiServer;
  let provider: JsonRpcProvider;
  let escrow: Contract;
  let user: HDNodeWallet;

  beforeAll(async () => {
    // Temporal is never asked here: its client connects lazily, so any namespace name will do.
    api = await startTestApi(engineEnv('api-escrow'));
    // No cache: balances and nonces are read right after the transactions that change them.
    provider = new JsonRpcProvider(services.rpcUrl, 31337, {
      staticNetwork: true,
      pollingInterval: 200,
      cacheTimeout: -1,
    });
    escrow = new Contract(services.deployment.feeEscrow, loadArtifact('FeeEscrow').abi, provider);
    // An account of this file's own, so no other test moves its coin.
    user = Wallet.createRandom().connect(provider);
    await provider.send('hardhat_setBalance', [user.address, toQuantity(parseEther('10'))]);
  });

  afterAll(async () => {
    await api?.close();
    provider?.destroy();
  });

  const call = (method: string, route: string, body?: unknown) => callApi(api.baseUrl, method, route, { body });

  /** Signs and sends a transaction the API built, with the user's own key, and waits for it. */
  async function signAndSend(transaction: Record<string, string | number>) {
    expect(transaction.from).toBe(user.address);
    const sent = await user.sendTransaction({
      to: transaction.to as string,
      data: transaction.data as string,
      value: BigInt(transaction.value),
      chainId: transaction.chainId as number,
      gasLimit: BigInt(transaction.gas),
    });
    const receipt = await sent.wait();
    expect(receipt?.status).toBe(1);
    return receipt!;
  }

  it('answers the balance in wei and ether, checksummed, for an account that never deposited', async () => {
    const answer = await call('GET', `/api/escrow/balance/${user.address.toLowerCase()}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ success: true, user_address: user.address, balance_wei: '0', balance_eth: '0.0' });
  });

  it('builds a deposit the user signs and sends, which credits the escrow balance', async () => {
    const amount = parseEther('1.5');
    const answer = await call('POST', '/api/escrow/deposit', {
      user_address: user.address.toLowerCase(),
      amount_wei: amount.toString(),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      success: true,
      transaction: {
        from: user.address,
        to: services.deployment.feeEscrow,
        data: escrow.interface.encodeFunctionData('deposit', []),
        value: amount.toString(),
        chainId: 31337,
        gas: expect.stringMatching(/^[1-9]\d*$/),
      },
    });

    await signAndSend(answer.body.transaction);
    expect(await escrow.balanceOf(user.address)).toBe(amount);
    const balance = await call('GET', `/api/escrow/balance/${user.address}`);
    expect(balance.body).toEqual({
      success: true,
      user_address: user.address,
      balance_wei: amount.toString(),
      balance_eth: '1.5',
    });
  });

  it('builds a withdrawal the user signs and sends, which pays the user out of the escrow', async () => {
    const amount = parseEther('0.5');
    const answer = await call('POST', '/api/escrow/withdraw', {
      user_address: user.address,
      amount_wei: amount.toString(),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.transaction).toEqual({
      from: user.address,
      to: services.deployment.feeEscrow,
      data: escrow.interface.encodeFunctionData('withdraw', [amount]),
      value: '0',
      chainId: 31337,
      gas: expect.stringMatching(/^[1-9]\d*$/),
    });

    const walletBefore = await provider.getBalance(user.address);
    const receipt = await signAndSend(answer.body.transaction);
    const gasPaid = receipt.gasUsed * receipt.gasPrice;
    expect(await provider.getBalance(user.address)).toBe(walletBefore + amount - gasPaid);
    expect((await call('GET', `/api/escrow/balance/${user.address}`)).body.balance_wei).toBe(
      parseEther('1').toString(),
    );
  });

  it('answers 400 to a withdrawal above the balance, naming amount_wei and the balance; nothing changes', async () => {
    const nonceBefore = await provider.getTransactionCount(user.address);
    const answer = await call('POST', '/api/escrow/withdraw', {
      user_address: user.address,
      amount_wei: parseEther('2').toString(),
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      success: false,
      error: {
        code: 'insufficient_escrow_balance',
        message: `amount_wei ${parseEther('2')} is above the escrow balance of ${user.address}, ${parseEther('1')} wei`,
        details: {
          path: 'amount_wei',
          amount_wei: parseEther('2').toString(),
          balance_wei: parseEther('1').toString(),
        },
      },
    });
    expect(await escrow.balanceOf(user.address)).toBe(parseEther('1'));
    expect(await provider.getTransactionCount(user.address)).toBe(nonceBefore);
  });

  it('answers 400 to a deposit above what the wallet holds', async () => {
    const answer = await call('POST', '/api/escrow/deposit', {
      user_address: user.address,
      amount_wei: parseEther('1000').toString(),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('insufficient_wallet_balance');
    expect(answer.body.error.message).toContain('amount_wei');
  });

  it('answers 400 naming the field for every malformed body or address', async () => {
    const cases: { body: unknown; path: string; message: string }[] = [
      { body: { amount_wei: '1' }, path: 'user_address', message: 'user_address is required' },
      { body: { user_address: '0x12', amount_wei: '1' }, path: 'user_address', message: 'must be a 0x-prefixed' },
      { body: { user_address: user.address }, path: 'amount_wei', message: 'amount_wei is required' },
      { body: { user_address: user.address, amount_wei: '0' }, path: 'amount_wei', message: 'must be above 0' },
      { body: { user_address: user.address, amount_wei: 1e18 }, path: 'amount_wei', message: 'not a JSON number' },
      { body: { user_address: user.address, amount_wei: '1.5' }, path: 'amount_wei', message: 'digits only' },
      { body: { user_address: user.address, amount_wei: '1e18' }, path: 'amount_wei', message: 'digits only' },
      { body: { user_address: user.address, amount_wei: '-1' }, path: 'amount_wei', message: 'digits only' },
      { body: { user_address: user.address, amount_wei: '9'.repeat(79) }, path: 'amount_wei', message: 'digits only' },
      { body: { user_address: user.address, amount_wei: '9'.repeat(78) }, path: 'amount_wei', message: '256 bits' },
      { body: [1, 2], path: 'body', message: 'body must be a JSON object' },
    ];
    for (const route of ['/api/escrow/deposit', '/api/escrow/withdraw']) {
      for (const { body, path, message } of cases) {
        const answer = await call('POST', route, body);
        expect({ route, path, status: answer.status, code: answer.body.error?.code }).toEqual({
          route,
          path,
          status: 400,
          code: 'invalid_request',
        });
        expect(answer.body.error.message).toContain(message);
        expect(answer.body.error.details).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
      }
    }

    const badAddress = await call('GET', '/api/escrow/balance/0xnot-an-address');
    expect(badAddress.status).toBe(400);
    expect(badAddress.body.error).toMatchObject({ code: 'invalid_request', details: [{ path: 'address' }] });
    expect(await escrow.balanceOf(user.address)).toBe(parseEther('1'));
  });
});
