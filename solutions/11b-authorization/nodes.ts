// The Node authorizer: what a kubelet may do. A kubelet signs in as system:node:<node> in the
// group system:nodes, and needs the Secrets, ConfigMaps and ServiceAccounts of the pods it runs,
// and nothing else: a node taken over by an attacker must not read every Secret in the cluster.
// So the authorizer keeps a graph, which pods are bound to which node and what each of them
// references (and which PersistentVolume each claim is bound to), and allows a kubelet to get only
// what a pod on its own node uses. For the rest
// (its Node, its pods, events, leases) it applies the fixed rules of the system:node role.
// kube-apiserver's is plugin/pkg/auth/authorizer/node, run first in --authorization-mode=Node,RBAC.
import type { ObjectEvent } from '../../harness/api/object-watch.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  Authorizer,
  Decision,
  ObjectFeed,
  RequestAttributes,
  UserInfo,
} from '../../harness/contracts/security.ts';
import { nodeRules } from '../../harness/api/default-roles.ts';
import { ruleAllows } from './rbac.ts';

/** The group every kubelet is in. */
export const NODES_GROUP = 'system:nodes';

/** The node a user is the kubelet of, or undefined for anyone else. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.username.startsWith('system:node:')) {
    return undefined;
  }
  return user.username.slice('system:node:'.length) || undefined;
}

/** The resources a pod references by name, which only its node may read. */
const GRAPH_RESOURCES = ['secrets', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts'];

/**
 * What a pod references, as "<resource>/<namespace>/<name>" keys: its ServiceAccount, the
 * Secrets, ConfigMaps and claims its volumes and its containers' env name, its image pull
 * secrets, and the kube-root-ca.crt ConfigMap its ServiceAccount files read (unless it opts out
 * with automountServiceAccountToken: false).
 */
export function referencesOf(pod: KubeObject): string[] {
  const namespace = pod.metadata.namespace ?? 'default';
  const key = (resource: string, name: string | undefined) =>
    name ? [`${resource}/${namespace}/${name}`] : [];
  type Named = { name?: string };
  type Source = { secretRef?: Named; configMapRef?: Named };
  type EnvVar = { valueFrom?: { secretKeyRef?: Named; configMapKeyRef?: Named } };
  type Volume = {
    secret?: { secretName?: string };
    configMap?: Named;
    persistentVolumeClaim?: { claimName?: string };
    projected?: { sources?: { secret?: Named; configMap?: Named }[] };
  };
  const spec = (pod.spec ?? {}) as {
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    volumes?: Volume[];
    imagePullSecrets?: Named[];
    containers?: { env?: EnvVar[]; envFrom?: Source[] }[];
    initContainers?: { env?: EnvVar[]; envFrom?: Source[] }[];
  };
  const references = key('serviceaccounts', spec.serviceAccountName ?? 'default');
  // A pod's ServiceAccount files hold the cluster CA from kube-root-ca.crt (chapter 11d).
  if (spec.automountServiceAccountToken !== false)
    references.push(...key('configmaps', 'kube-root-ca.crt'));
  for (const volume of spec.volumes ?? []) {
    references.push(...key('secrets', volume.secret?.secretName));
    references.push(...key('configmaps', volume.configMap?.name));
    references.push(...key('persistentvolumeclaims', volume.persistentVolumeClaim?.claimName));
    for (const source of volume.projected?.sources ?? []) {
      references.push(
        ...key('secrets', source.secret?.name),
        ...key('configmaps', source.configMap?.name),
      );
    }
  }
  for (const secret of spec.imagePullSecrets ?? []) references.push(...key('secrets', secret.name));
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const variable of container.env ?? []) {
      references.push(...key('secrets', variable.valueFrom?.secretKeyRef?.name));
      references.push(...key('configmaps', variable.valueFrom?.configMapKeyRef?.name));
    }
    for (const source of container.envFrom ?? []) {
      references.push(
        ...key('secrets', source.secretRef?.name),
        ...key('configmaps', source.configMapRef?.name),
      );
    }
  }
  return references;
}

/**
 * The Node authorizer: a graph of node → pods → what they reference, fed by the pods' watch.
 * Answers only for kubelets; no opinion for anyone else, so RBAC decides for them.
 */
export class NodeAuthorizer implements Authorizer {
  /** Pod "<namespace>/<name>" → its node and its references. */
  private readonly pods = new Map<string, { node: string; references: string[] }>();
  /** "<node>|<reference>" → how many of the node's pods reference it. */
  private readonly edges = new Map<string, number>();
  /** Claim "<namespace>/<name>" → the PersistentVolume bound to it. */
  private readonly claims = new Map<string, string>();

  async start(feed: ObjectFeed): Promise<void> {
    await feed.follow('pods', (event) => this.observe(event));
    await feed.follow('persistentvolumeclaims', (event) => this.observeClaim(event));
  }

  /** Takes one change of a claim: the volume bound to it, the next step of the graph. */
  observeClaim({ type, object }: ObjectEvent): void {
    const claimKey = `${object.metadata.namespace}/${object.metadata.name}`;
    const volume = (object.spec as { volumeName?: string } | undefined)?.volumeName;
    if (type === 'DELETED' || !volume) this.claims.delete(claimKey);
    else this.claims.set(claimKey, volume);
  }

  /** Whether a pod on `node` uses a claim bound to the PersistentVolume `volume`. */
  usesVolume(node: string, volume: string): boolean {
    for (const [claimKey, bound] of this.claims) {
      const [namespace, name] = claimKey.split('/') as [string, string];
      if (bound === volume && this.hasPathTo(node, 'persistentvolumeclaims', namespace, name))
        return true;
    }
    return false;
  }

  /** Takes one change of a pod: its old edges go, its new ones (once bound) come. */
  observe({ type, object }: ObjectEvent): void {
    const podKey = `${object.metadata.namespace}/${object.metadata.name}`;
    const before = this.pods.get(podKey);
    for (const reference of before?.references ?? []) this.addEdge(before!.node, reference, -1);
    this.pods.delete(podKey);
    const node = (object.spec as { nodeName?: string } | undefined)?.nodeName;
    if (type === 'DELETED' || !node) return;
    const references = referencesOf(object);
    this.pods.set(podKey, { node, references });
    for (const reference of references) this.addEdge(node, reference, 1);
  }

  private addEdge(node: string, reference: string, change: number): void {
    const key = `${node}|${reference}`;
    const count = (this.edges.get(key) ?? 0) + change;
    if (count > 0) this.edges.set(key, count);
    else this.edges.delete(key);
  }

  /** Whether some pod bound to `node` references this object. */
  hasPathTo(node: string, resource: string, namespace: string, name: string): boolean {
    return this.edges.has(`${node}|${resource}/${namespace}/${name}`);
  }

  authorize(attributes: RequestAttributes): Decision {
    const node = nodeNameOf(attributes.user);
    if (node === undefined || !attributes.resourceRequest) {
      return { decision: 'no-opinion', reason: '' };
    }
    if (
      attributes.apiGroup === '' &&
      GRAPH_RESOURCES.includes(attributes.resource) &&
      !attributes.subresource
    ) {
      const { namespace, name } = attributes;
      if (
        attributes.verb === 'get' &&
        namespace &&
        name &&
        this.hasPathTo(node, attributes.resource, namespace, name)
      ) {
        return { decision: 'allow', reason: `a pod on node '${node}' uses it` };
      }
      return {
        decision: 'no-opinion',
        reason: `no relationship found between node '${node}' and this object`,
      };
    }
    if (attributes.apiGroup === '' && attributes.resource === 'persistentvolumes') {
      const { verb, name } = attributes;
      return verb === 'get' && name && !attributes.subresource && this.usesVolume(node, name)
        ? { decision: 'allow', reason: `a pod on node '${node}' uses a claim bound to it` }
        : {
            decision: 'no-opinion',
            reason: `no relationship found between node '${node}' and this object`,
          };
    }
    return nodeRules.some((rule) => ruleAllows(rule, attributes))
      ? { decision: 'allow', reason: 'allowed by the node rules' }
      : { decision: 'no-opinion', reason: '' };
  }
}
