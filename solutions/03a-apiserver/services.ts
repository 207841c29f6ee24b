// Services and their addresses: with a ServiceAllocator (chapter 09 writes one), every Service is
// stored with its ClusterIP and node ports, never without them and never with taken ones. The
// allocator plugs into the services' storage as a ResourceExtension (strategy.ts), as kube's
// service REST storage allocates in its BeginCreate and BeginUpdate hooks: it takes addresses
// before a Service is stored, and gives them back when the write stores nothing or the Service
// is deleted. At start, it learns what the stored Services hold, and the `kubernetes` Service,
// the cluster's own address for the API server, is made if it is missing.
import { ApiError } from '../../harness/api/errors.ts';
import type { ServiceAllocator } from '../../harness/api/machinery.ts';
import { coreResource, type ServerContext } from './context.ts';
import type { ResourceExtension } from './strategy.ts';

/** The allocator as hooks of the services' storage. */
export function serviceAllocation(
  context: ServerContext,
  allocator: ServiceAllocator,
): ResourceExtension {
  /** Learns again what the stored Services hold: after a write that stored nothing. */
  const rebuild = async () =>
    allocator.rebuild((await context.storage.list(coreResource(context, 'services'))).items);
  return {
    resource: 'services',
    hooks: {
      beginCreate: (service) => allocator.onCreate(service),
      revertCreate: (service) => allocator.onDelete(service),
      beginUpdate: (current, service) => allocator.onUpdate(current, service),
      revertUpdate: rebuild,
      afterDelete: (service) => allocator.onDelete(service),
    },
  };
}

/**
 * At start, with a ServiceAllocator: what the stored Services hold is taken, and the `kubernetes`
 * Service, the cluster's own address for the API server, exists with the range's first address.
 */
export async function startServiceAllocator(
  context: ServerContext,
  allocator: ServiceAllocator,
): Promise<void> {
  const services = coreResource(context, 'services');
  const existing = (await context.storage.list(services)).items;
  allocator.rebuild(existing);
  const present = existing.some(
    (service) => service.metadata.namespace === 'default' && service.metadata.name === 'kubernetes',
  );
  if (present) return;
  const kubernetes = context.registry.get(services)!.strategy.prepareForCreate(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: allocator.kubernetesIp(),
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      },
    },
    context.makers,
  );
  await context.storage.create(services, allocator.onCreate(kubernetes)).catch((error: unknown) => {
    if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
  });
}
