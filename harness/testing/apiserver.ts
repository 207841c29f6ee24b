// The reference API server, composed once for the chapters that talk to it (04 onwards): chapter
// 01's store behind an in-process store client, chapter 03a's server with chapter 03b's machinery,
// listening on an ephemeral loopback port. Tests talk to it over real HTTP, as components do.
//
// Every part is the reference's, loaded through the implementation loader whatever KATA_TARGET
// says: the target moves only the chapter under test (harness/vitest/target.ts), so a chapter's
// tests never depend on the learner's earlier chapters.
import { protobufDecoder } from '../api/protobuf.ts';
import { loadReference } from '../components/implementation.ts';
import type { MvccStore } from '../store/types.ts';
import type { ApiServerOptions } from '../contracts/apiserver.ts';
import { MemoryStoreClient } from './memory-store-client.ts';

export interface RunningApiServer {
  /** Where to send requests: http://127.0.0.1:<port>. */
  url: string;
  /** The store under the server, for tests that compact it or look at raw revisions. */
  store: MvccStore;
  close(): Promise<void>;
}

/**
 * Starts the reference API server. `options` may replace any collaborator (a clock, timers, a
 * bookmark interval); the store is always a fresh in-memory one.
 */
export async function startApiServer(
  options: Partial<Omit<ApiServerOptions, 'store'>> = {},
): Promise<RunningApiServer> {
  const { Store } = await loadReference('01', 'store.ts');
  const { createApiServer } = await loadReference('03a', 'server.ts');
  const { createSelectors } = await loadReference('03b', 'selectors.ts');
  const { createPatcher } = await loadReference('03b', 'patch.ts');
  const { createSubresources } = await loadReference('03b', 'subresources.ts');
  const { createDiscovery } = await loadReference('03b', 'discovery.ts');
  const store = new Store();
  const server = await createApiServer({
    store: new MemoryStoreClient(store),
    selectors: createSelectors(),
    patcher: createPatcher(),
    subresources: createSubresources(),
    discovery: createDiscovery(),
    bodyDecoders: [protobufDecoder],
    ...options,
  });
  const url = await server.listen(0, '127.0.0.1');
  return { url, store, close: () => server.close() };
}
