// The kubelet's port 10250 over TLS, as kubeadm sets a kubelet up (--tls-cert-file,
// --client-ca-file, --anonymous-auth=false, --authorization-mode Webhook): the kubelet serves
// with its node's certificate, knows a caller by the client certificate the cluster CA signed
// (the Common Name is the user, each Organization a group), and asks the API server whether that
// caller may, with a SubjectAccessReview on the node, as kube's kubelet does:
//
//   GET /stats/summary                 get nodes/stats    (the metrics server)
//   GET /metrics                       get nodes/metrics  (Prometheus)
//   GET /logs/...                      get nodes/log      (the node's own logs)
//   GET /containerLogs/..., /exec/..., /attach/..., /portForward/..., /healthz, anything else:
//                                      <verb> nodes/proxy (the API server, as
//                                      kube-apiserver-kubelet-client in system:masters)
//
// The verb comes from the method: GET and HEAD get, POST create, PUT update, PATCH patch, DELETE
// delete. No certificate: 401 "Unauthorized" (with --anonymous-auth, the default, the request is
// system:anonymous's and is reviewed like any). A refusal: 403 "Forbidden (user=..., verb=...,
// resource=nodes, subresource=...)", kube's words. Answers are kept as kube's webhook authorizer
// keeps them: an allow 5 minutes, a refusal 30 seconds. Bearer tokens (kube asks a TokenReview)
// are not taken: the API server serves no TokenReview.
import http, { STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { answeringPlainHttp, credentialsOf } from '../api/security.ts';
import type { KubeletServing } from '../contracts/kubelet.ts';
import type { UserInfo } from '../contracts/security.ts';

/** What a request to the kubelet asks, as the SubjectAccessReview's resourceAttributes say it. */
export interface KubeletAttributes {
  verb: string;
  resource: 'nodes';
  subresource: string;
  name: string;
}

/** The verb of an HTTP method on the kubelet (kube's nodeAuthorizerAttributesGetter). */
function verbOf(method: string | undefined): string {
  const verbs: Record<string, string> = {
    GET: 'get',
    HEAD: 'get',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  return verbs[method ?? 'GET'] ?? '';
}

/** Whether `path` is `prefix` or under it. */
function isSubpath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The attributes of a request on node `nodeName`'s kubelet: its verb and subresource. */
export function kubeletAttributes(
  nodeName: string,
  method: string | undefined,
  path: string,
): KubeletAttributes {
  const subresources: [string, string][] = [
    ['/stats', 'stats'],
    ['/metrics', 'metrics'],
    ['/logs', 'log'],
  ];
  const found = subresources.find(([prefix]) => isSubpath(path, prefix));
  return {
    verb: verbOf(method),
    resource: 'nodes',
    subresource: found?.[1] ?? 'proxy',
    name: nodeName,
  };
}

/** The SubjectAccessReview the kubelet sends for `user`'s request. */
export function subjectAccessReview(user: UserInfo, attributes: KubeletAttributes) {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: user.username,
      groups: user.groups,
      ...(user.uid ? { uid: user.uid } : {}),
      resourceAttributes: { ...attributes, version: 'v1' },
    },
  };
}

/** The 403's text, kube's kubelet's words. */
export function forbiddenMessage(user: UserInfo, attributes: KubeletAttributes): string {
  const { verb, resource, subresource } = attributes;
  return `Forbidden (user=${user.username}, verb=${verb}, resource=${resource}, subresource=${subresource})`;
}

/** The API server's answer to a review: allowed or not. */
export type Review = (body: ReturnType<typeof subjectAccessReview>) => Promise<boolean>;

/** How long a review's answer is kept: an allow 5 minutes, a refusal 30 seconds. */
export const reviewTtlMs = { allowed: 300_000, denied: 30_000 };

/** Reviews asked once per user, groups and attributes while their answer is fresh. */
export function cachedReview(review: Review, now: () => number = Date.now): Review {
  const answers = new Map<string, { allowed: boolean; until: number }>();
  return async (body) => {
    const key = JSON.stringify(body.spec);
    const kept = answers.get(key);
    if (kept && kept.until > now()) return kept.allowed;
    const allowed = await review(body);
    const ttl = allowed ? reviewTtlMs.allowed : reviewTtlMs.denied;
    answers.set(key, { allowed, until: now() + ttl });
    return allowed;
  };
}

export interface KubeletServingOptions {
  nodeName: string;
  /** The node's serving certificate and key (PEM), and the CA its callers' certificates are from. */
  cert: string;
  key: string;
  clientCa: string;
  /** Without a certificate: system:anonymous (kube's default), or 401 (kubeadm's). */
  anonymous: boolean;
  /** Webhook: ask the API server (review); AlwaysAllow: anyone known may do anything. */
  authorizationMode: 'Webhook' | 'AlwaysAllow';
  review: Review;
}

const anonymousUser: UserInfo = {
  username: 'system:anonymous',
  groups: ['system:unauthenticated'],
};

/** A request the kubelet refuses: 401 (no one it knows) or 403 (not allowed), and its text. */
export interface KubeletRefusal {
  code: 401 | 403;
  message: string;
}

/** Who sent a request: its certificate's subject, anonymous, or a 401. */
function callerOf(request: http.IncomingMessage, anonymous: boolean): UserInfo | KubeletRefusal {
  const credentials = credentialsOf(request);
  const certificate = credentials.certificate;
  if (certificate) {
    const groups = [...certificate.organizations, 'system:authenticated'];
    return { username: certificate.commonName, groups };
  }
  if (credentials.certificateError !== undefined || !anonymous)
    return { code: 401, message: 'Unauthorized' };
  return anonymousUser;
}

/**
 * Undefined when the request may go on, else its refusal. A review the API server cannot answer
 * lets no one in: 401 with why.
 */
export async function admit(
  options: KubeletServingOptions,
  review: Review,
  request: http.IncomingMessage,
): Promise<KubeletRefusal | undefined> {
  const caller = callerOf(request, options.anonymous);
  if ('code' in caller) return caller;
  if (options.authorizationMode === 'AlwaysAllow') return undefined;
  const path = new URL(request.url ?? '/', 'https://kubelet').pathname;
  const attributes = kubeletAttributes(options.nodeName, request.method, path);
  try {
    if (await review(subjectAccessReview(caller, attributes))) return undefined;
  } catch (error) {
    return { code: 401, message: (error as Error).message };
  }
  return { code: 403, message: forbiddenMessage(caller, attributes) };
}

/** An answer in plain text on a bare connection (an upgrade refused), and the connection closed. */
function refuseOnSocket(socket: Duplex, refusal: KubeletRefusal): void {
  const length = Buffer.byteLength(refusal.message);
  socket.end(
    `HTTP/1.1 ${refusal.code} ${STATUS_CODES[refusal.code]}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${length}\r\n` +
      `Connection: close\r\n\r\n${refusal.message}`,
  );
}

/** The kubelet API's serving over TLS with callers admitted (harness/contracts/kubelet.ts). */
export function kubeletServing(options: KubeletServingOptions): KubeletServing {
  const review = cachedReview(options.review);
  return {
    createServer(handler, upgrade) {
      const tls = { cert: options.cert, key: options.key, ca: options.clientCa };
      const clients = { requestCert: true, rejectUnauthorized: false, requestTimeout: 0 };
      const server = https.createServer({ ...tls, ...clients }, (request, response) => {
        void admit(options, review, request).then((refusal) => {
          if (!refusal) return handler(request, response);
          response.writeHead(refusal.code, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(refusal.message);
        });
      });
      server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
        void admit(options, review, request).then((refusal) =>
          refusal ? refuseOnSocket(socket, refusal) : upgrade(request, socket, head),
        );
      });
      return answeringPlainHttp(server) as unknown as http.Server;
    },
  };
}

/**
 * A review through the API server at `server`: POST a SubjectAccessReview with the kubelet's own
 * credentials (its kubeconfig's, which fetch presents: ../client/tls.ts), status.allowed.
 */
export function apiserverReview(server: string, token?: string): Review {
  return async (body) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const url = `${server}/apis/authorization.k8s.io/v1/subjectaccessreviews`;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = (await response.json()) as { status?: { allowed?: boolean }; message?: string };
    if (!response.ok)
      throw new Error(
        `the API server refused the review (${response.status}): ${answer.message ?? ''}`,
      );
    return answer.status?.allowed === true;
  };
}
