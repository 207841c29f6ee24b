// The ClusterRole aggregation controller on an in-process API server: a role labelled
// aggregate-to-view adds its rules to view's stored rules, once, and taking the label off takes
// them out again.
import { describe, expect, test } from 'vitest';
import { accessResources, builtinResources } from '../api/resources.ts';
import type { KubeObject } from '../api/types.ts';
import { testScope } from '../testing/scope.ts';
import { inBackground, waitFor } from '../testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { aggregatedRules } from '../../solutions/11b-authorization/rbac.ts';
import { createRoleAggregationController, withoutRepeats } from './role-aggregation.ts';

const scope = testScope();
const VIEW_LABEL = 'rbac.authorization.k8s.io/aggregate-to-view';

const clusterRole = (name: string, fields: object): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name },
  ...fields,
});
const readWebApps = {
  verbs: ['get', 'list', 'watch'],
  apiGroups: ['example.com'],
  resources: ['webapps'],
};

describe('ClusterRole aggregation', () => {
  test('withoutRepeats keeps the first copy of each equal rule', () => {
    expect(
      withoutRepeats([readWebApps, { verbs: ['get'] }, { ...readWebApps }]),
      'three rules, the third equal to the first',
    ).toEqual([readWebApps, { verbs: ['get'] }]);
  });

  test("a role labelled aggregate-to-view adds its rules to view's; without the label they go", async () => {
    const resources = [...builtinResources, ...accessResources];
    const server = await scope.apiServer({ resources });
    const client = toolkit.createClient({ server: server.url, resources });
    const roles = client.resource<KubeObject>('clusterroles');
    await roles.create(
      clusterRole('view', {
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [VIEW_LABEL]: 'true' } }] },
        rules: [],
      }),
    );
    const crdView = await roles.create({
      ...clusterRole('webapps-view', { rules: [readWebApps, readWebApps] }),
      metadata: { name: 'webapps-view', labels: { [VIEW_LABEL]: 'true' } },
    });
    inBackground(
      createRoleAggregationController({ toolkit, client, aggregatedRules }).run(
        scope.stopper().signal,
      ),
    );
    const rulesOfView = async () => (await roles.get('view')).rules as object[] | undefined;
    await waitFor(async () => (await rulesOfView())?.length === 1, "view's rules written");
    const written = await rulesOfView();
    await roles.update({ ...crdView, metadata: { ...crdView.metadata, labels: {} } });
    await waitFor(async () => (await rulesOfView())?.length === 0, "view's rules emptied");
    expect(written, "view's rules once webapps-view (two equal rules) was labelled").toEqual([
      readWebApps,
    ]);
  });
});
