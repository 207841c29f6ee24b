// NetworkPolicies as filter rules: label selectors, a policy's types, address blocks with holes,
// which pods a peer picks, ports, then the chains of isolated pods (the kernel tests in
// 04-iptables-proxy.test.ts show them enforced).
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Namespace, NetworkPolicy, Pod } from '../../harness/api/types.ts';
import {
  matchesSelector,
  peerBlocks,
  policyRules,
  policyTypes,
  portMatches,
  subtractCidrs,
} from './network-policy.ts';

/** A pod with an IP in a namespace, with labels. */
function pod(name: string, ip: string, labels: Record<string, string>, namespace = 'default'): Pod {
  const made = examplePod(name, labels);
  made.metadata.namespace = namespace;
  made.status = { phase: 'Running', podIP: ip };
  return made;
}

/** A policy in default. */
function policy(name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { metadata: { name, namespace: 'default' }, spec };
}

const pods = [
  pod('frontend', '127.244.0.2', { app: 'frontend' }),
  pod('backend', '127.244.0.3', { app: 'backend' }),
  pod('monitor', '127.244.0.4', { app: 'monitor' }, 'ops'),
];
const namespaces: Namespace[] = [
  { metadata: { name: 'default' } },
  { metadata: { name: 'ops', labels: { team: 'ops' } } },
];
const world = { pods, namespaces };

describe('NetworkPolicy', () => {
  test('label selectors: matchLabels and the four operators; the empty selector matches all', () => {
    const labels = { app: 'web', tier: 'front' };
    const cases: Array<[Parameters<typeof matchesSelector>[0], boolean]> = [
      [{}, true],
      [{ matchLabels: { app: 'web' } }, true],
      [{ matchLabels: { app: 'db' } }, false],
      [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
      [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
      [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
      [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ];
    expect(
      cases.map(([selector]) => matchesSelector(selector, labels)),
      'each selector against app=web,tier=front',
    ).toEqual(cases.map(([, expected]) => expected));
  });

  test('a policy is for Ingress unless it says otherwise, and for Egress too when it has egress rules', () => {
    expect(policyTypes(policy('a', { podSelector: {} })), 'no types, no rules').toEqual([
      'Ingress',
    ]);
    expect(policyTypes(policy('b', { podSelector: {}, egress: [] })), 'egress rules').toEqual([
      'Ingress',
      'Egress',
    ]);
    expect(
      policyTypes(policy('c', { podSelector: {}, policyTypes: ['Egress'] })),
      'policyTypes given',
    ).toEqual(['Egress']);
  });

  test('an ipBlock allows its range minus the excepted blocks', () => {
    expect(subtractCidrs('10.0.0.0/24'), 'no except').toEqual(['10.0.0.0/24']);
    expect(subtractCidrs('10.0.0.0/24', ['10.0.0.0/26']), 'the first quarter taken out').toEqual([
      '10.0.0.64/26',
      '10.0.0.128/25',
    ]);
    expect(subtractCidrs('10.0.0.0/24', ['10.0.0.0/16']), 'the whole range taken out').toEqual([]);
  });

  test("a peer's pods: podSelector in the policy's namespace, namespaceSelector across namespaces", () => {
    const allow = policy('allow', { podSelector: {} });
    expect(
      peerBlocks({ podSelector: { matchLabels: { app: 'frontend' } } }, allow, world),
      'podSelector app=frontend',
    ).toEqual(['127.244.0.2/32']);
    expect(
      peerBlocks({ namespaceSelector: { matchLabels: { team: 'ops' } } }, allow, world),
      'namespaceSelector team=ops: every pod there',
    ).toEqual(['127.244.0.4/32']);
    expect(
      peerBlocks(
        { namespaceSelector: {}, podSelector: { matchLabels: { app: 'monitor' } } },
        allow,
        world,
      ),
      'both: app=monitor in any namespace',
    ).toEqual(['127.244.0.4/32']);
    expect(peerBlocks({ ipBlock: { cidr: '192.0.2.0/24' } }, allow, world), 'an ipBlock').toEqual([
      '192.0.2.0/24',
    ]);
  });

  test('ports become --dport matches, a range with endPort; no ports means any', () => {
    expect(portMatches(undefined), 'no ports').toEqual(['']);
    expect(
      portMatches([{ port: 8080 }, { protocol: 'UDP', port: 53 }, { port: 30000, endPort: 30100 }]),
      'three ports',
    ).toEqual([
      ' -p tcp -m tcp --dport 8080',
      ' -p udp -m udp --dport 53',
      ' -p tcp -m tcp --dport 30000:30100',
    ]);
  });

  test('a default deny isolates every pod of its namespace; pods of other namespaces stay open', () => {
    const deny = policy('default-deny', { podSelector: {} });
    const rules = policyRules([deny], world);
    const jumps = rules.rules.filter((rule) => rule.startsWith('-A KATA-NETWORK-POLICIES'));
    expect(jumps.length, 'jumps: established first, then one per pod of default').toBe(3);
    expect(jumps[0], 'the first rule lets established connections through').toBe(
      '-A KATA-NETWORK-POLICIES -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    );
    const backend = jumps.find((rule) => rule.includes('default/backend'));
    expect(backend, 'the backend pod is isolated for ingress').toMatch(
      /^-A KATA-NETWORK-POLICIES -m comment --comment default\/backend -d 127\.244\.0\.3 -j KATA-NP-IN-[A-Z2-7]{16}$/,
    );
    const chain = backend!.split(' ').at(-1)!;
    expect(
      rules.rules.filter((rule) => rule.startsWith(`-A ${chain} `)),
      "the backend's ingress chain: nothing allowed",
    ).toEqual([`-A ${chain} -m comment --comment "default deny ingress" -j REJECT`]);
  });

  test('an allow rule lets the frontend reach the backend on 8080, before the REJECT', () => {
    const allow = policy('frontend-to-backend', {
      podSelector: { matchLabels: { app: 'backend' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] },
      ],
    });
    const rules = policyRules([allow], world);
    const chain = rules.chains.find((name) => name.startsWith('KATA-NP-IN-'))!;
    expect(
      rules.rules.filter((rule) => rule.startsWith(`-A ${chain} `)),
      "the backend's ingress chain",
    ).toEqual([
      `-A ${chain} -m comment --comment default/frontend-to-backend -s 127.244.0.2/32 -p tcp -m tcp --dport 8080 -j RETURN`,
      `-A ${chain} -m comment --comment "default deny ingress" -j REJECT`,
    ]);
  });

  test('an egress policy isolates the source: only the allowed destinations pass', () => {
    const egress = policy('frontend-out', {
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '127.244.0.0/24', except: ['127.244.0.4/32'] } }] }],
    });
    const rules = policyRules([egress], world);
    const chain = rules.chains.find((name) => name.startsWith('KATA-NP-OUT-'))!;
    expect(
      rules.rules.find((rule) => rule.includes(`-j ${chain}`)),
      'the jump for the frontend, by source',
    ).toBe(
      `-A KATA-NETWORK-POLICIES -m comment --comment default/frontend -s 127.244.0.2 -j ${chain}`,
    );
    expect(
      rules.rules.filter((rule) => rule.startsWith(`-A ${chain} `)).length,
      'one RETURN per block of 127.244.0.0/24 minus .4 (8 blocks), then the REJECT',
    ).toBe(9);
  });
});
