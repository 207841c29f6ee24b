// `kata doctor`: is this machine ready for the course and a cluster? One line per check, in the
// order a learner would fix them: Node.js, `npm install` (on WSL, where the repository sits),
// kubectl, the loopback addresses, the cluster's ports, then the optional programs. Exit 0 only
// when no line is a ✗.
//
// It takes `npm start`'s own flags for addresses and ports (--network, --nodes, --node-index-base,
// --store-port, --apiserver-port, --kubelet-port, --etcd-servers), so the cluster it checks is the
// one those flags would start; --fix first adds the loopback aliases macOS needs (aliases.ts).
import os from 'node:os';
import { repoRoot } from '../../paths.ts';
import { parseUpFlags } from '../cluster/up.ts';
import { colourWanted, paint } from '../output.ts';
import { changeAliases } from './aliases.ts';
import {
  checkInstall,
  checkKubectl,
  checkNetwork,
  checkNode,
  checkOptional,
  checkPorts,
  checkWsl,
  doctorExitCode,
  formatLine,
  summary,
  type CheckLine,
} from './checks.ts';
import {
  enginesNode,
  exampleNodePorts,
  installFacts,
  kubectlFacts,
  lookAtPorts,
  programVersion,
  unbindableAddresses,
} from './machine.ts';
import { planFlags, plannedAddresses, plannedPorts, type DoctorOptions } from './plan.ts';

type Flags = Record<string, string | boolean | undefined>;

/** Reads the doctor's flags: `npm start`'s (--network and KATA_NETWORK too), as `kata up` reads them. */
export function parseDoctorFlags(flags: Flags): DoctorOptions {
  const cluster = parseUpFlags(flags);
  return {
    network: cluster.network ?? 'auto',
    nodes: cluster.nodes,
    nodeIndexBase: cluster.nodeIndexBase,
    storePort: cluster.storePort,
    apiserverPort: cluster.apiserverPort,
    kubeletPort: cluster.kubeletPort,
    etcdServers: cluster.etcdServers,
  };
}

/** Every check, each line handed to `report` as soon as it is known. */
export async function runChecks(
  options: DoctorOptions,
  report: (line: CheckLine) => void,
): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const add = (line: CheckLine) => {
    lines.push(line);
    report(line);
  };
  add(checkNode(process.version, enginesNode()));
  add(checkInstall(installFacts()));
  const wsl = checkWsl(os.release(), repoRoot);
  if (wsl) add(wsl);
  add(checkKubectl(await kubectlFacts()));
  const planned = plannedAddresses(options);
  add(
    checkNetwork({
      platform: process.platform,
      network: options.network,
      planned,
      unbindable: await unbindableAddresses(planned),
      planFlags: planFlags(options),
    }),
  );
  for (const group of await lookAtPorts(plannedPorts(options, exampleNodePorts())))
    add(checkPorts(group));
  add(
    checkOptional(
      'etcd',
      programVersion('etcd', /etcd Version: (\S+)/),
      'a real etcd for `npm start -- --etcd-servers URL` and the store benchmarks',
    ),
  );
  const chromium =
    programVersion('chromium', /Chromium (\S+)/) ??
    programVersion('chromium-browser', /Chromium (\S+)/);
  add(checkOptional('chromium', chromium, "the room view's browser test"));
  return lines;
}

/** `kata doctor [--fix] [npm start's flags]`. */
export async function doctor(flags: Flags): Promise<number> {
  const options = parseDoctorFlags(flags);
  if (flags.fix === true)
    changeAliases({
      action: 'setup',
      nodes: options.nodes,
      nodeIndexBase: options.nodeIndexBase,
      dryRun: false,
    });
  const colour = paint(colourWanted());
  const lines = await runChecks(options, (line) => console.log(formatLine(line, colour)));
  console.log('');
  console.log(summary(lines));
  return doctorExitCode(lines);
}
