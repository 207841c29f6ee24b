// Where a component finds the API server: `--master URL`, or a kubeconfig file as kubectl reads it
// (the current context's cluster's server, and its user's token). The cluster writes one with
// `kata kubeconfig`; a component started by hand can use the same file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ClientConfig } from './types.ts';

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user?: string } }[];
  clusters?: { name: string; cluster: { server: string } }[];
  users?: { name: string; user?: { token?: string } }[];
}

/** Reads the current context of a kubeconfig file. Throws an Error with a one-line reason. */
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
  const token = config.users?.find((entry) => entry.name === context?.user)?.user?.token;
  return token ? { server: cluster.server, token } : { server: cluster.server };
}

/** A kubeconfig's text for a server, as `kata kubeconfig` writes it. */
export function kubeconfigFor(server: string, name = 'kata'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    'users:',
    `- name: ${name}`,
    '  user: {}',
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
