/**
 * The evaluators that ask a question of every value of a column: `not_null`, and the
 * column-map expectations `between`, `in_set`, `match_regex` and `unique` (see the module
 * comment of check.ts for their exact semantics).
 */
import { compileLinearRegex, type LinearRegex } from '../../records/linear-regex.js';
import type { Expectation } from '../../records/kinds/dataset.js';
import type { Cell, Chunk } from './cells.js';
import { boundsProblem, ColumnEvaluator, MapEvaluator } from './evaluator.js';
import { PARTIAL_UNEXPECTED_COUNT, type ExpectationResult } from './result.js';

/** `not_null`: the nulls themselves are the unexpected values, over all rows. */
export class NotNull extends ColumnEvaluator {
  private nulls = 0;
  private partial: Cell[] = [];

  protected chunk(c: Chunk): void {
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.nulls++;
        if (this.partial.length < PARTIAL_UNEXPECTED_COUNT) this.partial.push(null);
      }
    }
  }

  result(rows: number): ExpectationResult {
    if (this.problem) return this.failed(rows, this.problem);
    const mostly = (this.expectation as { mostly?: number }).mostly ?? 1;
    return {
      expectation: this.expectation,
      success: rows === 0 || (rows - this.nulls) / rows >= mostly,
      element_count: rows,
      missing_count: null,
      unexpected_count: this.nulls,
      unexpected_percent: rows > 0 ? (this.nulls / rows) * 100 : null,
      observed_value: null,
      partial_unexpected_list: this.partial,
    };
  }
}

/** `between`: `min <= v <= max`, either bound optional or exclusive. */
export class Between extends MapEvaluator {
  private readonly min: number;
  private readonly max: number;
  private readonly strictMin: boolean;
  private readonly strictMax: boolean;

  constructor(e: Extract<Expectation, { type: 'between' }>) {
    super(e, ['numeric']);
    this.problem = boundsProblem('between', e.min, e.max);
    this.min = e.min ?? -Infinity;
    this.max = e.max ?? Infinity;
    this.strictMin = e.strict_min === true && e.min !== undefined;
    this.strictMax = e.strict_max === true && e.max !== undefined;
  }

  protected chunk(c: Chunk): void {
    const { min, max, strictMin, strictMax } = this;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const v = c.num(i);
      const ok = (strictMin ? v > min : v >= min) && (strictMax ? v < max : v <= max);
      if (!ok) this.note(c.value(i));
    }
  }
}

/** `in_set`: the value is one of `values`, compared as JSON values. */
export class InSet extends MapEvaluator {
  private readonly set: Set<Cell>;
  /** The set's strings as UTF-8, indexed by byte length: a Utf8 column is matched on bytes. */
  private readonly byLength: Uint8Array[][] = [];

  constructor(e: Extract<Expectation, { type: 'in_set' }>) {
    super(e);
    this.set = new Set<Cell>(e.values);
    const encoder = new TextEncoder();
    for (const v of this.set) {
      if (typeof v !== 'string') continue;
      const bytes = encoder.encode(v);
      (this.byLength[bytes.length] ??= []).push(bytes);
    }
  }

  protected chunk(c: Chunk): void {
    if (c.utf8) return this.utf8Chunk(c, c.utf8.bytes, c.utf8.offsets);
    const set = this.set;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const v = c.value(i);
      if (!set.has(v)) this.note(v);
    }
  }

  /** Decoding each string costs ~100 ns; comparing its bytes with a few candidates, ~10. */
  private utf8Chunk(c: Chunk, bytes: Uint8Array, offsets: Int32Array): void {
    const byLength = this.byLength;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const start = offsets[i]!;
      const candidates = byLength[offsets[i + 1]! - start];
      let found = false;
      if (candidates !== undefined) {
        for (let k = 0; k < candidates.length && !found; k++) {
          const t = candidates[k]!;
          let j = 0;
          while (j < t.length && bytes[start + j] === t[j]) j++;
          found = j === t.length;
        }
      }
      if (!found) this.note(c.value(i));
    }
  }
}

/** How many distinct values' answers {@link MatchRegex} keeps (RE2 costs ~1 µs a value). */
const MEMO_SIZE = 4096;

/**
 * `match_regex`: the regex is found anywhere in the value (its text for a non-string), run by
 * RE2 in time linear in the value, so no pattern can hang a check.
 */
export class MatchRegex extends MapEvaluator {
  private readonly regex: LinearRegex | undefined;
  /** Answers for the values seen first: a category column repeats a few values many times. */
  private readonly seen = new Map<string, boolean>();

  constructor(e: Extract<Expectation, { type: 'match_regex' }>) {
    super(e);
    const r = compileLinearRegex(e.regex);
    if (r.ok) this.regex = r.regex;
    else this.problem = `invalid regex ${JSON.stringify(e.regex)}: ${r.why}`;
  }

  protected chunk(c: Chunk): void {
    const re = this.regex!;
    const seen = this.seen;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const v = c.value(i);
      const text = typeof v === 'string' ? v : String(v);
      let found = seen.get(text);
      if (found === undefined) {
        found = re.test(text);
        if (seen.size < MEMO_SIZE) seen.set(text, found);
      }
      if (!found) this.note(v);
    }
  }
}

/**
 * `unique` in one pass: a map from each value to the row of its first occurrence, stored as
 * `-(row + 1)` once a second occurrence is seen. A duplicated value's first occurrence is
 * unexpected too but is only known to be when the second arrives, so the examples are made
 * at the end: the map, in insertion order, lists first occurrences in row order; its first 20
 * duplicated entries merged with the first 20 later occurrences hold the first 20 unexpected
 * rows.
 */
export class Unique extends MapEvaluator {
  private readonly first = new Map<unknown, number>();
  private laterCount = 0;
  private duplicated = 0;
  private readonly later: { row: number; value: Cell }[] = [];

  protected chunk(c: Chunk, rowBase: number): void {
    const first = this.first;
    for (let i = 0; i < c.length; i++) {
      if (c.isNull(i)) {
        this.missing++;
        continue;
      }
      const key = c.key(i);
      const seen = first.get(key);
      if (seen === undefined) {
        first.set(key, rowBase + i);
        continue;
      }
      this.laterCount++;
      if (seen >= 0) {
        this.duplicated++;
        first.set(key, -(seen + 1));
      }
      if (this.later.length < PARTIAL_UNEXPECTED_COUNT) {
        this.later.push({ row: rowBase + i, value: c.value(i) });
      }
    }
  }

  override result(rows: number): ExpectationResult {
    this.unexpected = this.laterCount + this.duplicated;
    const firsts: { row: number; value: Cell }[] = [];
    if (this.duplicated > 0) {
      for (const [key, stored] of this.first) {
        if (stored >= 0) continue;
        firsts.push({ row: -stored - 1, value: keyCell(key) });
        if (firsts.length === PARTIAL_UNEXPECTED_COUNT) break;
      }
    }
    const merged = [...firsts, ...this.later].sort((a, b) => a.row - b.row);
    this.partial = merged.slice(0, PARTIAL_UNEXPECTED_COUNT).map((x) => x.value);
    return super.result(rows);
  }
}

function keyCell(key: unknown): Cell {
  if (typeof key === 'bigint') {
    const n = Number(key);
    return Number.isSafeInteger(n) ? n : String(key);
  }
  return key as Cell;
}
