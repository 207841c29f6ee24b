// The defaults of chapter 13b's workload kinds (k/k pkg/apis/apps/v1/defaults.go), which the API
// server (chapter 03a's defaults.ts) fills in before it stores a DaemonSet or a StatefulSet. They
// are given here rather than written in chapter 03a, whose learner has not met these kinds yet;
// `kubectl rollout status` reads the strategy's type, so it must always be set.
import { isObject } from './json.ts';
import type { DaemonSetSpec, KubeObject, PodTemplateSpec, StatefulSetSpec } from './types.ts';

/** A DaemonSet's spec with its defaults: RollingUpdate by one node, no surge, ten revisions kept. */
export function defaultDaemonSetSpec(spec: unknown): DaemonSetSpec | undefined {
  if (!isObject(spec)) return undefined;
  const ds = spec as unknown as DaemonSetSpec;
  ds.updateStrategy ??= {};
  ds.updateStrategy.type ??= 'RollingUpdate';
  if (ds.updateStrategy.type === 'RollingUpdate') {
    ds.updateStrategy.rollingUpdate ??= {};
    ds.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    ds.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  ds.revisionHistoryLimit ??= 10;
  return ds;
}

/**
 * A StatefulSet's spec with its defaults: one replica, OrderedReady, RollingUpdate from partition
 * 0, ten revisions kept, and claims retained whether the set is deleted or scaled down.
 */
export function defaultStatefulSetSpec(spec: unknown): StatefulSetSpec | undefined {
  if (!isObject(spec)) return undefined;
  const sts = spec as unknown as StatefulSetSpec;
  sts.replicas ??= 1;
  sts.podManagementPolicy ??= 'OrderedReady';
  sts.updateStrategy ??= {};
  sts.updateStrategy.type ??= 'RollingUpdate';
  if (sts.updateStrategy.type === 'RollingUpdate') {
    sts.updateStrategy.rollingUpdate ??= {};
    sts.updateStrategy.rollingUpdate.partition ??= 0;
  }
  sts.revisionHistoryLimit ??= 10;
  sts.persistentVolumeClaimRetentionPolicy ??= {};
  sts.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
  sts.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
  return sts;
}

/**
 * The API server's defaulting of these kinds by resource, for its table of defaults; it hands in
 * how it defaults a pod template, which both kinds carry.
 */
export function workloadDefaults(
  defaultTemplate: (spec: { template?: PodTemplateSpec } | undefined) => void,
): Record<string, (object: KubeObject) => void> {
  return {
    daemonsets: (object) => defaultTemplate(defaultDaemonSetSpec(object.spec)),
    statefulsets: (object) => defaultTemplate(defaultStatefulSetSpec(object.spec)),
  };
}
