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
import { NotImplemented } from '../../harness/not-implemented.ts';

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
  throw new NotImplemented('selectorMatches', '§ Which writes a webhook wants');
}
/** Whether one rule matches a write: its operation, group, version, resource and scope. */
export function ruleMatches(rule: WebhookRule, request: AdmissionRequest): boolean {
  throw new NotImplemented('ruleMatches', '§ Which writes a webhook wants');
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
  throw new NotImplemented('webhookWants', '§ Which writes a webhook wants');
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
  throw new NotImplemented('admissionReview', '§ The AdmissionReview');
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
  throw new NotImplemented('reviewVerdict', '§ The AdmissionReview');
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
  throw new NotImplemented('webhookTarget', '§ Calling a webhook');
}

/**
 * Why a connection failed, in the words of Go's client (kube-apiserver's), where Node's differ:
 * a closed port, a certificate no trusted CA signed; Node's own message otherwise.
 */
export function dialProblem(error: NodeJS.ErrnoException, address: string): string {
  throw new NotImplemented('dialProblem', '§ Calling a webhook');
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
  throw new NotImplemented('postReview', '§ Calling a webhook');
}

/**
 * The JSON Patch operations of an allowing answer, or undefined when it has none. Only a mutating
 * webhook may send one, as base64 in response.patch with response.patchType "JSONPatch"; any
 * other mix cannot be read (an InvalidResponse, worded as kube-apiserver words it).
 */
export function reviewPatch(answer: unknown, mutating: boolean): unknown[] | undefined {
  throw new NotImplemented('reviewPatch', '§ Mutating webhooks');
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
  throw new NotImplemented('callWebhook', '§ Calling a webhook');
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
  /** The configurations this plugin follows (a mutating plugin follows its own). */
  protected readonly resource: string = WEBHOOK_CONFIGURATIONS;

  async start(feed: ObjectFeed): Promise<void> {
    throw new NotImplemented('ValidatingWebhooks.start', '§ On the API server');
  }

  /** The webhooks that want this write. Webhook configurations themselves are never sent. */
  wanted(request: AdmissionRequest): ValidatingWebhook[] {
    throw new NotImplemented('ValidatingWebhooks.wanted', '§ On the API server');
  }

  /**
   * The admission plugin: every wanted webhook called at once; any refusal refuses. A
   * configuration that could never be called is refused first (kube's validation does that).
   */
  readonly admission: ExternalAdmissionPlugin = {
    name: 'ValidatingAdmissionWebhook',
    admit: async (request, store) => {
      throw new NotImplemented('ValidatingWebhooks.admission.admit', '§ On the API server');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Configurations the server could never call
// ---------------------------------------------------------------------------------------------

/** A webhook's name: a domain of at least three segments ("deny.example.com"). */
const WEBHOOK_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){2,}$/;
/**
 * What is wrong with the webhooks of a configuration, in kube's words, one "<field>: <why>" each:
 * a name that is not a three-part domain or is used twice, a clientConfig without exactly one of
 * url (https only) and service, an unknown failurePolicy or sideEffects, no admissionReviewVersions,
 * a timeout outside 1 to 30 seconds.
 */
export function configurationProblems(webhooks: ValidatingWebhook[]): string[] {
  throw new NotImplemented('configurationProblems', '§ On the API server');
}

/**
 * Refuses a configuration with problems as the API server refuses an invalid object: 422
 * Invalid, `ValidatingWebhookConfiguration.admissionregistration.k8s.io "<name>" is invalid: ...`
 * (several problems in brackets, as kube joins them).
 */
export function checkConfiguration(configuration: KubeObject): void {
  throw new NotImplemented('checkConfiguration', '§ On the API server');
}

/** What the API server is handed for --enable-admission-plugins=ValidatingAdmissionWebhook. */
export function createValidatingWebhooks(): {
  admission: ExternalAdmissionPlugin;
  controller: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> };
} {
  throw new NotImplemented('createValidatingWebhooks', '§ On the API server');
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

/**
 * The MutatingAdmissionWebhook plugin: the same rules, selectors, calls and failurePolicy, but its
 * webhooks are called one at a time, configurations in the order of their names and webhooks in
 * their order, and each one's JSON Patch is applied before the next is asked, so each sees the
 * object as the ones before it left it. A patch that cannot be applied refuses the write (500).
 * (It may share most of its code with ValidatingWebhooks, by extending it.)
 */
export class MutatingWebhooks extends ValidatingWebhooks {
  /** Follows mutatingwebhookconfigurations where ValidatingWebhooks follows its own. */
  protected override readonly resource: string = MUTATING_CONFIGURATIONS;

  constructor(jsonPatch: JsonPatcher) {
    super();
  }

  override readonly admission: ExternalAdmissionPlugin = {
    name: 'MutatingAdmissionWebhook',
    admit: async (request, store) => {
      throw new NotImplemented('MutatingWebhooks.admission.admit', '§ Mutating webhooks');
    },
  };
}

/** What the API server is handed for --enable-admission-plugins=MutatingAdmissionWebhook. */
export function createMutatingWebhooks(jsonPatch: JsonPatcher): {
  admission: ExternalAdmissionPlugin;
  controller: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> };
} {
  throw new NotImplemented('createMutatingWebhooks', '§ Mutating webhooks');
}
