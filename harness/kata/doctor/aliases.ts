// `kata network setup` and `kata network teardown` (and `sudo npx kata doctor --fix`): the loopback
// aliases macOS needs before the course's addresses can be bound, added or removed in one go.
//
// macOS answers only 127.0.0.1 on lo0 until each other address is added as an alias, and forgets
// the aliases at the next restart. Linux routes the whole of 127.0.0.0/8 to loopback, so there is
// nothing to do. What to run is planned by pure functions (tested for darwin on any machine); only
// `applyAliases` runs ifconfig, and only on a Mac, as root.
import { spawnSync } from 'node:child_process';
import { loopbackPlan, type PlannedAddress } from '../../network.ts';
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
  return `The ${plural(count, 'alias', 'aliases')} last until the Mac restarts. To remove them sooner: sudo npx kata network teardown (or sudo ifconfig lo0 -alias <address> for one; \`npx kata network teardown --dry-run\` prints every line).`;
}

/** Runs one ifconfig line; whether it succeeded. Tests never reach here. */
type Runner = (argv: string[]) => boolean;

const runIfconfig: Runner = (argv) =>
  spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore' }).status === 0;

/**
 * Runs the commands; the addresses whose command failed. Removing an alias that is not there
 * fails too, which a teardown does not count.
 */
export function applyAliases(commands: string[][], runner: Runner = runIfconfig): string[] {
  return commands.filter((argv) => !runner(argv)).map((argv) => argv[3]!);
}

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
  platform: NodeJS.Platform = process.platform,
): number {
  const plan = loopbackPlan(request.nodes, request.nodeIndexBase);
  const wanted = aliasPlanFor(platform, request.action, plan);
  if ('nothing' in wanted) {
    print(`kata network ${request.action}: ${wanted.nothing}.`);
    return 0;
  }
  if (request.dryRun) {
    for (const argv of wanted.commands) print(`sudo ${argv.join(' ')}`);
    return 0;
  }
  if (process.getuid?.() !== 0)
    throw new KataError(
      `changing loopback aliases needs root: sudo npx kata network ${request.action}${request.action === 'setup' ? ' (or sudo npx kata doctor --fix)' : ''}`,
    );
  const failed = applyAliases(wanted.commands);
  if (request.action === 'teardown') {
    print(
      `kata network teardown: removed the loopback aliases of the course (${plan.length - failed.length} were there).`,
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
