// The continue token of a paged LIST (`?limit=500`, then `?continue=<token>`), in kube-apiserver's
// own format: base64 of {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key>"}. `rv` is the store
// revision the first page was read at, so every page is read at it and the pages together are one
// consistent list; `start` is where the next page begins, as a key relative to the collection's
// prefix. Clients treat the token as opaque; the server alone reads it.
import { ApiError } from './errors.ts';

export interface ContinueToken {
  /** The revision every page is read at. */
  rv: number;
  /** The next key to read, after the collection's prefix. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start });
  return Buffer.from(json).toString('base64');
}

/** Reads a token; anything that is not one of ours is a 400 BadRequest. */
export function decodeContinue(text: string): ContinueToken {
  const invalid = () =>
    new ApiError(400, 'BadRequest', `continue key is not valid: ${JSON.stringify(text)}`);
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { v, rv, start } = (token ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== 'meta.k8s.io/v1' || !Number.isInteger(rv) || (rv as number) < 1) throw invalid();
  if (typeof start !== 'string' || start.startsWith('/') || start.includes('..')) throw invalid();
  return { rv: rv as number, start };
}
