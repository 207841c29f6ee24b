// The token cleaner (kube-controller-manager's `tokencleaner`): a bootstrap token lives until its
// `expiration`, and then its Secret goes. The API server's authenticator already refuses an
// expired token; deleting the Secret is the cluster's housekeeping, so that `kata token list`
// and `kubectl get secrets -n kube-system` show only tokens that still work.
//
// Informer on kube-system's Secrets → queue of bootstrap token Secrets → reconcile(key): an
// expired token (or one whose expiration is not a time, as kube reads it) is deleted, guarded by
// its uid so that a Secret made again under the same name meanwhile survives; one not yet expired
// is queued again for the moment it expires.
import {
  bootstrapTokenNamespace,
  bootstrapTokenType,
  tokenExpiry,
} from '../api/bootstrap-token-secrets.ts';
import type { Secret } from '../api/types.ts';
import { isConflict, isNotFound } from '../client/errors.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';

export interface TokenCleanerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** Now, in milliseconds since the epoch. */
  now?: () => number;
}

/** A timer never waits longer than this: Node fires longer ones at once. A day. */
const LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

/** The controller: run(signal) follows kube-system's Secrets until the signal aborts. */
export function createTokenCleaner(options: TokenCleanerOptions) {
  const { toolkit, client, now = Date.now } = options;
  const secrets = client.resource<Secret>('secrets', bootstrapTokenNamespace);
  const informer = toolkit.createInformer(secrets);
  const controller = toolkit.createController({
    name: 'token-cleaner',
    reconcile: async (key) => {
      const secret = informer.get(key);
      if (!secret || secret.type !== bootstrapTokenType) return;
      const expiry = tokenExpiry(secret);
      if (expiry === undefined) return;
      const left = expiry - now();
      if (left > 0) {
        controller.queue.addAfter(key, Math.min(left, LONGEST_WAIT_MS));
        return;
      }
      const uid = secret.metadata.uid;
      await secrets
        .delete(secret.metadata.name!, uid ? { preconditions: { uid } } : undefined)
        .catch((error: unknown) => {
          // Gone already, or another Secret by that name now: nothing left to clean.
          if (isNotFound(error) || isConflict(error)) return;
          throw error;
        });
    },
  });
  controller.watch(informer, (secret) =>
    secret.type === bootstrapTokenType ? [toolkit.keyOf(secret)] : [],
  );
  return controller;
}
