// Workflow code runs in Temporal's deterministic sandbox: it imports only the domain and activity types.
export { describeRegistryWorkflow } from './describe-registry-workflow';
