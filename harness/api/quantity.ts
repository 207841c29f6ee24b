// Kubernetes quantities: how `cpu: 250m` and `memory: 128Mi` are written, and what they mean in
// the units the scheduler adds up (millicores and bytes). Given material: the scheduler's lesson is
// in what it adds up, not in parsing suffixes.
//
//   cpu      "2" = 2000m, "0.5" = 500m, "250m" = 250m, "12500000n" = 12.5m (nanocores, as
//            metrics-server reports usage)
//   memory   "128Mi" = 128 * 2^20 bytes, "1Gi" = 2^30, "1G" = 10^9, "1e3" = 1000, "512" = 512 bytes
//   pods     a plain count: "110"

const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The value of a quantity in base units (cores, bytes, a count). Throws on anything else. */
export function parseQuantity(text: string): number {
  const match =
    /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(
      text.trim(),
    );
  if (!match) throw new Error(`"${text}" is not a quantity (like 250m, 1.5, 128Mi or 1G)`);
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  return number * (binary[suffix] ?? decimal[suffix]!);
}

/** CPU in millicores, rounded up as Kubernetes does: "0.1" = 100, "1" = 1000. */
export function milliCpu(text: string | undefined): number {
  return text === undefined ? 0 : Math.ceil(parseQuantity(text) * 1000 - 1e-9);
}

/** Memory (or any quantity) in whole base units, rounded up. */
export function quantityValue(text: string | undefined): number {
  return text === undefined ? 0 : Math.ceil(parseQuantity(text) - 1e-9);
}
