// Given to chapter 11b: the roles and bindings every cluster starts with (kube-apiserver's bootstrap policy,
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy). The API server creates them at start if they
// are missing, so `kubectl get clusterroles` lists them and an administrator can read, and
// extend, what each component may do:
//
//   cluster-admin            everything; bound to the group system:masters (kubeadm's admin)
//   admin, edit, view        for people, granted in a namespace by a RoleBinding; aggregated
//   system:basic-user        every signed-in user may ask what they themselves may do
//   system:kube-scheduler, system:kube-controller-manager, system:node-proxier, system:kube-dns:
//                            the components (each signs in with its client certificate)
//   system:node              a kubelet's rules (chapter 11b's Node authorizer applies them)
import type { KubeObject } from './types.ts';

/** The RBAC API group. */
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One rule of a role (rbac/v1 PolicyRule), as chapter 11b's rbac.ts reads it. */
interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Who a binding grants its role to (rbac/v1 Subject). */
interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

/** The label that marks a ClusterRole whose rules aggregate into the role of that name. */
export const AGGREGATE_TO = (role: 'admin' | 'edit' | 'view') =>
  `${RBAC_GROUP}/aggregate-to-${role}`;

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

/** A rule of `verbs` on `resources` of one API group. */
function rule(verbs: string[], apiGroup: string, resources: string[]): PolicyRule {
  return { verbs, apiGroups: [apiGroup], resources };
}

/** What people work with in a namespace, by API group (secrets aside: view may not read them). */
const workloadResources: [string, string[]][] = [
  [
    '',
    [
      'pods',
      'pods/log',
      'pods/status',
      'services',
      'endpoints',
      'configmaps',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
    ],
  ],
  [
    'apps',
    [
      'deployments',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'daemonsets',
    ],
  ],
  ['policy', ['poddisruptionbudgets']],
];

/** view: read what is in a namespace, except Secrets. */
const viewRules: PolicyRule[] = [
  ...workloadResources.map(([group, resources]) => rule(READ, group, resources)),
  rule(READ, '', [
    'events',
    'limitranges',
    'resourcequotas',
    'resourcequotas/status',
    'namespaces',
  ]),
];

/** edit: view, plus writing workloads and reading and writing Secrets. */
const editRules: PolicyRule[] = [
  ...workloadResources.map(([group, resources]) => rule(WRITE, group, resources)),
  rule([...READ, ...WRITE], '', ['secrets']),
  rule(['create'], '', ['pods/exec', 'pods/attach', 'pods/portforward', 'serviceaccounts/token']),
  rule(['impersonate'], '', ['serviceaccounts']),
];

/** admin: edit, plus the namespace's own Roles and RoleBindings, and its quotas' reading. */
const adminRules: PolicyRule[] = [
  rule([...READ, ...WRITE], RBAC_GROUP, ['roles', 'rolebindings']),
  rule(['create'], 'authorization.k8s.io', ['localsubjectaccessreviews']),
];

/** A kubelet's rules (kube's NodeRules): its node, the pods bound to it, their events. */
export const nodeRules: PolicyRule[] = [
  rule([...READ, 'create', 'update', 'patch', 'delete'], '', ['nodes', 'nodes/status']),
  rule([...READ, 'create', 'delete'], '', ['pods']),
  rule(['update', 'patch'], '', ['pods/status']),
  rule(['create'], '', ['pods/eviction', 'serviceaccounts/token']),
  rule(READ, '', ['services', 'endpoints']),
  rule(['create', 'update', 'patch'], '', ['events']),
  rule([...READ, 'create', 'update', 'patch', 'delete'], 'coordination.k8s.io', ['leases']),
  rule(['create'], 'authorization.k8s.io', ['subjectaccessreviews']),
  rule(['create'], 'authentication.k8s.io', ['tokenreviews']),
];

/**
 * The controllers' rules: they write the workloads they reconcile, and read and delete anything
 * (the namespace controller empties a namespace of every kind, the garbage collector deletes any
 * object whose owner is gone), as kube's namespace-controller and generic-garbage-collector roles.
 */
const controllerManagerRules: PolicyRule[] = [
  rule(['*'], '', ['*']),
  rule(['*'], 'apps', ['*']),
  rule(['*'], 'batch', ['*']),
  rule(['*'], 'autoscaling', ['*']),
  rule(['*'], 'policy', ['*']),
  rule(['*'], 'coordination.k8s.io', ['*']),
  rule(['*'], 'discovery.k8s.io', ['*']),
  rule(['*'], 'storage.k8s.io', ['*']),
  // Chapter 18b: the CSR approver and signer, and their SubjectAccessReviews.
  rule(['*'], 'certificates.k8s.io', ['*']),
  rule(['create'], 'authorization.k8s.io', ['subjectaccessreviews']),
  rule([...READ, 'delete', 'deletecollection'], '*', ['*']),
  // The ClusterRole aggregation controller writes admin's, edit's and view's rules.
  rule(['update', 'patch', 'escalate'], RBAC_GROUP, ['clusterroles']),
];

/** Chapter 18b: what a bootstrapping kubelet may do (kube's system:node-bootstrapper). */
const nodeBootstrapperRules: PolicyRule[] = [
  rule(['create', 'get', 'list', 'watch'], 'certificates.k8s.io', ['certificatesigningrequests']),
];

/** The permission the CSR approver checks before it approves a kubelet's request (18b). */
const csrRules = (subresource: 'nodeclient' | 'selfnodeclient'): PolicyRule[] => [
  rule(['create'], 'certificates.k8s.io', [`certificatesigningrequests/${subresource}`]),
];

/** The scheduler's rules: it reads pods and nodes, binds pods and records events. */
const schedulerRules: PolicyRule[] = [
  rule(READ, '', [
    'pods',
    'nodes',
    'namespaces',
    'persistentvolumeclaims',
    'persistentvolumes',
    'services',
    'replicationcontrollers',
  ]),
  rule(READ, 'apps', ['replicasets', 'statefulsets']),
  rule(READ, 'policy', ['poddisruptionbudgets']),
  rule(READ, 'storage.k8s.io', ['storageclasses', 'csinodes']),
  rule(['create'], '', ['pods/binding', 'bindings']),
  rule(['update', 'patch'], '', ['pods/status']),
  rule(['delete'], '', ['pods']),
  rule(['create', 'update', 'patch'], '', ['events']),
  rule([...READ, 'create', 'update'], 'coordination.k8s.io', ['leases']),
];

/**
 * kube-proxy's rules: it follows Services and their endpoints (kube's system:node-proxier). Two
 * more are kubekata's, for the iptables mode (chapter 09b) enforcing NetworkPolicies, the network
 * plugin's work in Kubernetes: it reads policies, pods and namespaces, and every proxy writes its
 * mode on its Node (the kata.dev/proxy-mode annotation, harness/api/policy-enforcement.ts).
 */
const proxierRules: PolicyRule[] = [
  rule(READ, '', ['services', 'endpoints', 'nodes', 'pods', 'namespaces']),
  rule(READ, 'discovery.k8s.io', ['endpointslices']),
  rule(READ, 'networking.k8s.io', ['networkpolicies']),
  rule(['patch'], '', ['nodes']),
  rule(['create', 'update', 'patch'], '', ['events']),
];

/**
 * The cluster DNS's rules: it follows Services and EndpointSlices (kube's system:kube-dns role), and,
 * as it installs itself, writes its kube-dns Service and Endpoints in kube-system.
 */
const dnsRules: PolicyRule[] = [
  rule(READ, '', ['services', 'endpoints', 'namespaces', 'pods']),
  rule(READ, 'discovery.k8s.io', ['endpointslices']),
  rule(['create', 'update', 'patch'], '', ['services', 'endpoints']),
  rule(['create'], '', ['namespaces']),
];

/**
 * The metrics server's rules: it reads nodes (where each kubelet is) and pods (their labels for
 * selectors), and, as it installs itself, writes its Service, Endpoints and the APIService that
 * sends metrics.k8s.io to it (kube's is system:metrics-server; its installer writes the rest).
 */
const metricsServerRules: PolicyRule[] = [
  rule(READ, '', ['nodes', 'pods', 'namespaces']),
  // Scraping each kubelet's /stats/summary, which the kubelet reviews as get nodes/stats.
  rule(['get'], '', ['nodes/stats', 'nodes/metrics']),
  rule(['get', 'create', 'update', 'patch'], '', ['services', 'endpoints']),
  rule(['get', 'create', 'update', 'patch'], 'apiregistration.k8s.io', ['apiservices']),
];

/**
 * The ingress controller's rules (chapter 15b): it follows Ingresses, IngressClasses, Services,
 * EndpointSlices and Secrets (TLS certificates) everywhere, writes Ingress status, and, as it
 * installs itself, its IngressClass and the Service, Endpoints and EndpointSlice in front of it.
 */
const ingressRules: PolicyRule[] = [
  rule(READ, 'networking.k8s.io', ['ingresses', 'ingressclasses']),
  rule(READ, '', ['services', 'endpoints', 'secrets', 'namespaces']),
  rule(READ, 'discovery.k8s.io', ['endpointslices']),
  rule(['update', 'patch'], 'networking.k8s.io', ['ingresses/status']),
  rule(['create'], 'networking.k8s.io', ['ingressclasses']),
  rule(['create'], '', ['namespaces']),
  rule(['create', 'update', 'patch'], '', ['services', 'endpoints']),
  rule(['create', 'update', 'patch'], 'discovery.k8s.io', ['endpointslices']),
];

/**
 * The cloud-controller-manager's rules (kube's system:cloud-controller-manager, which a cloud's
 * installer writes): nodes to initialize and to delete when their machine is gone, Services and
 * their status for load balancers, Events; and for the cluster autoscaler that runs beside it
 * here, pods to list and evict (the budgets they are under, to read).
 */
const cloudControllerManagerRules: PolicyRule[] = [
  rule(READ, '', ['nodes', 'services', 'pods', 'namespaces']),
  rule(['update', 'patch', 'delete'], '', ['nodes']),
  rule(['update', 'patch'], '', ['nodes/status', 'services', 'services/status']),
  rule(['delete'], '', ['pods']),
  rule(['create'], '', ['pods/eviction']),
  rule(READ, 'policy', ['poddisruptionbudgets']),
  rule(['create', 'update', 'patch'], '', ['events']),
  rule(['create', 'update', 'patch'], 'events.k8s.io', ['events']),
  rule(['get', 'create', 'update'], 'coordination.k8s.io', ['leases']),
];

/** A bootstrap ClusterRole, labelled as kube labels its defaults. */
function clusterRole(
  name: string,
  rules: PolicyRule[] | undefined,
  fields: { labels?: Record<string, string>; aggregateFrom?: string } = {},
): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...fields.labels },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    ...(fields.aggregateFrom
      ? {
          aggregationRule: {
            clusterRoleSelectors: [{ matchLabels: { [fields.aggregateFrom]: 'true' } }],
          },
        }
      : {}),
    rules: rules ?? [],
  };
}

/** A bootstrap ClusterRoleBinding of a ClusterRole of the same name to `subjects`. */
function clusterRoleBinding(name: string, subjects: Subject[]): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: subjects.map((subject) =>
      subject.kind === 'ServiceAccount' ? subject : { apiGroup: RBAC_GROUP, ...subject },
    ),
  };
}

/** The default ClusterRoles, in the order they are created. */
export function defaultClusterRoles(): KubeObject[] {
  const all = [AGGREGATE_TO('admin'), AGGREGATE_TO('edit'), AGGREGATE_TO('view')];
  const labelled = (labels: string[]) => Object.fromEntries(labels.map((label) => [label, 'true']));
  return [
    clusterRole('cluster-admin', [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]),
    clusterRole('admin', undefined, { aggregateFrom: AGGREGATE_TO('admin') }),
    clusterRole('edit', undefined, {
      aggregateFrom: AGGREGATE_TO('edit'),
      labels: labelled([all[0]!]),
    }),
    clusterRole('view', undefined, {
      aggregateFrom: AGGREGATE_TO('view'),
      labels: labelled([all[0]!, all[1]!]),
    }),
    clusterRole('system:aggregate-to-admin', adminRules, { labels: labelled([all[0]!]) }),
    clusterRole('system:aggregate-to-edit', editRules, { labels: labelled(all.slice(0, 2)) }),
    clusterRole('system:aggregate-to-view', viewRules, { labels: labelled(all) }),
    clusterRole('system:basic-user', [
      rule(['create'], 'authorization.k8s.io', [
        'selfsubjectaccessreviews',
        'selfsubjectrulesreviews',
      ]),
      rule(['create'], 'authentication.k8s.io', ['selfsubjectreviews']),
    ]),
    clusterRole('system:public-info-viewer', [
      {
        verbs: ['get'],
        nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'],
      },
    ]),
    // Who may read the health checks one by one and /metrics: kube's monitoring role.
    clusterRole('system:monitoring', [
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/metrics',
          '/metrics/slis',
          '/livez',
          '/readyz',
          '/healthz',
          '/livez/*',
          '/readyz/*',
          '/healthz/*',
        ],
      },
    ]),
    clusterRole('system:kube-scheduler', schedulerRules),
    clusterRole('system:kube-controller-manager', controllerManagerRules),
    clusterRole('system:node-proxier', proxierRules),
    clusterRole('system:kube-dns', dnsRules),
    clusterRole('system:metrics-server', metricsServerRules),
    clusterRole('system:ingress-controller', ingressRules),
    clusterRole('system:cloud-controller-manager', cloudControllerManagerRules),
    clusterRole('system:node', nodeRules),
    // What the kubelet API allows (kube's system:kubelet-api-admin): every kubelet reviews its
    // callers' requests as these subresources of its Node.
    clusterRole('system:kubelet-api-admin', [
      rule(['get', 'list', 'watch'], '', ['nodes']),
      rule(['proxy'], '', ['nodes']),
      rule(['*'], '', ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats']),
    ]),
    clusterRole('system:node-bootstrapper', nodeBootstrapperRules),
    clusterRole(
      'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      csrRules('nodeclient'),
    ),
    clusterRole(
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      csrRules('selfnodeclient'),
    ),
  ];
}

/** The default ClusterRoleBindings: who holds the default roles from the start. */
export function defaultClusterRoleBindings(): KubeObject[] {
  const group = (name: string): Subject => ({ kind: 'Group', name });
  const user = (name: string): Subject => ({ kind: 'User', name });
  return [
    clusterRoleBinding('cluster-admin', [group('system:masters')]),
    clusterRoleBinding('system:basic-user', [group('system:authenticated')]),
    clusterRoleBinding('system:public-info-viewer', [
      group('system:authenticated'),
      group('system:unauthenticated'),
    ]),
    clusterRoleBinding('system:monitoring', [group('system:monitoring')]),
    clusterRoleBinding('system:kube-scheduler', [user('system:kube-scheduler')]),
    clusterRoleBinding('system:kube-controller-manager', [user('system:kube-controller-manager')]),
    clusterRoleBinding('system:node-proxier', [user('system:kube-proxy')]),
    clusterRoleBinding('system:kube-dns', [user('system:kube-dns')]),
    clusterRoleBinding('system:metrics-server', [user('system:metrics-server')]),
    clusterRoleBinding('system:ingress-controller', [user('system:ingress-controller')]),
    clusterRoleBinding('system:cloud-controller-manager', [
      user('system:cloud-controller-manager'),
    ]),
  ];
}
