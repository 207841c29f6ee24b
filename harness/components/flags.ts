// Command-line flags as Kubernetes components take them: `--flag value`, `--flag=value`, and
// boolean flags alone (`--leader-elect`) or with `=true`/`=false`. A mistake is a UsageError whose
// one line names the flags there are.
import { isIP } from 'node:net';
import { isNetworkMode, networkModeFromEnvironment, type NetworkMode } from '../network.ts';
import { UsageError } from '../usage.ts';

export { UsageError };

export type FlagKinds = Record<string, 'string' | 'boolean'>;

export function parseComponentFlags(
  argv: string[],
  kinds: FlagKinds,
): Map<string, string | boolean> {
  const values = new Map<string, string | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(argv[i]!);
    const kind = match ? kinds[match[1]!] : undefined;
    if (!match || !kind) {
      throw new UsageError(
        `unknown flag ${argv[i]}; the flags are --${Object.keys(kinds).join(', --')}`,
      );
    }
    const name = match[1]!;
    if (kind === 'boolean') {
      const text = match[2] ?? 'true';
      if (text !== 'true' && text !== 'false') {
        throw new UsageError(`--${name} is true or false, not "${text}"`);
      }
      values.set(name, text === 'true');
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  return values;
}

/** A port as a flag gives it: 0 (any free one) to 65535; anything else is a UsageError. */
export function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`--${flag} must be a port number (0-65535), not "${text}"`);
  }
  return port;
}

/**
 * An address and port as kube-proxy's --healthz-bind-address takes them: "0.0.0.0:10256",
 * "127.0.0.1:0", "[::1]:10256". Anything else is a UsageError naming the flag.
 */
export function parseHostPort(text: string, flag: string): { address: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d+)$/.exec(text);
  if (!match) {
    throw new UsageError(`--${flag} takes an address and port like 0.0.0.0:10256, not "${text}"`);
  }
  const address = match[1] ?? match[2]!;
  if (!isIP(address)) throw new UsageError(`--${flag}: "${address}" is not an IP address`);
  return { address, port: parsePort(match[3]!, flag) };
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as Kubernetes flags write it (Go's form): "50s", "5m", "1m30s", "300ms", or "0".
 * Returns milliseconds; anything else is a UsageError naming the flag.
 */
export function parseDuration(text: string, flag: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new UsageError(`--${flag} takes a duration like 50s, 5m or 1m30s, not "${text}"`);
  }
  return parts.reduce((total, part) => total + Number(part[1]) * unitMs[part[2]!]!, 0);
}

/** Milliseconds written as Go writes a duration, to the second: "5m0s", "1m30s", "12s". */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  const seconds = Math.round(milliseconds / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * A kubelet's or a proxy's --network (../network.ts): loopback or single, KATA_NETWORK's mode when
 * the flag is missing, loopback when both are. A wrong value of either is a UsageError.
 */
export function parseNetworkMode(text: string | undefined): NetworkMode {
  let fromEnvironment: NetworkMode | undefined;
  try {
    fromEnvironment = networkModeFromEnvironment();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const network = text ?? fromEnvironment ?? 'loopback';
  if (!isNetworkMode(network))
    throw new UsageError(`--network takes loopback or single, not "${network}"`);
  return network;
}
