// Benchmark of chapter 13c's PersistentVolume binder and local provisioner (the reference), run
// with `npx kata bench storage`, against the reference API server in the same process:
//
//   1. 200 claims against 200 volumes made beforehand: from creating the claims to every claim
//      Bound, by the binder alone;
//   2. 200 claims of class standard, each with its selected node: the provisioner makes a
//      directory and a volume for each, and the binder binds them;
//
// each printed as claims bound per second, and as a ratio to a baseline measured in the same run:
// the same 200 pairs bound by one client writing directly the four changes a binding is (the
// volume's claimRef and phase, the claim's volumeName and phase), 32 pairs at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exampleClaim, exampleVolume } from '../api/examples.ts';
import type { PersistentVolume, PersistentVolumeClaim } from '../api/types.ts';
import type { ApiClient } from '../client/types.ts';
import { loadReference } from '../components/implementation.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { startApiServer } from '../testing/apiserver.ts';

const { createPersistentVolumeBinder } = await loadReference('13c', 'binder.ts');
const { createLocalProvisioner } = await loadReference('13c', 'provisioner.ts');

const CLAIMS = 200;
const PARALLEL = 32;

/** Runs `work(n)` for n in 0..count-1, `PARALLEL` at a time. */
async function inParallel(count: number, work: (n: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Resolves once every claim in default is Bound. */
async function allBound(client: ApiClient, signal: AbortSignal): Promise<void> {
  const informer = toolkit.createInformer(
    client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default'),
  );
  informer.run(signal);
  await new Promise<void>((resolve) => {
    const check = () => {
      const claims = informer.list();
      if (claims.length === CLAIMS && claims.every((claim) => claim.status?.phase === 'Bound'))
        resolve();
    };
    informer.addEventHandlers({ add: check, update: check });
  });
}

/** A server with 200 volumes (and, for the baseline, 200 claims) made beforehand. */
async function prepared(withClaims: boolean) {
  const server = await startApiServer({ compactionIntervalMs: 0 });
  const client = toolkit.createClient({ server: server.url });
  const volumes = client.resource<PersistentVolume>('persistentvolumes');
  const claims = client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default');
  await inParallel(CLAIMS, (n) => volumes.create(exampleVolume(`pv-${n}`)));
  if (withClaims) await inParallel(CLAIMS, (n) => claims.create(exampleClaim(`claim-${n}`)));
  return { server, client, volumes, claims };
}

async function baseline(): Promise<number> {
  const { server, volumes, claims } = await prepared(true);
  const started = performance.now();
  await inParallel(CLAIMS, async (n) => {
    const claim = await claims.get(`claim-${n}`);
    const volume = await volumes.get(`pv-${n}`);
    const ref = { kind: 'PersistentVolumeClaim', namespace: 'default', name: `claim-${n}` };
    const reserved = await volumes.update({ ...volume, spec: { ...volume.spec, claimRef: ref } });
    await volumes.updateStatus({ ...reserved, status: { phase: 'Bound' } });
    const named = await claims.update({ ...claim, spec: { ...claim.spec, volumeName: `pv-${n}` } });
    await claims.updateStatus({ ...named, status: { phase: 'Bound' } });
  });
  const rate = CLAIMS / ((performance.now() - started) / 1000);
  await server.close();
  return rate;
}

async function withBinder(): Promise<number> {
  const { server, client, claims } = await prepared(false);
  const stop = new AbortController();
  void createPersistentVolumeBinder({ toolkit, client }).run(stop.signal);
  const bound = allBound(client, stop.signal);
  const started = performance.now();
  await inParallel(CLAIMS, (n) => claims.create(exampleClaim(`claim-${n}`)));
  await bound;
  const rate = CLAIMS / ((performance.now() - started) / 1000);
  stop.abort();
  await server.close();
  return rate;
}

async function withProvisioner(): Promise<number> {
  const server = await startApiServer({ compactionIntervalMs: 0 });
  const client = toolkit.createClient({ server: server.url });
  const volumesDir = mkdtempSync(path.join(tmpdir(), 'kata-bench-volumes-'));
  const stop = new AbortController();
  void createPersistentVolumeBinder({ toolkit, client }).run(stop.signal);
  void createLocalProvisioner({ toolkit, client, volumesDir }).run(stop.signal);
  const claims = client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default');
  const bound = allBound(client, stop.signal);
  const started = performance.now();
  await inParallel(CLAIMS, (n) => {
    const claim = exampleClaim(`claim-${n}`, '1Gi', 'standard');
    claim.metadata.annotations = { 'volume.kubernetes.io/selected-node': `node-${n % 4}` };
    return claims.create(claim);
  });
  await bound;
  const rate = CLAIMS / ((performance.now() - started) / 1000);
  stop.abort();
  await server.close();
  rmSync(volumesDir, { recursive: true, force: true });
  return rate;
}

const direct = await baseline();
console.log(
  `baseline: ${CLAIMS} bindings written directly, ${PARALLEL} at a time: ${direct.toFixed(0)} claims/s`,
);
for (const [name, run] of [
  [`binder, ${CLAIMS} claims against volumes made beforehand`, withBinder],
  [`provisioner and binder, ${CLAIMS} claims of class standard`, withProvisioner],
] as const) {
  const rate = await run();
  console.log(`${name}: ${rate.toFixed(0)} claims/s (${(rate / direct).toFixed(2)}x the baseline)`);
}
