// The course integrity check's verbs, each loading its module when it runs (the TypeScript
// compiler and Vitest take a while to import).
import type { Command } from '../args.ts';
import { colourWanted, paint } from '../output.ts';

const colour = () => paint(colourWanted());

export const courseCheckCommands: Record<string, Command> = {
  stages: async ({ chapters }) =>
    (await import('./stage-table.ts')).printStages(chapters, colour()),
  agendas: async ({ flags }) => (await import('./agendas.ts')).printAgendas(flags.write === true),
  check: async ({ chapters, flags }) => {
    if (flags.repeat !== undefined) {
      const { hunt, huntOptions } = await import('./flakes.ts');
      return hunt(huntOptions(flags, chapters), colour());
    }
    return (await import('./check.ts')).check({
      chapters,
      only: flags.only === 'coverage' ? 'coverage' : undefined,
      colour: colour(),
    });
  },
  pristine: async ({ flags }) =>
    (await import('../course/pristine.ts')).comparePristine(flags.update === true),
};
