// The pod's resolver (images/pod-resolver.mjs): resolv.conf read and written, the search list and
// ndots applied, and dns.lookup answered from the pod's name servers, falling back to the host's.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { describe, expect, test } from 'vitest';
import { podCidrForNode } from '../network.ts';
import { waitFor } from '../testing/wait.ts';
import { ProcessRuntime } from './process-runtime.ts';
import {
  candidateNames,
  formatResolvConf,
  install,
  ndotsOf,
  parseResolvConf,
  resolveWithSearch,
} from './images/pod-resolver.mjs';

const search = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];
const conf = { servers: ['127.96.0.10:1053'], searches: search, options: ['ndots:5'] };

/** A resolver that knows `known` names and answers NXDOMAIN (ENOTFOUND) for the rest, noting each name asked. */
function fakeResolver(known: Record<string, string>) {
  const asked: string[] = [];
  return {
    asked,
    async resolve4(name: string) {
      asked.push(name);
      if (known[name]) return [known[name]];
      throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
  };
}

describe('The pod resolver', () => {
  test('resolv.conf is written and read back; comments and unknown lines are ignored', () => {
    const text = formatResolvConf(conf);
    expect(text, 'a ClusterFirst configuration as resolv.conf').toBe(
      'nameserver 127.96.0.10:1053\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
    );
    expect(
      parseResolvConf(`# made by kata\n${text}sortlist 10.0.0.0\n`),
      'that text read back',
    ).toEqual(conf);
  });

  test('ndots is 1 when unset, the last one given otherwise, at most 15', () => {
    expect(ndotsOf([]), 'no options').toBe(1);
    expect(ndotsOf(['ndots:5', 'edns0', 'ndots:2']), 'ndots:5 then ndots:2').toBe(2);
    expect(ndotsOf(['ndots:30']), 'ndots:30').toBe(15);
  });

  test('fewer dots than ndots: the search domains first; as many or more: the name first; a trailing dot: the name only', () => {
    expect(candidateNames('web.default', search, 5), 'web.default with ndots:5').toEqual([
      'web.default.shop.svc.cluster.local',
      'web.default.svc.cluster.local',
      'web.default.cluster.local',
      'web.default',
    ]);
    expect(
      candidateNames('api.example.com', search, 2)[0],
      'api.example.com with ndots:2: asked first',
    ).toBe('api.example.com');
    expect(candidateNames('example.com.', search, 5), 'example.com. (fully qualified)').toEqual([
      'example.com',
    ]);
  });

  test('the first candidate a server knows is the answer; none known is no answer', async () => {
    const resolver = fakeResolver({ 'web.default.svc.cluster.local': '127.96.0.20' });
    expect(
      await resolveWithSearch('web.default', conf, resolver),
      'web.default from namespace shop',
    ).toEqual(['127.96.0.20']);
    expect(resolver.asked, 'the names asked, in order').toEqual([
      'web.default.shop.svc.cluster.local',
      'web.default.svc.cluster.local',
    ]);
    expect(
      await resolveWithSearch('nothing', conf, fakeResolver({})),
      'a name nobody knows',
    ).toEqual([]);
  });

  test('installed, lookup leaves IPs and localhost to the host resolver, and falls back to it when the servers fail', async () => {
    const hostAsked: string[] = [];
    const target = {
      lookup: (
        name: string,
        _options: unknown,
        callback: (error: null, address: string, family: number) => void,
      ) => {
        hostAsked.push(name);
        callback(null, '127.0.0.1', 4);
      },
    };
    // A server nobody answers on: every question fails, and the host resolver answers.
    install({ servers: ['127.0.0.1:9'], searches: [], options: ['timeout:1'] }, target);
    const lookup = target.lookup as (
      name: string,
      options: object,
      callback: (...args: unknown[]) => void,
    ) => void;
    const ask = (name: string) =>
      new Promise((resolve) => lookup(name, {}, (...args) => resolve(args)));
    expect(await ask('localhost'), 'lookup localhost').toEqual([null, '127.0.0.1', 4]);
    expect(await ask('127.0.0.5'), 'lookup 127.0.0.5').toEqual([null, '127.0.0.1', 4]);
    expect(await ask('somewhere.example'), 'lookup a name, the pod servers unreachable').toEqual([
      null,
      '127.0.0.1',
      4,
    ]);
    expect(hostAsked, 'what the host resolver was asked').toEqual([
      'localhost',
      '127.0.0.5',
      'somewhere.example',
    ]);
  }, 15_000);

  test("a sandbox with a resolver configuration: its containers' Node programs resolve names through it", async () => {
    // A name server that knows one name, web.default.svc.cluster.local (127.0.0.1); NXDOMAIN otherwise.
    const nameServer = createSocket('udp4');
    nameServer.on('message', (message, from) => {
      const query = dnsPacket.decode(message);
      const name = query.questions![0]!.name;
      const known = name === 'web.default.svc.cluster.local';
      const answers = known ? [{ name, type: 'A' as const, ttl: 5, data: '127.0.0.1' }] : [];
      const response = { ...query, type: 'response' as const, flags: known ? 0 : 3, answers };
      nameServer.send(dnsPacket.encode(response), from.port, from.address);
    });
    await new Promise<void>((resolve) => nameServer.bind(0, '127.0.0.1', resolve));
    const web = createServer((_request, response) => response.end('hello from web'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const webPort = (web.address() as { port: number }).port;
    const stateDir = mkdtempSync(join(tmpdir(), 'kata-resolver-'));
    const runtime = new ProcessRuntime({ stateDir, podCidr: podCidrForNode(212) });
    try {
      const sandbox = await runtime.runPodSandbox({
        metadata: { name: 'client', namespace: 'shop', uid: 'uid-client', attempt: 0 },
        dnsConfig: { ...conf, servers: [`127.0.0.1:${nameServer.address().port}`] },
      });
      const url = `http://web.default:${webPort}/`;
      const id = await runtime.createContainer(sandbox, {
        metadata: { name: 'curl', attempt: 0 },
        image: 'kata/curl',
        args: [url],
      });
      await runtime.startContainer(id);
      const logs = async () => {
        const lines: string[] = [];
        for await (const line of runtime.readLogs(id, {})) lines.push(line.content);
        return lines;
      };
      await waitFor(
        async () => (await runtime.containerStatus(id)).state === 'CONTAINER_EXITED',
        'kata/curl to exit',
        20_000,
      );
      expect(
        await logs(),
        `kata/curl ${url} in namespace shop, with ClusterFirst's resolv.conf`,
      ).toEqual([`GET ${url}: 200 hello from web`]);
    } finally {
      await runtime.close({ stopAll: true });
      rmSync(stateDir, { recursive: true, force: true });
      nameServer.close();
      web.close();
    }
  }, 30_000);
});
