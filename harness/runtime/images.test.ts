// The image table: references with registries, tags and digests resolve to kata programs; unknown
// or malformed references fail as a pull would.
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
});
