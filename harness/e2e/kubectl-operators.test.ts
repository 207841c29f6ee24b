// Custom resources and an operator through the real kubectl (chapter 17), on a one-node reference
// cluster: the WebApp CRD applied and Established; `kubectl get webapps` with its printer columns;
// `kubectl explain webapp.spec`; a WebApp refused for a schema violation with the field named;
// `kata run operator` bringing up the Deployment and Service a WebApp asks for and reporting Ready;
// `kubectl scale webapp/shop --replicas 3` reaching the Deployment; deleting the WebApp (the
// garbage collector takes its Deployment and Service) and the CRD; the CRD made again and the
// same operator serving a new WebApp; a ClusterRole labelled aggregate-to-view aggregated into
// view. Skipped, with the reason, without kubectl.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../paths.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let cluster: KubectlCluster | undefined;
let operator: ChildProcess | undefined;

beforeAll(async () => {
  if (hasKubectl) {
    cluster = await startKubectlCluster(1, suiteNodeIndexBase.operators, '127.121.0.0/24');
  }
}, 120_000);

afterAll(async () => {
  operator?.kill('SIGTERM');
  await cluster?.stop();
}, 60_000);

const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);
const examples = path.join(repoRoot, 'harness', 'examples', 'custom-resources');

describe.skipIf(!hasKubectl)(
  `Custom resources and an operator with kubectl${hasKubectl ? '' : ` (${noKubectl})`}`,
  () => {
    test('the WebApp CRD is Established; kubectl finds webapps, explains them and shows the columns', async () => {
      await kubectl('apply', '-f', path.join(examples, 'webapp-crd.yaml'));
      await kubectl(
        'wait',
        '--for',
        'condition=established',
        'crd/webapps.example.com',
        '--timeout=30s',
      );
      const explained = await kubectl('explain', 'webapp.spec');
      await kubectl('apply', '-f', path.join(examples, 'webapp.yaml'));
      const header = (await kubectl('get', 'webapps')).split('\n')[0]!.split(/\s+/);
      expect(
        [explained.includes('image\t<string> -required-'), header],
        'kubectl explain webapp.spec, then the header of kubectl get webapps',
      ).toEqual([true, ['NAME', 'IMAGE', 'DESIRED', 'READY', 'AGE']]);
    });

    test('a WebApp with replicas "three" is refused, the field named; an unknown field is a warning, an error with --validate=strict', async () => {
      const file = path.join(cluster!.kubectl.home, 'bad.yaml');
      writeFileSync(
        file,
        'apiVersion: example.com/v1\nkind: WebApp\nmetadata: {name: bad}\nspec: {image: x, replicas: three}\n',
      );
      const refused = await cluster!.kubectl.run('apply', '-f', file);
      const colour = path.join(cluster!.kubectl.home, 'colour.yaml');
      writeFileSync(
        colour,
        'apiVersion: example.com/v1\nkind: WebApp\nmetadata: {name: colour}\nspec: {image: x, colour: red}\n',
      );
      const warned = await cluster!.kubectl.run('create', '--validate=warn', '-f', colour);
      const strict = await cluster!.kubectl.run('create', '--validate=strict', '-f', colour);
      await kubectl('delete', 'webapp', 'colour', '--wait=false');
      expect(
        [refused.stderr, warned.stderr, strict.stderr],
        'kubectl apply of a WebApp with replicas "three"; kubectl create of one with spec.colour, then again with --validate=strict',
      ).toEqual([
        expect.stringContaining(
          'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        ),
        expect.stringContaining('Warning: unknown field "spec.colour"'),
        expect.stringContaining('strict decoding error: unknown field "spec.colour"'),
      ]);
    });

    test('kata run operator makes the Deployment and Service; the WebApp turns Ready; kubectl scale reaches the Deployment', async () => {
      const kubeconfig = path.join(cluster!.dataDir, 'kubeconfig');
      operator = spawn(
        process.execPath,
        [
          'harness/bin/kata.mjs',
          'run',
          'operator',
          '--kubeconfig',
          kubeconfig,
          '--use',
          'solutions',
        ],
        { cwd: repoRoot, stdio: 'ignore' },
      );
      await kubectl('wait', '--for', 'condition=ready', 'webapp/shop', '--timeout=45s');
      const service = await kubectl(
        'get',
        'service',
        'shop',
        '-o',
        'jsonpath={.spec.ports[0].port}',
      );
      await kubectl('scale', 'webapp/shop', '--replicas', '3');
      await waitFor(
        async () =>
          (await kubectl('get', 'deployment', 'shop', '-o', 'jsonpath={.spec.replicas}')) === '3',
        'the Deployment shop at 3 replicas',
        30_000,
      );
      expect(service, "the Service shop's port").toBe('80');
    });

    test('deleting the WebApp lets the operator clean up and the garbage collector take its Deployment and Service; deleting the CRD leaves no webapps', async () => {
      await kubectl('delete', 'webapp', 'shop', '--timeout=30s');
      await waitFor(
        async () => (await cluster!.kubectl.run('get', 'deployment,service', 'shop')).stdout === '',
        'the Deployment and Service shop collected',
        30_000,
      );
      const directory = await kubectl(
        'get',
        'configmap',
        '-n',
        'kube-public',
        'webapp-directory',
        '-o',
        'jsonpath={.data}',
      );
      await kubectl('delete', 'crd', 'webapps.example.com', '--timeout=30s');
      const left = await cluster!.kubectl.run('get', 'webapps');
      expect([directory, left.code !== 0], 'the directory, then kubectl get webapps').toEqual([
        '{}',
        true,
      ]);
    });

    test('the CRD made again: the running operator serves new WebApps; view aggregates the access a role adds', async () => {
      await kubectl('apply', '-f', path.join(examples, 'webapp-crd.yaml'));
      await kubectl('wait', '--for', 'condition=established', 'crd/webapps.example.com');
      await kubectl('apply', '-f', path.join(examples, 'webapp.yaml'));
      await kubectl('wait', '--for', 'condition=ready', 'webapp/shop', '--timeout=60s');
      await kubectl(
        'create',
        'clusterrole',
        'webapps-view',
        '--verb=get,list,watch',
        '--resource=webapps.example.com',
      );
      await kubectl(
        'label',
        'clusterrole',
        'webapps-view',
        'rbac.authorization.k8s.io/aggregate-to-view=true',
      );
      const viewRules = () =>
        kubectl('get', 'clusterrole', 'view', '-o', 'jsonpath={.rules[*].apiGroups}');
      await waitFor(
        async () => (await viewRules()).includes('example.com'),
        'view aggregates webapps-view',
        30_000,
      );
      const replicas = await kubectl(
        'get',
        'deployment',
        'shop',
        '-o',
        'jsonpath={.spec.replicas}',
      );
      expect(replicas, 'the Deployment shop the operator made for the new WebApp').toBe('2');
    });
  },
);
