// Chapter 07's modules, as the harness uses them: `kata run controller-manager` builds each
// controller on the toolkit and a client, and runs it until its signal aborts (the leader's, with
// --leader-elect). The controllers benchmark counts the ReplicaSet controller's reconciles.
import type { ResourceType } from '../api/resources.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';

/** What every controller is built with. */
export interface ControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
}

/** A running controller: until `signal` aborts. */
export interface RunningController {
  run(signal: AbortSignal): Promise<void>;
}

/** A reconcile loop whose reconcile of one key can be watched (the benchmark counts them). */
export interface ReconcileLoop extends RunningController {
  reconcile(key: string): Promise<void>;
}

export interface ReplicaSetControllerOptions extends ControllerOptions {
  /** Which kind this controller keeps: ReplicaSets (apps/v1), or core v1's ReplicationControllers. */
  kind?: 'ReplicaSet' | 'ReplicationController';
}

/** replicaset.ts. */
export interface ReplicaSetModule {
  createReplicaSetController: (options: ReplicaSetControllerOptions) => ReconcileLoop;
}

/** endpoints.ts. */
export interface EndpointsModule {
  createEndpointsController: (options: ControllerOptions) => RunningController;
}

/** garbage-collector.ts. */
export interface GarbageCollectorModule {
  createGarbageCollector: (
    options: ControllerOptions & {
      /** The resources it follows; its own list when absent. */
      resources?: string[];
      /** Owners of kinds not built in (chapter 17), found by discovery. */
      resolveKind?: (apiVersion: string, kind: string) => Promise<ResourceType | undefined>;
      /** How often every followed object is looked at again; 0, never. */
      resyncMs?: number;
    },
  ) => RunningController;
}

/** namespace.ts. */
export interface NamespaceModule {
  createNamespaceController: (options: ControllerOptions) => RunningController;
}

export interface NodeLifecycleOptions extends ControllerOptions {
  /** How long a node may go without a heartbeat before it is marked unknown (--node-monitor-grace-period). */
  gracePeriodMs?: number;
}

/** node-lifecycle.ts. */
export interface NodeLifecycleModule {
  createNodeLifecycleController: (options: NodeLifecycleOptions) => RunningController;
}

/** taint-eviction.ts. */
export interface TaintEvictionModule {
  createTaintEvictionController: (options: ControllerOptions) => RunningController;
}
