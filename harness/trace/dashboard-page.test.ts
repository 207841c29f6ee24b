// The dashboard's page in a real headless Chromium, fed by a view this test changes (no cluster:
// the e2e trace suite opens it on a real one). It checks what a person sees: a box per node with
// a tile per pod, a tile appearing without a reload, a killed kubelet marking its node, an
// object's trace and history on a click, and 1,000 pods changing with every batch drawn. How fast
// the page draws a batch is measured by `kata bench dashboard`, never here: a shared machine's
// load would make a timed test fail now and then.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Node, Pod } from '../api/types.ts';
import { coloursIn, findChromium, launchChromium, noChromium } from '../testing/chromium.ts';
import { waitFor } from '../testing/wait.ts';
import { ClusterView } from './cluster-view.ts';
import { startDashboard, type RunningDashboard } from './dashboard.ts';

const chromiumPath = findChromium();
let folder: string;
let dashboard: RunningDashboard;
let browser: BrowserContext | undefined;
let page: Page;
const pageErrors: string[] = [];
const view = new ClusterView();

function node(name: string): Node {
  return { metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
}

function pod(name: string, nodeName: string, phase: 'Pending' | 'Running', ready: boolean): Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: { containers: [], nodeName },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

/** The frame times the page has recorded, in milliseconds. */
const frames = () => page.evaluate<number[]>('window.kataDashboard.frames');

describe.skipIf(!chromiumPath)('The dashboard in a real browser', () => {
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'kata-dashboard-page-'));
    view.apply('nodes', 'ADDED', node('node-1'));
    view.apply('nodes', 'ADDED', node('node-2'));
    view.apply('pods', 'ADDED', pod('web-1', 'node-1', 'Running', true));
    dashboard = await startDashboard(
      {
        view,
        trace: () => [
          {
            atMs: 0,
            durationMs: 2,
            component: 'kubectl',
            what: 'create pods',
            revision: 9,
            depth: 0,
          },
          { atMs: 5, durationMs: 1, component: 'scheduler', what: 'bind', revision: 10, depth: 1 },
        ],
        history: async () => [
          {
            revision: 10,
            author: 'scheduler (system:kube-scheduler)',
            changes: ['+ spec.nodeName: "node-1"'],
          },
        ],
      },
      { batchMs: 20 },
    );
    browser = await launchChromium(chromiumPath!, folder);
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(dashboard.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('a node is a box of tiles, and a new pod appears without a reload', async () => {
    await page.locator('.node[data-node="node-1"] .tile').first().waitFor({ timeout: 20_000 });
    await page.evaluate('window.sameDocument = true');
    view.apply('pods', 'ADDED', pod('web-2', 'node-1', 'Pending', false));
    dashboard.changed();
    const tile = page.locator('.node[data-node="node-1"] .tile[data-name="web-2"]');
    await tile.waitFor({ timeout: 20_000 });
    expect(await tile.getAttribute('class'), "web-2's tile").toMatch(/\bPending\b/);
    expect(await page.evaluate('window.sameDocument'), 'the page was not reloaded').toBe(true);
  });

  test('a killed kubelet marks its node at once', async () => {
    view.setKubelets(new Map([['node-2', 'killed']]));
    dashboard.changed();
    const box = page.locator('.node[data-node="node-2"].kubelet-down');
    await box.waitFor({ timeout: 20_000 });
    expect(await box.locator('.state').innerText(), "node-2's state line").toContain(
      'kubelet killed',
    );
  });

  test("clicking a tile shows the pod's trace as a waterfall and its history", async () => {
    await page.click('.tile[data-name="web-1"]');
    await page.locator('#waterfall .step').nth(1).waitFor({ timeout: 20_000 });
    expect(await page.locator('#waterfall .component').allInnerTexts(), 'the waterfall').toEqual([
      'kubectl',
      'scheduler',
    ]);
    expect(await page.locator('#history .author').innerText(), 'the history').toBe(
      'scheduler (system:kube-scheduler)',
    );
  });

  test('1,000 pods changing: every batch is drawn, and the tiles show the last one', async () => {
    for (let index = 3; index <= 10; index++) view.apply('nodes', 'ADDED', node(`node-${index}`));
    /** Every pod changes in each round: a third of them Pending, in turns. */
    const round = async (number: number) => {
      const before = (await frames()).length;
      for (let index = 0; index < 1000; index++) {
        const running = (index + number) % 3 !== 0;
        const where = `node-${(index % 10) + 1}`;
        view.apply(
          'pods',
          'MODIFIED',
          pod(`many-${index}`, where, running ? 'Running' : 'Pending', running),
        );
      }
      dashboard.changed();
      await waitFor(async () => (await frames()).length > before, `view ${number} drawn`, 20_000);
    };
    // The first round creates the 1,000 tiles (the page opening on a big cluster); the next five
    // change every one of them.
    for (let number = 0; number <= 5; number++) await round(number);
    expect(await page.locator('.tile').count(), 'tiles on the page').toBe(1002);
    const pending = await page.locator('.node[data-node="node-1"] .tile.Pending').count();
    // In round 5, pod many-i is Pending when (i + 5) % 3 is 0; node-1 holds the i that are
    // multiples of 10, so 33 of its 100 are Pending, and web-2 from the first test is too.
    expect(pending, "node-1's Pending tiles after the last round").toBe(34);
  });

  test('the page, as a screenshot, is not blank, and it raised no error', async () => {
    const png = await page.screenshot({ fullPage: true });
    // (The e2e trace suite keeps a screenshot of the dashboard on a real cluster.)
    writeFileSync(path.join(folder, 'dashboard.png'), png);
    expect(await coloursIn(browser!, png), 'distinct colours in it').toBeGreaterThan(3);
    expect(pageErrors, "the page's script errors").toEqual([]);
  });
});

if (!chromiumPath) test.skip(noChromium, () => {});
