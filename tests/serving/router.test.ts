import { describe, expect, it } from 'vitest';
import { TrafficConfigSchema } from '../../contracts/serving.js';
import { createRng } from '../../core/ml/random.js';
import { bucketOf, chooseVariant, stickyKeyOf } from '../../core/serving/router.js';

const ninetyTen = TrafficConfigSchema.parse({
  variants: [
    { name: 'champion', version: 1, weight: 90 },
    { name: 'challenger', version: 2, weight: 10 },
  ],
  shadows: [{ name: 'next', version: 3 }],
});

describe('chooseVariant', () => {
  it('splits 90/10 over 10,000 random requests within 2 points', () => {
    const rng = createRng(42);
    let challenger = 0;
    for (let i = 0; i < 10_000; i++)
      if (chooseVariant(ninetyTen, undefined, rng.next).variant.name === 'challenger') challenger++;
    expect(Math.abs(challenger / 100 - 10)).toBeLessThanOrEqual(2);
  });

  it('splits 90/10 over 10,000 distinct sticky keys within 2 points', () => {
    let challenger = 0;
    for (let i = 0; i < 10_000; i++)
      if (chooseVariant(ninetyTen, `user-${i}`).variant.name === 'challenger') challenger++;
    expect(Math.abs(challenger / 100 - 10)).toBeLessThanOrEqual(2);
  });

  it('always maps one sticky key to the same variant, whatever the random draw', () => {
    for (let u = 0; u < 200; u++) {
      const first = chooseVariant(ninetyTen, `user-${u}`, () => 0).variant.name;
      for (const r of [0.05, 0.5, 0.95, 0.999])
        expect(chooseVariant(ninetyTen, `user-${u}`, () => r).variant.name).toBe(first);
    }
  });

  it('returns shadows separately and never answers with them', () => {
    const rng = createRng(7);
    for (let i = 0; i < 1000; i++) {
      const choice = chooseVariant(ninetyTen, undefined, rng.next);
      expect(choice.shadows.map((s) => s.name)).toEqual(['next']);
      expect(choice.variant.name).not.toBe('next');
    }
  });

  it('never picks a zero-weight variant', () => {
    const cfg = TrafficConfigSchema.parse({
      variants: [
        { name: 'a', version: 1, weight: 0 },
        { name: 'b', version: 2, weight: 100 },
      ],
    });
    for (const r of [0, 0.00001, 0.5, 0.99999])
      expect(chooseVariant(cfg, undefined, () => r).variant.name).toBe('b');
  });

  it('salts buckets so two endpoints assign a user independently', () => {
    let same = 0;
    for (let i = 0; i < 1000; i++) if (bucketOf(`u${i}`, 'ep-a') === bucketOf(`u${i}`, 'ep-b')) same++;
    expect(same).toBeLessThan(5);
  });
});

describe('stickyKeyOf', () => {
  it('reads a header in any case, and a body field at top level or inside features', () => {
    expect(stickyKeyOf({ from: 'header', name: 'X-User' }, { headers: { 'x-user': 'u1' } })).toBe('u1');
    expect(stickyKeyOf({ from: 'field', name: 'user' }, { body: { user: 12, features: {} } })).toBe('12');
    expect(stickyKeyOf({ from: 'field', name: 'user' }, { body: { features: { user: 'u2' } } })).toBe('u2');
    expect(stickyKeyOf({ from: 'field', name: 'user' }, { body: { features: {} } })).toBeUndefined();
    expect(stickyKeyOf(undefined, { headers: { 'x-user': 'u1' } })).toBeUndefined();
  });

  it("takes node:http's headers as they are: other cases searched, a repeated header joined", () => {
    const sticky = { from: 'header', name: 'X-User' } as const;
    expect(stickyKeyOf(sticky, { headers: { 'X-USER': 'u3' } })).toBe('u3');
    expect(stickyKeyOf(sticky, { headers: { 'x-user': ['u4', 'u5'] } })).toBe('u4, u5');
    expect(stickyKeyOf(sticky, { headers: { 'x-user': '' } })).toBeUndefined();
    expect(stickyKeyOf(sticky, { headers: { other: 'x' } })).toBeUndefined();
  });
});

describe('TrafficConfigSchema', () => {
  it('names variants when the weights do not sum to 100', () => {
    const r = TrafficConfigSchema.safeParse({
      variants: [
        { name: 'a', version: 1, weight: 90 },
        { name: 'b', version: 2, weight: 20 },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['variants']);
    expect(r.error?.issues[0].message).toMatch(/sum to 100 \(got 110\)/);
  });
});
