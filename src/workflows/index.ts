// Workflow code runs in Temporal's deterministic sandbox: it imports only the domain and activity types.
export { automationWorkflow } from './automation-workflow';
export { describeRegistryWorkflow } from './describe-registry-workflow';
export { priceWatcherWorkflow } from './price-watcher-workflow';
export { registrySyncWorkflow } from './registry-sync-workflow';
