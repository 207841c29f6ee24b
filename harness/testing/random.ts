// A seeded random source for tests and benchmarks: the same seed gives the same draws, run after
// run, so a test that breaks ties at random still sees the same ties broken the same way.
// (mulberry32: small, fast, and good enough for spreading choices; not for secrets.)
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
