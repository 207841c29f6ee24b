// Chapter 08's tests (chapters/08-deployments/05-deployments.test.ts) import `kata rollout`'s pause
// and undo from here; the code lives with the other cluster verbs, in harness/kata/cluster/.
export * from './cluster/rollout.ts';
