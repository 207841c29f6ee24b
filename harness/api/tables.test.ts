import { describe, expect, test } from 'vitest';
import { exampleDeployment, exampleNode, examplePod, exampleService } from './examples.ts';
import type { ContainerStatus, CronJob, Job } from './types.ts';
import { builtinResources } from './resources.ts';
import { humanDuration, podStatus, toTable, wantsTable } from './tables.ts';

const resource = (name: string) => builtinResources.find((r) => r.resource === name)!;

describe('Tables', () => {
  test('ages read as kubectl prints them', () => {
    const s = 1000;
    expect(
      [
        45 * s,
        330 * s,
        47 * 60 * s,
        195 * 60 * s,
        26 * 3600 * s,
        76 * 3600 * s,
        210 * 86400 * s,
      ].map(humanDuration),
    ).toEqual(['45s', '5m30s', '47m', '3h15m', '26h', '3d4h', '210d']);
  });

  test("ages change form where apimachinery's HumanDuration does", () => {
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    const d = 24 * h;
    const y = 365 * d;
    const cases: [number, string][] = [
      [-2 * s, '<invalid>'],
      [-1999, '0s'],
      [-1 * s, '0s'],
      [0, '0s'],
      [999, '0s'],
      [119 * s, '119s'],
      [120 * s, '2m'],
      [121 * s, '2m1s'],
      [10 * m - 1, '9m59s'],
      [10 * m, '10m'],
      [180 * m - 1, '179m'],
      [3 * h, '3h'],
      [3 * h + 59 * m, '3h59m'],
      [8 * h - 1, '7h59m'],
      [8 * h, '8h'],
      [48 * h - 1, '47h'],
      [48 * h, '2d'],
      [7 * d + 23 * h, '7d23h'],
      [8 * d, '8d'],
      [2 * y - 1, '729d'],
      [2 * y, '2y'],
      [2 * y + 45 * d, '2y45d'],
      [8 * y - 1, '7y364d'],
      [8 * y, '8y'],
      [9 * y + 100 * d, '9y'],
    ];
    for (const [milliseconds, age] of cases) {
      expect(humanDuration(milliseconds), `the age of ${milliseconds} ms`).toBe(age);
    }
  });

  test("kubectl's Accept header asks for a Table; -o yaml's does not", () => {
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
    expect(wantsTable(undefined)).toBe(false);
  });

  test("a pod's status: a waiting container's reason beats the phase; deleting is Terminating", () => {
    const pod = examplePod('p');
    pod.spec.nodeName = 'n';
    pod.status = {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          image: 'x',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    };
    expect(podStatus(pod)).toBe('CrashLoopBackOff');
    pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(podStatus(pod)).toBe('Terminating');
  });

  test("a pod's STATUS while it initializes: Init:N/M, Init:<reason>, then the app containers'", () => {
    const pod = examplePod('p');
    pod.spec.nodeName = 'n';
    pod.spec.initContainers = [
      { name: 'first', image: 'x' },
      { name: 'second', image: 'x' },
    ];
    const init = (name: string, state: ContainerStatus['state']) =>
      ({ name, image: 'x', ready: false, restartCount: 0, state }) as ContainerStatus;
    const done = init('first', { terminated: { exitCode: 0, reason: 'Completed' } });
    pod.status = {
      phase: 'Pending',
      initContainerStatuses: [done, init('second', { running: {} })],
    };
    expect(podStatus(pod), 'the STATUS while second runs').toBe('Init:1/2');
    pod.status.initContainerStatuses = [
      done,
      init('second', { waiting: { reason: 'CrashLoopBackOff' } }),
    ];
    expect(podStatus(pod), 'the STATUS while second waits to restart').toBe(
      'Init:CrashLoopBackOff',
    );
    pod.status.initContainerStatuses = [
      done,
      init('second', { terminated: { exitCode: 1, reason: 'Error' } }),
    ];
    expect(podStatus(pod), 'the STATUS after second failed').toBe('Init:Error');
    pod.status.conditions = [{ type: 'Initialized', status: 'True' }];
    pod.status.phase = 'Running';
    expect(podStatus(pod), 'the STATUS once Initialized').toBe('Running');
  });

  test('rows carry the cells and, by default, the metadata; wide columns have priority 1', () => {
    const node = exampleNode('n1');
    node.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const table = toTable(resource('nodes'), [node], { now: Date.parse('2026-01-01T00:01:00Z') });
    expect(table.rows[0]!.cells.slice(0, 4)).toEqual(['n1', 'Ready', '<none>', '60s']);
    expect((table.rows[0]!.object as { kind: string }).kind).toBe('PartialObjectMetadata');
    expect(table.columnDefinitions.find((c) => c.name === 'Internal-IP')?.priority).toBe(1);
    const deployments = toTable(resource('deployments'), [exampleDeployment('web', 3)], {
      now: 0,
      includeObject: 'None',
    });
    expect(deployments.rows[0]).toEqual({
      cells: ['web', '0/3', 0, 0, '<none>', 'app', 'kata/echo:1.0', 'app=web'],
    });
  });

  test("an Ingress: CLASS, up to three HOSTS, its ADDRESS, PORTS 80 or 80, 443; an IngressClass's CONTROLLER and PARAMETERS", () => {
    const rule = (host?: string) => ({ ...(host ? { host } : {}), http: { paths: [] } });
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop' },
      spec: {
        ingressClassName: 'kata',
        tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
        rules: [
          rule('a.example.com'),
          rule(),
          rule('b.example.com'),
          rule('c.example.com'),
          rule('d.example.com'),
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '127.50.0.2' }, { ip: '127.50.0.1' }] } },
    };
    const table = toTable(resource('ingresses'), [ingress], { now: 0, includeObject: 'None' });
    expect(
      table.columnDefinitions.map((c) => c.name),
      'the Ingress columns',
    ).toEqual(['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    expect(
      table.rows[0]!.cells.slice(0, 5),
      'an Ingress of five rules (one without host), TLS',
    ).toEqual([
      'shop',
      'kata',
      'a.example.com,b.example.com,c.example.com + 2 more...',
      '127.50.0.1,127.50.0.2',
      '80, 443',
    ]);
    const bare = { ...ingress, spec: { rules: [rule()] }, status: {} };
    const cells = toTable(resource('ingresses'), [bare], { now: 0, includeObject: 'None' }).rows[0]!
      .cells;
    expect(cells.slice(1, 5), 'an Ingress without class, host, address or TLS').toEqual([
      '<none>',
      '*',
      '',
      '80',
    ]);
    const ingressClass = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'kata' },
      spec: {
        controller: 'kubekata.dev/ingress',
        parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external' },
      },
    };
    const classRow = toTable(resource('ingressclasses'), [ingressClass], {
      now: 0,
      includeObject: 'None',
    }).rows[0]!.cells;
    expect(classRow.slice(0, 3), 'an IngressClass with parameters').toEqual([
      'kata',
      'kubekata.dev/ingress',
      'IngressParameters.k8s.example.com/external',
    ]);
  });

  test("a Service's EXTERNAL-IP: <pending> for a LoadBalancer nobody serves yet, its ingress once served", () => {
    const externalIp = (change: (service: ReturnType<typeof exampleService>) => void) => {
      const service = exampleService('web');
      change(service);
      const table = toTable(resource('services'), [service], { now: 0, includeObject: 'None' });
      const column = table.columnDefinitions.findIndex((c) => c.name === 'External-IP');
      return table.rows[0]!.cells[column];
    };
    expect(
      externalIp(() => {}),
      'a ClusterIP Service',
    ).toBe('<none>');
    expect(
      externalIp((s) => (s.spec.externalIPs = ['198.51.100.7'])),
      'a ClusterIP Service with spec.externalIPs',
    ).toBe('198.51.100.7');
    expect(
      externalIp((s) => (s.spec.type = 'LoadBalancer')),
      'a LoadBalancer not served',
    ).toBe('<pending>');
    expect(
      externalIp((s) => {
        s.spec.type = 'LoadBalancer';
        s.spec.externalIPs = ['198.51.100.7'];
        s.status = {
          loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] },
        };
      }),
      'a LoadBalancer served at an IP and a host name, with an external IP too',
    ).toBe('203.0.113.9,lb.example.com,198.51.100.7');
    expect(
      externalIp((s) => {
        s.spec.type = 'ExternalName';
        s.spec.externalName = 'db.example.com';
      }),
      'an ExternalName Service',
    ).toBe('db.example.com');
  });

  test('Jobs and CronJobs as kubectl get prints them: status, completions, duration; schedule, time zone, active', () => {
    const template = { spec: { containers: [{ name: 'main', image: 'kata/job' }] } };
    const job = (status: Job['status'], spec: Partial<Job['spec']> = {}): Job => ({
      metadata: { name: 'pi', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { template, selector: { matchLabels: { 'job-name': 'pi' } }, ...spec },
      status,
    });
    const now = Date.parse('2026-01-01T00:01:00Z');
    const row = (object: Job) =>
      toTable(resource('jobs'), [object], { now, includeObject: 'None' }).rows[0]!.cells;
    expect(
      row(job({ succeeded: 2, startTime: '2026-01-01T00:00:00Z' }, { completions: 5 })),
      'a running Job of 5 completions, 2 done, started a minute ago',
    ).toEqual(['pi', 'Running', '2/5', '60s', '60s', 'main', 'kata/job', 'job-name=pi']);
    const complete = job(
      {
        succeeded: 1,
        startTime: '2026-01-01T00:00:00Z',
        completionTime: '2026-01-01T00:00:07Z',
        conditions: [{ type: 'Complete', status: 'True' }],
      },
      { completions: 1 },
    );
    expect(row(complete).slice(1, 4), 'a complete Job: its duration ends at completion').toEqual([
      'Complete',
      '1/1',
      '7s',
    ]);
    expect(
      row(job({}, { parallelism: 3 })).slice(1, 4),
      'no completions, parallelism 3, not started',
    ).toEqual(['Running', '0/1 of 3', '']);
    const cronJob: CronJob = {
      metadata: { name: 'tick', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'tick-1' }], lastScheduleTime: '2026-01-01T00:00:30Z' },
    };
    expect(
      toTable(resource('cronjobs'), [cronJob], { now, includeObject: 'None' }).rows[0]!.cells.slice(
        0,
        7,
      ),
      'a CronJob: schedule, no time zone, suspend unset, one active, last scheduled 30 s ago',
    ).toEqual(['tick', '*/5 * * * *', '<none>', '<unset>', 1, '30s', '60s']);
  });
});
