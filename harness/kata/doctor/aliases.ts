// `kata network setup` and `kata network teardown` (and `sudo npx kata doctor --fix`): the loopback
// aliases macOS needs before the course's addresses can be bound, added or removed in one go.
//
// macOS answers only 127.0.0.1 on lo0 until each other address is added as an alias, and forgets
// the aliases at the next restart. Linux routes the whole of 127.0.0.0/8 to loopback, so there is
// nothing to do. What to run is planned by pure functions, and the machine that runs it can be
// replaced, so the tests play a Mac on any machine and never run ifconfig.
import { spawnSync } from 'node:child_process';
import { loopbackPlan, loopbackUnaliasCommand, type PlannedAddress } from '../../network.ts';
import { KataError, plural } from '../output.ts';

export type AliasAction = 'setup' | 'teardown';
export const aliasActions: readonly AliasAction[] = ['setup', 'teardown'];

/** The ifconfig command lines (argv, without sudo) that add or remove every planned alias. */
export function aliasCommands(action: AliasAction, plan: PlannedAddress[]): string[][] {
  return plan.map(({ ip }) =>
    action === 'setup' ? ['ifconfig', 'lo0', 'alias', ip, 'up'] : ['ifconfig', 'lo0', '-alias', ip],
  );
}

/** What a platform needs: the commands on darwin, a sentence saying why none elsewhere. */
export function aliasPlanFor(
  platform: NodeJS.Platform,
  action: AliasAction,
  plan: PlannedAddress[],
): { commands: string[][] } | { nothing: string } {
  if (platform === 'darwin') return { commands: aliasCommands(action, plan) };
  if (platform === 'linux')
    return {
      nothing:
        'nothing to do on Linux: it routes the whole of 127.0.0.0/8 to loopback, so every address of the course can be bound as it is',
    };
  return {
    nothing: `nothing kata knows how to do on ${platform}: run the course in WSL 2 (Linux) or on macOS`,
  };
}

/** How to undo a setup: the one command, and where the single lines are. */
export function teardownAdvice(count: number): string {
  return `The ${plural(count, 'alias', 'aliases')} last until the Mac restarts. To remove them sooner: sudo npx kata network teardown (or ${loopbackUnaliasCommand('<address>')} for one; \`npx kata network teardown --dry-run\` prints every line).`;
}

/** Runs one ifconfig line; whether it succeeded. */
type Runner = (argv: string[]) => boolean;

/** The machine the aliases are changed on; tests bring a Mac of their own that runs nothing. */
export interface AliasMachine {
  platform: NodeJS.Platform;
  isRoot: boolean;
  run: Runner;
}

const thisMachine = (): AliasMachine => ({
  platform: process.platform,
  isRoot: process.getuid?.() === 0,
  run: (argv) => spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore' }).status === 0,
});

export interface AliasRequest {
  action: AliasAction;
  nodes: number;
  nodeIndexBase: number;
  /** Print the commands instead of running them. */
  dryRun: boolean;
}

/** `kata network setup|teardown`: adds or removes the aliases here, or says why none are needed. */
export function changeAliases(
  request: AliasRequest,
  print: (line: string) => void = console.log,
  machine: AliasMachine = thisMachine(),
): number {
  const { action } = request;
  const plan = loopbackPlan(request.nodes, request.nodeIndexBase);
  const wanted = aliasPlanFor(machine.platform, action, plan);
  if ('nothing' in wanted) {
    print(`kata network ${action}: ${wanted.nothing}.`);
    return 0;
  }
  if (request.dryRun) {
    for (const argv of wanted.commands) print(`sudo ${argv.join(' ')}`);
    return 0;
  }
  if (!machine.isRoot)
    throw new KataError(
      `changing loopback aliases needs root: sudo npx kata network ${action}${action === 'setup' ? ' (or sudo npx kata doctor --fix)' : ''}`,
    );
  // Removing an alias that is not there fails, which a teardown does not count.
  const failed = wanted.commands.filter((argv) => !machine.run(argv)).map((argv) => argv[3]!);
  if (action === 'teardown') {
    print(
      `kata network teardown: removed the course's loopback aliases (${plan.length - failed.length} of ${plan.length} were there).`,
    );
    return 0;
  }
  if (failed.length > 0)
    throw new KataError(
      `ifconfig refused ${plural(failed.length, 'alias', 'aliases')} (${failed.slice(0, 3).join(', ')}${failed.length > 3 ? ', ...' : ''})`,
    );
  print(
    `kata network setup: added ${plural(plan.length, 'loopback alias', 'loopback aliases')} on lo0.`,
  );
  print(teardownAdvice(plan.length));
  return 0;
}
