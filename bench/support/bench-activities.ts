/** Counters the iteration worker reports: local activities run per loop kind. */
export interface IterationCounters {
  bare: number;
  check: number;
}

/** Creates the bench-only activities; `counters.bare` counts each call. */
export function createBenchActivities(counters: IterationCounters) {
  return {
    /** Does nothing but count itself: the local activity of the bare loop. */
    async benchNoop(): Promise<void> {
      counters.bare++;
    },
  };
}

/** The bench-only activities' types, which the bare loop workflow imports (types only). */
export type BenchActivities = ReturnType<typeof createBenchActivities>;
