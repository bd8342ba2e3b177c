/**
 * The live progress line of a training: `step 1200 · loss 0.231 · accuracy 0.912 · 0:42`.
 * @example
 * progressLine({ step: 3, metrics: { loss: 0.5 }, elapsedMs: 61_000 }) // 'step 3 · loss 0.5 · 1:01'
 */
export function progressLine(p: {
  step?: number;
  metrics: Record<string, number>;
  elapsedMs: number;
}): string {
  const parts: string[] = [];
  parts.push(p.step === undefined ? 'starting' : `step ${p.step}`);
  for (const [k, v] of Object.entries(p.metrics).slice(0, 4)) parts.push(`${k} ${formatMetric(v)}`);
  parts.push(clock(p.elapsedMs));
  return parts.join(' · ');
}

/** A metric with 4 significant digits, no exponent for everyday values. */
export function formatMetric(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
