// What a test starts, stopped after it: API servers and the work a test runs in the background
// (informers, controllers, schedulers), each given a signal that aborts when the test ends. A test
// file calls testScope() once, at the top.
import { afterEach } from 'vitest';
import type { ApiServerOptions } from '../contracts/apiserver.ts';
import { startApiServer, type RunningApiServer } from './apiserver.ts';
import { endTest } from './wait.ts';

export interface TestScope {
  /** An AbortController that aborts when the current test ends (or earlier, when the test says). */
  stopper(): AbortController;
  /** The reference API server (harness/testing/apiserver.ts), closed when the test ends. */
  apiServer(options?: Partial<Omit<ApiServerOptions, 'store'>>): Promise<RunningApiServer>;
}

export function testScope(): TestScope {
  const stops: AbortController[] = [];
  const servers: RunningApiServer[] = [];
  afterEach(async () => {
    endTest();
    for (const stop of stops.splice(0)) stop.abort();
    for (const server of servers.splice(0)) await server.close();
  });
  return {
    stopper() {
      const stop = new AbortController();
      stops.push(stop);
      return stop;
    },
    async apiServer(options) {
      const server = await startApiServer(options);
      servers.push(server);
      return server;
    },
  };
}
