// Chapter 13c's modules, as the harness uses them: `kata run controller-manager` runs the
// PersistentVolume binder (binder.ts) and the local provisioner (provisioner.ts); `kata run
// scheduler` adds the VolumeBinding filter (volume-binding.ts) to chapter 05's filters through
// SchedulerOptions.filters (./scheduler.ts); `kata run kubelet` mounts claims through the
// ClaimVolumes seam below (claim-volumes.ts), put in front of chapter 10a's PodConfiguration.
import type { Pod } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';
import type { ControllerOptions, RunningController } from './controllers.ts';
import type { NodeFilter } from './scheduler.ts';

/**
 * The kubelet's seam for claims: each persistentVolumeClaim volume of a pod becomes the directory
 * of its PersistentVolume before chapter 10a sets the volumes up (harness/components/
 * claim-mounts.ts puts it in front of the PodConfiguration).
 */
export interface ClaimVolumes {
  /** Watches claims and volumes; calls resync(key) for a pod mounting a claim that changed. */
  run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void>;
  /**
   * The pod with each claim volume replaced by a hostPath volume of its volume's directory, or the
   * message of a FailedMount event when a claim cannot be mounted yet (not bound, not there).
   */
  resolve(pod: Pod): Promise<Pod | string>;
}

/** claim-volumes.ts. */
export interface ClaimVolumesModule {
  createClaimVolumes: (options: { toolkit: Toolkit; client: ApiClient }) => ClaimVolumes;
}

/** binder.ts. */
export interface BinderModule {
  createPersistentVolumeBinder: (options: ControllerOptions) => RunningController;
}

export interface ProvisionerOptions extends ControllerOptions {
  /** Where the volumes' directories are made: <volumesDir>/<node>/<volume>_<namespace>_<claim>. */
  volumesDir: string;
}

/** provisioner.ts. */
export interface ProvisionerModule {
  createLocalProvisioner: (options: ProvisionerOptions) => RunningController;
}

/** A scheduler filter with the informers it reads: run() before the scheduler schedules. */
export interface SchedulerVolumeFilter {
  filter: NodeFilter;
  run(signal: AbortSignal): Promise<void>;
}

/** volume-binding.ts. */
export interface VolumeBindingModule {
  createVolumeBinding: (options: { toolkit: Toolkit; client: ApiClient }) => SchedulerVolumeFilter;
}
