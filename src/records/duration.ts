const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Milliseconds in a record's duration (`30s`, `15m`, `6h`, `30d`, `2w`), or null when the
 * text is not one.
 * @example
 * durationMs('6h') // 21600000
 */
export function durationMs(text: string): number | null {
  const m = /^([1-9][0-9]*)(s|m|h|d|w)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
