// Chapter 04's module, as the harness uses it: the controller toolkit (client, informers, work
// queue, controller, leader election), whose shape harness/client/types.ts describes. Every
// component runs on it, and so do the CLI's own clients and the benchmarks.
import type { Toolkit } from '../client/types.ts';

/** index.ts: the toolkit, one object. */
export interface ToolkitModule {
  toolkit: Toolkit;
}
