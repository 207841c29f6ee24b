// The image table: references with registries, tags and digests resolve to kata programs; unknown
// or malformed references fail as a pull would.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { ErrImagePull, InvalidImageName } from './cri.ts';
import { defaultImageTable, imageName, resolveImage } from './images/table.ts';

describe('The image table', () => {
  test('image names lose their tag, digest and docker.io prefixes', () => {
    expect(imageName('nginx')).toBe('nginx');
    expect(imageName('nginx:1.27')).toBe('nginx');
    expect(imageName('docker.io/library/nginx:latest')).toBe('nginx');
    expect(imageName('kata/echo@sha256:abc')).toBe('kata/echo');
    expect(imageName('localhost:5000/app:v1')).toBe('localhost:5000/app');
    expect(imageName('Not A Name')).toBeUndefined();
  });

  test('every kata image and the public names resolve to a program', () => {
    for (const name of [
      'kata/echo',
      'kata/crash',
      'kata/slow-start',
      'kata/job',
      'kata/ignore-sigterm',
      'kata/sleep',
      'kata/curl',
      'nginx:1.27',
      'httpd',
      'busybox:1.36',
      'registry.k8s.io/pause:3.10',
    ])
      expect(resolveImage(defaultImageTable, name).program, name).toMatch(/\.mjs$/);
  });

  test('an unknown image is ErrImagePull and a malformed one InvalidImageName', () => {
    expect(() => resolveImage(defaultImageTable, 'no-such-image')).toThrow(
      expect.objectContaining({ reason: ErrImagePull }),
    );
    expect(() => resolveImage(defaultImageTable, 'UPPER/case')).toThrow(
      expect.objectContaining({ reason: InvalidImageName }),
    );
  });

  test("kata/job works --seconds, says its Indexed Job's completion index, and exits with --code", () => {
    const program = resolveImage(defaultImageTable, 'kata/job').program;
    const run = spawnSync(process.execPath, [program, '--seconds=0.1', '--code=4'], {
      encoding: 'utf8',
      env: { ...process.env, JOB_COMPLETION_INDEX: '3' },
    });
    expect(run.stdout.split('\n'), 'what kata/job printed').toEqual([
      'working',
      'index 3',
      'done',
      '',
    ]);
    expect(run.status, 'its exit code, from --code=4').toBe(4);
  });
});
