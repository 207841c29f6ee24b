// Chapter 11's contract with the API server: who sends a request (authentication, 11a), whether
// they may (authorization, 11b), and the admission plugins a write passes (11b). The API server
// (chapter 03a) calls these at its named stages (solutions/03a-apiserver/filters.ts) when they are
// given; without them everyone is system:anonymous and may do everything, as in the early chapters.
import type { ObjectEvent } from '../api/object-watch.ts';
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject } from '../api/types.ts';

/** Who sends a request (kube's user.Info). */
export interface UserInfo {
  username: string;
  groups: string[];
  uid?: string;
  /** Extra facts an authenticator knows ("authentication.kubernetes.io/node-name"...). */
  extra?: Record<string, string[]>;
}

/** What one request asks, as an authorizer sees it (kube's authorizer.Attributes). */
export interface RequestAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; or impersonate, bind, escalate... */
  verb: string;
  /** True for a request on a resource; false for a path such as /healthz (then `path` says which). */
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

/** An authorizer's answer: allow, deny, or no opinion (the next authorizer decides). */
export interface Decision {
  decision: 'allow' | 'deny' | 'no-opinion';
  /** Why, in words: which binding allowed it, or why it was denied. */
  reason: string;
}

/**
 * The objects a security component keeps in memory: the API server lists and then follows each
 * resource it names (`[group/]resource`, "rbac.authorization.k8s.io/roles", "pods") and hands
 * every change to `onEvent`. Resolves once the list is in.
 */
export interface ObjectFeed {
  follow(resource: string, onEvent: (event: ObjectEvent) => void): Promise<void>;
}

/** What an authorizer (RBAC, the Node authorizer, both in turn) is to the API server. */
export interface Authorizer {
  /** Loads and follows the objects it decides from. */
  start(feed: ObjectFeed): Promise<void>;
  /** Decides one request, synchronously, from memory: it is asked on every request. */
  authorize(attributes: RequestAttributes): Decision;
}

/** A credential a request carries, as the API server read it off the connection and headers. */
export interface Credentials {
  /** The Authorization header, if any ("Bearer <token>"). */
  authorization?: string;
  /** The verified client certificate's subject, if the client sent one over TLS. */
  certificate?: { commonName: string; organizations: string[] };
  /** Why a client certificate that was sent is not trusted (another CA, expired). */
  certificateError?: string;
}

/** What an authenticator is to the API server. */
export interface Authenticator {
  start?(feed: ObjectFeed): Promise<void>;
  /**
   * The user a request's credentials prove, or undefined when it carries none (the anonymous
   * user then). Throws a 401 ApiError for a credential that proves nothing (bad, expired).
   */
  authenticate(credentials: Credentials): UserInfo | undefined;
}

/** One write as an admission plugin sees it (kube's admission.Attributes). */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  resource: ResourceType;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The object about to be stored (CREATE, UPDATE); a mutating plugin changes it in place. */
  object?: KubeObject;
  user: UserInfo;
}

/** What an admission plugin may read and write: the stored objects, past admission. */
export interface AdmissionStore {
  /** Finds a resource by `[group/]resource`. */
  resourceOf(name: string): ResourceType | undefined;
  get(resource: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(resource: ResourceType, namespace?: string): Promise<KubeObject[]>;
  /** Writes `object` if its resourceVersion is still the stored one; a 409 ApiError if not. */
  update(resource: ResourceType, object: KubeObject): Promise<KubeObject>;
  /** Creates `object`, made ready as a create through the API would; a 409 if it exists. */
  create(resource: ResourceType, object: KubeObject): Promise<KubeObject>;
}

/** An admission plugin from a later chapter: lets a write pass (perhaps changed), or throws. */
export interface ExternalAdmissionPlugin {
  readonly name: string;
  admit(request: AdmissionRequest, store: AdmissionStore): Promise<void>;
}

/** A create-only resource the server answers itself (SelfSubjectAccessReview, ...). */
export interface ReviewHandler {
  /**
   * `[group/]resource`, as in discovery: "authorization.k8s.io/selfsubjectaccessreviews"; or a
   * subresource of an object, "serviceaccounts/token" (TokenRequest).
   */
  resource: string;
  /**
   * The object answered (201), from the posted one, the user who posted it, and for a
   * subresource the object it was posted to.
   */
  review(
    object: KubeObject,
    user: UserInfo,
    target?: { namespace?: string; name?: string },
  ): KubeObject;
}

/** What chapter 11 hands the API server; each part is optional. */
export interface SecurityOptions {
  /** Serve HTTPS with this certificate (PEM); ask clients for one signed by clientCa. */
  tls?: { cert: string; key: string; clientCa?: string };
  authenticator?: Authenticator;
  authorizer?: Authorizer;
  /** Turns impersonation headers into the user to act as; checked by the authorizer. */
  impersonate?(user: UserInfo, headers: Record<string, string | string[] | undefined>): UserInfo;
  admission?: ExternalAdmissionPlugin[];
  reviews?: ReviewHandler[];
  /** Objects the server creates at start if missing: the default roles and bindings. */
  initialObjects?: KubeObject[];
  /** Words the 403 of a refused request (kube-apiserver's "... is forbidden: User ..."). */
  forbiddenMessage?(attributes: RequestAttributes, reason: string): string;
  /**
   * Controllers started with the server (the quota controller). kube runs them in
   * kube-controller-manager; here they run beside the API server, on its storage.
   */
  controllers?: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> }[];
}

/** What the API server's flags ask of chapter 11b. */
export interface AuthorizationOptions {
  /** --authorization-mode, in order: "Node", "RBAC". */
  modes: string[];
  /** --enable-admission-plugins: "ServiceAccount", "LimitRanger", "ResourceQuota". */
  admissionPlugins?: string[];
}

/** Chapter 11b's authorization.ts. */
export interface AuthorizationModule {
  createAuthorization(options: AuthorizationOptions): SecurityOptions;
}

/**
 * Chapter 11b's rbac.ts, as the controller-manager's ClusterRole aggregation uses it: the rules
 * of a ClusterRole with an aggregationRule, gathered from the ClusterRoles its selectors pick.
 */
export interface RbacModule {
  aggregatedRules(role: KubeObject, clusterRoles: Iterable<KubeObject>): object[];
}

/** Chapter 11b's tokens.ts: the static token file (--token-auth-file). */
export interface TokenFileModule {
  parseTokenFile(text: string): Map<string, UserInfo>;
  tokenFileAuthenticator(users: Map<string, UserInfo>): Authenticator;
  certificateAuthenticator(): Authenticator;
  unionAuthenticator(authenticators: Authenticator[]): Authenticator;
}

/** What chapter 11a hands the API server for ServiceAccounts. */
export interface ServiceAccountSecurity {
  authenticator: Authenticator;
  reviews: ReviewHandler[];
  controllers: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> }[];
}

/** Chapter 11a's service-accounts.ts. */
export interface ServiceAccountsModule {
  createServiceAccountSecurity(settings: {
    privateKey: import('node:crypto').KeyObject;
    issuer: string;
    now: () => number;
  }): ServiceAccountSecurity;
}
