// Chapter 13a's modules, as the harness uses them: `kata run controller-manager` runs the Job and
// CronJob controllers beside chapter 07's and chapter 08's, and the jobs benchmark times a Job's
// completions with the Job controller.
import type { ControllerOptions, ReconcileLoop } from './controllers.ts';

/** job.ts. */
export interface JobModule {
  createJobController: (options: ControllerOptions) => ReconcileLoop;
}

/** cronjob.ts. */
export interface CronJobModule {
  createCronJobController: (options: ControllerOptions) => ReconcileLoop;
}
