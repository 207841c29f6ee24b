// Benchmark of chapter 01's store (the reference in solutions/01-store): puts per second, gets per
// second, and the time of a 1,000-key prefix range in a store of 100,000 keys.
//
// The figure that matters is the prefix range's time as a fraction of a full scan of every key,
// measured in the same run: absolute times on a shared machine mean little, but the ratio shows
// whether a range really costs O(log n + k) (about 1,000 / 100,000 = 0.01 of a scan) or quietly
// walks every key (about 1x). Kubernetes lists by prefix all the time (every pod in a namespace is
// /registry/pods/<namespace>/), so this is the cost that a cluster's size must not multiply.
//
//   npx tsx harness/bench/store.ts
import { performance } from 'node:perf_hooks';
import { ALL_KEYS_FROM, bytes, prefixEnd } from '../store/bytes.ts';
import { loadReference } from '../components/implementation.ts';

const { Store } = await loadReference('01', 'store.ts');

const NAMESPACES = 100;
const PODS_PER_NAMESPACE = 1_000;
const TOTAL = NAMESPACES * PODS_PER_NAMESPACE;

/** A small seeded random source (mulberry32), so every run writes the keys in the same order. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seeded(42);
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const keys: Uint8Array[] = [];
for (let ns = 0; ns < NAMESPACES; ns++) {
  for (let pod = 0; pod < PODS_PER_NAMESPACE; pod++) {
    keys.push(bytes(`/registry/pods/ns-${pad(ns, 3)}/pod-${pad(pod, 4)}`));
  }
}
// Written in random order, as a real cluster creates pods: every put lands somewhere in the middle.
for (let i = keys.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [keys[i], keys[j]] = [keys[j]!, keys[i]!];
}
const value = bytes('{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web"}}');

/** Milliseconds per run of `work`, the median of `runs` runs after one warm-up. */
function timeEach(runs: number, work: () => void): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const store = new Store();
let start = performance.now();
for (const key of keys) store.put({ key, value });
const putsPerSecond = TOTAL / ((performance.now() - start) / 1000);

const gets = 100_000;
start = performance.now();
for (let i = 0; i < gets; i++) store.range({ key: keys[i % TOTAL]! });
const getsPerSecond = gets / ((performance.now() - start) / 1000);

const prefix = bytes(`/registry/pods/ns-${pad(NAMESPACES / 2, 3)}/`);
const prefixRange = () => {
  const { count } = store.range({ key: prefix, rangeEnd: prefixEnd(prefix) });
  if (count !== PODS_PER_NAMESPACE) throw new Error(`prefix range found ${count} keys`);
};
const fullScan = () => {
  const { count } = store.range({ key: ALL_KEYS_FROM, rangeEnd: ALL_KEYS_FROM });
  if (count !== TOTAL) throw new Error(`full scan found ${count} keys`);
};
const prefixMs = timeEach(200, prefixRange);
const scanMs = timeEach(20, fullScan);

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const rows: Array<[string, string, string]> = [
  ['puts', `${thousands(putsPerSecond)} /s`, ''],
  ['gets (one key each)', `${thousands(getsPerSecond)} /s`, ''],
  [
    `prefix range (${thousands(PODS_PER_NAMESPACE)} of ${thousands(TOTAL)} keys)`,
    `${prefixMs.toFixed(2)} ms`,
    `${(prefixMs / scanMs).toFixed(3)}x a full scan`,
  ],
  [`full scan (${thousands(TOTAL)} keys, the baseline)`, `${scanMs.toFixed(2)} ms`, '1x'],
];
const nameWidth = Math.max(...rows.map(([name]) => name.length));
const figureWidth = Math.max(...rows.map(([, figure]) => figure.length));
console.log(`store benchmark: solutions/01-store, ${thousands(TOTAL)} keys`);
for (const [name, figure, ratio] of rows) {
  console.log(`${name.padEnd(nameWidth)}  ${figure.padStart(figureWidth)}  ${ratio}`.trimEnd());
}
