// Chapter 09's allocator, as the harness uses it: `kata run apiserver` builds one from its
// --service-cluster-ip-range and --service-node-port-range and hands it to the API server, which
// asks it for every Service's addresses (harness/api/machinery.ts says what it answers).
import type { ServiceAllocator } from '../api/machinery.ts';

export interface ServiceAllocatorOptions {
  /** The ClusterIP range, e.g. 10.96.0.0/12; its first address is kept for `kubernetes`. */
  serviceCidr?: string;
  /** "first-last", both included, e.g. 30000-32767. */
  nodePortRange?: string;
}

/** allocator.ts. */
export interface AllocatorModule {
  ServiceAllocator: new (options?: ServiceAllocatorOptions) => ServiceAllocator;
}
