// Types of pod-resolver.mjs, for the TypeScript that imports it (the process runtime, the tests).
import type { DnsConfig } from '../cri.ts';

export function parseResolvConf(text: string): DnsConfig;
export function formatResolvConf(config: DnsConfig): string;
export function ndotsOf(options: string[]): number;
export function candidateNames(name: string, searches: string[], ndots: number): string[];
export function resolveWithSearch(
  name: string,
  config: DnsConfig,
  resolver: { resolve4(name: string): Promise<string[]> },
): Promise<string[]>;
export function install(config: DnsConfig, target?: { lookup: unknown }): void;
