/** One measured comparison with a peer tool, as every bench prints it. */
export interface Figure {
  name: string;
  /** Our median, milliseconds. */
  ours_ms: number;
  /** What we are compared with, e.g. the exact command line. */
  peer: string;
  peer_ms: number;
  /** ours_ms / peer_ms: below 1 we are faster. */
  ratio: number;
  /** The goal, in words, e.g. `ratio <= 3`. */
  target?: string;
}

/** The median of some timings. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` once to warm up, then `runs` times; the median wall time in ms. */
export async function time(fn: () => unknown, runs = 7): Promise<number> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

export function figure(
  name: string,
  ours_ms: number,
  peer: string,
  peer_ms: number,
  target?: string,
): Figure {
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    name,
    ours_ms: round(ours_ms),
    peer,
    peer_ms: round(peer_ms),
    ratio: round(ours_ms / peer_ms),
    ...(target ? { target } : {}),
  };
}

/** Prints figures as a table, one line each. */
export function printFigures(figures: Figure[]): void {
  for (const f of figures) {
    const goal = f.target ? `  (target ${f.target})` : '';
    console.log(
      `${f.name}: ours ${f.ours_ms} ms, ${f.peer} ${f.peer_ms} ms, ratio ${f.ratio}${goal}`,
    );
  }
}
