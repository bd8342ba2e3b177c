import { describe, expect, it } from 'vitest';
import { POWER_CONSTANT, samplesNeeded } from './power.js';

describe('samplesNeeded', () => {
  it('is 7.85·(p₁q₁ + p₂q₂)/Δ² per arm, less what each arm has', () => {
    // 0.48 vs 0.52: 7.85 · 0.4992 / 0.0016 = 2449.2 → 2450
    expect(
      samplesNeeded({ successes: 480, trials: 1000 }, { successes: 520, trials: 1000 }),
    ).toEqual({ perArm: 2450, control: 1450, treatment: 1450 });
    // 0.10 vs 0.11 with unequal arms: 7.85 · (0.09 + 0.0979) / 0.0001 = 14750.15 → 14751
    expect(
      samplesNeeded({ successes: 2000, trials: 20_000 }, { successes: 220, trials: 2000 }),
    ).toEqual({ perArm: 14751, control: 0, treatment: 12751 });
    expect(POWER_CONSTANT).toBeCloseTo((1.959964 + 0.841621) ** 2, 2);
  });

  it('is null when the effect is zero or an arm is empty: nothing resolves it', () => {
    const none = { perArm: null, control: null, treatment: null };
    expect(samplesNeeded({ successes: 5, trials: 10 }, { successes: 50, trials: 100 })).toEqual(
      none,
    );
    expect(samplesNeeded({ successes: 0, trials: 0 }, { successes: 5, trials: 10 })).toEqual(none);
  });

  it('rejects bad counts', () => {
    expect(() =>
      samplesNeeded({ successes: -1, trials: 10 }, { successes: 1, trials: 10 }),
    ).toThrow(/control must be whole numbers/);
  });
});
