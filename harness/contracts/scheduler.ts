// Chapter 05's module, as the harness uses it: `kata run scheduler` builds the scheduler with the
// name it schedules for, and the scheduler benchmark with a seeded random source, reading how many
// nodes its cache holds. One seam lets later chapters in: `filters`, chapter 05's own
// (filters.ts's defaultFilters) followed by theirs (chapter 13c's VolumeBinding).
import type { Node, Pod } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';

/** What a filter reads of a node: chapter 05's NodeInfo has its name and Node, and more. */
export interface FilterNode {
  readonly name: string;
  readonly node: Node;
}

/**
 * A filter: why `pod` cannot run on `node`, in kube-scheduler's words (none: it can). Declared as
 * a method's type so that chapter 05's filters, which take its whole NodeInfo, count as filters
 * here too (TypeScript compares a method's parameters both ways).
 */
export type NodeFilter = { filter(pod: Pod, node: FilterNode): string[] }['filter'];

export interface SchedulerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The pods this scheduler takes: those whose spec.schedulerName is this. */
  schedulerName?: string;
  /** Breaks ties between equally good nodes; seeded in benchmarks. */
  random?: () => number;
  /** The filters every node must pass: chapter 05's defaultFilters when absent. */
  filters?: NodeFilter[];
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

/** filters.ts: the filters the scheduler runs unless told otherwise. */
export interface SchedulerFiltersModule {
  defaultFilters: NodeFilter[];
}
