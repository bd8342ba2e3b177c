const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * The longest duration a record (or a command's duration option) may name: 365 days. Every
 * duration is an operational interval (a rollout stage's hold, a training timeout, a drift
 * window, a warning deadline, a feature's freshness), where more than a year is a typo, and
 * the bound keeps every `now + duration` far inside what a `Date` can hold (±8.64e15 ms).
 */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;
/** {@link MAX_DURATION_MS} as a record writes it. */
export const MAX_DURATION_TEXT = '365d';

const SHAPE = /^([1-9][0-9]*)(s|m|h|d|w)$/;

/**
 * Reads a duration (`30s`, `15m`, `6h`, `30d`, `2w`): its milliseconds, or why it is not one
 * (not of that shape, or longer than {@link MAX_DURATION_MS}).
 * @example
 * parseDuration('6h') // { ok: true, ms: 21600000 }
 * parseDuration('60w') // { ok: false, why: '60w is longer than the 365d a duration may be' }
 */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; why: string } {
  const t = text.trim();
  const m = SHAPE.exec(t);
  if (!m) {
    return { ok: false, why: `${JSON.stringify(text)} is not a duration such as 6h or 30d` };
  }
  // digits beyond 16 would lose precision before the comparison; they are over the bound anyway
  const ms = m[1]!.length > 15 ? Infinity : Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms > MAX_DURATION_MS) {
    return { ok: false, why: `${t} is longer than the ${MAX_DURATION_TEXT} a duration may be` };
  }
  return { ok: true, ms };
}

/**
 * Milliseconds in a record's duration (`30s`, `15m`, `6h`, `30d`, `2w`), or null when the
 * text is not one or is longer than {@link MAX_DURATION_MS}.
 * @example
 * durationMs('6h') // 21600000
 */
export function durationMs(text: string): number | null {
  const r = parseDuration(text);
  return r.ok ? r.ms : null;
}
