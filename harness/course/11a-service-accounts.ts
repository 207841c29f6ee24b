// Chapter 11a's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter11A: Chapter = {
  id: '11a',
  slug: 'service-accounts',
  title: 'Who you are: ServiceAccounts and their tokens',
  builds:
    'ServiceAccount tokens as ES256 JSON Web Tokens, their authenticator (expiry, signature, revoked accounts), the TokenRequest API behind `kubectl create token` (tokens bound to a pod die with it), and the controller that gives every namespace its `default` account',
  stages: [
    {
      title: 'Tokens: claims, a signature, and every way they fail',
      from: 'Tokens > a token names its account in sub and kubernetes.io, with its audiences and times',
    },
    {
      title: 'Accounts and TokenRequest',
      from: 'Accounts and TokenRequest > a ServiceAccount is the user system:serviceaccount:<ns>:<name> in the account groups',
      functions: ['serviceAccountUser', 'ServiceAccounts.observe', 'tokenRequestHandler'],
    },
    {
      title: 'The authenticator, the default account, and all of it on the API server',
      from: "Accounts and TokenRequest > a token is its account's user; another kind of token is not its business",
      functions: [
        'serviceAccountAuthenticator',
        'ServiceAccounts.start',
        'DefaultServiceAccountController.start',
        'DefaultServiceAccountController.ensureDefault',
        'createServiceAccountSecurity',
      ],
    },
    {
      title: 'Tokens bound to a pod',
      from: 'Tokens bound to a pod > a token bound to a pod names it in its claims; the reference comes back in spec',
      functions: ['boundObject', 'ServiceAccounts.observeBindable', 'boundUser'],
    },
  ],
  hints: {
    'Tokens > a token names its account in sub and kubernetes.io, with its audiences and times':
      'base64url is Buffer\'s "base64url" encoding; tokenClaims fills the claims listed in § Tokens, exp = now + seconds.',
    'Tokens > a signed token is header.claims.signature, and verifies with the public key':
      'signToken: sign "header.claims" with sha256 and dsaEncoding "ieee-p1363" (JWT wants the raw r||s form). § Tokens.',
    'Tokens > expired, not yet valid, wrongly signed, malformed and foreign tokens are 401':
      'verifyToken checks in order: it parses, alg is ES256, the signature, the issuer, exp, nbf; each failure is invalidToken(why). § Tokens.',
    'Accounts and TokenRequest > a ServiceAccount is the user system:serviceaccount:<ns>:<name> in the account groups':
      'serviceAccountUser: the name, the uid, and three groups. § Accounts and TokenRequest.',
    'Accounts and TokenRequest > TokenRequest answers a token for the issuer, an hour by default, ten minutes at least; 404 for no account':
      'tokenRequestHandler looks the account up in ServiceAccounts (observe keeps namespace/name → uid), then signs. § Accounts and TokenRequest.',
    "Accounts and TokenRequest > a token is its account's user; another kind of token is not its business":
      'serviceAccountAuthenticator: no opinion unless the bearer token looksLikeJwt; then verifyToken and serviceAccountUser. § Accounts and TokenRequest.',
    "Accounts and TokenRequest > a deleted account's token is refused, even once an account of the same name is made again":
      "Compare the token's uid with the account's uid now; a missing or different one is a 401. § Accounts and TokenRequest.",
    'Accounts and TokenRequest > every namespace gets a default account, made once':
      'The controller follows namespaces; ensureDefault gets default and creates it on a 404, never in a namespace being deleted. § Accounts and TokenRequest.',
    'On the API server > a new namespace gets its default ServiceAccount':
      'createServiceAccountSecurity hands the server the controller in controllers. § On the API server.',
    "On the API server > TokenRequest answers a token that is the account's user; once the account is deleted, 401":
      'One ServiceAccounts shared by the authenticator and the TokenRequest handler; the handler goes in reviews. § On the API server.',
    'Tokens bound to a pod > a token bound to a pod names it in its claims; the reference comes back in spec':
      'ServiceAccounts.observeBindable keeps "<Kind>/<ns>/<name>" → uid and serviceAccountName (start follows pods and secrets); boundObject returns { pod: {name, uid} }; tokenRequestHandler copies it into claims["kubernetes.io"] and echoes spec.boundObjectRef. § Tokens bound to a pod.',
    'Tokens bound to a pod > a token may be bound to a secret instead, named without a uid':
      'The same map, keyed "Secret/<ns>/<name>"; boundObject returns { secret: {name, uid} } with the uid it knows. § Tokens bound to a pod.',
    "Tokens bound to a pod > what cannot be bound is refused in kube-apiserver's words: another kind, no such pod":
      'Check the kind first (Pod or Secret of v1, else 400 with "<group>/<version>, Kind=<kind>"), then that it exists (404, kind "pods"). § Tokens bound to a pod.',
    'Tokens bound to a pod > a pod of another uid (made again) or running as another account cannot be bound':
      'Then a pod\'s serviceAccountName (default when unset; 400), then the uid when the reference gives one (409 Conflict, "Operation cannot be fulfilled on Pod ..."). § Tokens bound to a pod.',
    "Tokens bound to a pod > a token bound to a secret dies with the secret, and names no pod in the user's extra":
      'boundUser checks a secret in the claims as it checks a pod ("Secret/<ns>/<name>" → uid); only a pod goes into extra. § Tokens bound to a pod.',
    'Tokens bound to a pod > a bound token is its account with the pod in extra, until the pod is deleted or made again':
      'boundUser, called by the authenticator when the claims name a pod or secret: it must be known with the same uid, else invalidToken("service account token has been invalidated"); a pod goes into user.extra. § Tokens bound to a pod.',
  },
};
