// The percentile every benchmark reports its latencies by: the value below which `fraction` of the
// samples fall (nearest rank, no interpolation), so p50 and p99 of a few dozen runs are real samples.

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}
