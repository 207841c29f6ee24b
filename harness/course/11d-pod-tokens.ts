// Chapter 11d's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter11D: Chapter = {
  id: '11d',
  slug: 'pod-tokens',
  title: "A pod's own identity: its token, the CA and the API server's address",
  builds:
    "the kubelet's part of ServiceAccounts: a TokenRequest per pod, renewed at 80% of its life, the token, ca.crt and namespace files at /var/run/secrets/kubernetes.io/serviceaccount, KUBERNETES_SERVICE_HOST and _PORT, and the root CA publisher behind kube-root-ca.crt",
  stages: [
    {
      title: "A TokenRequest, its renewal, the API server's address and the cluster CA",
      from: "A pod's token > the TokenRequest asks for an hour and seven seconds, bound to the pod",
      functions: [
        'podTokenRequest',
        'mountsToken',
        'needsRenewal',
        'kubernetesServiceEnv',
        'createRootCaPublisher',
        'RootCaPublisher',
        'RootCaPublisher.start',
        'RootCaPublisher.publish',
      ],
    },
    {
      title: 'The files on the node',
      from: "A pod's token > preparePod asks TokenRequest for the pod's account and writes token, ca.crt and namespace",
      functions: ['withPodTokens', 'PodTokens', 'PodTokens.tokenDir', 'PodTokens.preparePod'],
    },
    {
      title: 'In every container',
      from: "A pod's token > every container mounts the files read-only at the well-known path and learns the API address",
      functions: [
        'PodTokens.configureContainer',
        'PodTokens.run',
        'PodTokens.initPlan',
        'PodTokens.completeStatus',
        'PodTokens.stopOrder',
        'PodTokens.cleanupPod',
      ],
    },
  ],
  hints: {
    "A pod's token > the TokenRequest asks for an hour and seven seconds, bound to the pod":
      "podTokenRequest: audiences [] (the API server's own), TOKEN_SECONDS, boundObjectRef naming the pod; mountsToken reads automountServiceAccountToken. § A pod's token.",
    "A pod's token > a token is renewed once 80% of its life is gone":
      "needsRenewal: none held, or now at or past issuedAt + 0.8 × (expiresAt − issuedAt). § A pod's token.",
    "A pod's token > the kubernetes Service's variables: KUBERNETES_SERVICE_HOST, _PORT and the docker-link forms":
      "kubernetesServiceEnv lists eight variables in the order the test shows. § A pod's token.",
    "A pod's token > preparePod asks TokenRequest for the pod's account and writes token, ca.crt and namespace":
      "preparePod: inner first, then requestToken(namespace, account, podTokenRequest(pod)) and the three files (mode 0644) in tokenDir(pod). § A pod's token.",
    "A pod's token > a pod that names no account gets the default one; automountServiceAccountToken: false gets nothing":
      "The account is spec.serviceAccountName or 'default'; skip everything when mountsToken is false. § A pod's token.",
    "A pod's token > the token is kept while young and renewed, file and all, past 80% of its life":
      "Keep a HeldToken per pod uid; ask again only when needsRenewal says so, and rewrite the files with a write and a rename. § A pod's token.",
    "A pod's token > a refused TokenRequest or an unreadable CA holds the pod back with a FailedMount message":
      "Return inner's problem untouched; a thrown requestToken, or a kube-root-ca.crt read failing other than with 404, becomes a MountVolume.SetUp failed message (§ A pod's token shows both); a 404 is an empty ca.crt.",
    "A pod's token > every container mounts the files read-only at the well-known path and learns the API address":
      "configureContainer: inner first, then the read-only mount of tokenDir(pod) at SERVICE_ACCOUNT_DIR and kubernetesServiceEnv of the default/kubernetes Service. § A pod's token.",
    "A pod's token > a container's own variable or mount at those names wins; an opted-out pod has no mount":
      "Add only variables the config lacks, and no mount when one is at SERVICE_ACCOUNT_DIR already or the pod opts out. § A pod's token.",
    "A pod's token > everything else is chapter 10a's, and cleanupPod forgets the pod's token":
      "run, initPlan, completeStatus and stopOrder hand over to inner; cleanupPod drops the HeldToken, then calls inner. § A pod's token.",
    "A pod's token > every namespace gets kube-root-ca.crt with the CA, put back when it differs, none while going away":
      "RootCaPublisher.publish: get the ConfigMap; create it on a 404, update it when its ca.crt differs; skip a namespace with a deletionTimestamp. start follows namespaces. § A pod's token.",
  },
};
