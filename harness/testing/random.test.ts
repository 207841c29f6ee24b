import { describe, expect, test } from 'vitest';
import { seededRandom } from './random.ts';

describe('seededRandom', () => {
  test('the same seed gives the same draws, spread over [0, 1)', () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    const draws = Array.from({ length: 1000 }, () => first());
    expect(draws.slice(0, 3)).toEqual([second(), second(), second()]);
    expect(draws.every((draw) => draw >= 0 && draw < 1)).toBe(true);
    expect(draws.filter((draw) => draw < 0.5).length).toBeGreaterThan(400);
    expect(seededRandom(43)(), 'another seed').not.toBe(draws[0]);
  });
});
