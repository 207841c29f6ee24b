// The simplest way to say who you are: a static token file (kube-apiserver's --token-auth-file).
// Each line is `token,user,uid,"group1,group2"`; a request carrying `Authorization: Bearer
// <token>` is that user, in those groups and system:authenticated. A token not in the file is
// refused with 401, not treated as anonymous: a client that sent a credential meant to be someone.
// Chapter 11a adds client certificates and ServiceAccount tokens; this is enough to try RBAC.
import { ApiError } from '../../harness/api/errors.ts';
import type { Authenticator, UserInfo } from '../../harness/contracts/security.ts';

/** The 401 every refused credential gets: kube says no more than this, on purpose. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** Splits one CSV line, honouring double quotes around a field that holds commas. */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  for (const match of line.matchAll(/\s*(?:"([^"]*)"|([^,]*))\s*(?:,|$)/g)) {
    if (match.index >= line.length && fields.length > 0) break;
    fields.push((match[1] ?? match[2] ?? '').trim());
  }
  return fields;
}

/** Reads a token file into token → user. Throws naming the line that has too few fields. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const [token, username, uid, groups] = csvFields(line);
    if (!token || !username || uid === undefined) {
      throw new Error(`token file line ${index + 1}: expected token,user,uid[,"groups"]`);
    }
    const listed = (groups ?? '').split(',').filter((group) => group !== '');
    users.set(token, { username, uid, groups: [...listed, 'system:authenticated'] });
  });
  return users;
}

/** The bearer token of an Authorization header, or undefined for another scheme or none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The token file's authenticator: a known bearer token is its user; an unknown one, 401. */
export function tokenFileAuthenticator(users: Map<string, UserInfo>): Authenticator {
  return {
    authenticate({ authorization }) {
      if (authorization === undefined) return undefined;
      const token = bearerToken(authorization);
      const user = token === undefined ? undefined : users.get(token);
      if (!user) throw unauthorized();
      return user;
    },
  };
}

/**
 * The client certificate's authenticator (kube-apiserver's x509): the Common Name is the user,
 * each Organization a group, and system:authenticated. A certificate the cluster's CA did not
 * sign (another CA, expired) is refused with 401; no certificate is no opinion.
 */
export function certificateAuthenticator(): Authenticator {
  return {
    authenticate({ certificate, certificateError }) {
      if (certificateError !== undefined) throw unauthorized();
      if (!certificate) return undefined;
      const groups = [...certificate.organizations, 'system:authenticated'];
      return { username: certificate.commonName, groups };
    },
  };
}

/**
 * Authenticators in kube-apiserver's order (client certificate, then bearer tokens): the first
 * that finds a user wins. One that refuses the credential (a token file that does not know a
 * ServiceAccount's token) does not stop the others; when none finds a user, its refusal (401)
 * stands, and with no refusal either the request is anonymous.
 */
export function unionAuthenticator(authenticators: Authenticator[]): Authenticator {
  return {
    async start(feed) {
      for (const authenticator of authenticators) await authenticator.start?.(feed);
    },
    authenticate(credentials) {
      let refusal: unknown;
      for (const authenticator of authenticators) {
        try {
          const user = authenticator.authenticate(credentials);
          if (user) return user;
        } catch (error) {
          refusal ??= error;
        }
      }
      if (refusal !== undefined) throw refusal;
      return undefined;
    },
  };
}
