// What `kata up` prints once the cluster is up: how long it took, each component with its address
// and whose code it runs, and what to try next; in the single-address network mode, what it means.
import path from 'node:path';
import type { Paint } from '../kata/output.ts';
import type { NetworkMode } from '../network.ts';
import { chaptersRun, type ClusterOptions } from './options.ts';
import type { Component } from './supervision.ts';

export interface Banner {
  options: ClusterOptions;
  components: Component[];
  startedAt: number;
  /** The kubeconfig to show in the kubectl line. */
  kubeconfig: string;
  logDir: string;
  network: NetworkMode;
}

const plain = (text: string) => text;
const plainPaint: Paint = { green: plain, red: plain, yellow: plain, bold: plain, dim: plain };

/** What the single-address mode changes, and why it runs when the learner did not ask for it. */
function singleAddressLines(options: Banner['options']): string[] {
  const chosen = (options.network ?? 'auto') === 'auto';
  return [
    '  network: single address. Nodes, pods and NodePorts are all on 127.0.0.1; each pod port is',
    '  published on a free port (annotation kata.dev/host-ports); curl http://127.0.0.1:<nodePort>/',
    ...(chosen
      ? ['  (chosen because this machine cannot bind the loopback plan: see npx kata doctor)']
      : []),
  ];
}

/** Where the control plane runs with --kubeadm (./kubeadm.ts): static pods, not processes. */
function kubeadmLines(options: Banner['options']): string[] {
  const manifests = path.relative(
    process.cwd(),
    path.join(options.dataDir, 'nodes', 'node-1', 'manifests'),
  );
  return [
    `  control plane: static pods of node-1's kubelet, manifests in ${manifests}/`,
    '  kubectl get pods -n kube-system -o wide; npx kata upgrade <component> --use mine|solutions',
  ];
}

/** The component table: name, address, and each chapter it runs, the learner's or the reference. */
function componentTable(banner: Banner, colour: Paint): string[] {
  const rows = banner.components.map((component) => [
    component.name,
    component.address ?? '',
    chaptersRun(component.kind, banner.options.use[component.kind])
      .map((chapter) => `${chapter.id} ${chapter.yours ? colour.yellow('yours') : 'reference'}`)
      .join(', '),
  ]);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length), 9));
  const line = (row: string[]) =>
    `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`;
  return [line(['COMPONENT', 'ADDRESS', 'CHAPTERS']), ...rows.map(line)];
}

export function bannerLines(banner: Banner): string[] {
  const colour = banner.options.paint ?? plainPaint;
  const { nodes } = banner.options;
  const seconds = ((Date.now() - banner.startedAt) / 1000).toFixed(1);
  const up = `kata cluster is up: ${nodes} ${nodes === 1 ? 'node' : 'nodes'} Ready after ${seconds} s`;
  return [
    '',
    colour.green(colour.bold(up)),
    '',
    ...componentTable(banner, colour),
    '',
    ...(banner.network === 'single' ? [...singleAddressLines(banner.options), ''] : []),
    ...(banner.options.kubeadm ? [...kubeadmLines(banner.options), ''] : []),
    `  kubectl --kubeconfig ${path.relative(process.cwd(), banner.kubeconfig)} get nodes`,
    '  npx kata apply -f harness/examples/hello.yaml      (then: npx kata get pods -o wide)',
    '  npx kata components | kill <component> | restart <component>',
    `  logs in ${path.relative(process.cwd(), banner.logDir)}/; Ctrl-C stops the cluster`,
    '',
  ];
}
