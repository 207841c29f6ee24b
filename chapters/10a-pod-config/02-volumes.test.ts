// Volumes: the files a pod's containers share, made on the node (in a temporary folder here) before
// the containers start, and the mounts that show each volume to a container at its mountPath.
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Container, Pod, Volume } from '../../harness/api/types.ts';
import { ContainerConfigError } from '../../harness/runtime/cri.ts';
import type { ConfigSources } from './environment.ts';
import {
  apiDataVolumes,
  consumedObjects,
  containerMounts,
  inMemory,
  memoryRoot,
  projectKeys,
  removePodVolumes,
  setUpVolumes,
  volumeDir,
  volumePayload,
  writeAtomically,
  type Payload,
} from './volumes.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'kata-volumes-'));
  folders.push(folder);
  return folder;
}

const sources: ConfigSources = {
  configMap: (namespace, name) =>
    namespace === 'default' && name === 'app'
      ? { metadata: { name }, data: { greeting: 'hi', color: 'blue' } }
      : undefined,
  secret: (namespace, name) =>
    name === 'db'
      ? { metadata: { name }, data: { password: Buffer.from('s3cret').toString('base64') } }
      : undefined,
  podIP: '127.244.0.7',
  hostIP: '127.20.0.1',
  allocatable: { cpu: '4', memory: '8Gi' },
};

function pod(volumes: Volume[]): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'kata/echo' }], volumes },
  };
}

const files = (payload: Payload | undefined) =>
  Object.fromEntries([...(payload ?? [])].map(([path, file]) => [path, file.content]));

describe('Volumes', () => {
  test("each volume of a pod has a directory of its own, named as the kubelet's; a hostPath is the node's", () => {
    expect(
      volumeDir('/kubelet/pods', 'u-1', { name: 'config', configMap: { name: 'app' } }),
      'volumeDir of configMap volume config, pod u-1',
    ).toBe('/kubelet/pods/u-1/volumes/kubernetes.io~configmap/config');
    expect(
      volumeDir('/kubelet/pods', 'u-1', { name: 'scratch', emptyDir: {} }),
      'volumeDir of emptyDir volume scratch',
    ).toBe('/kubelet/pods/u-1/volumes/kubernetes.io~empty-dir/scratch');
    expect(
      volumeDir('/kubelet/pods', 'u-1', { name: 'logs', hostPath: { path: '/var/log' } }),
      'volumeDir of hostPath volume logs (/var/log)',
    ).toBe('/var/log');
  });

  test("an object's keys become files: all of them, or only the items, each with its mode", () => {
    const entries = { greeting: 'hi', color: 'blue' };
    expect(
      [...projectKeys(entries, undefined, 0o644, 'configmap')],
      'projectKeys of greeting and color, no items, mode 0644',
    ).toEqual([
      ['greeting', { content: 'hi', mode: 0o644 }],
      ['color', { content: 'blue', mode: 0o644 }],
    ]);
    expect(
      [
        ...projectKeys(
          entries,
          [{ key: 'greeting', path: 'conf/hello.txt', mode: 0o400 }],
          0o644,
          'configmap',
        ),
      ],
      'projectKeys with one item: greeting at conf/hello.txt, mode 0400',
    ).toEqual([['conf/hello.txt', { content: 'hi', mode: 0o400 }]]);
    expect(
      () => projectKeys(entries, [{ key: 'size', path: 'size' }], 0o644, 'configmap'),
      'an item naming key size, which is not there, throws "configmap references non-existent config key: size"',
    ).toThrow('configmap references non-existent config key: size');
  });

  test('configMap and secret volumes hold a file per key; a missing optional object, none', () => {
    expect(
      files(volumePayload(pod([]), { name: 'c', configMap: { name: 'app' } }, sources)),
      'a configMap volume of app',
    ).toEqual({ greeting: 'hi', color: 'blue' });
    expect(
      files(volumePayload(pod([]), { name: 's', secret: { secretName: 'db' } }, sources)),
      'a secret volume of db',
    ).toEqual({ password: 's3cret' });
    const optional: Volume = { name: 'o', configMap: { name: 'nope', optional: true } };
    expect(
      files(volumePayload(pod([]), optional, sources)),
      'a configMap volume of a missing, optional ConfigMap',
    ).toEqual({});
    expect(
      volumePayload(pod([]), { name: 'e', emptyDir: {} }, sources),
      'an emptyDir volume',
    ).toBeUndefined();
  });

  test("downwardAPI volumes hold the pod's fields; projected ones, several sources in one", () => {
    const downward: Volume = {
      name: 'info',
      downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
    };
    expect(
      files(volumePayload(pod([]), downward, sources)),
      'a downwardAPI volume with the labels',
    ).toEqual({ labels: 'app="web"' });
    const projected: Volume = {
      name: 'all',
      projected: {
        sources: [
          { configMap: { name: 'app', items: [{ key: 'greeting', path: 'greeting' }] } },
          { secret: { name: 'db' } },
          { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        ],
      },
    };
    expect(
      files(volumePayload(pod([]), projected, sources)),
      'a projected volume of app (one item), db and the pod name',
    ).toEqual({ greeting: 'hi', password: 's3cret', name: 'web' });
  });

  test("a volume's defaultMode applies to its files, an item's own mode wins; a resource can be a file too", () => {
    const modes = (volume: Volume) =>
      Object.fromEntries(
        [...(volumePayload(pod([]), volume, sources) ?? [])].map(([path, file]) => [
          path,
          file.mode,
        ]),
      );
    const secret: Volume = {
      name: 's',
      secret: { secretName: 'db', defaultMode: 0o400, items: [{ key: 'password', path: 'pw' }] },
    };
    expect(modes(secret), 'a secret volume with defaultMode 0400').toEqual({ pw: 0o400 });
    const projected: Volume = {
      name: 'p',
      projected: {
        defaultMode: 0o440,
        sources: [
          {
            configMap: {
              name: 'app',
              items: [
                { key: 'greeting', path: 'g', mode: 0o600 },
                { key: 'color', path: 'c' },
              ],
            },
          },
        ],
      },
    };
    expect(
      modes(projected),
      'a projected volume with defaultMode 0440 and one item of mode 0600',
    ).toEqual({ g: 0o600, c: 0o440 });
    const limits: Volume = {
      name: 'l',
      downwardAPI: {
        items: [
          {
            path: 'mem',
            resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Gi' },
          },
        ],
      },
    };
    expect(
      files(volumePayload(pod([]), limits, sources)),
      "a downwardAPI file of app's memory limit (none set: the node's 8Gi)",
    ).toEqual({ mem: '8' });
  });

  test('files are written under a version directory that ..data points at, each key a link through ..data', () => {
    const dir = join(temporaryFolder(), 'config');
    const payload: Payload = new Map([['greeting', { content: 'hi', mode: 0o640 }]]);
    expect(writeAtomically(dir, payload), 'writeAtomically into an empty folder').toBe(true);
    const version = readlinkSync(join(dir, '..data'));
    expect(version, '..data is a link to a version directory named ..<time>').toMatch(
      /^\.\.\d{4}_/,
    );
    expect(readlinkSync(join(dir, 'greeting')), 'greeting is a link into ..data').toBe(
      '..data/greeting',
    );
    expect(readFileSync(join(dir, 'greeting'), 'utf8'), 'reading greeting').toBe('hi');
    expect(statSync(join(dir, version, 'greeting')).mode & 0o777, 'the file mode of greeting').toBe(
      0o640,
    );
  });

  test('an update switches ..data to a new version, drops keys that went and the old version; the same payload writes nothing', () => {
    const dir = join(temporaryFolder(), 'config');
    writeAtomically(
      dir,
      new Map([
        ['greeting', { content: 'hi', mode: 0o644 }],
        ['color', { content: 'blue', mode: 0o644 }],
      ]),
    );
    const first = readlinkSync(join(dir, '..data'));
    const update: Payload = new Map([['greeting', { content: 'hello', mode: 0o644 }]]);
    expect(
      writeAtomically(dir, update),
      'writeAtomically with greeting changed and color gone',
    ).toBe(true);
    expect(readFileSync(join(dir, 'greeting'), 'utf8'), 'greeting after the update').toBe('hello');
    expect(existsSync(join(dir, 'color')), 'color after the update removed it').toBe(false);
    expect(existsSync(join(dir, first)), 'the first version directory after the update').toBe(
      false,
    );
    expect(writeAtomically(dir, update), 'writeAtomically with the same payload again').toBe(false);
    expect(readdirSync(dir).sort(), 'the entries: ..data, one version, greeting').toEqual(
      ['..data', readlinkSync(join(dir, '..data')), 'greeting'].sort(),
    );
  });

  test("setting up a pod's volumes makes each one; one that cannot be set up is an error naming it", () => {
    const podsDir = temporaryFolder();
    const hostDir = join(temporaryFolder(), 'host');
    const dirs = setUpVolumes(
      pod([
        { name: 'scratch', emptyDir: {} },
        { name: 'config', configMap: { name: 'app' } },
        { name: 'host', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } },
      ]),
      podsDir,
      sources,
    );
    expect(
      lstatSync(dirs.get('scratch')!).isDirectory(),
      'the emptyDir scratch is a directory',
    ).toBe(true);
    expect(readFileSync(join(dirs.get('config')!, 'greeting'), 'utf8'), 'config/greeting').toBe(
      'hi',
    );
    expect(dirs.get('host'), 'the hostPath volume is the host directory, made').toBe(hostDir);
    expect(existsSync(hostDir), 'the hostPath directory exists').toBe(true);
    expect(
      () => setUpVolumes(pod([{ name: 'config', configMap: { name: 'nope' } }]), podsDir, sources),
      'a configMap volume of a missing ConfigMap throws "MountVolume.SetUp failed for volume "config" : configmap "nope" not found"',
    ).toThrow('MountVolume.SetUp failed for volume "config" : configmap "nope" not found');
  });

  test('a container sees each volume at its mountPath; a subPath mounts one entry of it, and may not leave it', () => {
    const podsDir = temporaryFolder();
    const dirs = setUpVolumes(
      pod([
        { name: 'config', configMap: { name: 'app' } },
        { name: 'scratch', emptyDir: {} },
      ]),
      podsDir,
      sources,
    );
    const container: Container = {
      name: 'app',
      image: 'kata/echo',
      volumeMounts: [
        { name: 'config', mountPath: '/etc/app', readOnly: true },
        { name: 'scratch', mountPath: '/cache', subPath: 'cache' },
      ],
    };
    const mounts = containerMounts(container, dirs);
    expect(mounts[0], 'the mount of config at /etc/app, readOnly').toEqual({
      containerPath: '/etc/app',
      hostPath: dirs.get('config'),
      readonly: true,
    });
    expect(mounts[1], 'the mount of scratch/cache at /cache').toEqual({
      containerPath: '/cache',
      hostPath: join(dirs.get('scratch')!, 'cache'),
      readonly: false,
    });
    expect(
      existsSync(join(dirs.get('scratch')!, 'cache')),
      'the subPath cache was made in the emptyDir',
    ).toBe(true);
    const escaping = {
      ...container,
      volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath: '../../etc' }],
    };
    expect(
      () => containerMounts(escaping, dirs),
      'a subPath ../../etc throws a ContainerConfigError',
    ).toThrow(ContainerConfigError);
    const unknown = { ...container, volumeMounts: [{ name: 'nope', mountPath: '/x' }] };
    expect(
      () => containerMounts(unknown, dirs),
      'a mount of volume nope, which the pod lacks, throws',
    ).toThrow('cannot find volume "nope"');
  });

  test("a pod's volumes go with it; a hostPath stays", () => {
    const podsDir = temporaryFolder();
    const hostDir = temporaryFolder();
    const dirs = setUpVolumes(
      pod([
        { name: 'scratch', emptyDir: {} },
        { name: 'host', hostPath: { path: hostDir } },
      ]),
      podsDir,
      sources,
    );
    removePodVolumes(podsDir, 'u-1');
    expect(existsSync(dirs.get('scratch')!), 'the emptyDir after removePodVolumes').toBe(false);
    expect(existsSync(join(podsDir, 'u-1')), "the pod's folder after removePodVolumes").toBe(false);
    expect(existsSync(hostDir), 'the hostPath directory after removePodVolumes').toBe(true);
  });

  test("an emptyDir of medium Memory is made on the host's tmpfs, and goes with the pod", () => {
    const podsDir = temporaryFolder();
    const inRam = pod([{ name: 'cache', emptyDir: { medium: 'Memory' } }]);
    inRam.metadata.uid = `u-memory-${process.pid}-${Date.now()}`;
    const uid = inRam.metadata.uid;
    expect(
      [inMemory(inRam.spec.volumes![0]!), inMemory({ name: 'disk', emptyDir: {} })],
      'inMemory of an emptyDir of medium Memory, and of one with no medium',
    ).toEqual([true, false]);
    const dirs = setUpVolumes(inRam, podsDir, sources);
    expect(
      readlinkSync(dirs.get('cache')!),
      "the kubelet's directory of volume cache: a link to the pod's folder under memoryRoot",
    ).toBe(join(memoryRoot, uid, 'cache'));
    expect(statSync(join(memoryRoot, uid, 'cache')).isDirectory(), 'made on the tmpfs').toBe(true);
    removePodVolumes(podsDir, uid);
    expect(existsSync(join(memoryRoot, uid)), "the pod's folder under memoryRoot, afterwards").toBe(
      false,
    );
  });

  test('volumes whose files come from the API are mounted read-only, whatever the mount says', () => {
    const withConfig = pod([
      { name: 'config', configMap: { name: 'app' } },
      { name: 'token', projected: { sources: [] } },
      { name: 'scratch', emptyDir: {} },
    ]);
    const readOnly = apiDataVolumes(withConfig);
    expect([...readOnly].sort(), 'apiDataVolumes of a configMap, a projected, an emptyDir').toEqual(
      ['config', 'token'],
    );
    const container: Container = {
      name: 'app',
      image: 'kata/echo',
      volumeMounts: [
        { name: 'config', mountPath: '/etc/app' },
        { name: 'scratch', mountPath: '/scratch' },
      ],
    };
    const dirs = new Map([
      ['config', '/pods/config'],
      ['scratch', '/pods/scratch'],
    ]);
    expect(
      containerMounts(container, dirs, readOnly).map((mount) => mount.readonly),
      'config mounted without readOnly, scratch too: config read-only all the same',
    ).toEqual([true, false]);
  });

  test('a pod consumes the ConfigMaps and Secrets its env, envFrom and volumes name', () => {
    const container: Container = {
      name: 'app',
      image: 'kata/echo',
      envFrom: [{ configMapRef: { name: 'app' } }],
      env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
    };
    const pod: Pod = {
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        containers: [container],
        volumes: [
          { name: 'config', configMap: { name: 'app' } },
          { name: 'all', projected: { sources: [{ secret: { name: 'tls' } }] } },
        ],
      },
    };
    expect(
      consumedObjects(pod).sort(),
      'consumedObjects of a pod with envFrom app, a secretKeyRef db, volumes app and tls',
    ).toEqual(['configmap/shop/app', 'secret/shop/db', 'secret/shop/tls']);
  });
});
