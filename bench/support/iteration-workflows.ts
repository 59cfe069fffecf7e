// The iteration worker's workflow bundle: the real automation next to the bare loop, in one sandbox.
export { automationWorkflow } from '../../src/workflows/automation-workflow';
export { bareLoopWorkflow } from './bare-loop-workflow';
