// The `kata drill` verb, loading its module when it runs.
import type { Command } from '../args.ts';

export const drillCommands: Record<string, Command> = {
  drill: async ({ name, rest, flags }) => (await import('./drill.ts')).drill(name, rest[0], flags),
};
