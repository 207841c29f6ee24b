// Chapter 13b's modules, as the harness uses them: `kata run controller-manager` runs the
// DaemonSet and StatefulSet controllers beside chapter 07's and 08's.
import type { ControllerOptions, ReconcileLoop } from './controllers.ts';

/** daemonset.ts. */
export interface DaemonSetModule {
  createDaemonSetController: (options: ControllerOptions) => ReconcileLoop;
}

/** statefulset.ts. */
export interface StatefulSetModule {
  createStatefulSetController: (options: ControllerOptions) => ReconcileLoop;
}
