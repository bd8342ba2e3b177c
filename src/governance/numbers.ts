import { guessDirection, type Direction } from '../tracking/runs.js';
import type { Model } from '../records/index.js';

export type { Direction };

/** A number as people read it: at most four significant digits, no trailing zeros. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** A ratio as a percent: 0.0204 → `2.04 %`. */
export function pct(ratio: number, sign = false): string {
  if (!Number.isFinite(ratio)) return ratio > 0 ? '+∞ %' : '−∞ %';
  const p = Number((ratio * 100).toFixed(2));
  return `${sign && p > 0 ? '+' : ''}${p} %`;
}

/**
 * How much better `now` is than `was`, relative to `was`, whichever way the metric should go:
 * 0.02 is 2 % better, -0.05 is 5 % worse. null when `was` is 0 and they differ.
 * @example
 * relativeGain(0.9, 0.918, 'maximize') // 0.02
 * relativeGain(100, 90, 'minimize') // 0.1
 */
export function relativeGain(was: number, now: number, direction: Direction): number | null {
  if (was === now) return 0;
  if (was === 0) return null;
  const diff = direction === 'maximize' ? now - was : was - now;
  return diff / Math.abs(was);
}

/** Which way a metric should go: the model's direction for its primary metric, else a guess. */
export function directionOf(evaluation: Model['evaluation']): (metric: string) => Direction {
  return (metric) =>
    metric === evaluation.primary_metric ? evaluation.direction : guessDirection(metric);
}
