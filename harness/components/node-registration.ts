// The taints a kubelet registers its Node with. kube's kubelet takes them from
// --register-with-taints (key=value:Effect, comma-separated) and, started with
// --cloud-provider=external, adds node.cloudprovider.kubernetes.io/uninitialized=true:NoSchedule:
// no pod lands on the node until the cloud-controller-manager's node controller (chapter 15a) has
// told it which machine it runs on and taken the taint off. The learner's kubelet (chapter 06)
// knows nothing of either flag, so `kata run kubelet` hands it a client whose first create of its
// Node carries the taints; a kubelet that finds its Node there already (a restart) keeps what the
// Node has, as kube's does.
import type { KubeObject, Node, Taint } from '../api/types.ts';
import type { ApiClient, ResourceClient } from '../client/types.ts';
import { UsageError } from './flags.ts';

/** The taint the kubelet of an external cloud registers with, until the cloud initializes it. */
export const uninitializedTaint: Taint = {
  key: 'node.cloudprovider.kubernetes.io/uninitialized',
  value: 'true',
  effect: 'NoSchedule',
};

const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Parses --register-with-taints: "a=b:NoSchedule,c:NoExecute" (the value may be left out). */
export function parseRegisterTaints(text: string): Taint[] {
  return text
    .split(',')
    .filter(Boolean)
    .map((spec) => {
      const match = /^([^=:]+)(?:=([^:]*))?:(.+)$/.exec(spec.trim());
      if (!match || !effects.includes(match[3]!)) {
        throw new UsageError(
          `--register-with-taints: "${spec}" is not key[=value]:Effect (Effect one of ${effects.join(', ')})`,
        );
      }
      const taint: Taint = { key: match[1]!, effect: match[3] as Taint['effect'] };
      if (match[2]) taint.value = match[2];
      return taint;
    });
}

/** The taints to register with: --register-with-taints, and uninitialized for an external cloud. */
export function registrationTaints(cloudProvider: string, registerWithTaints: Taint[]): Taint[] {
  if (cloudProvider !== '' && cloudProvider !== 'external') {
    throw new UsageError(
      `--cloud-provider "${cloudProvider}": only "external" (the cloud-controller-manager's) or none`,
    );
  }
  return cloudProvider === 'external'
    ? [...registerWithTaints, uninitializedTaint]
    : registerWithTaints;
}

/** `client`, whose create of a Node adds `taints` to it; nothing changes without taints. */
export function registeringWithTaints(client: ApiClient, taints: Taint[]): ApiClient {
  if (taints.length === 0) return client;
  // Every verb spelled out: a resource client may be a class, whose methods a spread would lose.
  const nodesClient = (inner: ResourceClient<Node>): ResourceClient<Node> => ({
    get: (name) => inner.get(name),
    list: (options) => inner.list(options),
    create: (node) => {
      const own = node.spec?.taints ?? [];
      const added = taints.filter((taint) => !own.some((each) => each.key === taint.key));
      return inner.create({ ...node, spec: { ...node.spec, taints: [...own, ...added] } });
    },
    update: (node) => inner.update(node),
    updateStatus: (node) => inner.updateStatus(node),
    patch: (name, patch, type) => inner.patch(name, patch, type),
    delete: (name, options) => inner.delete(name, options),
    watch: (options) => inner.watch(options),
    getScale: (name) => inner.getScale(name),
    scale: (name, replicas) => inner.scale(name, replicas),
  });
  return {
    config: client.config,
    bind: (binding) => client.bind(binding),
    resource: <R extends KubeObject>(name: string, namespace?: string) => {
      const inner = client.resource<R>(name, namespace);
      return (name === 'nodes' ? nodesClient(inner as never) : inner) as ResourceClient<R>;
    },
  };
}
