// kubectl's everyday verbs in the `kata` CLI, for machines without kubectl: get, apply, delete,
// describe and scale. They print what kubectl prints for the same request: tables come from the
// API server (it answers `Accept: ...;as=Table`, as it does kubectl), messages are kubectl's own
// ("deployment.apps/hello created"). They talk to the cluster with the reference client.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { parseAllDocuments, stringify } from 'yaml';
import { isObject, own, sameJson } from '../../api/json.ts';
import {
  apiVersionOf,
  builtinResources,
  resourceForKind,
  type ResourceType,
} from '../../api/resources.ts';
import { lastAppliedAnnotation } from '../../api/rollout.ts';
import type { KubeEvent, KubeObject } from '../../api/types.ts';
import { humanDuration, type Table } from '../../api/tables.ts';
import { isNotFound } from '../../client/errors.ts';
import type { ApiClient } from '../../client/types.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { isConnectionFailure, requestApi, serverFrom, unreachable } from './cluster-verbs.ts';
import { KataError, UsageError } from '../output.ts';

type Flags = Record<string, string | boolean | undefined>;
type Print = (line: string) => void;

/** A signal that aborts on Ctrl-C. */
function interrupted(): AbortSignal {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  return stop.signal;
}

/** A resource by any name kubectl takes: pods, pod, po, deployments.apps, deploy. */
export function findResource(name: string): ResourceType {
  const [plain, group] = name.toLowerCase().split(/\.(.*)/s) as [string, string | undefined];
  const found = builtinResources.find(
    (resource) =>
      (group === undefined || resource.group === group) &&
      (resource.resource === plain ||
        resource.singular === plain ||
        resource.shortNames.includes(plain)),
  );
  if (!found)
    throw new UsageError(
      `the server doesn't have a resource type "${name}"; try pods, deployments, replicasets, services, nodes, events`,
    );
  return found;
}

/** "pods/web", "deploy web", "pods": the resource and the name, if any. */
export function target(words: (string | undefined)[]): { resource: ResourceType; name?: string } {
  const [first, second] = words;
  if (!first) throw new UsageError('name a resource type: pods, deployments, services, nodes, ...');
  const [type, slashed] = first.split('/');
  return { resource: findResource(type!), name: slashed ?? second };
}

/** How kubectl names a resource in messages: "pod", "deployment.apps". */
function kindName(resource: ResourceType): string {
  return resource.group ? `${resource.singular}.${resource.group}` : resource.singular;
}

function namespaceOf(flags: Flags): string {
  return typeof flags.namespace === 'string' ? flags.namespace : 'default';
}

function clientFor(flags: Flags): { client: ApiClient; server: string } {
  const server = serverFrom(flags);
  return { client: toolkit.createClient({ server, userAgent: 'kata-cli' }), server };
}

/** The URL of a resource's collection (or of one object), for the requests the client lacks. */
function urlOf(
  server: string,
  resource: ResourceType,
  namespace: string | undefined,
  name?: string,
) {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : '/api/v1';
  const scope = resource.namespaced && namespace ? `/namespaces/${namespace}` : '';
  return `${server}${base}${scope}/${resource.resource}${name ? `/${name}` : ''}`;
}

const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** Prints a Table as kubectl does: upper-case headers, columns padded, wide columns on demand. */
export function printTable(
  table: Table,
  options: { wide: boolean; namespaces: boolean; header: boolean },
  print: Print,
) {
  const shown = table.columnDefinitions
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => options.wide || (column.priority ?? 0) === 0);
  const rows = table.rows.map((row) => {
    const cells = shown.map(({ index }) => {
      const cell = row.cells[index];
      return cell === undefined || cell === null ? '<none>' : String(cell);
    });
    const namespace = (row.object as KubeObject | undefined)?.metadata?.namespace ?? '';
    return options.namespaces ? [namespace, ...cells] : cells;
  });
  const header = [
    ...(options.namespaces ? ['NAMESPACE'] : []),
    ...shown.map(({ column }) => column.name.toUpperCase()),
  ];
  const all = options.header ? [header, ...rows] : rows;
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  for (const row of all)
    print(
      row
        .map((cell, column) => cell.padEnd(widths[column]! + 3))
        .join('')
        .trimEnd(),
    );
}

/**
 * `kata get TYPE [NAME] [-o wide|yaml|json] [-l SELECTOR] [-A] [-w]`. With -w it follows changes
 * until `stop` aborts, or else until Ctrl-C.
 */
export async function get(
  words: (string | undefined)[],
  flags: Flags,
  print: Print = console.log,
  stop?: AbortSignal,
) {
  const { resource, name } = target(words);
  const { server } = clientFor(flags);
  const all = flags['all-namespaces'] === true;
  const namespace = all ? undefined : namespaceOf(flags);
  const output = typeof flags.output === 'string' ? flags.output : '';
  if (!['', 'wide', 'yaml', 'json', 'name'].includes(output))
    throw new UsageError(`--output takes wide, yaml, json or name, not "${output}"`);
  const query = new URLSearchParams();
  if (typeof flags.selector === 'string') query.set('labelSelector', flags.selector);
  const asTable = output === '' || output === 'wide';
  // Each row then carries its object's metadata: the NAMESPACE column of -A comes from there.
  if (asTable) query.set('includeObject', 'Metadata');
  const url = `${urlOf(server, resource, namespace, name)}?${query}`;
  const response = await requestApi(url, asTable ? { headers: { accept: tableAccept } } : {});
  const body = (await response.json()) as Table & KubeObject & { items?: KubeObject[] };
  if (output === 'json') print(JSON.stringify(body, null, 2));
  else if (output === 'yaml') print(stringify(body).trimEnd());
  else if (output === 'name')
    for (const object of body.items ?? [body])
      print(`${kindName(resource)}/${object.metadata.name}`);
  else if (body.rows?.length === 0 && !name)
    print(
      all || !resource.namespaced
        ? 'No resources found'
        : `No resources found in ${namespace} namespace.`,
    );
  else printTable(body, { wide: output === 'wide', namespaces: all, header: true }, print);
  if (flags.watch !== true) return 0;

  // -w: each change after the list, until Ctrl-C (or `stop`). The watch asks for Tables as
  // kubectl's does, so each event arrives as its row, under the list's header and columns.
  const signal = stop ?? interrupted();
  const watchQuery = new URLSearchParams(query);
  watchQuery.set('watch', 'true');
  watchQuery.set('resourceVersion', body.metadata.resourceVersion ?? '');
  if (name) watchQuery.set('fieldSelector', `metadata.name=${name}`);
  const watch = await requestApi(`${urlOf(server, resource, namespace)}?${watchQuery}`, {
    headers: asTable ? { accept: tableAccept } : {},
    signal,
  });
  try {
    for await (const line of createInterface({
      input: Readable.fromWeb(watch.body as WebStream),
    })) {
      if (!line) continue;
      const event = JSON.parse(line) as { type: string; object: Table & KubeObject };
      if (event.type === 'BOOKMARK') continue;
      if (event.type === 'ERROR')
        throw new KataError(`Error from server: ${String(event.object.message)}`);
      if (output === 'json') print(JSON.stringify(event.object, null, 2));
      else if (output === 'yaml') print(`---\n${stringify(event.object).trimEnd()}`);
      else if (output === 'name') print(`${kindName(resource)}/${event.object.metadata.name}`);
      else
        printTable(
          { ...event.object, columnDefinitions: body.columnDefinitions },
          { wide: output === 'wide', namespaces: all, header: false },
          print,
        );
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  return 0;
}

/** The objects of a manifest file, or of every .yaml, .yml and .json file of a folder. */
export function readManifests(file: string): KubeObject[] {
  let files: string[];
  try {
    files = statSync(file).isDirectory()
      ? readdirSync(file)
          .filter((name) => /\.(ya?ml|json)$/.test(name))
          .sort()
          .map((name) => path.join(file, name))
      : [file];
  } catch {
    throw new KataError(`the path "${file}" does not exist`);
  }
  return files.flatMap((name) =>
    parseAllDocuments(readFileSync(name, 'utf8')).flatMap((document) => {
      if (document.errors.length > 0)
        throw new KataError(`${name}: ${document.errors[0]!.message.split('\n')[0]}`);
      const object = document.toJS() as KubeObject | null;
      if (!object) return [];
      if (!object.apiVersion || !object.kind || !object.metadata?.name)
        throw new KataError(`${name}: every object needs apiVersion, kind and metadata.name`);
      return [object];
    }),
  );
}

/** The resource of a manifest's object, or a one-line error naming its kind. */
function resourceOfObject(object: KubeObject): ResourceType {
  const resource = resourceForKind(object.apiVersion!, object.kind!);
  if (!resource)
    throw new KataError(`no matches for kind "${object.kind}" in version "${object.apiVersion}"`);
  return resource;
}

/**
 * Whether everything the manifest says is already so in the live object: its fields, at every
 * level, with lists compared item by item (the server's defaults may add fields, never items).
 */
function covers(live: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted))
    return (
      Array.isArray(live) &&
      live.length === wanted.length &&
      wanted.every((item, index) => covers(live[index], item))
    );
  if (isObject(wanted))
    return (
      isObject(live) &&
      Object.entries(wanted).every(([key, value]) => covers(own(live, key), value))
    );
  return sameJson(live, wanted);
}

/**
 * `kata apply -f FILE|DIR`: each object created when missing, else merged into the live one with
 * a merge patch; the manifest is kept in the last-applied annotation, as kubectl keeps it.
 */
export async function apply(flags: Flags, print: Print = console.log): Promise<number> {
  if (typeof flags.filename !== 'string')
    throw new UsageError('kata apply needs -f FILE (a manifest, or a folder of them)');
  const { client, server } = clientFor(flags);
  for (const manifest of readManifests(flags.filename)) {
    const resource = resourceOfObject(manifest);
    const namespace = resource.namespaced
      ? (manifest.metadata.namespace ?? namespaceOf(flags))
      : undefined;
    const applied = structuredClone(manifest);
    applied.metadata.annotations = {
      ...applied.metadata.annotations,
      [lastAppliedAnnotation]: `${JSON.stringify(manifest)}\n`,
    };
    const objects = client.resource(resource.resource, namespace);
    const shown = `${kindName(resource)}/${manifest.metadata.name}`;
    try {
      const live = await objects.get(manifest.metadata.name!).catch((error) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      if (!live) {
        await objects.create(applied);
        print(`${shown} created`);
      } else if (covers(live, applied)) {
        print(`${shown} unchanged`);
      } else {
        await objects.patch(manifest.metadata.name!, applied, 'merge');
        print(`${shown} configured`);
      }
    } catch (error) {
      throw oneLine(error, shown, server);
    }
  }
  return 0;
}

/** An error of the client as one line: what it was about, and why. */
function oneLine(error: unknown, what: string, server: string): KataError {
  if (error instanceof KataError) return error;
  if (isConnectionFailure(error)) return unreachable(server);
  return new KataError(`${what}: ${(error as Error).message ?? String(error)}`);
}

/** `kata delete TYPE NAME` or `kata delete -f FILE`: background cascading delete, as kubectl does. */
export async function remove(
  words: (string | undefined)[],
  flags: Flags,
  print: Print = console.log,
) {
  const { client, server } = clientFor(flags);
  const victims =
    typeof flags.filename === 'string'
      ? readManifests(flags.filename).map((object) => ({
          resource: resourceOfObject(object),
          name: object.metadata.name!,
          namespace: object.metadata.namespace,
        }))
      : [{ ...target(words), namespace: undefined }];
  for (const victim of victims) {
    if (!victim.name)
      throw new UsageError('name what to delete: kata delete TYPE NAME, or -f FILE');
    const namespace = victim.resource.namespaced
      ? (victim.namespace ?? namespaceOf(flags))
      : undefined;
    const shown = `${kindName(victim.resource)} "${victim.name}"`;
    try {
      await client
        .resource(victim.resource.resource, namespace)
        .delete(victim.name, { propagationPolicy: 'Background' });
    } catch (error) {
      if (isNotFound(error))
        throw new KataError(`Error from server (NotFound): ${(error as Error).message}`);
      throw oneLine(error, shown, server);
    }
    print(`${shown} deleted`);
  }
  return 0;
}

/** `kata scale TYPE/NAME --replicas N`: the scale subresource, as kubectl does. */
export async function scale(
  words: (string | undefined)[],
  flags: Flags,
  print: Print = console.log,
) {
  const { resource, name } = target(words);
  if (!name) throw new UsageError('name what to scale: kata scale deployment/NAME --replicas N');
  const replicas = flags.replicas;
  if (typeof replicas !== 'string' || !/^\d+$/.test(replicas))
    throw new UsageError(`--replicas takes a whole number, not "${String(replicas ?? '')}"`);
  if (!resource.subresources.includes('scale'))
    throw new KataError(`${resource.resource} cannot be scaled (no scale subresource)`);
  const { client, server } = clientFor(flags);
  try {
    await client.resource(resource.resource, namespaceOf(flags)).scale(name, Number(replicas));
  } catch (error) {
    throw oneLine(error, `${kindName(resource)}/${name}`, server);
  }
  print(`${kindName(resource)}/${name} scaled`);
  return 0;
}

/**
 * `kata describe TYPE NAME`: the object's name, labels and annotations, then its spec and status
 * as YAML, then the Events about it, oldest first, as kubectl lists them.
 */
export async function describe(
  words: (string | undefined)[],
  flags: Flags,
  print: Print = console.log,
) {
  const { resource, name } = target(words);
  if (!name) throw new UsageError('name what to describe: kata describe TYPE NAME');
  const { client, server } = clientFor(flags);
  const namespace = resource.namespaced ? namespaceOf(flags) : undefined;
  let object: KubeObject;
  try {
    object = await client.resource(resource.resource, namespace).get(name);
  } catch (error) {
    if (isNotFound(error))
      throw new KataError(`Error from server (NotFound): ${(error as Error).message}`);
    throw oneLine(error, name, server);
  }
  const map = (values: Record<string, string> | undefined) =>
    Object.entries(values ?? {})
      .filter(([key]) => key !== lastAppliedAnnotation)
      .map(([key, value]) => `${key}=${value}`);
  const field = (label: string, value: string) => print(`${`${label}:`.padEnd(14)}${value}`);
  field('Name', object.metadata.name!);
  if (namespace) field('Namespace', namespace);
  field('Kind', `${object.kind} (${apiVersionOf(resource)})`);
  const listed = (label: string, values: string[]) => {
    field(label, values[0] ?? '<none>');
    for (const value of values.slice(1)) print(`${''.padEnd(14)}${value}`);
  };
  listed('Labels', map(object.metadata.labels));
  listed('Annotations', map(object.metadata.annotations));
  field('Created', object.metadata.creationTimestamp ?? '<unknown>');
  for (const part of ['spec', 'status', 'subsets', 'data'] as const) {
    const value = (object as unknown as Record<string, unknown>)[part];
    if (value === undefined) continue;
    print(`${part[0]!.toUpperCase()}${part.slice(1)}:`);
    for (const line of stringify(value).trimEnd().split('\n')) print(`  ${line}`);
  }
  const events = (await client.resource<KubeEvent>('events', namespace).list()).items
    .filter(
      (event) =>
        event.involvedObject.name === name &&
        event.involvedObject.kind === object.kind &&
        (!event.involvedObject.uid || event.involvedObject.uid === object.metadata.uid),
    )
    .sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? ''));
  if (events.length === 0) {
    print('Events:       <none>');
    return 0;
  }
  print('Events:');
  const rows = [
    ['Type', 'Reason', 'Age', 'From', 'Message'],
    ['----', '------', '----', '----', '-------'],
    ...events.map((event) => [
      event.type ?? '',
      event.reason ?? '',
      ageOf(event.lastTimestamp),
      event.source?.component ?? '',
      event.message ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    print(
      `  ${row
        .map((cell, column) => cell.padEnd(widths[column]! + 2))
        .join('')
        .trimEnd()}`,
    );
  return 0;
}

/** How long ago `time` was, as kubectl's describe prints an event's age. */
function ageOf(time: string | undefined): string {
  return time ? humanDuration(Date.now() - Date.parse(time)) : '<unknown>';
}
