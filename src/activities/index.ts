import { createExecutionActivities, type ExecutionDependencies } from './execution';
import { createPriceActivities, type PriceActivityDependencies } from './price';
import { createRegistryActivities, type RegistryDependencies } from './registry';

/** Everything the activities need from the worker process; built once in src/worker.ts. */
export type ActivityDependencies = ExecutionDependencies & PriceActivityDependencies & RegistryDependencies;

/** Creates every activity a worker registers, bound to one set of clients. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createRegistryActivities(deps),
    ...createExecutionActivities(deps),
    ...createPriceActivities(deps),
  };
}

/** The activities' types, which workflow code imports (types only, never the implementations). */
export type Activities = ReturnType<typeof createActivities>;
