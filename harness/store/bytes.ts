// Keys and values are bytes, as in etcd. These helpers turn strings into bytes and back, compare
// keys in etcd's order (byte by byte), and compute the end of a prefix range.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(value: Uint8Array): string {
  return decoder.decode(value);
}

/** Orders keys the way etcd does: byte by byte, a shorter key before its extensions. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}

/** The single zero byte that, as a rangeEnd, means "every key from here on". */
export const ALL_KEYS_FROM = new Uint8Array([0]);

/**
 * The rangeEnd that makes [prefix, rangeEnd) hold exactly the keys that start with `prefix`:
 * add one to the last byte below 0xff and cut what follows (`foo` → `fop`). An all-0xff or empty
 * prefix has no such end, so it becomes "every key from here on", as in etcd's clientv3.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const end = prefix.slice(0, i + 1);
      end[i]! += 1;
      return end;
    }
  }
  return ALL_KEYS_FROM;
}
