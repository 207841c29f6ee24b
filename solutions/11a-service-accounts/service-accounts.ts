// ServiceAccounts: identities for programs. A pod runs as a ServiceAccount of its namespace
// (`default` unless it names another), and proves it to the API server with a token the server
// itself issued: a JSON Web Token signed with the cluster's service-account key. The API server
// checks the signature, the expiry and that the account still exists with the same uid (a token
// of a deleted account is worthless, even if a new account of the same name was made), and the
// request is then the user system:serviceaccount:<namespace>:<name>, in the groups
// system:serviceaccounts and system:serviceaccounts:<namespace>.
//
//   kubectl create token ci   → POST .../serviceaccounts/ci/token (a TokenRequest) → a JWT
//   Authorization: Bearer <JWT> → verified → system:serviceaccount:dev:ci
//
// kube-apiserver: pkg/serviceaccount (the JWT claims and their checks), pkg/registry/core/
// serviceaccount (TokenRequest); the `default` account is made by kube-controller-manager's
// serviceaccount controller.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ApiError } from '../../harness/api/errors.ts';
import type { ObjectEvent } from '../../harness/api/object-watch.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  AdmissionStore,
  Authenticator,
  ObjectFeed,
  ReviewHandler,
  ServiceAccountSecurity,
  UserInfo,
} from '../../harness/contracts/security.ts';

/** What a ServiceAccount token says (the claims kube-apiserver writes). */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    /** The object the token is bound to (TokenRequest's boundObjectRef): it dies with it. */
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
  };
}

/** base64url of bytes or a string, without padding (JWT's encoding). */
export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** The claims of a token for one account, valid `seconds` from `now` (seconds since 1970). */
export function tokenClaims(
  account: { namespace: string; name: string; uid: string },
  issuer: string,
  audiences: string[],
  now: number,
  seconds: number,
): TokenClaims {
  return {
    iss: issuer,
    sub: `system:serviceaccount:${account.namespace}:${account.name}`,
    aud: audiences,
    exp: now + seconds,
    iat: now,
    nbf: now,
    'kubernetes.io': {
      namespace: account.namespace,
      serviceaccount: { name: account.name, uid: account.uid },
    },
  };
}

/** A JWT: header.claims.signature, ES256 (ECDSA P-256 with SHA-256) by the private key. */
export function signToken(claims: TokenClaims, privateKey: KeyObject): string {
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${header}.${body}.${base64url(signature)}`;
}

/** The 401 for a token that proves nothing, with why (for the server's log, not the client). */
export function invalidToken(why: string): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized', { causes: [{ message: why }] });
}

/** Whether a bearer token looks like a JWT (three base64url parts), not a token file's. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/**
 * The claims of a token signed by `publicKey` for `audience` and valid at `now`; a 401 naming
 * why otherwise: malformed, another algorithm, a bad signature, expired, not yet valid, or for
 * another audience or issuer.
 */
export function verifyToken(
  token: string,
  publicKey: KeyObject,
  issuer: string,
  now: number,
): TokenClaims {
  const [header, body, signature] = token.split('.');
  let parsed: { alg?: string };
  let claims: TokenClaims;
  try {
    parsed = JSON.parse(Buffer.from(header!, 'base64url').toString());
    claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
  } catch {
    throw invalidToken('malformed token');
  }
  if (parsed.alg !== 'ES256') throw invalidToken(`unexpected algorithm ${parsed.alg}`);
  const signed = Buffer.from(`${header}.${body}`);
  const key = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
  if (!verify('sha256', signed, key, Buffer.from(signature!, 'base64url'))) {
    throw invalidToken('invalid signature');
  }
  if (claims.iss !== issuer) throw invalidToken('token has an unknown issuer');
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw invalidToken('token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf > now) throw invalidToken('token not yet valid');
  return claims;
}

/** The user a ServiceAccount is, with its groups and uid. */
export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: [
      'system:serviceaccounts',
      `system:serviceaccounts:${namespace}`,
      'system:authenticated',
    ],
  };
}

/** The kinds a token may be bound to, and the resources they are followed as. */
export const BINDABLE_KINDS: Record<string, string> = { Pod: 'pods', Secret: 'secrets' };

/** An object a token may be bound to, as the authenticator knows it. */
export interface BindableObject {
  uid: string;
  /** A pod's spec.serviceAccountName: a token for another account cannot be bound to it. */
  serviceAccountName?: string;
}

/**
 * The cluster's ServiceAccounts as the authenticator knows them ("<ns>/<name>" → uid), and the
 * objects tokens may be bound to ("Pod/<ns>/<name>", "Secret/<ns>/<name>").
 */
export class ServiceAccounts {
  readonly uids = new Map<string, string>();
  readonly bindable = new Map<string, BindableObject>();

  async start(feed: ObjectFeed): Promise<void> {
    await feed.follow('serviceaccounts', (event) => this.observe(event));
    for (const [kind, resource] of Object.entries(BINDABLE_KINDS)) {
      await feed.follow(resource, (event) => this.observeBindable(kind, event));
    }
  }

  observe({ type, object }: ObjectEvent): void {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    if (type === 'DELETED') this.uids.delete(key);
    else this.uids.set(key, object.metadata.uid ?? '');
  }

  /** A pod or secret came, changed or went. */
  observeBindable(kind: string, { type, object }: ObjectEvent): void {
    const key = `${kind}/${object.metadata.namespace}/${object.metadata.name}`;
    if (type === 'DELETED') return void this.bindable.delete(key);
    const serviceAccountName = (object.spec as { serviceAccountName?: string } | undefined)
      ?.serviceAccountName;
    this.bindable.set(key, { uid: object.metadata.uid ?? '', serviceAccountName });
  }
}

/** How tokens are checked and made: the cluster's key pair, issuer and clock (seconds). */
export interface TokenSettings {
  privateKey: KeyObject;
  issuer: string;
  now: () => number;
}

/**
 * The ServiceAccount token authenticator: a JWT bearer token is verified, and its account must
 * still exist with the uid in the token (401 otherwise). Other tokens: no opinion.
 */
export function serviceAccountAuthenticator(
  accounts: ServiceAccounts,
  settings: TokenSettings,
): Authenticator {
  const publicKey = createPublicKey(settings.privateKey);
  return {
    start: (feed) => accounts.start(feed),
    authenticate({ authorization }) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      if (!token || !looksLikeJwt(token)) return undefined;
      const claims = verifyToken(token, publicKey, settings.issuer, settings.now());
      const { namespace, serviceaccount, pod, secret } = claims['kubernetes.io'];
      if (accounts.uids.get(`${namespace}/${serviceaccount.name}`) !== serviceaccount.uid) {
        throw invalidToken(`service account ${namespace}/${serviceaccount.name} has been deleted`);
      }
      const user = serviceAccountUser(namespace, serviceaccount.name, serviceaccount.uid);
      return pod || secret ? boundUser(accounts, claims, user) : user;
    },
  };
}

/**
 * The user of a token bound to a pod or a secret, while that object exists with the uid the
 * token names (a 401 otherwise): the account, with the pod in `extra` as kube names it.
 */
export function boundUser(
  accounts: ServiceAccounts,
  claims: TokenClaims,
  user: UserInfo,
): UserInfo {
  const { namespace, pod, secret } = claims['kubernetes.io'];
  for (const [kind, bound] of [
    ['Pod', pod],
    ['Secret', secret],
  ] as const) {
    if (bound && accounts.bindable.get(`${kind}/${namespace}/${bound.name}`)?.uid !== bound.uid)
      throw invalidToken('service account token has been invalidated');
  }
  if (!pod) return user;
  const extra = {
    'authentication.kubernetes.io/pod-name': [pod.name],
    'authentication.kubernetes.io/pod-uid': [pod.uid],
  };
  return { ...user, extra };
}

/** What TokenRequest's spec.boundObjectRef names. */
export interface BoundObjectRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
}

/**
 * The object a token asked for `account` is bound to, as the claims name it: a Pod or a Secret of
 * the account's namespace that exists (404 otherwise), with the uid the reference gives, if any
 * (409: it was deleted and made again), and for a pod, one that runs as this account (400).
 * Any other kind is a 400, in kube-apiserver's words.
 */
export function boundObject(
  accounts: ServiceAccounts,
  namespace: string,
  account: string,
  ref: BoundObjectRef,
): { pod?: { name: string; uid: string }; secret?: { name: string; uid: string } } {
  const { apiVersion = '', kind = '', name = '' } = ref;
  const resource = BINDABLE_KINDS[kind];
  if (!resource || apiVersion !== 'v1') {
    const groupVersion = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
    throw new ApiError(
      400,
      'BadRequest',
      `cannot bind token to object of type ${groupVersion}, Kind=${kind}`,
    );
  }
  const found = accounts.bindable.get(`${kind}/${namespace}/${name}`);
  if (!found) {
    throw new ApiError(404, 'NotFound', `${resource} "${name}" not found`, {
      name,
      kind: resource,
    });
  }
  if (kind === 'Pod' && (found.serviceAccountName ?? 'default') !== account) {
    throw new ApiError(
      400,
      'BadRequest',
      `cannot bind token for serviceaccount "${account}" to pod running with different serviceaccount name.`,
    );
  }
  if (ref.uid && ref.uid !== found.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${kind} "${name}": the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      { name, kind },
    );
  }
  return { [kind.toLowerCase()]: { name, uid: found.uid } };
}

/**
 * TokenRequest (POST serviceaccounts/<name>/token, `kubectl create token`): a token for an
 * existing account, for the asked audiences (the issuer by default) and lifetime (an hour by
 * default, ten minutes at least), answered in status.token and status.expirationTimestamp. With
 * spec.boundObjectRef the token names that object and is worth nothing once it is gone.
 */
export function tokenRequestHandler(
  accounts: ServiceAccounts,
  settings: TokenSettings,
): ReviewHandler {
  return {
    resource: 'serviceaccounts/token',
    review(request, _user, target = {}) {
      const namespace = target.namespace ?? 'default';
      const name = target.name ?? '';
      const uid = accounts.uids.get(`${namespace}/${name}`);
      if (uid === undefined) {
        throw new ApiError(404, 'NotFound', `serviceaccounts "${name}" not found`, {
          name,
          kind: 'serviceaccounts',
        });
      }
      const spec = (request.spec ?? {}) as {
        audiences?: string[];
        expirationSeconds?: number;
        boundObjectRef?: BoundObjectRef;
      };
      const audiences = spec.audiences?.length ? spec.audiences : [settings.issuer];
      const seconds = Math.max(600, spec.expirationSeconds ?? 3600);
      const ref = spec.boundObjectRef;
      const bound = ref ? boundObject(accounts, namespace, name, ref) : {};
      const now = settings.now();
      const claims = tokenClaims(
        { namespace, name, uid },
        settings.issuer,
        audiences,
        now,
        seconds,
      );
      Object.assign(claims['kubernetes.io'], bound);
      const token = signToken(claims, settings.privateKey);
      return {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        metadata: { name, namespace },
        spec: { audiences, expirationSeconds: seconds, ...(ref ? { boundObjectRef: ref } : {}) },
        status: {
          token,
          expirationTimestamp: new Date((now + seconds) * 1000)
            .toISOString()
            .replace(/\.\d+Z$/, 'Z'),
        },
      };
    },
  };
}

/**
 * The ServiceAccount controller: every namespace has a `default` account. Follows namespaces and
 * creates the account in each that lacks it.
 */
export class DefaultServiceAccountController {
  async start(feed: ObjectFeed, store: AdmissionStore): Promise<void> {
    await feed.follow('namespaces', (event) => {
      if (event.type === 'DELETED') return;
      void this.ensureDefault(store, event.object).catch(() => {});
    });
  }

  /** Creates `default` in the namespace unless it exists or the namespace is going away. */
  async ensureDefault(store: AdmissionStore, namespace: KubeObject): Promise<void> {
    if (namespace.metadata.deletionTimestamp) return;
    const accounts = store.resourceOf('serviceaccounts')!;
    const name = namespace.metadata.name!;
    await store.get(accounts, name, 'default').catch(async (error: unknown) => {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
      await store.create(accounts, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace: name },
      });
    });
  }
}

/** What the API server is handed for ServiceAccounts: their authenticator, TokenRequest, the controller. */
export function createServiceAccountSecurity(settings: TokenSettings): ServiceAccountSecurity {
  const accounts = new ServiceAccounts();
  return {
    authenticator: serviceAccountAuthenticator(accounts, settings),
    reviews: [tokenRequestHandler(accounts, settings)],
    controllers: [new DefaultServiceAccountController()],
  };
}
