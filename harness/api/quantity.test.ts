import { describe, expect, test } from 'vitest';
import { milliCpu, parseQuantity, quantityValue } from './quantity.ts';

describe('Quantities', () => {
  test('cpu in millicores', () => {
    expect(['2', '0.5', '250m', '1.5', '100m', '0.1'].map(milliCpu)).toEqual([
      2000, 500, 250, 1500, 100, 100,
    ]);
    expect(milliCpu(undefined), 'no request').toBe(0);
  });

  test('memory in bytes, binary and decimal suffixes', () => {
    expect(['128Mi', '1Gi', '1G', '1e3', '512', '1.5Ki'].map(quantityValue)).toEqual([
      134_217_728, 1_073_741_824, 1_000_000_000, 1000, 512, 1536,
    ]);
  });

  test('anything else is refused with the text in the message', () => {
    for (const bad of ['', 'lots', '1.2.3', '5 Mi', '2mi']) {
      expect(() => parseQuantity(bad), `parseQuantity(${JSON.stringify(bad)})`).toThrow(
        /is not a quantity/,
      );
    }
  });
});
