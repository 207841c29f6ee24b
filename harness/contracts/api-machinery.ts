// Chapter 03b's modules, as the harness uses them: each builds one collaborator the API server is
// handed (harness/api/machinery.ts says what each does). `kata run apiserver` and the test
// helpers' API server (harness/testing/apiserver.ts) compose them.
import type { Discovery, Patcher, Selectors, Subresource } from '../api/machinery.ts';
import type { BudgetStatusFunction } from './cloud.ts';

/** selectors.ts: label and field selectors. */
export interface SelectorsModule {
  createSelectors: () => Selectors;
}

/** patch.ts: merge, JSON and strategic merge patches. */
export interface PatchModule {
  createPatcher: () => Patcher;
}

/** subresources.ts: status, scale, binding, eviction. */
export interface SubresourcesModule {
  createSubresources: () => Subresource[];
  /** A PodDisruptionBudget's status from its pods: the disruption controller (15a) writes it. */
  budgetStatus: BudgetStatusFunction;
}

/** discovery.ts: the API's description of itself. */
export interface DiscoveryModule {
  createDiscovery: () => Discovery;
}
