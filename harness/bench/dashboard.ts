// Benchmark of the dashboard's page (`kata dashboard`), run with `npx kata bench dashboard
// [--pods 1000] [--rounds 20]`: does the page keep up with 1,000 pods changing? A view of 10
// nodes and --pods pods is served to a real headless Chromium (the machine's own; the bench says
// so and stops when there is none). Each round every pod changes (a third of them Pending, in
// turns) and the page draws the batch; the page records its own frame time for each.
//
// The baseline, measured in the same page in the same run after each round: the same tiles drawn
// the simplest way, one HTML string of every node and tile set as a container's innerHTML and laid
// out. It prints the median and the slowest frame of each, their ratio (the page's speed against
// the full redraw's; above 1x means changing tiles in place pays), and the slowest frame against
// the target of 50 ms per batch.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, Pod } from '../api/types.ts';
import { findChromium, launchChromium } from '../testing/chromium.ts';
import { ClusterView } from '../trace/cluster-view.ts';
import { startDashboard } from '../trace/dashboard.ts';
import { median } from './programs/tcp-measure.ts';

const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
};
const PODS = option('pods', 1000);
const ROUNDS = option('rounds', 20);
const NODES = 10;

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.log('  skipped: no Chromium found (install chromium, or set KATA_CHROMIUM to its path)');
  process.exit(0);
}

function node(name: string): Node {
  return { metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
}

/** Pod `index` in round `round`: on its node, and Pending one round in three. */
function pod(index: number, round: number): Pod {
  const running = (index + round) % 3 !== 0;
  return {
    metadata: { name: `many-${index}`, namespace: 'default' },
    spec: { containers: [], nodeName: `node-${(index % NODES) + 1}` },
    status: {
      phase: running ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: running ? 'True' : 'False' }],
    },
  };
}

/**
 * The baseline, run in the page: the view's nodes and tiles as one HTML string, set as a new
 * container's innerHTML and laid out; the milliseconds it took. (Text: this project's types
 * describe Node, not a browser's document.)
 */
const fullRedraw = `(async () => {
  const view = await (await fetch('/api/view')).json();
  const started = performance.now();
  const html = view.nodes.map((node) =>
    '<div class="node"><div class="title">' + node.name + '</div><div class="tiles">' +
    node.pods.map((pod) => '<div class="tile ' + pod.phase + (pod.ready ? ' ready' : '') +
      '" title="' + pod.name + '"></div>').join('') + '</div></div>').join('');
  const container = document.createElement('div');
  document.body.append(container);
  container.innerHTML = html;
  void document.body.offsetHeight;
  const took = performance.now() - started;
  container.remove();
  return took;
})()`;

const view = new ClusterView();
for (let index = 1; index <= NODES; index++) view.apply('nodes', 'ADDED', node(`node-${index}`));
const dashboard = await startDashboard({ view, trace: () => [], history: async () => [] });
const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-bench-dashboard-'));
const browser = await launchChromium(chromiumPath, folder);
try {
  const page = await browser.newPage();
  await page.goto(dashboard.url);
  const frames = () => page.evaluate<number[]>('window.kataDashboard.frames');
  /** Every pod changes; the page's frame time for drawing it. */
  const round = async (number: number) => {
    const before = (await frames()).length;
    for (let index = 0; index < PODS; index++) view.apply('pods', 'MODIFIED', pod(index, number));
    dashboard.changed();
    for (let waited = 0; (await frames()).length <= before; waited++) {
      if (waited > 2000) throw new Error(`the page did not draw round ${number} in 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return (await frames()).at(-1)!;
  };
  await round(0); // creates the tiles: the page opening on a big cluster, not an update
  const drawn: number[] = [];
  const redrawn: number[] = [];
  for (let number = 1; number <= ROUNDS; number++) {
    drawn.push(await round(number));
    redrawn.push(await page.evaluate<number>(fullRedraw));
  }
  const [page50, full50] = [median(drawn), median(redrawn)];
  console.log(
    `  ${PODS} pods changing on ${NODES} nodes, ${ROUNDS} batches: the page draws a batch in ` +
      `${page50.toFixed(1)} ms (median; slowest ${Math.max(...drawn).toFixed(1)} ms), ` +
      `a full redraw of the same tiles takes ${full50.toFixed(1)} ms (slowest ` +
      `${Math.max(...redrawn).toFixed(1)} ms): ${(full50 / page50).toFixed(2)}x the speed`,
  );
  console.log(
    `  slowest batch ${Math.max(...drawn).toFixed(1)} ms against the target of 50 ms per batch`,
  );
} finally {
  await browser.close();
  await dashboard.close();
  rmSync(folder, { recursive: true, force: true });
}
