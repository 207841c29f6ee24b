// The image table: which Node program an image name runs.
//
// A kata node has no registry and no container images. Instead each image name maps to a small
// program in this folder, which the process runtime starts with `node`. The kata/* images exist for
// the course's tests; a few public names are mapped too so everyday kubectl examples work
// (`kubectl create deployment web --image=nginx --port=8080`). Tags and digests are accepted and
// ignored, and so are the docker.io / docker.io/library prefixes.
//
// As in a pod spec, a container's `command` replaces the image's entrypoint and `args` replace its
// default arguments; here both become the program's arguments (command first, then args).
//
// Decisions worth knowing:
// - nginx and httpd run kata/echo. They listen on the container's ports, so a pod that declares
//   containerPort 80 fails with a message that ports below 1024 need privileges: use 8080.
// - busybox is minimal (see busybox.mjs): sleep, echo, true, false, env, cat, ls, test, mkdir,
//   tar, wget, and `sh -c` through the host's /bin/sh. It is also every container's userland for
//   `kubectl exec` (the process runtime's execStream runs commands as its applets).
// - registry.k8s.io/pause runs kata/sleep.

import { fileURLToPath } from 'node:url';
import { ImagePullError, ErrImagePull, InvalidImageName, type ImageStatus } from '../cri.ts';

export interface Image {
  /** The canonical name, e.g. "kata/echo". */
  id: string;
  /** The absolute path of the program `node` runs. */
  program: string;
  /** The image's default arguments (a Dockerfile's CMD), used when the container gives none. */
  defaultArgs: string[];
  /** Environment the image sets (a Dockerfile's ENV); the container's env wins. */
  env: Record<string, string>;
}

function image(id: string, file: string, defaultArgs: string[] = [], env = {}): Image {
  return { id, program: fileURLToPath(new URL(file, import.meta.url)), defaultArgs, env };
}

/** The kata images, for tests and examples. */
export const kataImages: Image[] = [
  image('kata/echo', './echo.mjs'),
  image('kata/crash', './crash.mjs'),
  image('kata/slow-start', './slow-start.mjs'),
  image('kata/job', './job.mjs'),
  image('kata/ignore-sigterm', './ignore-sigterm.mjs'),
  image('kata/sleep', './sleep.mjs'),
  image('kata/curl', './curl.mjs'),
  image('kata/cpu-burner', './cpu-burner.mjs'),
  // The kata command itself: a static pod runs a component with `kata run` (kata up --kubeadm).
  image('kata/kata', './kata.mjs'),
];

/** Public names mapped onto kata programs, so everyday examples run. */
const publicImages: Image[] = [
  image('nginx', './echo.mjs', [], { NGINX_VERSION: 'kata' }),
  image('httpd', './echo.mjs'),
  image('registry.k8s.io/pause', './sleep.mjs'),
  image('busybox', './busybox.mjs', ['sh']),
];

export type ImageTable = ReadonlyMap<string, Image>;

/** The table the process runtime uses unless given another. */
export const defaultImageTable: ImageTable = new Map(
  [...kataImages, ...publicImages].map((entry) => [entry.id, entry]),
);

/**
 * The table key for an image reference: without tag or digest, without docker.io's prefixes.
 * Undefined when the reference is not a valid image name.
 */
export function imageName(reference: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/.test(reference)) return undefined;
  let name = reference.split('@')[0]!;
  // A colon after the last slash starts a tag; one before it belongs to a registry host:port.
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) name = name.slice(0, colon);
  for (const prefix of ['docker.io/library/', 'docker.io/', 'library/'])
    if (name.startsWith(prefix)) name = name.slice(prefix.length);
  return name || undefined;
}

/** Finds an image, throwing an ImagePullError (ErrImagePull or InvalidImageName) as a pull would. */
export function resolveImage(table: ImageTable, reference: string): Image {
  const name = imageName(reference);
  if (name === undefined)
    throw new ImagePullError(
      reference,
      InvalidImageName,
      `Failed to apply default image tag "${reference}": couldn't parse image name "${reference}": invalid reference format`,
    );
  const found = table.get(name);
  if (!found)
    throw new ImagePullError(
      reference,
      ErrImagePull,
      `Failed to pull image "${reference}": image "${name}" not found: a kata node runs only the images of its image table (${[...table.keys()].join(', ')})`,
    );
  return found;
}

export function imageStatusOf(reference: string, found: Image): ImageStatus {
  return { ref: reference, id: found.id };
}
