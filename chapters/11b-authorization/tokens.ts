// The simplest way to say who you are: a static token file (kube-apiserver's --token-auth-file).
// Each line is `token,user,uid,"group1,group2"`; a request carrying `Authorization: Bearer
// <token>` is that user, in those groups and system:authenticated. A token not in the file is
// refused with 401, not treated as anonymous: a client that sent a credential meant to be someone.
// Chapter 11a adds client certificates and ServiceAccount tokens; this is enough to try RBAC.
import { ApiError } from '../../harness/api/errors.ts';
import type { Authenticator, UserInfo } from '../../harness/contracts/security.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/** The 401 every refused credential gets: kube says no more than this, on purpose. */
export function unauthorized(): ApiError {
  throw new NotImplemented('unauthorized', '§ Admission');
}

/** Splits one CSV line, honouring double quotes around a field that holds commas. */
export function csvFields(line: string): string[] {
  throw new NotImplemented('csvFields', '§ Admission');
}

/** Reads a token file into token → user. Throws naming the line that has too few fields. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  throw new NotImplemented('parseTokenFile', '§ Admission');
}

/** The bearer token of an Authorization header, or undefined for another scheme or none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  throw new NotImplemented('bearerToken', '§ Admission');
}

/** The token file's authenticator: a known bearer token is its user; an unknown one, 401. */
export function tokenFileAuthenticator(users: Map<string, UserInfo>): Authenticator {
  throw new NotImplemented('tokenFileAuthenticator', '§ Admission');
}

/**
 * The client certificate's authenticator (kube-apiserver's x509): the Common Name is the user,
 * each Organization a group, and system:authenticated. A certificate the cluster's CA did not
 * sign (another CA, expired) is refused with 401; no certificate is no opinion.
 */
export function certificateAuthenticator(): Authenticator {
  throw new NotImplemented('certificateAuthenticator', '§ Admission');
}

/**
 * Authenticators in kube-apiserver's order (client certificate, then bearer tokens): the first
 * that finds a user wins. One that refuses the credential (a token file that does not know a
 * ServiceAccount's token) does not stop the others; when none finds a user, its refusal (401)
 * stands, and with no refusal either the request is anonymous.
 */
export function unionAuthenticator(authenticators: Authenticator[]): Authenticator {
  throw new NotImplemented('unionAuthenticator', '§ Admission');
}
