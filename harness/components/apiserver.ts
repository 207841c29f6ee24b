// `npx kata run apiserver`: the API server as a program, with kube-apiserver's flag names.
//
//   npx kata run apiserver --etcd-servers http://127.0.0.1:2379 --secure-port 6443 --bind-address 127.0.0.1
//
// It connects to the store named by --etcd-servers (the kata store, or a real etcd: the wire
// format is etcd's) with chapter 02's client, waiting for it if it is not up yet (saying so, for
// up to --storage-initialization-timeout, as kube-apiserver keeps dialling etcd), builds chapter
// 03a's server with chapter 03b's selectors, patches, subresources and discovery (and
// harness/api/protobuf.ts for the protobuf bodies kubectl's `create` commands send), and serves
// the Kubernetes API. Without --tls-cert-file
// it serves plain HTTP, and says so (the early chapters' tests; on loopback nobody else can listen
// in); `kata up` gives it kubeadm's flags: TLS, client certificates, Node,RBAC and admission
// (harness/cluster/arguments.ts). --use picks the reference (solutions), the learner's
// own chapters 03a and 03b (mine), or by default each of the two chapters from the learner once its
// tests pass and from the reference until then (auto); the store client is always the reference.
// It can also run on its own, for tests that need a real process:
//   node --import tsx harness/components/apiserver.ts --etcd-servers http://127.0.0.1:2379 --secure-port 0
import { defaultIngressClassPlugin } from '../api/ingress-validation.ts';
import { FailoverStoreClient } from '../store/failover-client.ts';
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isIP } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiServer } from '../contracts/apiserver.ts';
import { protobufDecoder } from '../api/protobuf.ts';
import { createAggregator } from '../api/aggregation.ts';
import { plainKubeletDial, tlsKubeletDial, type KubeletDial } from '../api/kubelet-dial.ts';
import { networkPolicyEnforcement } from '../api/policy-enforcement.ts';
import { withServedVersions } from '../api/versions.ts';
import { accessResources, builtinResources } from '../api/resources.ts';
import type {
  ExternalAdmissionPlugin,
  SecurityOptions,
  ServiceAccountSecurity,
  UserInfo,
} from '../contracts/security.ts';
import type { JsonPatcher, WebhookPlugin } from '../contracts/webhooks.ts';
import { defaultServiceRangeFor } from '../network.ts';
import type { StoreClient } from '../store/client.ts';
import {
  chapterSource,
  describeSource,
  isUse,
  loadModule,
  loadReference,
  uses,
  type Use,
} from './implementation.ts';
import { parseComponentFlags, parseDuration, UsageError } from './flags.ts';
import { serveUntilSignal } from './process.ts';
import { GaveUpWaiting, waitForDependency } from './waiting.ts';
import { apiserverWrites, tracedAdmission, tracedStore } from '../trace/apiserver-spans.ts';
import { apiserverChecks } from './apiserver-endpoints.ts';

export interface ApiServerFlags {
  etcdServers: URL[];
  securePort: number;
  bindAddress: string;
  /** The address the `kubernetes` Service's Endpoints name; the bind address when unset. */
  advertiseAddress?: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  /** Recent changes the watch cache keeps of each resource; 0 turns the cache off. */
  defaultWatchCacheSize: number;
  /** How long to wait for the store to answer at start (--storage-initialization-timeout). */
  storageInitializationTimeoutMs: number;
  /** An EncryptionConfiguration file: the resources it names are encrypted in the store. */
  encryptionProviderConfig?: string;
  /** --authorization-mode: AlwaysAllow, or Node and RBAC in order (chapter 11b). */
  authorizationModes: string[];
  /** --token-auth-file: a static token file (token,user,uid,"groups"); none by default. */
  tokenAuthFile?: string;
  /** --enable-bootstrap-token-auth: bootstrap token Secrets in kube-system are users (chapter 18b). */
  enableBootstrapTokenAuth: boolean;
  /** --tls-cert-file and --tls-private-key-file: serve HTTPS with this certificate. */
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** --client-ca-file: trust client certificates this CA signed (user = CN, groups = O). */
  clientCaFile?: string;
  /**
   * --kubelet-client-certificate and --kubelet-client-key: reach kubelets over TLS as this client
   * (pods/log, exec, attach, port-forward); --kubelet-certificate-authority checks their serving
   * certificates. Without them, kubelets are reached over plain HTTP.
   */
  kubeletClientCertificate?: string;
  kubeletClientKey?: string;
  kubeletCertificateAuthority?: string;
  /** --service-account-signing-key-file: the PEM private key ServiceAccount tokens are signed with. */
  serviceAccountSigningKeyFile?: string;
  /** --service-account-issuer: the `iss` of ServiceAccount tokens. */
  serviceAccountIssuer: string;
  /**
   * --enable-admission-plugins beyond NamespaceLifecycle: ServiceAccount, LimitRanger,
   * ResourceQuota (chapter 11b), MutatingAdmissionWebhook and ValidatingAdmissionWebhook (11c).
   */
  admissionPlugins: string[];
  use: Use;
}

const USAGE = `usage: kata run apiserver [--etcd-servers URLS] [--secure-port PORT] [--bind-address IP] [--advertise-address IP]
                          [--service-cluster-ip-range CIDR] [--service-node-port-range RANGE]
                          [--default-watch-cache-size N] [--storage-initialization-timeout 5m]
                          [--encryption-provider-config FILE]
                          [--authorization-mode AlwaysAllow|Node,RBAC] [--token-auth-file FILE] [--enable-bootstrap-token-auth]
                          [--tls-cert-file FILE --tls-private-key-file FILE] [--client-ca-file FILE]
                          [--service-account-signing-key-file FILE] [--service-account-issuer URL]
                          [--kubelet-client-certificate FILE --kubelet-client-key FILE]
                          [--kubelet-certificate-authority FILE]
                          [--enable-admission-plugins ServiceAccount,LimitRanger,DefaultIngressClass,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota]
                          [--use solutions|mine|auto]`;

/** Reads kube-apiserver-style flags with the shared parser (`--flag value` or `--flag=value`). */
export function parseFlags(argv: string[]): ApiServerFlags {
  const values = parseComponentFlags(argv, {
    'etcd-servers': 'string',
    'secure-port': 'string',
    'bind-address': 'string',
    'advertise-address': 'string',
    'service-cluster-ip-range': 'string',
    'service-node-port-range': 'string',
    'default-watch-cache-size': 'string',
    'storage-initialization-timeout': 'string',
    'encryption-provider-config': 'string',
    'authorization-mode': 'string',
    'token-auth-file': 'string',
    'enable-bootstrap-token-auth': 'boolean',
    'enable-admission-plugins': 'string',
    'tls-cert-file': 'string',
    'tls-private-key-file': 'string',
    'client-ca-file': 'string',
    'service-account-signing-key-file': 'string',
    'service-account-issuer': 'string',
    'kubelet-client-certificate': 'string',
    'kubelet-client-key': 'string',
    'kubelet-certificate-authority': 'string',
    use: 'string',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  const etcdServers = (text('etcd-servers') ?? 'http://127.0.0.1:2379').split(',').map((entry) => {
    try {
      const url = new URL(entry.trim());
      if (url.protocol !== 'http:') throw new Error('only http:// is supported');
      return url;
    } catch (error) {
      throw new UsageError(
        `--etcd-servers: "${entry}" is not a usable URL (${(error as Error).message})`,
      );
    }
  });
  const portText = text('secure-port') ?? '6443';
  const securePort = Number(portText);
  if (!/^\d+$/.test(portText) || securePort > 65535) {
    throw new UsageError(`--secure-port must be a port number (0-65535), not "${portText}"`);
  }
  const cacheText = text('default-watch-cache-size') ?? '1000';
  if (!/^\d+$/.test(cacheText)) {
    throw new UsageError(
      `--default-watch-cache-size must be a whole number of changes (0 turns the cache off), not "${cacheText}"`,
    );
  }
  const advertiseAddress = text('advertise-address');
  if (advertiseAddress !== undefined && !isIP(advertiseAddress)) {
    throw new UsageError(`--advertise-address must be an IP address, not "${advertiseAddress}"`);
  }
  const list = (name: string, fallback: string) =>
    (text(name) ?? fallback)
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  const authorizationModes = list('authorization-mode', 'AlwaysAllow');
  for (const mode of authorizationModes) {
    if (!['AlwaysAllow', 'Node', 'RBAC'].includes(mode)) {
      throw new UsageError(
        `--authorization-mode: unknown mode "${mode}" (known: AlwaysAllow, Node, RBAC)`,
      );
    }
  }
  if ((text('tls-cert-file') === undefined) !== (text('tls-private-key-file') === undefined)) {
    throw new UsageError('--tls-cert-file and --tls-private-key-file go together');
  }
  const kubeletCert = text('kubelet-client-certificate');
  if ((kubeletCert === undefined) !== (text('kubelet-client-key') === undefined)) {
    throw new UsageError('--kubelet-client-certificate and --kubelet-client-key go together');
  }
  if (authorizationModes.includes('AlwaysAllow') && authorizationModes.length > 1) {
    throw new UsageError(
      '--authorization-mode: AlwaysAllow allows everything; it cannot be combined with Node or RBAC',
    );
  }
  const use = text('use') ?? 'auto';
  if (!isUse(use)) throw new UsageError(`--use must be one of ${uses.join(', ')}, not "${use}"`);
  return {
    etcdServers,
    securePort,
    bindAddress: text('bind-address') ?? '127.0.0.1',
    advertiseAddress,
    serviceClusterIpRange:
      text('service-cluster-ip-range') ?? defaultServiceRangeFor(process.platform),
    serviceNodePortRange: text('service-node-port-range') ?? '30000-32767',
    defaultWatchCacheSize: Number(cacheText),
    storageInitializationTimeoutMs: parseDuration(
      text('storage-initialization-timeout') ?? '5m',
      'storage-initialization-timeout',
    ),
    encryptionProviderConfig: text('encryption-provider-config'),
    authorizationModes,
    tokenAuthFile: text('token-auth-file'),
    enableBootstrapTokenAuth: values.get('enable-bootstrap-token-auth') === true,
    tlsCertFile: text('tls-cert-file'),
    tlsPrivateKeyFile: text('tls-private-key-file'),
    clientCaFile: text('client-ca-file'),
    serviceAccountSigningKeyFile: text('service-account-signing-key-file'),
    kubeletClientCertificate: kubeletCert,
    kubeletClientKey: text('kubelet-client-key'),
    kubeletCertificateAuthority: text('kubelet-certificate-authority'),
    serviceAccountIssuer:
      text('service-account-issuer') ?? 'https://kubernetes.default.svc.cluster.local',
    admissionPlugins: list('enable-admission-plugins', '').filter(
      (name) => name !== 'NamespaceLifecycle',
    ),
    use,
  };
}

/** Where chapters 03a and 03b come from. */
export interface ImplementationDirs {
  /** The folder holding server.ts (a 03a-apiserver folder). */
  serverDir: string;
  /** The folder holding selectors.ts, patch.ts, subresources.ts, discovery.ts (03b). */
  machineryDir: string;
}

export function implementationDirs(use: Use): ImplementationDirs {
  return { serverDir: chapterSource('03a', use), machineryDir: chapterSource('03b', use) };
}

/** Chapters 03a and 03b from their folders, and chapter 02's client from the reference. */
async function loadImplementation({ serverDir, machineryDir }: ImplementationDirs) {
  const client = await loadReference('02', 'client.ts');
  const server = await loadModule('03a', 'server.ts', serverDir);
  const selectors = await loadModule('03b', 'selectors.ts', machineryDir);
  const patch = await loadModule('03b', 'patch.ts', machineryDir);
  const subresources = await loadModule('03b', 'subresources.ts', machineryDir);
  const discovery = await loadModule('03b', 'discovery.ts', machineryDir);
  return {
    createStoreClient: client.createStoreClient,
    createApiServer: server.createApiServer,
    selectors: selectors.createSelectors(),
    patcher: patch.createPatcher(),
    subresources: subresources.createSubresources(),
    discovery: discovery.createDiscovery(),
  };
}

export interface RunningApiServer {
  url: string;
  close(): Promise<void>;
}

/** Chapter 11b's part of the server, and the token its own requests use. */
interface LoadedSecurity {
  security: SecurityOptions;
  /**
   * A token only this process knows, for the server's requests to itself (the `kubernetes`
   * Service's Endpoints): system:masters, as kube-apiserver's loopback client is.
   */
  loopbackToken: string;
}

/**
 * Chapter 11a for --service-account-signing-key-file: ServiceAccount tokens, TokenRequest and the
 * `default` account. Undefined without the flag.
 */
async function loadServiceAccounts(
  flags: ApiServerFlags,
  log: (line: string) => void,
): Promise<ServiceAccountSecurity | undefined> {
  if (!flags.serviceAccountSigningKeyFile) return undefined;
  const folder = chapterSource('11a', flags.use);
  const { createServiceAccountSecurity } = await loadModule('11a', 'service-accounts.ts', folder);
  log(`chapter 11a, ServiceAccounts: ${describeSource(folder)}`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(flags.serviceAccountSigningKeyFile, 'utf8'));
  } catch (error) {
    throw new Error(
      `--service-account-signing-key-file ${flags.serviceAccountSigningKeyFile}: ${(error as Error).message}`,
    );
  }
  const now = () => Math.floor(Date.now() / 1000);
  return createServiceAccountSecurity({ privateKey, issuer: flags.serviceAccountIssuer, now });
}

/** kube-apiserver's names for chapter 11c's plugins. */
const WEBHOOK_PLUGINS = ['MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook'];

/** Plugins the harness gives, by kube-apiserver's names: 15b's DefaultIngressClass. */
const HARNESS_PLUGINS: Record<string, ExternalAdmissionPlugin> = {
  DefaultIngressClass: defaultIngressClassPlugin,
};

/**
 * Chapter 11c for --enable-admission-plugins ...,MutatingAdmissionWebhook,
 * ValidatingAdmissionWebhook: each plugin the flag names (mutating first; its patches applied
 * with the server's own JSON Patch), and their caches, started with the server.
 */
async function loadWebhooks(
  flags: ApiServerFlags,
  jsonPatch: JsonPatcher,
  log: (line: string) => void,
): Promise<WebhookPlugin[]> {
  const enabled = WEBHOOK_PLUGINS.filter((name) => flags.admissionPlugins.includes(name));
  if (enabled.length === 0) return [];
  const folder = chapterSource('11c', flags.use);
  const webhooks = await loadModule('11c', 'webhooks.ts', folder);
  log(`chapter 11c, admission webhooks (${enabled.join(', ')}): ${describeSource(folder)}`);
  return enabled.map((name) =>
    name === 'MutatingAdmissionWebhook'
      ? webhooks.createMutatingWebhooks(jsonPatch)
      : webhooks.createValidatingWebhooks(),
  );
}

/**
 * The admission plugins in kube-apiserver's order: chapter 11b's mutating ones (ServiceAccount,
 * LimitRanger), then the webhooks (mutating, then validating: they see the object as it will be
 * stored), and ResourceQuota last, so a write a webhook refuses or changes is counted as stored.
 */
function withWebhooks(
  plugins: ExternalAdmissionPlugin[],
  webhooks: WebhookPlugin[],
): ExternalAdmissionPlugin[] {
  const quota = plugins.filter((plugin) => plugin.name === 'ResourceQuota');
  const others = plugins.filter((plugin) => plugin.name !== 'ResourceQuota');
  return [...others, ...webhooks.map((webhook) => webhook.admission), ...quota];
}

/**
 * Chapter 11d's root CA publisher for --client-ca-file (the cluster CA): every namespace's
 * kube-root-ca.crt, the ca.crt a pod's ServiceAccount files hold. Undefined without the flag.
 */
async function loadRootCaPublisher(flags: ApiServerFlags, log: (line: string) => void) {
  if (!flags.clientCaFile) return undefined;
  const folder = chapterSource('11d', flags.use);
  const { createRootCaPublisher } = await loadModule('11d', 'pod-token.ts', folder);
  log(`chapter 11d, kube-root-ca.crt in every namespace: ${describeSource(folder)}`);
  return createRootCaPublisher(readFileSync(flags.clientCaFile, 'utf8'));
}

/**
 * Chapter 18b's parts of the server: the CSR admission plugin, always (a CSR's requestor is who
 * created it), and with --enable-bootstrap-token-auth the bootstrap token authenticator.
 */
async function loadJoin(flags: ApiServerFlags, log: (line: string) => void) {
  const folder = chapterSource('18b', flags.use);
  const csr = await loadModule('18b', 'csr.ts', folder);
  const tokens = flags.enableBootstrapTokenAuth
    ? await loadModule('18b', 'bootstrap-tokens.ts', folder)
    : undefined;
  const what = tokens
    ? 'CertificateSigningRequests and bootstrap tokens'
    : 'CertificateSigningRequests';
  log(`chapter 18b, ${what}: ${describeSource(folder)}`);
  return {
    csrAdmission: csr.csrAdmission(),
    bootstrapTokens: tokens?.bootstrapTokenAuthenticator(),
  };
}

/**
 * Chapter 11b for these flags: the token file's users, the authorizers of --authorization-mode
 * and the admission plugins of --enable-admission-plugins. Undefined when the flags ask for none
 * of them: every request is then allowed, as in the early chapters.
 */
async function loadSecurity(
  flags: ApiServerFlags,
  jsonPatch: JsonPatcher,
  log: (line: string) => void,
): Promise<LoadedSecurity | undefined> {
  const modes = flags.authorizationModes.filter((mode) => mode !== 'AlwaysAllow');
  const authenticating =
    flags.tokenAuthFile ||
    flags.clientCaFile ||
    flags.tlsCertFile ||
    flags.serviceAccountSigningKeyFile;
  if (modes.length === 0 && !authenticating && flags.admissionPlugins.length === 0) {
    return undefined;
  }
  const folder = chapterSource('11b', flags.use);
  const tokens = await loadModule('11b', 'tokens.ts', folder);
  const authorization = await loadModule('11b', 'authorization.ts', folder);
  log(`chapter 11b, authorization and admission: ${describeSource(folder)}`);
  let users = new Map<string, UserInfo>();
  if (flags.tokenAuthFile) {
    try {
      users = tokens.parseTokenFile(readFileSync(flags.tokenAuthFile, 'utf8'));
    } catch (error) {
      throw new Error(`--token-auth-file ${flags.tokenAuthFile}: ${(error as Error).message}`);
    }
  }
  const loopbackToken = randomBytes(24).toString('hex');
  users.set(loopbackToken, {
    username: 'system:apiserver',
    groups: ['system:masters', 'system:authenticated'],
  });
  const created = authorization.createAuthorization({
    modes,
    admissionPlugins: flags.admissionPlugins.filter(
      (name) => !WEBHOOK_PLUGINS.includes(name) && !HARNESS_PLUGINS[name],
    ),
  });
  const webhooks = await loadWebhooks(flags, jsonPatch, log);
  const given = flags.admissionPlugins.flatMap((name) => HARNESS_PLUGINS[name] ?? []);
  created.admission = withWebhooks([...(created.admission ?? []), ...given], webhooks);
  created.controllers = [
    ...(created.controllers ?? []),
    ...webhooks.map((webhook) => webhook.controller),
  ];
  const accounts = await loadServiceAccounts(flags, log);
  const join = await loadJoin(flags, log);
  const authenticator = tokens.unionAuthenticator([
    tokens.certificateAuthenticator(),
    tokens.tokenFileAuthenticator(users),
    ...(accounts ? [accounts.authenticator] : []),
    ...(join.bootstrapTokens ? [join.bootstrapTokens] : []),
  ]);
  // CertificateSigningRequests (chapter 18b): the requestor set from who created one.
  created.admission = [...(created.admission ?? []), join.csrAdmission];
  created.reviews = [...(created.reviews ?? []), ...(accounts?.reviews ?? [])];
  const publisher = await loadRootCaPublisher(flags, log);
  if (publisher) created.controllers = [...(created.controllers ?? []), publisher];
  created.controllers = [...(created.controllers ?? []), ...(accounts?.controllers ?? [])];
  const tls = flags.tlsCertFile
    ? {
        cert: readFileSync(flags.tlsCertFile, 'utf8'),
        key: readFileSync(flags.tlsPrivateKeyFile!, 'utf8'),
        clientCa: flags.clientCaFile ? readFileSync(flags.clientCaFile, 'utf8') : undefined,
      }
    : undefined;
  created.admission = (created.admission ?? []).map(tracedAdmission);
  if (modes.length > 0) return { security: { ...created, authenticator, tls }, loopbackToken };
  // AlwaysAllow: who asks is known, and admission runs, but nothing is refused for who it is.
  const admission = (created.admission ?? []).filter((plugin) => plugin.name !== 'RBACEscalation');
  return {
    security: {
      authenticator,
      admission,
      controllers: created.controllers,
      reviews: created.reviews,
    },
    loopbackToken,
  };
}

/** Why a listen failed, in one line that names the flag to change. */
function listenProblem(address: string, port: number, error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') {
    return `cannot listen on ${address}:${port}: the port is already in use; choose another with --secure-port`;
  }
  if (error.code === 'EACCES') {
    return `cannot listen on ${address}:${port}: ports below 1024 need privileges; choose a higher one with --secure-port`;
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return `cannot listen on ${address}: no such local address; check --bind-address`;
  }
  return `cannot listen on ${address}:${port} (${error.code ?? error.message}); check --bind-address and --secure-port`;
}

/**
 * Waits until the store answers a read, as kube-apiserver keeps dialling etcd until it answers:
 * the store may start after the API server. Closes the client when it gives up.
 */
async function waitForStore(
  store: StoreClient,
  endpoint: string,
  flags: ApiServerFlags,
  log: (line: string) => void,
): Promise<void> {
  try {
    await waitForDependency(() => store.range({ key: new TextEncoder().encode('health') }), {
      what: 'the store',
      address: endpoint,
      hint: 'start it with `npx kata run store`, or point --etcd-servers at a running etcd',
      timeoutMs: flags.storageInitializationTimeoutMs,
      timeoutFlag: '--storage-initialization-timeout',
      log,
    });
  } catch (error) {
    await store.close();
    if (error instanceof GaveUpWaiting) throw error;
    throw new Error(
      `the store at ${endpoint} answered a read with an error: ${(error as Error).message}`,
    );
  }
}

/**
 * The store client with --encryption-provider-config applied (chapter 10a's encryption.ts): what
 * the file names is sealed on its way to the store. Without the flag, the client as it is.
 */
async function encryptedAtRest(
  store: StoreClient,
  flags: ApiServerFlags,
  log: (line: string) => void,
): Promise<StoreClient> {
  const file = flags.encryptionProviderConfig;
  if (!file) return store;
  const folder = chapterSource('10a', flags.use);
  const { storeWithEncryption } = await loadModule('10a', 'encryption.ts', folder);
  let configText: string;
  try {
    configText = readFileSync(file, 'utf8');
  } catch (error) {
    await store.close();
    throw new Error(
      `--encryption-provider-config: cannot read ${file} (${(error as Error).message})`,
    );
  }
  try {
    const encrypting = storeWithEncryption(store, configText);
    log(`chapter 10a, encryption at rest: ${describeSource(folder)}, as ${file} says`);
    return encrypting;
  } catch (error) {
    await store.close();
    throw new Error(`--encryption-provider-config ${file}: ${(error as Error).message}`);
  }
}

/**
 * The store client, with the API server's `etcd` health check (/healthz?verbose) passing while
 * the store's last answer was one: a refused or failed connection makes it fail until the next.
 */
function checkedStore(store: StoreClient): StoreClient {
  let answering = true;
  if (!apiserverChecks.some((check) => check.name === 'etcd')) {
    apiserverChecks.push({ name: 'etcd', passes: () => answering });
  }
  const checked = Object.create(store) as StoreClient;
  const follow = <T>(call: Promise<T>): Promise<T> =>
    call.then(
      (answer) => {
        answering = true;
        return answer;
      },
      (error: Error) => {
        if (/fetch failed|ECONNREFUSED|ECONNRESET|socket/i.test(error.message)) answering = false;
        throw error;
      },
    );
  checked.range = (request) => follow(store.range(request));
  checked.txn = (request) => follow(store.txn(request));
  return checked;
}

/** Connects to the store and starts serving. Throws an Error with a one-line message. */
export async function startApiServer(
  flags: ApiServerFlags,
  log: (line: string) => void,
  dirs: ImplementationDirs = implementationDirs(flags.use),
): Promise<RunningApiServer> {
  const implementation = await loadImplementation(dirs);
  log(`chapter 03a, the server: ${describeSource(dirs.serverDir)}`);
  log(`chapter 03b, the machinery: ${describeSource(dirs.machineryDir)}`);
  const endpoint = flags.etcdServers[0]!.origin;
  const endpoints = flags.etcdServers.map((url) => url.origin);
  // With several members (a replicated store), one client each, and a move to the next when one
  // stops answering; a watch gives its member 3 s to come back before moving.
  const storeClient =
    endpoints.length > 1
      ? new FailoverStoreClient(
          endpoints.map((member) =>
            (implementation.createStoreClient as (options: unknown) => StoreClient)({
              endpoint: member,
              reconnectTimeoutMs: 3000,
            }),
          ),
        )
      : implementation.createStoreClient(endpoint);
  if (endpoints.length > 1) {
    log(
      `--etcd-servers names ${endpoints.length} members: ${endpoint} first, the next when one fails`,
    );
  }
  // While tracing is on, each write is a span linked to the write it follows from; health's etcd
  // check follows whether the store answers.
  const store = checkedStore(
    tracedStore(await encryptedAtRest(storeClient, flags, log), apiserverWrites),
  );
  await waitForStore(store, endpoint, flags, log);
  let server: ApiServer;
  let loaded: LoadedSecurity | undefined;
  try {
    const { patcher } = implementation;
    const jsonPatch: JsonPatcher = (object, operations, resource) =>
      patcher.apply('application/json-patch+json', object, operations, resource);
    loaded = await loadSecurity(flags, jsonPatch, log);
    const allocatorFolder = chapterSource('09', flags.use);
    const { ServiceAllocator } = await loadModule('09', 'allocator.ts', allocatorFolder);
    log(`chapter 09, service allocation: ${describeSource(allocatorFolder)}`);
    const autoscalingFolder = chapterSource('14', flags.use);
    const versions = await loadModule('14', 'versions.ts', autoscalingFolder);
    const conversions = [versions.autoscalingV1Conversion()];
    log(`chapter 14, autoscaling/v1 beside v2: ${describeSource(autoscalingFolder)}`);
    const streamsFolder = chapterSource('10b', flags.use);
    log(`chapter 10b, exec and port-forward: ${describeSource(streamsFolder)}`);
    const kubeletDial = kubeletDialFor(flags, log);
    const extensionsFolder = chapterSource('17', flags.use);
    log(`chapter 17, CustomResourceDefinitions: ${describeSource(extensionsFolder)}`);
    server = await implementation.createApiServer({
      store,
      serviceAllocator: new ServiceAllocator({
        serviceCidr: flags.serviceClusterIpRange,
        nodePortRange: flags.serviceNodePortRange,
      }),
      selectors: implementation.selectors,
      patcher: implementation.patcher,
      // certificatesigningrequests/approval (chapter 18b) beside 03b's status, scale and binding.
      subresources: [
        ...implementation.subresources,
        (await loadModule('18b', 'csr.ts', chapterSource('18b', flags.use))).approvalSubresource,
      ],
      // Served versions (chapter 14): resources at a version besides their stored one.
      discovery: withServedVersions(implementation.discovery, conversions),
      conversions,
      // kubectl's `create` generators send protobuf; harness/api/protobuf.ts reads it.
      bodyDecoders: [protobufDecoder],
      watchCacheSize: flags.defaultWatchCacheSize,
      connecters: (await loadModule('10b', 'connect.ts', streamsFolder)).podConnecters(kubeletDial),
      kubeletDial,
      // metrics.k8s.io and any other group an APIService hands to its own server (chapter 14).
      aggregator: createAggregator(),
      // `kubectl get netpol` says where policies are stored but not enforced (chapter 09b).
      readWarnings: [networkPolicyEnforcement],
      // Kinds defined at run time by CustomResourceDefinitions (chapter 17).
      apiExtensions: await loadModule('17', 'serving.ts', extensionsFolder),
      ...(loaded
        ? { security: loaded.security, resources: [...builtinResources, ...accessResources] }
        : {}),
    });
  } catch (error) {
    await store.close();
    // Only a failed connection is the store's fault; anything else is the server's own start.
    const code = ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string }))
      .code;
    if (code === 'ECONNREFUSED' || /fetch failed|ECONNREFUSED/.test((error as Error).message))
      throw new Error(
        `cannot reach the store at ${endpoint} (${(error as Error).message}); start it with ` +
          '`npx kata run store`, or point --etcd-servers at a running etcd',
      );
    throw new Error(`could not start: ${(error as Error).message}`);
  }
  let url: string;
  try {
    url = await server.listen(flags.securePort, flags.bindAddress);
  } catch (error) {
    await server.close();
    await store.close();
    throw new Error(
      listenProblem(flags.bindAddress, flags.securePort, error as NodeJS.ErrnoException),
    );
  }
  // The address pods are given: the bound one, or loopback when the server binds every address.
  const advertised =
    flags.advertiseAddress ??
    (isIP(flags.bindAddress) && !/^(0\.0\.0\.0|::)$/.test(flags.bindAddress)
      ? flags.bindAddress
      : '127.0.0.1');
  const port = Number(new URL(url).port);
  try {
    const tls = loaded?.security.tls;
    const loopback = tls
      ? fetchTrusting(flags.clientCaFile ? readFileSync(flags.clientCaFile, 'utf8') : tls.cert)
      : fetch;
    await advertise(url, advertised, port, loaded?.loopbackToken, loopback);
    log(
      `the kubernetes Service leads here: its Endpoints and EndpointSlice name ${advertised}:${port}`,
    );
  } catch (error) {
    log(`could not point the kubernetes Service here: ${(error as Error).message}`);
  }
  log(`storing objects in ${endpoint} under /registry`);
  log(
    `serving the Kubernetes API on ${url}` +
      (url.startsWith('https') ? '' : ' over plain HTTP, not TLS (keep it on loopback)') +
      (loaded
        ? `; authorization: ${flags.authorizationModes.join(',')}` +
          (flags.tokenAuthFile ? `, tokens from ${flags.tokenAuthFile}` : '')
        : '; every request is allowed'),
  );
  log(`try: kubectl --server ${url} get namespaces`);
  log(
    `Services get ClusterIPs from ${flags.serviceClusterIpRange} and node ports from ` +
      `${flags.serviceNodePortRange}`,
  );
  return {
    url,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

/**
 * Points the `kubernetes` Service at this server, as kube-apiserver's endpoint reconciler does at
 * start. The Service has no selector, so its Endpoints and its EndpointSlice (named `kubernetes`,
 * labelled with the Service's name) are the API server's to write (the endpoints and EndpointSlice
 * controllers leave them alone); with them, pods reach the API at
 * KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, where in-cluster clients look for it, and
 * `kubectl describe svc kubernetes` lists this address.
 */
export async function advertise(
  url: string,
  ip: string,
  port: number,
  loopbackToken?: string,
  fetch: typeof globalThis.fetch = globalThis.fetch,
): Promise<void> {
  const writer: Writer = { fetch, loopbackToken };
  const ports = [{ name: 'https', port, protocol: 'TCP' }];
  await writeUnlessSame(writer, `${url}/api/v1/namespaces/default/endpoints`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default' },
    subsets: [{ addresses: [{ ip }], ports }],
  });
  await writeUnlessSame(
    writer,
    `${url}/apis/discovery.k8s.io/v1/namespaces/default/endpointslices`,
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      ports,
    },
  );
}

/** How the server writes to itself: its fetch (trusting its own CA over HTTPS) and its token. */
interface Writer {
  fetch: typeof globalThis.fetch;
  loopbackToken?: string;
}

/**
 * Creates `object` in `collection`, or, when one of its name exists, replaces its fields other than
 * metadata (its resourceVersion guards the write) unless they are already the same.
 */
async function writeUnlessSame(
  { fetch, loopbackToken }: Writer,
  collection: string,
  object: { metadata: { name: string } & Record<string, unknown> } & Record<string, unknown>,
): Promise<void> {
  const authorization: Record<string, string> = loopbackToken
    ? { authorization: `Bearer ${loopbackToken}` }
    : {};
  /** A failed answer as an Error carrying the Status's message. */
  const check = async (response: Response, method: string) => {
    if (response.ok) return response;
    const status = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(status.message ?? `${method} answered ${response.status}`);
  };
  const send = async (method: string, target: string, body: object) =>
    check(
      await fetch(target, {
        method,
        headers: { 'content-type': 'application/json', ...authorization },
        body: JSON.stringify(body),
      }),
      method,
    );
  const target = `${collection}/${object.metadata.name}`;
  const current = await fetch(target, { headers: authorization });
  if (current.status === 404) {
    await send('POST', collection, object);
    return;
  }
  const stored = (await (await check(current, 'GET')).json()) as Record<string, unknown>;
  const { metadata: _metadata, ...fields } = object;
  if (
    Object.entries(fields).every(
      ([key, value]) => JSON.stringify(stored[key]) === JSON.stringify(value),
    )
  )
    return;
  // The resourceVersion read above guards the write: a conflict means someone else wrote it.
  await send('PUT', target, { ...stored, ...fields });
}

/**
 * fetch for the server's requests to itself over HTTPS: trusts the CA that signed its serving
 * certificate (the global fetch trusts only the system's CAs).
 */
export function fetchTrusting(ca: string): typeof globalThis.fetch {
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      const request = https.request(
        String(input),
        { method: init.method ?? 'GET', headers: init.headers as Record<string, string>, ca },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve(new Response(Buffer.concat(chunks), { status: response.statusCode })),
          );
        },
      );
      request.on('error', reject);
      request.end(init.body as string | undefined);
    });
}

/** The program: starts the API server, runs until SIGINT or SIGTERM. Returns the exit code. */
/**
 * How the server reaches kubelets: TLS as --kubelet-client-certificate, checking their serving
 * certificates with --kubelet-certificate-authority when given; plain TCP without the flags.
 */
function kubeletDialFor(flags: ApiServerFlags, log: (line: string) => void): KubeletDial {
  if (!flags.kubeletClientCertificate || !flags.kubeletClientKey) return plainKubeletDial;
  const read = (file: string) => readFileSync(file, 'utf8');
  const authority = flags.kubeletCertificateAuthority;
  log(
    `kubelets are reached over TLS as ${flags.kubeletClientCertificate}` +
      (authority
        ? `, their certificates checked with ${authority}`
        : ', their certificates unchecked'),
  );
  return tlsKubeletDial({
    cert: read(flags.kubeletClientCertificate),
    key: read(flags.kubeletClientKey),
    ...(authority ? { ca: read(authority) } : {}),
  });
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata apiserver: ${line}`);
  let flags: ApiServerFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata apiserver: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let running: RunningApiServer;
  try {
    running = await startApiServer(flags, log);
  } catch (error) {
    console.error(`kata apiserver: ${(error as Error).message}`);
    return 1;
  }
  return serveUntilSignal('apiserver', running, log);
}

// Run directly (node --import tsx harness/components/apiserver.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
