// The reference controller toolkit (chapter 04 from solutions/, through the implementation
// loader), for the harness's own clients: the CLI's verbs and its wait for nodes, the benchmarks.
// They talk to a cluster whoever's code it runs, so they never depend on the learner's chapter 04;
// components run the toolkit their --use picks instead (harness/components/toolkit.ts).
import { loadReference } from './implementation.ts';

export const { toolkit } = await loadReference('04', 'index.ts');
