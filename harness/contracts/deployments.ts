// Chapter 08's module, as the harness uses it: `kata run controller-manager` runs the Deployment
// controller beside chapter 07's, and the deployment benchmark times a rolling update with it.
import type { ControllerOptions, ReconcileLoop } from './controllers.ts';

/** deployment.ts. */
export interface DeploymentModule {
  createDeploymentController: (options: ControllerOptions) => ReconcileLoop;
}
