// Services and their addresses: with a ServiceAllocator (chapter 09 writes one), every Service is
// stored with its ClusterIP and node ports, never without them and never with taken ones. The
// allocator plugs into the services' storage as a ResourceExtension (strategy.ts), as kube's
// service REST storage allocates in its BeginCreate and BeginUpdate hooks: it takes addresses
// before a Service is stored, and gives them back when the write stores nothing or the Service
// is deleted. At start, it learns what the stored Services hold, and the `kubernetes` Service,
// the cluster's own address for the API server, is made if it is missing.
import type { ServiceAllocator } from '../../harness/api/machinery.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ServerContext } from './context.ts';
import type { ResourceExtension } from './strategy.ts';

/**
 * The allocator as hooks of the services' storage (resource "services"): beginCreate is
 * onCreate, and a create that stored nothing gives its addresses back (onDelete); beginUpdate is
 * onUpdate, and an update that stored nothing has the allocator rebuild from the stored Services;
 * afterDelete is onDelete.
 */
export function serviceAllocation(
  context: ServerContext,
  allocator: ServiceAllocator,
): ResourceExtension {
  throw new NotImplemented('serviceAllocation', '§ Collaborators');
}

/**
 * At start, with a ServiceAllocator: rebuild it from the stored Services; then, unless
 * default/kubernetes exists, create it, made ready by the services' strategy, then onCreate:
 * labels component=apiserver and provider=kubernetes, spec.clusterIP kubernetesIp(), one port
 * { name: "https", port: 443, protocol: "TCP", targetPort: 6443 }. AlreadyExists is fine.
 */
export async function startServiceAllocator(
  context: ServerContext,
  allocator: ServiceAllocator,
): Promise<void> {
  throw new NotImplemented('startServiceAllocator', '§ Collaborators');
}
