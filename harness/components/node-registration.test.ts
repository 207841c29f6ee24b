// The taints a kubelet registers with: the flag's parsing, the external cloud's taint, and the
// client that adds them to the Node's create only.
import { describe, expect, test } from 'vitest';
import { exampleNode } from '../api/examples.ts';
import type { Node } from '../api/types.ts';
import type { ApiClient, ResourceClient } from '../client/types.ts';
import {
  parseRegisterTaints,
  registeringWithTaints,
  registrationTaints,
  uninitializedTaint,
} from './node-registration.ts';

describe('node registration taints', () => {
  test('--register-with-taints reads key[=value]:Effect lists and refuses anything else', () => {
    expect(
      parseRegisterTaints('dedicated=gpu:NoSchedule,spot:NoExecute'),
      'two taints, the second without a value',
    ).toEqual([
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'spot', effect: 'NoExecute' },
    ]);
    expect(() => parseRegisterTaints('a=b:Never'), 'an unknown effect').toThrow(
      /"a=b:Never" is not key\[=value\]:Effect/,
    );
    expect(
      registrationTaints('external', []),
      '--cloud-provider external adds the uninitialized taint',
    ).toEqual([uninitializedTaint]);
    expect(() => registrationTaints('aws', []), 'an in-tree provider name').toThrow(
      /only "external"/,
    );
  });

  test("the kubelet's client adds the taints to its Node's create, and to nothing else", async () => {
    const created: Node[] = [];
    const updated: Node[] = [];
    const nodes = {
      create: async (node: Node) => (created.push(node), node),
      update: async (node: Node) => (updated.push(node), node),
    } as unknown as ResourceClient<Node>;
    const client = {
      config: { server: 'http://x' },
      resource: () => nodes,
    } as unknown as ApiClient;
    const tainted = registeringWithTaints(client, [uninitializedTaint]);
    await tainted.resource<Node>('nodes').create(exampleNode('n1'));
    await tainted.resource<Node>('nodes').update(exampleNode('n1'));
    expect(created[0]?.spec?.taints, 'the created Node').toEqual([uninitializedTaint]);
    expect(updated[0]?.spec?.taints, 'the updated Node, as the kubelet sent it').toBeUndefined();
    expect(registeringWithTaints(client, []), 'no taints: the client itself').toBe(client);
  });
});
