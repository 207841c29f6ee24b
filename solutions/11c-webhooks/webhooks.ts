// The ValidatingAdmissionWebhook admission plugin: the API server asks programs of the cluster's
// owners whether a write may pass. Each ValidatingWebhookConfiguration lists webhooks; a webhook
// says which writes it wants (rules, namespaceSelector), where it listens (a URL, or a Service,
// always HTTPS with the CA in caBundle), how long it may take (timeoutSeconds) and what happens
// when it cannot answer (failurePolicy). The server POSTs an AdmissionReview v1 to each webhook
// that wants the write, all at once, and the first refusal wins:
//
//   write ──▶ mutating plugins ──▶ ValidatingAdmissionWebhook ──┬─▶ POST https://webhook-a  allowed
//                                                               └─▶ POST https://webhook-b  denied ──▶ 403
//
// MutatingAdmissionWebhook, its sibling, runs first, with the other mutating plugins: its webhooks
// are called one after another, and each may answer with a JSON Patch the server applies to the
// object before the next one sees it.
//
// kube-apiserver's version lives in staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook.
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { ApiError } from '../../harness/api/errors.ts';
import type { KubeObject, LabelSelector } from '../../harness/api/types.ts';
import type {
  AdmissionRequest,
  AdmissionStore,
  ExternalAdmissionPlugin,
  ObjectFeed,
} from '../../harness/contracts/security.ts';

// ---------------------------------------------------------------------------------------------
// Which writes a webhook wants
// ---------------------------------------------------------------------------------------------

/** One rule of a webhook (admissionregistration/v1 RuleWithOperations); "*" matches anything. */
export interface WebhookRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  /** "pods", "pods/status", "pods/*" (pods and every subresource), "*" (every resource), "*\/*". */
  resources?: string[];
  scope?: '*' | 'Cluster' | 'Namespaced';
}

/** One webhook of a ValidatingWebhookConfiguration (webhooks[]). */
export interface ValidatingWebhook {
  name: string;
  clientConfig: {
    url?: string;
    service?: { namespace: string; name: string; path?: string; port?: number };
    /** The PEM CA that signed the webhook's serving certificate, base64. */
    caBundle?: string;
  };
  rules?: WebhookRule[];
  /** Fail (the default): a webhook that cannot answer refuses the write. Ignore: it passes. */
  failurePolicy?: 'Fail' | 'Ignore';
  /** How long the server waits, 1 to 30 seconds; 10 by default. */
  timeoutSeconds?: number;
  /** Which namespaces' objects it sees, by the namespace's labels; every namespace if unset. */
  namespaceSelector?: LabelSelector;
  sideEffects?: string;
  admissionReviewVersions?: string[];
}

/** Whether `labels` satisfy a label selector: every matchLabels pair and every expression. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = key in labels;
    if (operator === 'In' && !(has && values.includes(labels[key]!))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key]!)) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Whether a list of a rule holds `value`, or "*". */
function listMatches(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((each) => each === '*' || each === value);
}

/**
 * Whether a rule's resources name this resource and subresource: "pods" is the object only,
 * "pods/status" one subresource, and a "*" on either side of the slash matches anything there
 * (so "pods/*" is pods and every subresource of it, as kube's matcher reads it).
 */
function resourceListMatches(list: string[] | undefined, resource: string, sub = ''): boolean {
  return (list ?? []).some((each) => {
    const [name, subresource = ''] = each.split('/');
    return (name === '*' || name === resource) && (subresource === '*' || subresource === sub);
  });
}

/** Whether one rule matches a write: its operation, group, version, resource and scope. */
export function ruleMatches(rule: WebhookRule, request: AdmissionRequest): boolean {
  const { resource, subresource } = request;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && resource.namespaced) return false;
  if (scope === 'Namespaced' && !resource.namespaced) return false;
  return (
    listMatches(rule.operations, request.operation) &&
    listMatches(rule.apiGroups, resource.group) &&
    listMatches(rule.apiVersions, resource.version) &&
    resourceListMatches(rule.resources, resource.resource, subresource)
  );
}

/**
 * Whether a webhook wants a write: one of its rules matches, and its namespaceSelector matches
 * the labels of the write's namespace (`namespaceLabels`; a Namespace's own labels when the write
 * is to a Namespace). A cluster-scoped object other than a Namespace has no namespace to select.
 */
export function webhookWants(
  webhook: ValidatingWebhook,
  request: AdmissionRequest,
  namespaceLabels: Record<string, string> | undefined,
): boolean {
  if (!(webhook.rules ?? []).some((rule) => ruleMatches(rule, request))) return false;
  if (namespaceLabels === undefined) return true;
  return selectorMatches(webhook.namespaceSelector, namespaceLabels);
}

// ---------------------------------------------------------------------------------------------
// The AdmissionReview
// ---------------------------------------------------------------------------------------------

/** What a webhook answers: the review with `response` filled. */
export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: Record<string, unknown> & { uid: string };
  response?: {
    uid: string;
    allowed: boolean;
    status?: { code?: number; reason?: string; message?: string };
    warnings?: string[];
    /** A mutating webhook's change: base64 of a JSON Patch (RFC 6902), with patchType JSONPatch. */
    patch?: string;
    patchType?: string;
  };
}

/**
 * The AdmissionReview v1 the server POSTs for a write: its uid (the answer must repeat it), the
 * kind and resource, the object's name and namespace, the operation, who asks, and the object
 * (null for a DELETE).
 */
export function admissionReview(request: AdmissionRequest, uid: string): AdmissionReview {
  const { group, version, kind, resource } = request.resource;
  const operationOptions = {
    CREATE: 'CreateOptions',
    UPDATE: 'UpdateOptions',
    DELETE: 'DeleteOptions',
  };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group, version, kind },
      resource: { group, version, resource },
      ...(request.subresource ? { subResource: request.subresource } : {}),
      requestKind: { group, version, kind },
      requestResource: { group, version, resource },
      name: request.name ?? request.object?.metadata.name,
      namespace: request.namespace,
      operation: request.operation,
      userInfo: request.user,
      object: request.operation === 'DELETE' ? null : (request.object ?? null),
      oldObject: null,
      dryRun: false,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: operationOptions[request.operation],
      },
    },
  };
}

/** Why a webhook's answer cannot be read: an Error the failurePolicy then decides on. */
export class InvalidResponse extends Error {}

/**
 * What a webhook's answer means: nothing when it allowed the write, a refusal otherwise. The
 * refusal keeps the webhook's status (at least 400) and prefixes its message:
 *   admission webhook "deny.example.com" denied the request: <message>
 * An answer that is not a review for this uid is an InvalidResponse.
 */
export function reviewVerdict(webhookName: string, answer: unknown, uid: string): void {
  const response = (answer as AdmissionReview | undefined)?.response;
  if (!response) throw new InvalidResponse('webhook response was absent');
  if (response.uid !== uid) {
    throw new InvalidResponse(`expected response.uid="${uid}", got "${response.uid}"`);
  }
  if (response.allowed) return;
  const status = response.status ?? {};
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const why = status.message || status.reason;
  const message = why ? `${deniedBy}: ${why}` : `${deniedBy} without explanation`;
  const code = status.code && status.code >= 400 ? status.code : 400;
  throw new ApiError(code, status.reason ?? '', message);
}

// ---------------------------------------------------------------------------------------------
// The call
// ---------------------------------------------------------------------------------------------

/** Where a webhook is called: the URL to name, the address to dial, and the TLS server name. */
export interface WebhookTarget {
  url: string;
  /** host:port to connect to, when it is not the URL's own (a Service's ClusterIP). */
  connectTo?: { host: string; port: number };
}

/**
 * A webhook's target: its url, or its Service as https://<name>.<namespace>.svc:<port><path>
 * (port 443 by default), dialled at the Service's ClusterIP as kube-apiserver's resolver does.
 */
export async function webhookTarget(
  webhook: ValidatingWebhook,
  store: AdmissionStore,
): Promise<WebhookTarget> {
  const { url, service } = webhook.clientConfig;
  if (url) return { url };
  if (!service) throw new Error('clientConfig names neither a url nor a service');
  const port = service.port ?? 443;
  const target = `https://${service.name}.${service.namespace}.svc:${port}${service.path ?? ''}`;
  const found = await store
    .get(store.resourceOf('services')!, service.namespace, service.name)
    .catch(() => undefined);
  const clusterIP = (found?.spec as { clusterIP?: string } | undefined)?.clusterIP;
  if (!clusterIP || clusterIP === 'None') {
    throw new Error(`service "${service.namespace}/${service.name}" not found or has no ClusterIP`);
  }
  return { url: target, connectTo: { host: clusterIP, port } };
}

/**
 * Why a connection failed, in the words of Go's client (kube-apiserver's), where Node's differ:
 * a closed port, a certificate no trusted CA signed; Node's own message otherwise.
 */
export function dialProblem(error: NodeJS.ErrnoException, address: string): string {
  if (error.code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  const untrusted = [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
  ];
  if (untrusted.includes(error.code ?? '')) {
    return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  }
  return error.message;
}

/**
 * POSTs a review over HTTPS, trusting only `caBundle` (base64 PEM) when it is given, and gives
 * up after `timeoutSeconds` with "context deadline exceeded", as Go's client says. The answer's
 * JSON, or an Error saying why there is none.
 */
export function postReview(
  target: WebhookTarget,
  review: AdmissionReview,
  caBundle: string | undefined,
  timeoutSeconds: number,
): Promise<unknown> {
  const url = new URL(target.url);
  url.searchParams.set('timeout', `${timeoutSeconds}s`);
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(url, {
      method: 'POST',
      hostname: target.connectTo?.host ?? url.hostname,
      port: target.connectTo?.port ?? url.port,
      // The name the certificate must hold (an IP address is checked against its IP SANs).
      servername: isIP(url.hostname) ? undefined : url.hostname,
      ca: caBundle ? Buffer.from(caBundle, 'base64').toString('utf8') : undefined,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      timeout: timeoutSeconds * 1000,
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('context deadline exceeded')));
    const address = `${target.connectTo?.host ?? url.hostname}:${target.connectTo?.port ?? url.port}`;
    outgoing.on('error', (error) =>
      reject(new Error(`Post "${url}": ${dialProblem(error, address)}`)),
    );
    outgoing.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new InvalidResponse(`the server responded with code ${response.statusCode}`));
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new InvalidResponse('the response is not JSON'));
        }
      });
    });
    outgoing.end(body);
  });
}

/**
 * The JSON Patch operations of an allowing answer, or undefined when it has none. Only a mutating
 * webhook may send one, as base64 in response.patch with response.patchType "JSONPatch"; any
 * other mix cannot be read (an InvalidResponse, worded as kube-apiserver words it).
 */
export function reviewPatch(answer: unknown, mutating: boolean): unknown[] | undefined {
  const { patch, patchType } = (answer as AdmissionReview).response!;
  if (!mutating) {
    if (patch) throw new InvalidResponse('validating webhook may not return response.patch');
    if (patchType !== undefined) {
      throw new InvalidResponse('validating webhook may not return response.patchType');
    }
    return undefined;
  }
  if (patch && patchType === undefined) {
    throw new InvalidResponse('webhook returned response.patch but not response.patchType');
  }
  if (!patch && patchType !== undefined) {
    throw new InvalidResponse('webhook returned response.patchType but not response.patch');
  }
  if (!patch) return undefined;
  if (patchType !== 'JSONPatch') {
    throw new InvalidResponse(`webhook returned invalid response.patchType of "${patchType}"`);
  }
  let operations: unknown;
  try {
    operations = JSON.parse(Buffer.from(patch, 'base64').toString('utf8'));
  } catch {
    throw new InvalidResponse('response.patch is not base64 of JSON');
  }
  if (!Array.isArray(operations)) {
    throw new InvalidResponse('response.patch is not a list of JSON Patch operations');
  }
  return operations;
}

/**
 * Calls one webhook about one write: passes when it allows (with its JSON Patch, for a mutating
 * one), throws its refusal when it denies.
 * When it cannot be called or its answer cannot be read, failurePolicy decides: Ignore lets the
 * write pass; Fail (the default) refuses it with a 500,
 *   Internal error occurred: failed calling webhook "<name>": failed to call webhook: <why>
 */
export async function callWebhook(
  webhook: ValidatingWebhook,
  request: AdmissionRequest,
  store: AdmissionStore,
  mutating = false,
): Promise<unknown[] | undefined> {
  const uid = randomUUID();
  let answer: unknown;
  try {
    const target = await webhookTarget(webhook, store);
    const timeout = webhook.timeoutSeconds ?? 10;
    answer = await postReview(
      target,
      admissionReview(request, uid),
      webhook.clientConfig.caBundle,
      timeout,
    );
    reviewVerdict(webhook.name, answer, uid);
    const { patch, patchType } = (answer as AdmissionReview).response!;
    const patched = patch !== undefined || patchType !== undefined;
    return mutating || patched ? reviewPatch(answer, mutating) : undefined;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (webhook.failurePolicy === 'Ignore') return undefined;
    const what =
      error instanceof InvalidResponse
        ? 'received invalid webhook response'
        : 'failed to call webhook';
    throw new ApiError(
      500,
      'InternalError',
      `Internal error occurred: failed calling webhook "${webhook.name}": ${what}: ${(error as Error).message}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The plugin
// ---------------------------------------------------------------------------------------------

/** The resource of webhook configurations, as the feed and the store name it. */
export const WEBHOOK_CONFIGURATIONS =
  'admissionregistration.k8s.io/validatingwebhookconfigurations';

/**
 * The plugin and its caches. start() follows ValidatingWebhookConfigurations and Namespaces (the
 * plugin's informers in kube), so a write costs no read of the store before its calls.
 */
export class ValidatingWebhooks {
  /** The configurations this plugin follows. */
  protected readonly resource: string = WEBHOOK_CONFIGURATIONS;
  protected readonly configurations = new Map<string, ValidatingWebhook[]>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();

  async start(feed: ObjectFeed): Promise<void> {
    await feed.follow(this.resource, ({ type, object }) => {
      const name = object.metadata.name!;
      if (type === 'DELETED') this.configurations.delete(name);
      else
        this.configurations.set(
          name,
          (object as { webhooks?: ValidatingWebhook[] }).webhooks ?? [],
        );
    });
    await feed.follow('namespaces', ({ type, object }) => {
      const name = object.metadata.name!;
      if (type === 'DELETED') this.namespaceLabels.delete(name);
      else this.namespaceLabels.set(name, object.metadata.labels ?? {});
    });
  }

  /** The labels namespaceSelector reads for a write, or undefined when it has no namespace. */
  private labelsFor(request: AdmissionRequest): Record<string, string> | undefined {
    const { resource, namespace, object } = request;
    if (resource.group === '' && resource.resource === 'namespaces') {
      return object?.metadata.labels ?? this.namespaceLabels.get(request.name ?? '') ?? {};
    }
    return namespace === undefined ? undefined : (this.namespaceLabels.get(namespace) ?? {});
  }

  /** The webhook lists of the configurations, in the order their webhooks are asked. */
  protected inOrder(): ValidatingWebhook[][] {
    return [...this.configurations.values()];
  }

  /** The webhooks that want this write. Webhook configurations themselves are never sent. */
  wanted(request: AdmissionRequest): ValidatingWebhook[] {
    if (request.resource.group === 'admissionregistration.k8s.io') return [];
    const labels = this.labelsFor(request);
    return this.inOrder()
      .flat()
      .filter((webhook) => webhookWants(webhook, request, labels));
  }

  /**
   * The admission plugin: every wanted webhook called at once; any refusal refuses. A
   * configuration that could never be called is refused first (kube's validation does that).
   */
  readonly admission: ExternalAdmissionPlugin = {
    name: 'ValidatingAdmissionWebhook',
    admit: async (request, store) => {
      const { resource, object, operation } = request;
      if (resource.resource === this.resource.split('/')[1] && object && operation !== 'DELETE') {
        checkConfiguration(object);
      }
      await Promise.all(
        this.wanted(request).map((webhook) => callWebhook(webhook, request, store)),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Configurations the server could never call
// ---------------------------------------------------------------------------------------------

/** A webhook's name: a domain of at least three segments ("deny.example.com"). */
const WEBHOOK_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){2,}$/;

/** Kube's words for a value outside a list: Unsupported value: "x": supported values: "a", "b". */
function unsupported(field: string, value: unknown, allowed: string[]): string {
  const list = allowed.map((each) => `"${each}"`).join(', ');
  return `${field}: Unsupported value: ${JSON.stringify(value)}: supported values: ${list}`;
}

/**
 * What is wrong with the webhooks of a configuration, in kube's words, one "<field>: <why>" each:
 * a name that is not a three-part domain or is used twice, a clientConfig without exactly one of
 * url (https only) and service, an unknown failurePolicy or sideEffects, no admissionReviewVersions,
 * a timeout outside 1 to 30 seconds.
 */
export function configurationProblems(webhooks: ValidatingWebhook[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  webhooks.forEach((webhook, index) => {
    const field = `webhooks[${index}]`;
    const { name = '', clientConfig = {}, failurePolicy, sideEffects, timeoutSeconds } = webhook;
    if (seen.has(name)) problems.push(`${field}.name: Duplicate value: "${name}"`);
    else if (!WEBHOOK_NAME.test(name)) {
      problems.push(
        `${field}.name: Invalid value: "${name}": should be a domain with at least three segments separated by dots`,
      );
    }
    seen.add(name);
    if (!clientConfig.url === !clientConfig.service) {
      problems.push(
        `${field}.clientConfig: Required value: exactly one of url or service is required`,
      );
    } else if (clientConfig.url && !clientConfig.url.startsWith('https://')) {
      problems.push(
        unsupported(`${field}.clientConfig.url`, clientConfig.url.split(':')[0], ['https']),
      );
    }
    if (failurePolicy !== undefined && !['Fail', 'Ignore'].includes(failurePolicy)) {
      problems.push(unsupported(`${field}.failurePolicy`, failurePolicy, ['Fail', 'Ignore']));
    }
    if (sideEffects === undefined) {
      problems.push(`${field}.sideEffects: Required value: must specify one of None, NoneOnDryRun`);
    } else if (!['None', 'NoneOnDryRun'].includes(sideEffects)) {
      problems.push(unsupported(`${field}.sideEffects`, sideEffects, ['None', 'NoneOnDryRun']));
    }
    if (!webhook.admissionReviewVersions?.length) {
      problems.push(
        `${field}.admissionReviewVersions: Required value: must specify one of v1, v1beta1`,
      );
    }
    if (timeoutSeconds !== undefined && !(timeoutSeconds >= 1 && timeoutSeconds <= 30)) {
      problems.push(
        `${field}.timeoutSeconds: Invalid value: ${timeoutSeconds}: the timeout value must be between 1 and 30 seconds`,
      );
    }
  });
  return problems;
}

/**
 * Refuses a configuration with problems as the API server refuses an invalid object: 422
 * Invalid, `ValidatingWebhookConfiguration.admissionregistration.k8s.io "<name>" is invalid: ...`
 * (several problems in brackets, as kube joins them).
 */
export function checkConfiguration(configuration: KubeObject): void {
  const webhooks = (configuration as { webhooks?: ValidatingWebhook[] }).webhooks ?? [];
  const problems = configurationProblems(webhooks);
  if (problems.length === 0) return;
  const name = configuration.metadata.name ?? '';
  const kind = configuration.kind ?? 'ValidatingWebhookConfiguration';
  const why = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
  throw new ApiError(
    422,
    'Invalid',
    `${kind}.admissionregistration.k8s.io "${name}" is invalid: ${why}`,
    { name, group: 'admissionregistration.k8s.io', kind },
  );
}

/** What the API server is handed for --enable-admission-plugins=ValidatingAdmissionWebhook. */
export function createValidatingWebhooks(): {
  admission: ExternalAdmissionPlugin;
  controller: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> };
} {
  const webhooks = new ValidatingWebhooks();
  return { admission: webhooks.admission, controller: webhooks };
}

// ---------------------------------------------------------------------------------------------
// Mutating webhooks
// ---------------------------------------------------------------------------------------------

/** The resource of mutating webhook configurations. */
export const MUTATING_CONFIGURATIONS = 'admissionregistration.k8s.io/mutatingwebhookconfigurations';

/** Applies JSON Patch operations to an object: the API server's own (chapter 03b's), handed in. */
export type JsonPatcher = (
  object: KubeObject,
  operations: unknown[],
  resource: AdmissionRequest['resource'],
) => KubeObject;

/** Makes `object` hold exactly what `patched` holds: the write's object is changed in place. */
function replaceContents(object: KubeObject, patched: KubeObject): void {
  for (const key of Object.keys(object)) delete (object as unknown as Record<string, unknown>)[key];
  Object.assign(object, patched);
}

/**
 * The MutatingAdmissionWebhook plugin: the same rules, selectors, calls and failurePolicy, but its
 * webhooks are called one at a time, configurations in the order of their names and webhooks in
 * their order, and each one's JSON Patch is applied before the next is asked, so each sees the
 * object as the ones before it left it. A patch that cannot be applied refuses the write (500).
 */
export class MutatingWebhooks extends ValidatingWebhooks {
  protected override readonly resource: string = MUTATING_CONFIGURATIONS;

  private readonly jsonPatch: JsonPatcher;

  constructor(jsonPatch: JsonPatcher) {
    super();
    this.jsonPatch = jsonPatch;
  }

  /** The configurations in the order of their names, as kube-apiserver calls them. */
  protected override inOrder(): ValidatingWebhook[][] {
    const names = [...this.configurations.keys()].sort();
    return names.map((name) => this.configurations.get(name)!);
  }

  override readonly admission: ExternalAdmissionPlugin = {
    name: 'MutatingAdmissionWebhook',
    admit: async (request, store) => {
      const { resource, object, operation } = request;
      if (
        resource.resource === 'mutatingwebhookconfigurations' &&
        object &&
        operation !== 'DELETE'
      ) {
        checkConfiguration(object);
      }
      for (const webhook of this.wanted(request)) {
        const operations = await callWebhook(webhook, request, store, true);
        if (!operations || !request.object) continue;
        let patched: KubeObject;
        try {
          patched = this.jsonPatch(request.object, operations, resource);
        } catch (error) {
          const why = (error as Error).message;
          throw new ApiError(500, 'InternalError', `Internal error occurred: ${why}`);
        }
        replaceContents(request.object, patched);
      }
    },
  };
}

/** What the API server is handed for --enable-admission-plugins=MutatingAdmissionWebhook. */
export function createMutatingWebhooks(jsonPatch: JsonPatcher): {
  admission: ExternalAdmissionPlugin;
  controller: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> };
} {
  const webhooks = new MutatingWebhooks(jsonPatch);
  return { admission: webhooks.admission, controller: webhooks };
}
