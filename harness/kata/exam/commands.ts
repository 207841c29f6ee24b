// The mock exam's verb, loading its module (and the cluster client) only when it runs.
import type { Command } from '../args.ts';

export const examCommands: Record<string, Command> = {
  exam: async ({ name, flags }) => (await import('./run.ts')).exam(name, flags),
};
