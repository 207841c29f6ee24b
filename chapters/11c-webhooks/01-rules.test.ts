// Which writes a webhook wants: label selectors, rules (operations, groups, versions, resources
// and subresources, scope), and the namespaceSelector read from the write's namespace.
import { describe, expect, test } from 'vitest';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import type { AdmissionRequest } from '../../harness/contracts/security.ts';
import { ruleMatches, selectorMatches, webhookWants, type ValidatingWebhook } from './webhooks.ts';

const resource = (name: string) =>
  [...builtinResources, ...accessResources].find((each) => each.resource === name)!;
const admin = { username: 'admin', groups: ['system:masters'] };

/** A write as admission sees it: CREATE of a pod in `dev` unless told otherwise. */
function write(fields: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    operation: 'CREATE',
    resource: resource('pods'),
    namespace: 'dev',
    user: admin,
    ...fields,
  };
}

const podCreates: ValidatingWebhook = {
  name: 'pods.example.com',
  clientConfig: { url: 'https://127.0.0.1:9443/validate' },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
};

describe('Which writes a webhook wants', () => {
  test('a label selector matches by matchLabels and by In, NotIn, Exists, DoesNotExist', () => {
    const labels = { team: 'web', tier: 'front' };
    expect(selectorMatches(undefined, labels), 'no selector selects everything').toBe(true);
    expect(selectorMatches({ matchLabels: { team: 'web' } }, labels), 'team=web on team=web').toBe(
      true,
    );
    expect(selectorMatches({ matchLabels: { team: 'db' } }, labels), 'team=db on team=web').toBe(
      false,
    );
    const expression = (
      operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
      values?: string[],
    ) => ({
      matchExpressions: [{ key: 'tier', operator, values }],
    });
    expect(
      selectorMatches(expression('In', ['front', 'back']), labels),
      'tier In (front,back)',
    ).toBe(true);
    expect(selectorMatches(expression('In', ['back']), labels), 'tier In (back)').toBe(false);
    expect(selectorMatches(expression('NotIn', ['front']), labels), 'tier NotIn (front)').toBe(
      false,
    );
    expect(selectorMatches(expression('NotIn', ['back']), {}), 'NotIn on no label at all').toBe(
      true,
    );
    expect(selectorMatches(expression('Exists'), labels), 'tier Exists').toBe(true);
    expect(selectorMatches(expression('Exists'), {}), 'tier Exists, no labels').toBe(false);
    expect(selectorMatches(expression('DoesNotExist'), labels), 'tier DoesNotExist').toBe(false);
  });

  test('a rule matches its operations, groups, versions and resources, "*" for any', () => {
    const rule = podCreates.rules![0]!;
    expect(ruleMatches(rule, write()), 'CREATE pods against CREATE "" v1 pods').toBe(true);
    expect(ruleMatches(rule, write({ operation: 'DELETE' })), 'a DELETE against CREATE').toBe(
      false,
    );
    expect(
      ruleMatches(rule, write({ resource: resource('services') })),
      'services against pods',
    ).toBe(false);
    const deployments = write({ resource: resource('deployments') });
    expect(ruleMatches(rule, deployments), 'apps deployments against group ""').toBe(false);
    const any = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] };
    expect(ruleMatches(any, deployments), 'everything "*" against a deployment').toBe(true);
    expect(ruleMatches({ ...rule, apiVersions: ['v2'] }, write()), 'version v2 against v1').toBe(
      false,
    );
  });

  test('a rule names subresources as pods/status, pods/* or */*; a plain name is the object only', () => {
    const rule = (resources: string[]) => ({
      operations: ['*'],
      apiGroups: [''],
      apiVersions: ['v1'],
      resources,
    });
    const status = write({ operation: 'UPDATE', subresource: 'status' });
    expect(ruleMatches(rule(['pods']), status), 'pods against an update of pods/status').toBe(
      false,
    );
    expect(ruleMatches(rule(['pods/status']), status), 'pods/status against pods/status').toBe(
      true,
    );
    expect(ruleMatches(rule(['pods/*']), status), 'pods/* against pods/status').toBe(true);
    expect(ruleMatches(rule(['pods/*']), write()), 'pods/* against the pod itself').toBe(true);
    expect(
      ruleMatches(rule(['pods/*']), write({ resource: resource('services') })),
      'pods/* against a service',
    ).toBe(false);
    expect(ruleMatches(rule(['*/*']), status), '*/* against pods/status').toBe(true);
    expect(ruleMatches(rule(['*']), status), '* against pods/status').toBe(false);
  });

  test('a rule scoped Cluster or Namespaced matches only resources of that scope', () => {
    const rule = (scope: '*' | 'Cluster' | 'Namespaced') => ({
      operations: ['*'],
      apiGroups: ['*'],
      apiVersions: ['*'],
      resources: ['*'],
      scope,
    });
    const node = write({ resource: resource('nodes'), namespace: undefined });
    expect(ruleMatches(rule('Cluster'), node), 'scope Cluster against a node').toBe(true);
    expect(ruleMatches(rule('Cluster'), write()), 'scope Cluster against a pod').toBe(false);
    expect(ruleMatches(rule('Namespaced'), node), 'scope Namespaced against a node').toBe(false);
    expect(ruleMatches(rule('*'), node), 'scope * against a node').toBe(true);
  });

  test('a webhook wants a write one of its rules matches, in a namespace its selector selects', () => {
    const selective = { ...podCreates, namespaceSelector: { matchLabels: { checked: 'yes' } } };
    expect(webhookWants(podCreates, write(), {}), 'no namespaceSelector: every namespace').toBe(
      true,
    );
    expect(
      webhookWants(selective, write(), { checked: 'yes' }),
      'namespace labelled checked=yes',
    ).toBe(true);
    expect(webhookWants(selective, write(), {}), 'a namespace without the label').toBe(false);
    expect(
      webhookWants(selective, write({ operation: 'UPDATE' }), { checked: 'yes' }),
      'an UPDATE the rules do not name, in a selected namespace',
    ).toBe(false);
    const everything = {
      ...selective,
      rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }],
    };
    const node = write({ resource: resource('nodes'), namespace: undefined });
    expect(webhookWants(everything, node, undefined), 'a node has no namespace to select').toBe(
      true,
    );
  });
});
