// The verbs that prepare a learner's machine: `kata doctor` checks it, `kata network` adds or
// removes the loopback aliases macOS needs. Each loads its module when it runs.
import type { Command } from '../args.ts';
import { UsageError } from '../output.ts';

export const doctorCommands: Record<string, Command> = {
  doctor: async ({ flags }) => (await import('./doctor.ts')).doctor(flags),
  network: async ({ name, flags }) => {
    const { aliasActions, changeAliases } = await import('./aliases.ts');
    const { parseDoctorFlags } = await import('./doctor.ts');
    const action = aliasActions.find((choice) => choice === name);
    if (!action)
      throw new UsageError(
        name === undefined
          ? 'kata network needs setup or teardown; usage: kata network setup|teardown [--dry-run] [--nodes 3]'
          : `kata network takes setup or teardown, not "${name}"`,
      );
    const { nodes, nodeIndexBase } = parseDoctorFlags(flags);
    return changeAliases({ action, nodes, nodeIndexBase, dryRun: flags['dry-run'] === true });
  },
};
