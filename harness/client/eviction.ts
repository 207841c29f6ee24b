// Evicting a pod: a POST of a policy/v1 Eviction to the pod's eviction subresource, which deletes
// the pod only when its PodDisruptionBudget allows one more disruption (chapter 03b serves it).
// `kubectl drain` and the cluster autoscaler's scale-down (chapter 15a) evict rather than delete,
// so a budget holds them back with a 429. Chapter 04's client has no verb for it (client-go's
// is PolicyV1().Evictions(namespace).Evict), so this sends the request itself, with the same
// server, token and TLS credentials the client uses.
import { ApiError } from '../api/errors.ts';
import type { DeleteOptions, Status } from '../api/types.ts';
import type { ApiClient } from './types.ts';

/**
 * Evicts pod `namespace/name`. Resolves once the server granted it (the pod is being deleted);
 * rejects with the server's Status as an ApiError: 429 TooManyRequests when a budget forbids it
 * now, 404 when the pod is gone.
 */
export async function evictPod(
  client: ApiClient,
  namespace: string,
  name: string,
  deleteOptions?: Omit<DeleteOptions, 'kind' | 'apiVersion'>,
): Promise<void> {
  const { config } = client;
  const url =
    `${config.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}` +
    `/pods/${encodeURIComponent(name)}/eviction`;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
  };
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  const eviction = {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace },
    ...(deleteOptions ? { deleteOptions } : {}),
  };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(eviction) });
  if (response.ok) return;
  const text = await response.text();
  let status: Partial<Status> = {};
  try {
    status = JSON.parse(text) as Status;
  } catch {
    status = { message: text };
  }
  throw new ApiError(
    response.status,
    status.reason ?? 'Unknown',
    status.message || `eviction of ${namespace}/${name}: HTTP ${response.status}`,
    status.details,
  );
}
