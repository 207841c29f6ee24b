// The reference API server, composed once for the chapters that talk to it (04 onwards): chapter
// 01's store behind an in-process store client, chapter 03a's server with chapter 03b's machinery,
// listening on an ephemeral loopback port. Tests talk to it over real HTTP, as components do.
import { protobufDecoder } from '../api/protobuf.ts';
import { Store } from '../../solutions/01-store/store.ts';
import type { ApiServerOptions } from '../contracts/apiserver.ts';
import { createApiServer } from '../../solutions/03a-apiserver/server.ts';
import { createDiscovery } from '../../solutions/03b-api-machinery/discovery.ts';
import { createPatcher } from '../../solutions/03b-api-machinery/patch.ts';
import { createSelectors } from '../../solutions/03b-api-machinery/selectors.ts';
import { createSubresources } from '../../solutions/03b-api-machinery/subresources.ts';
import { MemoryStoreClient } from './memory-store-client.ts';

export interface RunningApiServer {
  /** Where to send requests: http://127.0.0.1:<port>. */
  url: string;
  /** The store under the server, for tests that compact it or look at raw revisions. */
  store: Store;
  close(): Promise<void>;
}

/**
 * Starts the reference API server. `options` may replace any collaborator (a clock, timers, a
 * bookmark interval); the store is always a fresh in-memory one.
 */
export async function startApiServer(
  options: Partial<Omit<ApiServerOptions, 'store'>> = {},
): Promise<RunningApiServer> {
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
