// The Node authorizer: what a kubelet may do. A kubelet signs in as system:node:<node> in the
// group system:nodes, and needs the Secrets, ConfigMaps and ServiceAccounts of the pods it runs,
// and nothing else: a node taken over by an attacker must not read every Secret in the cluster.
// So the authorizer keeps a graph, which pods are bound to which node and what each of them
// references, and allows a kubelet to get only what a pod on its own node uses. For the rest
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
import { NotImplemented } from '../../harness/not-implemented.ts';

/** The group every kubelet is in. */
export const NODES_GROUP = 'system:nodes';

/** The node a user is the kubelet of, or undefined for anyone else. */
export function nodeNameOf(user: UserInfo): string | undefined {
  throw new NotImplemented('nodeNameOf', '§ The Node authorizer');
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
  throw new NotImplemented('referencesOf', '§ The Node authorizer');
}

/**
 * The Node authorizer: a graph of node → pods → what they reference, fed by the pods' watch.
 * Answers only for kubelets; no opinion for anyone else, so RBAC decides for them.
 */
export class NodeAuthorizer implements Authorizer {
  async start(feed: ObjectFeed): Promise<void> {
    throw new NotImplemented('NodeAuthorizer.start', '§ The Node authorizer');
  }

  /** Takes one change of a pod: its old edges go, its new ones (once bound) come. */
  observe({ type, object }: ObjectEvent): void {
    throw new NotImplemented('NodeAuthorizer.observe', '§ The Node authorizer');
  }

  /** Takes one change of a claim: the volume bound to it, the next step of the graph. */
  observeClaim({ type, object }: ObjectEvent): void {
    throw new NotImplemented('NodeAuthorizer.observeClaim', '§ The Node authorizer');
  }

  /** Whether a pod on `node` uses a claim bound to the PersistentVolume `volume`. */
  usesVolume(node: string, volume: string): boolean {
    throw new NotImplemented('NodeAuthorizer.usesVolume', '§ The Node authorizer');
  }

  /** Whether some pod bound to `node` references this object. */
  hasPathTo(node: string, resource: string, namespace: string, name: string): boolean {
    throw new NotImplemented('NodeAuthorizer.hasPathTo', '§ The Node authorizer');
  }

  authorize(attributes: RequestAttributes): Decision {
    throw new NotImplemented('NodeAuthorizer.authorize', '§ The Node authorizer');
  }
}
