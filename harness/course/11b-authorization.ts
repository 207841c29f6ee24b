// Chapter 11b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter11B: Chapter = {
  id: '11b',
  slug: 'authorization',
  title: 'Who may do what: RBAC, admission and quotas',
  builds:
    'RBAC with an index of bindings, the default roles, the escalation check, the Node authorizer, access reviews and impersonation, and the ServiceAccount, LimitRanger and ResourceQuota admission plugins',
  stages: [
    {
      title: 'Rules, subjects and aggregation',
      from: 'RBAC > a rule allows its verbs on its resources of its groups, and "*" stands for any',
      functions: [
        'matchesAny',
        'resourceMatches',
        'pathMatches',
        'ruleAllows',
        'serviceAccountUsername',
        'subjectKey',
        'keysOfUser',
        'labelsMatch',
        'aggregatedRules',
      ],
    },
    {
      title: 'The index of bindings',
      from: 'RBAC > a RoleBinding grants its Role to its subjects, in its namespace only',
      functions: [
        'RbacAuthorizer.start',
        'RbacAuthorizer.observe',
        'RbacAuthorizer.rulesOfRole',
        'RbacAuthorizer.bindingsFor',
        'RbacAuthorizer.rulesFor',
        'RbacAuthorizer.authorize',
      ],
    },
    {
      title: 'Authorizers in turn, the 403, and the default roles',
      from: 'RBAC > authorizers in turn: system:masters always, then the first decision, else a refusal with the reasons',
      functions: ['chainAuthorizers', 'forbiddenMessage'],
    },
    {
      title: 'Rights, and what covers them',
      from: 'Escalation > a rule breaks down into single rights, one verb, group, resource and name each',
      functions: ['breakDown', 'ruleCovers', 'uncoveredRights', 'describeRight'],
    },
    {
      title: 'The escalation check',
      from: 'Escalation > binding yourself to cluster-admin is refused with 403, unless you may bind it',
      functions: ['escalationRefused', 'escalationCheck'],
    },
    {
      title: 'Who is a node, and what a pod references',
      from: 'The Node authorizer > a kubelet is system:node:<name> in system:nodes; anyone else is no node',
      functions: ['nodeNameOf', 'referencesOf'],
    },
    {
      title: 'The graph of nodes and pods',
      from: "The Node authorizer > a kubelet gets a Secret its pod uses, and not another node's pod's Secret",
      functions: [
        'NodeAuthorizer.start',
        'NodeAuthorizer.observe',
        'NodeAuthorizer.hasPathTo',
        'NodeAuthorizer.authorize',
      ],
    },
    {
      title: 'Access reviews',
      from: "Reviews and impersonation > a review's attributes are the request it describes, for the user asking",
      functions: ['attributesOfReview', 'accessReviewAnswer'],
    },
    {
      title: 'Rules reviews and who am I',
      from: 'Reviews and impersonation > the other reviews: for someone else, the rules held, and who am I',
      functions: ['reviewHandlers', 'rulesReviewStatus'],
    },
    {
      title: 'Impersonation',
      from: 'Reviews and impersonation > impersonating a user, a group or a ServiceAccount asks for the impersonate verb on it',
      functions: ['impersonationAttributes', 'impersonatedGroups', 'impersonate'],
    },
    {
      title: 'A token file, and the ServiceAccount plugin',
      from: 'Admission > a token file line is token,user,uid and quoted groups',
      functions: [
        'unauthorized',
        'csvFields',
        'parseTokenFile',
        'bearerToken',
        'tokenFileAuthenticator',
        'certificateAuthenticator',
        'unionAuthenticator',
        'podForbidden',
        'serviceAccountAdmission.admit',
      ],
    },
    {
      title: 'Mirror pods and the ServiceAccount plugin',
      from: 'Admission > a pod names a Secret in imagePullSecrets, env, envFrom or a volume; a mirror pod may not',
      functions: ['namesSecret', 'mirrorPodProblem'],
    },
    {
      title: 'LimitRanger',
      from: "Admission > a LimitRange's defaults fill the limits and requests a container leaves out",
      functions: [
        'applyLimitDefaults',
        'limitViolations',
        'limitRangerAdmission.admit',
        'parseAmount',
        'formatAmount',
      ],
    },
    {
      title: 'What objects cost a quota',
      from: 'ResourceQuota > an object costs one of its count; a pod also its requests and limits',
      functions: ['countName', 'usageOf', 'hardOf'],
    },
    {
      title: 'The refusal, and counting a namespace',
      from: "ResourceQuota > a create past a quota is a 403 in kube's words",
      functions: ['exceededQuota', 'resourceNameOf', 'countUsage'],
    },
    {
      title: 'Charging quotas, one namespace at a time',
      from: 'ResourceQuota > work on one namespace runs one piece at a time, in order, a failure not stopping the next',
      functions: ['NamespaceLocks.run', 'chargeQuotas', 'withStatus'],
    },
    {
      title: 'The quota plugin and controller',
      from: 'ResourceQuota > creates racing for the last slot: exactly the limit pass, the rest are refused',
      functions: [
        'ResourceQuotas.admission.admit',
        'ResourceQuotas.start',
        'ResourceQuotas.fillStatus',
        'ResourceQuotas.release',
      ],
    },
    {
      title: 'On the API server',
      from: 'On the API server > the admin (system:masters) may do anything, and the default roles are there',
      functions: ['createAuthorization'],
    },
  ],
  hints: {
    'Admission > a client certificate is its Common Name, in its Organizations; one from another CA is 401':
      "certificateAuthenticator: a certificateError means 401; a certificate's subject gives the user and groups. § Admission.",
    'Admission > authenticators in turn: the first user wins, a refusal stands only if no one knows the credential':
      'unionAuthenticator asks each in order and returns the first user; keep the first refusal and throw it only when no one found a user. § Admission.',
    'RBAC > a binding changed to other subjects is indexed again: the old subject loses the grant':
      'observe unindexes a binding before indexing it again, so MODIFIED replaces its subjects. § RBAC, The index.',
    "Escalation > deletes, and writes of other groups, are not the check's business":
      'escalationCheck returns at once for a DELETE, and for a resource outside rbac.authorization.k8s.io. § Escalation.',
    'Admission > the pod plugins leave alone what is not a pod create':
      'Both plugins start by asking whether the request creates a pod (not an update, not another resource). § Admission.',
    'ResourceQuota > a quota on count/deployments.apps limits deployments, and not pods':
      'usageOf gives every object count/<resource>.<group>; a quota only checks names the object uses. § ResourceQuota.',
    'RBAC > a rule allows its verbs on its resources of its groups, and "*" stands for any':
      'Write matchesAny first ("*" or the exact value), then ruleAllows: verb, then group, then resource. § RBAC.',
    'RBAC > a rule with resourceNames takes only those names':
      'An empty resourceNames takes every name; a non-empty one needs attributes.name among them. § RBAC.',
    'RBAC > a subresource needs its own rule: pods does not cover pods/log, but */log does':
      'resourceMatches compares the rule\'s resources with "resource/subresource" as one word, and accepts "*/subresource". § RBAC.',
    'RBAC > non-resource URLs match exactly, or by a prefix ending in *':
      'pathMatches: "*", the exact path, or a prefix when the rule\'s URL ends in "*"; ruleAllows uses it when resourceRequest is false. § RBAC.',
    'RBAC > a ServiceAccount subject is the user system:serviceaccount:<ns>:<name>':
      "subjectKey turns a ServiceAccount into a User key; its namespace defaults to the binding's. keysOfUser: the name, then each group. § RBAC.",
    'RBAC > an aggregated ClusterRole holds the rules of every ClusterRole its selectors pick':
      'labelsMatch is a subset check; aggregatedRules collects rules of other ClusterRoles some selector picks. § RBAC, Aggregation.',
    'RBAC > a RoleBinding grants its Role to its subjects, in its namespace only':
      "observe keeps roles by namespace/name and indexes each binding under its subjects' keys; authorize walks bindingsFor the user. § RBAC, The index.",
    'RBAC > a ClusterRoleBinding grants everywhere; a RoleBinding to a ClusterRole grants it in its namespace':
      'A ClusterRoleBinding has no namespace: it applies everywhere. rulesOfRole reads a ClusterRole through aggregatedRules. § RBAC.',
    'RBAC > a deleted binding grants nothing more, and a binding waits for its role to exist':
      'On DELETED, unindex the binding (remember the keys it was indexed under) or forget the role. § RBAC, The index.',
    'RBAC > rulesFor lists what a user holds in a namespace; the allow names the binding':
      "rulesFor: every rule of every binding that applies. The allow's reason names the binding and its roleRef. § RBAC.",
    'RBAC > start follows roles, cluster roles and both kinds of binding through the feed':
      'start calls feed.follow for each of the four resources, as "rbac.authorization.k8s.io/<resource>", with observe. § What you will build.',
    'RBAC > authorizers in turn: system:masters always, then the first decision, else a refusal with the reasons':
      'chainAuthorizers: masters first; then the first answer that is not no-opinion; else no-opinion with the non-empty reasons joined by ", ". § RBAC.',
    "RBAC > the 403 says what was asked, by whom and where, in kube-apiserver's words":
      'Copy the wording in § RBAC, The 403: resource.group before "is forbidden", resource/subresource after "cannot <verb> resource".',
    'Default roles > cluster-admin is bound to system:masters and allows everything':
      'default-roles.ts is given; this passes once the RbacAuthorizer handles ClusterRoleBindings and chainAuthorizers lets masters in. § Default roles.',
    'Default roles > view reads a namespace but not its Secrets, and writes nothing':
      'view is aggregated: rulesOfRole for a ClusterRole must go through aggregatedRules. § Default roles.',
    'Default roles > edit writes workloads and Secrets; admin also manages Roles; both aggregate':
      'admin aggregates edit and view through their labels; check aggregatedRules picks by each selector. § RBAC, Aggregation.',
    'Default roles > the components hold their system roles, and everyone signed in may ask what they may do':
      "ClusterRoleBindings to Users and Groups; the scheduler's rule names pods/binding. § Default roles.",
    'Escalation > a rule breaks down into single rights, one verb, group, resource and name each':
      'breakDown: one right per verb x group x resource x name (or verb x path). § Escalation.',
    'Escalation > a held rule covers a right when it takes its verb, group, resource and name':
      'ruleCovers reuses matchesAny, resourceMatches and pathMatches; a held rule limited to names covers only rights naming one of them. § Escalation.',
    'Escalation > what a role asks beyond what is held is listed, as kube prints it':
      'uncoveredRights keeps each broken-down right no held rule covers; describeRight prints it in the § Escalation format.',
    'Escalation > binding yourself to cluster-admin is refused with 403, unless you may bind it':
      "For a binding: allowed when the author may bind the roleRef (verb bind, name = role), else the role's rules must be covered. § Escalation.",
    'Escalation > a role with more than its author holds is refused, unless they may escalate or are masters':
      'For a Role: escalate on roles lifts the check; masters skip it; otherwise compare rules with rbac.rulesFor(user, namespace). § Escalation.',
    'The Node authorizer > a kubelet is system:node:<name> in system:nodes; anyone else is no node':
      'nodeNameOf needs both the group and the name prefix. § The Node authorizer.',
    'The Node authorizer > a pod references its ServiceAccount and the Secrets and ConfigMaps of its volumes and env':
      'referencesOf walks serviceAccountName (default: "default"), kube-root-ca.crt unless automountServiceAccountToken is false, volumes (secret, configMap, claims, projected), env, envFrom and imagePullSecrets. § The Node authorizer.',
    "The Node authorizer > a kubelet gets a Secret its pod uses, and not another node's pod's Secret":
      "Keep edges node|reference counted; authorize allows get of a graph resource only along an edge, else no-opinion with kube's reason. § The Node authorizer.",
    'The Node authorizer > a pod that moves away or is deleted takes its edges with it; an unbound pod has none':
      "observe removes the pod's old edges first, then adds new ones only when it has a nodeName and is not deleted. § The Node authorizer.",
    'The Node authorizer > a kubelet gets the PersistentVolume bound to a claim its pod uses, and no other':
      'observeClaim keeps claim → spec.volumeName (gone when deleted or unbound); authorize allows get of a persistentvolume when usesVolume finds a claim bound to it that a pod on the node references (hasPathTo). § The Node authorizer.',
    'The Node authorizer > a kubelet may do what the node rules say; others get no opinion, so RBAC decides':
      'start follows "pods" and then "persistentvolumeclaims"; other requests of a kubelet are checked against nodeRules (default-roles.ts). § The Node authorizer.',
    "Reviews and impersonation > a review's attributes are the request it describes, for the user asking":
      'attributesOfReview maps spec.resourceAttributes (group \u2192 apiGroup) or nonResourceAttributes; neither is a 422. § Reviews and impersonation.',
    'Reviews and impersonation > a SelfSubjectAccessReview answers allowed, as kubectl auth can-i reads it':
      'accessReviewAnswer: status.allowed, denied only on an explicit deny, reason when there is one. § Reviews and impersonation.',
    'Reviews and impersonation > the other reviews: for someone else, the rules held, and who am I':
      "reviewHandlers: four handlers in the order of the lesson's list; the rules review merges cluster and namespace rules, each once. § Reviews and impersonation.",
    'Reviews and impersonation > impersonating a user, a group or a ServiceAccount asks for the impersonate verb on it':
      'impersonationAttributes: users or groups at the cluster scope, serviceaccounts in their namespace; impersonatedGroups adds the account groups and system:authenticated. § Reviews and impersonation.',
    'Reviews and impersonation > Impersonate-User is honoured only with the impersonate verb: 403 otherwise':
      "impersonate asks the authorizer for the user and each group; the 403's message is forbiddenMessage's. § Reviews and impersonation.",
    'Admission > a token file line is token,user,uid and quoted groups':
      'csvFields honours double quotes; parseTokenFile skips blank and # lines and adds system:authenticated. § Admission.',
    'Admission > a known bearer token is its user, none is anonymous, an unknown one is 401':
      'No Authorization header: undefined (anonymous). Any other header that is not a known Bearer token: throw unauthorized(). § Admission.',
    'Admission > ServiceAccount fills serviceAccountName with default, and refuses an account that does not exist':
      "Only pod creates; fill the name, then store.get the account and turn a 404 into podForbidden with kube's words. § Admission.",
    'Admission > a pod names a Secret in imagePullSecrets, env, envFrom or a volume; a mirror pod may not':
      "namesSecret looks at imagePullSecrets, every container's env secretKeyRef and envFrom secretRef (init and ephemeral too), secret volumes and projected secret sources. mirrorPodProblem: an account first, then a Secret, then a serviceAccountToken projection. § Admission.",
    'Admission > ServiceAccount leaves a mirror pod as the kubelet wrote it, and refuses a token projection':
      'isMirrorPod (harness/api/static-pods.ts) before anything else: a mirror pod gets no default account and no lookup, only mirrorPodProblem, thrown as podForbidden. § Admission.',
    "Admission > a LimitRange's defaults fill the limits and requests a container leaves out":
      "applyLimitDefaults: limits from default; requests from defaultRequest, else the limit; the container's own values win. § Admission.",
    "Admission > a container beyond a LimitRange's bounds is refused in kube's words":
      'limitViolations compares limits with max and requests with min (parseAmount, formatAmount from quota.ts). § Admission.',
    'ResourceQuota > an object costs one of its count; a pod also its requests and limits':
      'usageOf: count/<resource>[.<group>], the plain name for core counted resources, and for pods the container sums. § ResourceQuota.',
    'ResourceQuota > amounts read and print as quantities: cpu in millicores, memory in Ki, Mi, Gi':
      'Names ending in cpu are millicores (milliCpu); others whole units (quantityValue). § ResourceQuota.',
    "ResourceQuota > a create past a quota is a 403 in kube's words":
      'exceededQuota prints each usage sorted as name=amount joined by commas. resourceNameOf maps a quota name to the resource it counts. § ResourceQuota.',
    "ResourceQuota > a namespace's use is counted from its objects":
      'countUsage lists each resource the names need once and sums usageOf. § ResourceQuota.',
    'ResourceQuota > work on one namespace runs one piece at a time, in order, a failure not stopping the next':
      "NamespaceLocks.run chains work after the namespace's previous promise, whether it failed or not. § ResourceQuota.",
    'ResourceQuota > a create is charged in status.used; the one past the limit is refused and not charged':
      'chargeQuotas: for each quota limiting something the object uses, check used + requested against hard, then update status.used. § ResourceQuota.',
    'ResourceQuota > creates racing for the last slot: exactly the limit pass, the rest are refused':
      "The admission plugin runs chargeQuotas under the namespace's lock; a 409 on the quota means read it again. § ResourceQuota.",
    'ResourceQuota > the controller fills a new quota from the objects and gives back what a delete used':
      'start follows resourcequotas and the released resources; fillStatus counts; release subtracts, under the same locks. § ResourceQuota.',
    'On the API server > the admin (system:masters) may do anything, and the default roles are there':
      'createAuthorization: the chain of the modes, and initialObjects with the default roles and bindings. § On the API server.',
    "On the API server > a user bound to view in dev reads there, and gets kube's 403 elsewhere and for writes":
      'The server words its 403 with options.security.forbiddenMessage: hand it yours. § On the API server.',
    'On the API server > a bad token is 401 Unauthorized, and no token at all is system:anonymous':
      "The test brings the token file's authenticator; check tokens.ts and that the chain refuses anonymous. § Admission.",
    'On the API server > binding yourself to cluster-admin is refused and nothing is stored':
      'The escalation check is an admission plugin in security.admission, always on with RBAC. § Escalation.',
    "On the API server > a kubelet reads its own pod's Secret, not another node's":
      'The Node mode puts the NodeAuthorizer first in the chain; the API server feeds it pods. § The Node authorizer.',
    'On the API server > impersonation needs the impersonate verb; can-i answers for the user acted as':
      'security.impersonate and security.reviews come from reviews.ts. § Reviews and impersonation.',
    'On the API server > a quota of 2 pods holds against 6 concurrent creates':
      'Admission plugins in the order ServiceAccount, LimitRanger, ResourceQuota; the quota controller in controllers. § ResourceQuota.',
  },
};
