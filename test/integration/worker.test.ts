import { randomUUID } from 'node:crypto';

import { Connection, WorkflowClient, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { JsonRpcProvider, NonceManager, parseEther } from 'ethers';

import { createActivities } from '../../src/activities';
import { encodeNativeTransfer, encodeTimeTrigger } from '../../src/chain/abi-codec';
import { workflowRegistryContract } from '../../src/chain/registry';
import { loadConfig } from '../../src/config';
import { ActionType, TriggerType } from '../../src/domain/codes';
import { createLogger } from '../../src/logging';
import { localWallet } from '../../src/stack/local-accounts';
import { createWorkerResources, type WorkerResources } from '../../src/temporal/runtime';
import { describeRegistryWorkflow } from '../../src/workflows';
import { engineEnv } from '../support/engine';
import { installQuietRuntime } from '../support/runtime';
import { testServices } from '../support/services';

describe('the worker against the real Temporal server and chain', () => {
  const services = testServices();
  const taskQueue = `worker-test-${randomUUID()}`;
  let provider: JsonRpcProvider;
  let resources: WorkerResources;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let client: WorkflowClient;

  beforeAll(async () => {
    installQuietRuntime();
    provider = new JsonRpcProvider(services.rpcUrl, 31337, { staticNetwork: true });
    resources = createWorkerResources(
      loadConfig(engineEnv('default', { TEMPORAL_TASK_QUEUE: taskQueue })),
      createLogger({ level: 'error' }),
    );
    nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createActivities(resources.dependencies),
    });
    running = worker.run();
    connection = await Connection.connect({ address: services.temporalAddress });
    client = new WorkflowClient({ connection });
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await resources.close();
    provider.destroy();
  });

  it('reads a workflow its owner created on the registry', async () => {
    const owner = new NonceManager(localWallet('user').connect(provider));
    const registry = workflowRegistryContract(services.deployment.workflowRegistry, owner);
    const recipient = localWallet('relayer').address;
    const executeAt = 4_102_444_800n; // 2100-01-01
    const receipt = await (
      await registry.createWorkflow(
        TriggerType.Time,
        encodeTimeTrigger(executeAt),
        ActionType.NativeTransfer,
        encodeNativeTransfer(recipient, parseEther('1')),
        1,
      )
    ).wait();
    const created = receipt.logs
      .map((log: { topics: string[]; data: string }) => registry.interface.parseLog(log))
      .find((log: { name?: string } | null) => log?.name === 'WorkflowCreated');
    const workflowId = created.args.workflowId.toString();

    const snapshot = await client.execute(describeRegistryWorkflow, {
      taskQueue,
      workflowId: `describe-${randomUUID()}`,
      args: [workflowId],
    });

    expect(snapshot).toMatchObject({
      workflowId,
      owner: localWallet('user').address,
      active: true,
      maxExecutions: '1',
      executionCount: '0',
      lastExecutedAt: '0',
      trigger: { type: TriggerType.Time, executeAt: executeAt.toString() },
      action: { type: ActionType.NativeTransfer, to: recipient, amountWei: parseEther('1').toString() },
    });
    expect(snapshot.blockNumber).toBeGreaterThanOrEqual(receipt.blockNumber);
  });

  it('fails without retrying for an id the registry never created', async () => {
    const run = client.execute(describeRegistryWorkflow, {
      taskQueue,
      workflowId: `describe-${randomUUID()}`,
      args: ['999999'],
    });
    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    await expect(run).rejects.toMatchObject({
      cause: { cause: { type: 'UnknownRegistryWorkflowError', message: 'The registry has no workflow 999999' } },
    });
  });

  it('fails without retrying for an id that is not a number', async () => {
    const run = client.execute(describeRegistryWorkflow, {
      taskQueue,
      workflowId: `describe-${randomUUID()}`,
      args: ['12abc'],
    });
    await expect(run).rejects.toMatchObject({ cause: { cause: { type: 'InvalidWorkflowIdError' } } });
  });
});
