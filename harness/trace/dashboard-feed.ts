// What keeps the dashboard's view current: an informer per watched resource (list, then watch,
// relisting after a lost watch, as every controller does), the cluster's control endpoint asked
// for its kubelets' processes, and the API server's /metrics scraped for the few numbers the page
// shows. Each change tells the server, which sends the page at most one view per batch.
import type { KubeObject } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';
import { watchedResources, type ClusterView } from './cluster-view.ts';
import type { MetricsLine } from './dashboard.ts';

export interface FeedOptions {
  client: ApiClient;
  toolkit: Pick<Toolkit, 'createInformer'>;
  view: ClusterView;
  /** Called after each change of the view. */
  changed(): void;
  signal: AbortSignal;
  /** `kata up`'s control endpoint: the kubelets' processes come from its GET /components. */
  controlUrl?: string;
  /** The API server's /metrics, scraped every `pollMs`. */
  metricsUrl?: string;
  /** How often the control endpoint and /metrics are asked; 2000 ms. */
  pollMs?: number;
}

/** Samples of one metric family in Prometheus' text format, summed; `where` filters by labels. */
export function sumOf(text: string, name: string, where: (labels: string) => boolean = () => true) {
  let total = 0;
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (sample?.[1] === name && where(sample[2] ?? '')) total += Number(sample[3]);
  }
  return total;
}

/** The numbers the page shows, from the API server's /metrics. */
export function metricsLines(text: string): MetricsLine[] {
  const seconds = sumOf(text, 'apiserver_request_duration_seconds_sum');
  const count = sumOf(text, 'apiserver_request_duration_seconds_count');
  return [
    { name: 'API requests', value: sumOf(text, 'apiserver_request_total') },
    {
      name: 'errors (5xx)',
      value: sumOf(text, 'apiserver_request_total', (l) => /code="5/.test(l)),
    },
    { name: 'mean request ms', value: count ? Math.round((seconds / count) * 10_000) / 10 : 0 },
  ];
}

/** The kubelets' process states by node name, from GET /components ("kubelet-node-1" → node-1). */
export function kubeletStates(components: Array<{ name: string; state: string }>) {
  return new Map(
    components
      .filter((component) => component.name.startsWith('kubelet-'))
      .map((component) => [component.name.slice('kubelet-'.length), component.state]),
  );
}

/** Starts feeding the view; the scraped metrics come back as a function. Stops with `signal`. */
export function feedDashboard(options: FeedOptions): { metrics(): MetricsLine[] } {
  const { view, changed, signal } = options;
  for (const resource of watchedResources) {
    const informer = options.toolkit.createInformer<KubeObject>(options.client.resource(resource));
    informer.addEventHandlers({
      add: (object) => (view.apply(resource, 'ADDED', object), changed()),
      update: (_, object) => (view.apply(resource, 'MODIFIED', object), changed()),
      delete: (object) => (view.apply(resource, 'DELETED', object), changed()),
    });
    informer.run(signal);
  }
  let metrics: MetricsLine[] = [];
  let kubelets = '';
  const poll = async () => {
    if (options.controlUrl) {
      const listed = await fetchJson(`${options.controlUrl}/components`);
      const states = kubeletStates(Array.isArray(listed) ? listed : []);
      const shown = JSON.stringify([...states]);
      if (shown !== kubelets) {
        kubelets = shown;
        view.setKubelets(states);
        changed();
      }
    }
    if (options.metricsUrl) {
      const text = await fetch(options.metricsUrl, { signal: AbortSignal.timeout(5000) })
        .then((answer) => (answer.ok ? answer.text() : ''))
        .catch(() => '');
      if (text) {
        metrics = metricsLines(text);
        changed();
      }
    }
  };
  const timer = setInterval(() => void poll(), options.pollMs ?? 2000);
  void poll();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  return { metrics: () => metrics };
}

/** A JSON answer, or undefined when there is none (the cluster stopping). */
async function fetchJson(url: string): Promise<unknown> {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return answer.ok ? await answer.json() : undefined;
  } catch {
    return undefined;
  }
}
