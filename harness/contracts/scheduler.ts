// Chapter 05's module, as the harness uses it: `kata run scheduler` builds the scheduler with the
// name it schedules for, and the scheduler benchmark with a seeded random source, reading how many
// nodes its cache holds.
import type { ApiClient, Toolkit } from '../client/types.ts';

export interface SchedulerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The pods this scheduler takes: those whose spec.schedulerName is this. */
  schedulerName?: string;
  /** Breaks ties between equally good nodes; seeded in benchmarks. */
  random?: () => number;
}

export interface Scheduler {
  /** Schedules pods until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** The nodes it knows, from its informer (the benchmark starts its clock once it knows all). */
  readonly cache: { nodes(): readonly unknown[] };
}

/** scheduler.ts. */
export interface SchedulerModule {
  createScheduler: (options: SchedulerOptions) => Scheduler;
}
