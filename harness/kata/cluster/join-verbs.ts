// `kata token create` and `kata join`: kubeadm's way of adding a node (chapter 18b).
//
//   kata token create            on the control plane, as the admin: a bootstrap token, the RBAC
//                                bindings kubeadm makes for it, cluster-info in kube-public, and the
//                                join command to run on the new machine
//   kata join 127.0.0.1:6443 --token <id>.<secret> --discovery-token-ca-cert-hash sha256:<hex>
//             --node-name node-9 --node-index 9
//                                discovery, a CSR with the token, the issued certificate in the
//                                kubelet's kubeconfig, then that node's kubelet, until Ctrl-C
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { createCertificateRequest } from '../../api/certificates.ts';
import type { CertificateSigningRequest, ConfigMap, KubeObject } from '../../api/types.ts';
import { kubeconfigFor, readKubeconfig } from '../../client/kubeconfig.ts';
import { presentCredentials, credentialsFor } from '../../client/tls.ts';
import { loadReference } from '../../components/implementation.ts';
import { nodeIp, podCidrForNode } from '../../network.ts';
import { repoRoot } from '../../paths.ts';
import { ProcessRuntime } from '../../runtime/process-runtime.ts';
type Flags = Record<string, string | boolean | undefined>;
import { KataError, UsageError } from '../output.ts';
import { kubeconfigPath } from './cluster-verbs.ts';
import { runComponent } from './programs.ts';

const text = (flags: Flags, name: string) =>
  typeof flags[name] === 'string' ? (flags[name] as string) : undefined;

/** One request with the admin's or the joiner's credentials; an error answer is one line. */
export async function send(
  url: string,
  method: string,
  body?: unknown,
  token?: string,
): Promise<KubeObject & { message?: string }> {
  const answer = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = (await answer.json()) as KubeObject & { message?: string };
  if (!answer.ok) throw new KataError(`${method} ${url}: ${answer.status} ${reply.message ?? ''}`);
  return reply;
}

/** Creates `object` at `url`, or leaves the one already there. */
async function ensure(url: string, object: KubeObject): Promise<void> {
  try {
    await send(url, 'POST', object);
  } catch (error) {
    if (!/ 409 /.test((error as Error).message)) throw error;
  }
}

const rbac = 'rbac.authorization.k8s.io';
const binding = (name: string, role: string, subject: { kind: string; name: string }) => ({
  apiVersion: `${rbac}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: role },
  subjects: [{ apiGroup: rbac, ...subject }],
});

/**
 * What `kubeadm init` sets up for joining: cluster-info (server and CA), readable by anyone, and
 * the bindings that let token holders ask for node certificates that the approver approves.
 */
async function prepareJoining(server: string, ca: string): Promise<void> {
  const { clusterInfoKubeconfig } = await loadReference('18b', 'cluster-info.ts');
  const api = `${server}/apis/${rbac}/v1`;
  const tokens = { kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' };
  await ensure(
    `${api}/clusterrolebindings`,
    binding('kubeadm-kubelet-bootstrap', 'system:node-bootstrapper', tokens),
  );
  await ensure(
    `${api}/clusterrolebindings`,
    binding(
      'kubeadm-node-autoapprove-bootstrap',
      'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      tokens,
    ),
  );
  await ensure(
    `${api}/clusterrolebindings`,
    binding(
      'kubeadm-node-autoapprove-certificate-rotation',
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      { kind: 'Group', name: 'system:nodes' },
    ),
  );
  // kubeadm names these kubeadm:<what>; this course's API server checks RBAC names as DNS
  // subdomains (kube allows any path segment), so a dash stands for the colon.
  const role = 'kubeadm-bootstrap-signer-clusterinfo';
  await ensure(`${api}/namespaces/kube-public/roles`, {
    apiVersion: `${rbac}/v1`,
    kind: 'Role',
    metadata: { name: role, namespace: 'kube-public' },
    rules: [
      {
        verbs: ['get'],
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['cluster-info'],
      },
    ],
  } as KubeObject);
  await ensure(`${api}/namespaces/kube-public/rolebindings`, {
    apiVersion: `${rbac}/v1`,
    kind: 'RoleBinding',
    metadata: { name: role, namespace: 'kube-public' },
    roleRef: { apiGroup: rbac, kind: 'Role', name: role },
    subjects: [{ apiGroup: rbac, kind: 'User', name: 'system:anonymous' }],
  } as KubeObject);
  await ensure(`${server}/api/v1/namespaces/kube-public/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cluster-info', namespace: 'kube-public' },
    data: { kubeconfig: clusterInfoKubeconfig(server, ca) },
  } as KubeObject);
}

/** `kata token create`: a bootstrap token, and the command that joins a node with it. */
export async function createToken(flags: Flags): Promise<number> {
  const file = text(flags, 'kubeconfig') ?? kubeconfigPath;
  const config = readKubeconfig(file);
  const ca = credentialsFor(config.server)?.ca;
  if (!ca)
    throw new KataError(
      `${file} has no cluster CA: joining needs a TLS cluster (kata up without --insecure)`,
    );
  const tokens = await loadReference('18b', 'bootstrap-tokens.ts');
  const { caCertHash } = await loadReference('18b', 'cluster-info.ts');
  const ttl = text(flags, 'ttl') ?? '24h';
  const hours = /^(\d+)h$/.exec(ttl);
  if (!hours) throw new UsageError(`--ttl: "${ttl}" is not a number of hours such as 24h`);
  await prepareJoining(config.server, ca);
  const token = tokens.generateToken(Math.random);
  const secret = tokens.tokenSecret(tokens.parseToken(token), {
    now: Date.now(),
    ttlSeconds: Number(hours[1]) * 3600,
    description: text(flags, 'description'),
  });
  await send(`${config.server}/api/v1/namespaces/kube-system/secrets`, 'POST', secret);
  const endpoint = new URL(config.server).host;
  console.log(
    `kata join ${endpoint} --token ${token} --discovery-token-ca-cert-hash ${caCertHash(ca)}`,
  );
  return 0;
}

/** GET cluster-info over TLS without checking the server yet: discovery checks the answer. */
function fetchClusterInfo(server: string): Promise<ConfigMap> {
  const url = `${server}/api/v1/namespaces/kube-public/configmaps/cluster-info`;
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) {
          reject(new KataError(`GET ${url}: ${response.statusCode} ${body.slice(0, 200)}`));
        } else resolve(JSON.parse(body) as ConfigMap);
      });
    });
    request.on('error', (error) => reject(new KataError(`GET ${url}: ${error.message}`)));
    request.end();
  });
}

/** The CSR until it is issued (or refused), looking every half second for up to two minutes. */
async function waitForCertificate(url: string, token: string): Promise<string> {
  const { issuedCertificate } = await loadReference('18b', 'join.ts');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const csr = (await send(url, 'GET', undefined, token)) as CertificateSigningRequest;
    const certificate = issuedCertificate(csr);
    if (certificate) return certificate;
    if (Date.now() > deadline) {
      throw new KataError(
        `${csr.metadata.name} was not approved and issued within two minutes; see kubectl get csr`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** `kata join`: bootstraps a kubelet's credentials as kubeadm does, then runs that kubelet. */
export async function join(endpoint: string, flags: Flags): Promise<number> {
  const token = text(flags, 'token');
  const pin = text(flags, 'discovery-token-ca-cert-hash');
  const nodeName = text(flags, 'node-name');
  const index = Number(text(flags, 'node-index') ?? 'NaN');
  if (!token || !pin || !nodeName || !Number.isInteger(index) || index < 0 || index > 255) {
    throw new UsageError(
      'kata join needs --token, --discovery-token-ca-cert-hash, --node-name and --node-index (0-255)',
    );
  }
  const { parseToken } = await loadReference('18b', 'bootstrap-tokens.ts');
  const { discover, nodeCsr } = await loadReference('18b', 'join.ts');
  const server = endpoint.includes('://') ? endpoint : `https://${endpoint}`;
  const cluster = discover(await fetchClusterInfo(server), parseToken(token), [pin]);
  console.log(
    `[discovery] cluster-info verified with the token; the CA is pinned; server ${cluster.server}`,
  );
  presentCredentials(cluster.server, { ca: cluster.ca });
  const { request, key } = await createCertificateRequest(`system:node:${nodeName}`, [
    'system:nodes',
  ]);
  const csr = nodeCsr(request);
  const base = `${cluster.server}/apis/certificates.k8s.io/v1/certificatesigningrequests`;
  await send(base, 'POST', csr, token);
  console.log(
    `[kubelet-start] posted CertificateSigningRequest ${csr.metadata.name}; waiting for it to be issued`,
  );
  const cert = await waitForCertificate(`${base}/${csr.metadata.name}`, token);
  const dataDir = path.resolve(
    text(flags, 'data-dir') ?? path.join(repoRoot, '.kata', `join-${nodeName}`),
  );
  mkdirSync(dataDir, { recursive: true });
  const kubeconfig = path.join(dataDir, 'kubelet.conf');
  writeFileSync(kubeconfig, kubeconfigFor(cluster.server, 'kata', { ca: cluster.ca, cert, key }), {
    mode: 0o600,
  });
  console.log(
    `[kubelet-start] certificate issued for system:node:${nodeName}; wrote ${kubeconfig}`,
  );
  const rootDir = path.join(dataDir, 'kubelet');
  const code = await runComponent('kubelet', [
    '--kubeconfig',
    kubeconfig,
    '--node-name',
    nodeName,
    '--node-ip',
    nodeIp(index),
    '--pod-cidr',
    podCidrForNode(index),
    '--root-dir',
    rootDir,
    '--port',
    text(flags, 'kubelet-port') ?? '10250',
    ...(text(flags, 'use') ? ['--use', text(flags, 'use')!] : []),
  ]);
  // Ctrl-C ends the node, not only its kubelet: its pods and its shim stop too, as kata up's do.
  const stateDir = path.join(rootDir, 'runtime');
  await new ProcessRuntime({ stateDir, podCidr: podCidrForNode(index) })
    .close({ stopAll: true })
    .catch((error: Error) =>
      console.error(`kata join: stopping node ${nodeName}'s pods: ${error.message}`),
    );
  return code;
}
