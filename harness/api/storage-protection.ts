// Storage in use is protected from its creation: kube-apiserver's StorageObjectInUseProtection
// admission plugin puts kubernetes.io/pvc-protection on every new PersistentVolumeClaim and
// kubernetes.io/pv-protection on every new PersistentVolume. A claim deleted before any controller
// saw it then still waits until no running pod mounts it, and a volume until no claim is bound
// to it; chapter 13c's binder takes the finalizers off. This API server applies it as a create
// hook of the two kinds (03a's resource extensions).
import type { KubeObject } from './types.ts';

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';

/** A create hook that adds `finalizer` to a new object's finalizers, once. */
export function protectOnCreate(finalizer: string): (object: KubeObject) => KubeObject {
  return (object) => {
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(finalizer)) return object;
    return { ...object, metadata: { ...object.metadata, finalizers: [...finalizers, finalizer] } };
  };
}
