// Where a component finds the API server: `--master URL`, or a kubeconfig file as kubectl reads it
// (the current context's cluster's server and CA, and its user's token or client certificate).
// The cluster writes one per component, and the admin's as .kata/kubeconfig; a component started
// by hand can use the same file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { presentCredentials, type TlsCredentials } from './tls.ts';
import type { ClientConfig } from './types.ts';

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user?: string } }[];
  clusters?: { name: string; cluster: { server: string } & Record<string, string> }[];
  users?: { name: string; user?: { token?: string } & Record<string, string> }[];
}

/**
 * A PEM a kubeconfig holds as `<field>-data` (base64) or names as `<field>` (a file, relative to
 * the kubeconfig's folder), as kubectl reads it.
 */
function pemOf(file: string, entry: Record<string, string> | undefined, field: string) {
  const inline = entry?.[`${field}-data`];
  if (inline) return Buffer.from(inline, 'base64').toString('utf8');
  const named = entry?.[field];
  if (!named) return undefined;
  try {
    return readFileSync(path.resolve(path.dirname(file), named), 'utf8');
  } catch (error) {
    throw new Error(`the kubeconfig ${file}: ${field} ${named}: ${(error as Error).message}`);
  }
}

/**
 * Reads the current context of a kubeconfig file. Throws an Error with a one-line reason. When it
 * gives a CA (and a client certificate), this process's requests to that server use them from now
 * on (./tls.ts).
 */
export function readKubeconfig(file: string): ClientConfig {
  let config: Kubeconfig;
  try {
    config = parse(readFileSync(file, 'utf8')) as Kubeconfig;
  } catch (error) {
    throw new Error(`cannot read the kubeconfig ${file}: ${(error as Error).message}`);
  }
  const contextName = config?.['current-context'] ?? config?.contexts?.[0]?.name;
  const context = config?.contexts?.find((entry) => entry.name === contextName)?.context;
  const cluster = config?.clusters?.find((entry) => entry.name === context?.cluster)?.cluster;
  if (!cluster?.server) {
    throw new Error(`the kubeconfig ${file} names no server for its current context`);
  }
  const user = config.users?.find((entry) => entry.name === context?.user)?.user;
  const ca = pemOf(file, cluster, 'certificate-authority');
  if (ca) {
    const cert = pemOf(file, user, 'client-certificate');
    const key = pemOf(file, user, 'client-key');
    presentCredentials(cluster.server, { ca, ...(cert && key ? { cert, key } : {}) });
  }
  const token = user?.token;
  return token ? { server: cluster.server, token } : { server: cluster.server };
}

/**
 * A kubeconfig's text for a server, as `kata kubeconfig` writes it; with TLS credentials, the CA
 * and the client certificate inline, as kubeadm writes admin.conf.
 */
export function kubeconfigFor(server: string, name = 'kata', credentials?: TlsCredentials): string {
  const base64 = (pem: string) => Buffer.from(pem).toString('base64');
  const user =
    credentials?.cert && credentials.key
      ? [
          '  user:',
          `    client-certificate-data: ${base64(credentials.cert)}`,
          `    client-key-data: ${base64(credentials.key)}`,
        ]
      : ['  user: {}'];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    ...(credentials ? [`    certificate-authority-data: ${base64(credentials.ca)}`] : []),
    `    server: ${server}`,
    'users:',
    `- name: ${name}`,
    ...user,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    `current-context: ${name}`,
    '',
  ].join('\n');
}

/** The client configuration from `--kubeconfig` or `--master`; one of them is required. */
export function clientConfigFromFlags(flags: {
  kubeconfig?: string;
  master?: string;
}): ClientConfig {
  if (flags.master) return { server: flags.master };
  if (flags.kubeconfig) return readKubeconfig(flags.kubeconfig);
  throw new Error('say where the API server is: --kubeconfig FILE or --master URL');
}
