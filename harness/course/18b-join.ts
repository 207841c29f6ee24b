// Chapter 18b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const tokens = 'Bootstrap tokens > ';
const discovery = 'Discovery > ';
const csrs = 'Certificate signing requests > ';
const approver = 'The approver and the signer > ';
const join = 'Joining a node > ';

export const chapter18B: Chapter = {
  id: '18b',
  slug: 'join',
  title: 'Joining a node: bootstrap tokens, signed discovery and certificates by request',
  builds:
    "kubeadm's join path: bootstrap token Secrets and their authenticator (system:bootstrap:<id>), the cluster-info ConfigMap signed per token by the bootstrap signer and pinned by the CA's hash, CertificateSigningRequests with the approval subresource, the CSR approver and signer of the controller-manager, and the joining node's discovery and CSR",
  stages: [
    {
      title: 'A token and its Secret',
      from: `${tokens}parseToken splits <id>.<secret>; any other shape is kubeadm's error`,
      functions: ['parseToken', 'generateToken', 'tokenSecret', 'secretField'],
    },
    {
      title: 'Who a token is',
      from: `${tokens}tokenUser: system:bootstrap:<id> in system:bootstrappers and the extra groups`,
      functions: ['isExpired', 'tokenUser', 'bootstrapTokenAuthenticator'],
    },
    {
      title: 'cluster-info and its signature',
      from: `${discovery}clusterInfoKubeconfig names the server and the CA inline; clusterOf reads them back`,
      functions: ['clusterInfoKubeconfig', 'clusterOf', 'detachedSignature', 'signingTokens'],
    },
    {
      title: 'Signing and checking',
      from: `${discovery}signedData: one signature per token and no stale one; other keys kept`,
      functions: ['signedData', 'verifyClusterInfo'],
    },
    {
      title: 'The pin and the bootstrap signer',
      from: `${discovery}caCertHash pins the CA's public key; checkPinnedCa refuses a CA that is not pinned`,
      functions: [
        'caCertHash',
        'checkPinnedCa',
        'BootstrapSigner constructor',
        'BootstrapSigner.run',
        'BootstrapSigner.reconcile',
        'createBootstrapSigner',
      ],
    },
    {
      title: 'Who asked, and what is valid',
      from: `${csrs}withRequestor: the user who created it, whatever the client claimed; no status`,
      functions: ['requestPem', 'withRequestor', 'hasCondition', 'validateCsr'],
    },
    {
      title: 'Admission and approval',
      from: `${csrs}csrAdmission: a create gets its requestor, and an invalid one is 422 in kube's words`,
      functions: ['invalidCsr', 'csrAdmission', 'approvalSubresource.update'],
    },
    {
      title: 'Which requests the controllers take',
      from: `${approver}isNodeClientRequest: the kubelet signer, CN system:node:<name>, O system:nodes, client usages`,
      functions: ['isNodeClientRequest', 'approvalPermission', 'autoApproved', 'signingProblem'],
    },
    {
      title: 'The approver and the signer at work',
      from: `${approver}the approver approves a kubelet request its requestor may make, and leaves the rest pending`,
      functions: [
        'CsrApprover constructor',
        'CsrApprover.run',
        'CsrApprover.reconcile',
        'CsrSigner constructor',
        'CsrSigner.run',
        'CsrSigner.reconcile',
        'createCsrApprover',
        'createCsrSigner',
      ],
    },
    {
      title: 'Joining',
      from: `${join}discover: the server and CA, once the signature and the pin both hold`,
      functions: ['discover', 'nodeCsr', 'issuedCertificate'],
    },
  ],
  hints: {
    [`${tokens}secretField reads stringData before data; isExpired compares the expiration with now`]:
      'stringData holds plain text and wins; data is base64. Expired means the expiration is not after now. § Bootstrap tokens.',
    [`${discovery}signedData: without a kubeconfig there is nothing to sign, and stale signatures still go`]:
      'Drop the jws-kubeconfig-* keys first; add signatures only when data.kubeconfig exists. § Discovery.',
    [`${csrs}requestPem decodes spec.request; invalidCsr joins several errors in brackets`]:
      'One error stands alone; several are joined with ", " inside [ ]; each is a cause with its field. § Certificate signing requests.',
    [`${join}issuedCertificate: a request the signer failed throws with the signer's reason`]:
      'Look for Denied, then Failed, before reading the certificate. § Joining a node.',
    [`${tokens}parseToken splits <id>.<secret>; any other shape is kubeadm's error`]:
      "Match TOKEN_PATTERN; throw the message with the token and the pattern's source otherwise. § Bootstrap tokens.",
    [`${tokens}generateToken draws six and sixteen characters of [a-z0-9]`]:
      'Index the 36-letter alphabet with Math.floor(random() * 36), six times, a dot, sixteen times. § Bootstrap tokens.',
    [`${tokens}tokenSecret: kube-system/bootstrap-token-<id>, its fields base64, expiring after the ttl`]:
      'Build the fields as text first (expiration only with a ttl above 0, RFC 3339 to the second), then base64 each into data. § Bootstrap tokens.',
    [`${tokens}tokenUser: system:bootstrap:<id> in system:bootstrappers and the extra groups`]:
      'Read fields with secretField; the groups are system:bootstrappers, auth-extra-groups split on commas, then system:authenticated. § Bootstrap tokens.',
    [`${tokens}tokenUser: a wrong secret, an expired token, another type or no authentication usage is no one`]:
      'Check the type, the id, the secret (timingSafeEqual), isExpired and usage-bootstrap-authentication === "true"; stringData wins over data. § Bootstrap tokens.',
    [`${tokens}the authenticator follows kube-system Secrets: a known token is its user, an unknown one 401`]:
      'start follows "secrets" into a map by name (kube-system only); authenticate returns undefined unless the bearer token matches TOKEN_PATTERN, then the user or an ApiError 401 Unauthorized. § Bootstrap tokens.',
    [`${discovery}clusterInfoKubeconfig names the server and the CA inline; clusterOf reads them back`]:
      'Write the kubeconfig lines the lesson shows; clusterOf parses YAML and decodes certificate-authority-data. § Discovery.',
    [`${discovery}detachedSignature: "<header>..<signature>", HS256 keyed by the token secret, kid the token id`]:
      'base64url the header JSON and the content, HMAC-SHA256 "<header>.<payload>" with the secret, and leave the payload out. § Discovery.',
    [`${discovery}signingTokens: bootstrap tokens for signing that have not expired`]:
      'Filter on the type, usage-bootstrap-signing === "true" and isExpired; map to { id, secret }. § Discovery.',
    [`${discovery}signedData: one signature per token and no stale one; other keys kept`]:
      'Drop every jws-kubeconfig-* key, keep the rest, add jws-kubeconfig-<id> per token. § Discovery.',
    [`${discovery}verifyClusterInfo: the kubeconfig when the signature is right, kubeadm's errors when not`]:
      'Three checks in order: a kubeconfig key, a signature under the token id, the same signature recomputed. § Discovery.',
    [`${discovery}caCertHash pins the CA's public key; checkPinnedCa refuses a CA that is not pinned`]:
      "X509Certificate's publicKey exported as spki der, SHA-256, hex, after sha256:. Compare pins in lower case. § Discovery.",
    [`${discovery}the bootstrap signer signs cluster-info with each token, and drops a deleted one's signature`]:
      'Two informers (secrets in kube-system, configmaps in kube-public) feeding one key; reconcile writes signedData when it differs. § Discovery.',
    [`${csrs}withRequestor: the user who created it, whatever the client claimed; no status`]:
      'Copy username and groups from the user, uid and extra only when it has them, and leave status out. § Certificate signing requests.',
    [`${csrs}hasCondition reads a True condition of a type`]:
      'Any condition of that type with status "True". § Certificate signing requests.',
    [`${csrs}validateCsr: a PEM request, a signer and known usages are required`]:
      'Decode spec.request from base64 and look for the CERTIFICATE REQUEST block; each usage must be in KEY_USAGES. § Certificate signing requests.',
    [`${csrs}validateCsr: Approved and Denied together are mutually exclusive`]:
      "The error's field is the Denied condition's index. § Certificate signing requests.",
    [`${csrs}csrAdmission: a create gets its requestor, and an invalid one is 422 in kube's words`]:
      'Only certificatesigningrequests; on CREATE replace the object in place with withRequestor; throw invalidCsr when validateCsr finds errors. § Certificate signing requests.',
    [`${csrs}approval: only Approved and Denied come from the body; both at once is 422`]:
      "Keep the stored CSR; its conditions become the body's Approved/Denied ones and the stored others. § Certificate signing requests.",
    [`${csrs}on the API server: created with its requestor, approved through /approval, listed as a Table`]:
      'If the earlier tests pass, this one should: the API server calls csrAdmission and approvalSubresource. § Certificate signing requests.',
    [`${approver}isNodeClientRequest: the kubelet signer, CN system:node:<name>, O system:nodes, client usages`]:
      'Compare the usages as a set with the three allowed sets. § The approver and the signer.',
    [`${approver}approvalPermission: nodeclient for a new node, selfnodeclient for a node renewing its own`]:
      'selfnodeclient when spec.username equals the Common Name. § The approver and the signer.',
    [`${approver}autoApproved is kube's condition, stamped with the time`]:
      'Approved, True, AutoApproved, the message the lesson quotes, lastUpdateTime to the second. § The approver and the signer.',
    [`${approver}signingProblem: the kubelet signer signs only kubelet client requests; the client signer needs client auth`]:
      'Two rules, one per signer; undefined when none applies. § The approver and the signer.',
    [`${approver}the approver approves a kubelet request its requestor may make, and leaves the rest pending`]:
      'reconcile: skip decided or issued CSRs; read the request, find its permission, ask mayCreate, then updateApproval with autoApproved added. § The approver and the signer.',
    [`${approver}the signer issues an approved kubelet request with the CA, and fails a bad one`]:
      'reconcile: only Approved, not Denied or Failed, not issued, of the two signers; a problem adds a Failed condition, else signCertificateRequest; write with updateStatus. § The approver and the signer.',
    [`${join}discover: the server and CA, once the signature and the pin both hold`]:
      'verifyClusterInfo, clusterOf, checkPinnedCa, in that order. § Joining a node.',
    [`${join}nodeCsr: for the kubelet client signer, named after the request's digest`]:
      'node-csr- and the first 32 hex digits of the SHA-256 of the PEM. § Joining a node.',
    [`${join}issuedCertificate: the PEM once issued, nothing while pending, an error when denied`]:
      'Denied or Failed throws with its reason and message; a certificate is base64 PEM. § Joining a node.',
  },
};
