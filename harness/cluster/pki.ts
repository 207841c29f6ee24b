// The cluster's certificates and kubeconfigs, as `kubeadm init` lays them out (its phases `certs`
// and `kubeconfig`): one cluster CA, the API server's serving certificate with every name it is
// reached by, the key ServiceAccount tokens are signed with, and a kubeconfig per component whose
// client certificate says who it is: the Common Name is the user, each Organization a group.
//
//   admin               CN kubernetes-admin, O system:masters   .kata/kubeconfig, and kubectl's
//   controller-manager  CN system:kube-controller-manager
//   scheduler           CN system:kube-scheduler
//   kubelet of node-1   CN system:node:node-1, O system:nodes  (the Node authorizer's subject)
//   proxy               CN system:kube-proxy                   (bound to system:node-proxier)
//   dns                 CN system:kube-dns                     (bound to system:kube-dns)
//
// Port 10250 is TLS too, both ways, as kubeadm sets it up: each kubelet serves with a certificate
// of its own for its node's name and IP (kubelet.crt in its --cert-dir, <root dir>/pki), and the
// API server comes to it with apiserver-kubelet-client (CN kube-apiserver-kubelet-client, O
// system:masters, as kubeadm before 1.29 issued it); the kubelet takes client certificates the
// cluster CA signed and asks the API server whether each caller may (./arguments.ts's flags).
//
// (kubeadm gives kube-proxy and CoreDNS ServiceAccount tokens instead, as they run in pods; here
// they are processes, so they get certificates as the control plane does.) The CA and the signing
// key are made once per data directory and kept, as kubeadm keeps /etc/kubernetes/pki: a restart
// of the same cluster keeps trusting what it issued. The other certificates are issued anew at
// every start, for the names and nodes of that start.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateRequest,
  type KeyPair,
} from '../api/certificates.ts';
import { kubeconfigFor } from '../client/kubeconfig.ts';
import type { TlsCredentials } from '../client/tls.ts';

/** Where the cluster's certificates and keys are, as the API server's flags name them. */
export interface ClusterPki {
  caFile: string;
  apiserverCertFile: string;
  apiserverKeyFile: string;
  /** The ServiceAccount token signing key (ECDSA P-256, PEM). */
  serviceAccountKeyFile: string;
  /** The API server's client certificate for kubelets (--kubelet-client-certificate). */
  apiserverKubeletClientCertFile: string;
  apiserverKubeletClientKeyFile: string;
  /** The admin's credentials, for the process that started the cluster. */
  admin: TlsCredentials;
}

/** The folder of a data directory's certificates: kubeadm's /etc/kubernetes/pki. */
export function pkiDir(dataDir: string): string {
  return path.join(dataDir, 'pki');
}

/** The names the API server is reached by (kubeadm's apiserver SANs). */
export function apiserverHosts(kubernetesServiceIp: string, advertiseAddress: string): string[] {
  const names = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
  return [
    ...names,
    'kubernetes.default.svc.cluster.local',
    'localhost',
    os.hostname(),
    '127.0.0.1',
    kubernetesServiceIp,
    advertiseAddress,
  ].filter((host, index, all) => all.indexOf(host) === index);
}

/** A private file: keys are readable by their owner only. */
function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
}

/** The data directory's CA: the one made before, or a new one. */
async function certificateAuthority(dir: string): Promise<KeyPair> {
  const certFile = path.join(dir, 'ca.crt');
  const keyFile = path.join(dir, 'ca.key');
  if (existsSync(certFile) && existsSync(keyFile))
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  const ca = await createCertificateAuthority('kubernetes');
  writeFileSync(certFile, ca.cert);
  writePrivate(keyFile, ca.key);
  return ca;
}

/** The ServiceAccount signing key (kubeadm's sa.key and sa.pub), made once. */
function serviceAccountKey(dir: string): string {
  const keyFile = path.join(dir, 'sa.key');
  if (existsSync(keyFile)) return keyFile;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writePrivate(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  return keyFile;
}

/** Issues a certificate and writes it as <name>.crt and <name>.key in `dir`. */
async function issueTo(dir: string, name: string, ca: KeyPair, request: CertificateRequest) {
  const pair = await issueCertificate(ca, request);
  writeFileSync(path.join(dir, `${name}.crt`), pair.cert);
  writePrivate(path.join(dir, `${name}.key`), pair.key);
  return pair;
}

/**
 * Makes the CA (once), the API server's serving certificate for `hosts`, the signing key and the
 * admin's client certificate, in the data directory's pki folder.
 */
export async function createClusterPki(dataDir: string, hosts: string[]): Promise<ClusterPki> {
  const dir = pkiDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const ca = await certificateAuthority(dir);
  await issueTo(dir, 'apiserver', ca, { commonName: 'kube-apiserver', hosts, usage: 'server' });
  await issueTo(dir, 'apiserver-kubelet-client', ca, {
    commonName: 'kube-apiserver-kubelet-client',
    organizations: ['system:masters'],
    usage: 'client',
  });
  const admin = await issueTo(dir, 'admin', ca, {
    commonName: 'kubernetes-admin',
    organizations: ['system:masters'],
    usage: 'client',
  });
  return {
    caFile: path.join(dir, 'ca.crt'),
    apiserverCertFile: path.join(dir, 'apiserver.crt'),
    apiserverKeyFile: path.join(dir, 'apiserver.key'),
    serviceAccountKeyFile: serviceAccountKey(dir),
    apiserverKubeletClientCertFile: path.join(dir, 'apiserver-kubelet-client.crt'),
    apiserverKubeletClientKeyFile: path.join(dir, 'apiserver-kubelet-client.key'),
    admin: { ca: ca.cert, ...admin },
  };
}

/** Who a component is to the API server: its certificate's Common Name and Organizations. */
export interface ComponentIdentity {
  /** Its kubeconfig's file name, without .conf: "scheduler", "kubelet-node-1". */
  name: string;
  commonName: string;
  organizations?: string[];
}

/** The identity of each kind of component; a kubelet's names its node. */
export function componentIdentity(
  kind:
    | 'controller-manager'
    | 'scheduler'
    | 'proxy'
    | 'dns'
    | 'metrics-server'
    | 'ingress'
    | 'cloud-controller-manager'
    | 'kubelet',
  nodeName?: string,
): ComponentIdentity {
  switch (kind) {
    case 'controller-manager':
      return { name: kind, commonName: 'system:kube-controller-manager' };
    case 'scheduler':
      return { name: kind, commonName: 'system:kube-scheduler' };
    case 'proxy':
      return { name: kind, commonName: 'system:kube-proxy' };
    case 'dns':
      return { name: kind, commonName: 'system:kube-dns' };
    case 'metrics-server':
      return { name: kind, commonName: 'system:metrics-server' };
    case 'ingress':
      return { name: kind, commonName: 'system:ingress-controller' };
    case 'cloud-controller-manager':
      return { name: kind, commonName: 'system:cloud-controller-manager' };
    case 'kubelet':
      return {
        name: `kubelet-${nodeName}`,
        commonName: `system:node:${nodeName}`,
        organizations: ['system:nodes'],
      };
  }
}

/**
 * A component's kubeconfig: a client certificate for `identity`, signed by the data directory's
 * CA, inline in <dataDir>/kubeconfigs/<name>.conf (kubeadm's scheduler.conf, kubelet.conf...).
 * Returns the file's path.
 */
export async function componentKubeconfig(
  dataDir: string,
  server: string,
  identity: ComponentIdentity,
): Promise<string> {
  const ca = await certificateAuthority(pkiDir(dataDir));
  const pair = await issueCertificate(ca, {
    commonName: identity.commonName,
    organizations: identity.organizations,
    usage: 'client',
  });
  const dir = path.join(dataDir, 'kubeconfigs');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${identity.name}.conf`);
  writePrivate(file, kubeconfigFor(server, 'kata', { ca: ca.cert, ...pair }));
  return file;
}

/** A kubelet's certificate folder (its --cert-dir, kube's /var/lib/kubelet/pki). */
export function kubeletCertDir(rootDir: string): string {
  return path.join(rootDir, 'pki');
}

/**
 * A kubelet's serving certificate for port 10250, signed by the data directory's CA, for its
 * node's name and IP (CN <node>, as kube's serving certificates for kubelets name it): written as
 * kubelet.crt and kubelet.key in its --cert-dir, anew at every start.
 */
export async function kubeletServingCertificate(
  dataDir: string,
  rootDir: string,
  node: { name: string; ip: string },
): Promise<{ certFile: string; keyFile: string }> {
  const ca = await certificateAuthority(pkiDir(dataDir));
  const dir = kubeletCertDir(rootDir);
  mkdirSync(dir, { recursive: true });
  const hosts = [node.name, node.ip, 'localhost', '127.0.0.1'];
  await issueTo(dir, 'kubelet', ca, {
    commonName: node.name,
    hosts: hosts.filter((host, index) => hosts.indexOf(host) === index),
    usage: 'server',
  });
  return { certFile: path.join(dir, 'kubelet.crt'), keyFile: path.join(dir, 'kubelet.key') };
}
