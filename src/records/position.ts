import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

export type FieldPath = readonly (string | number)[];

/**
 * Source positions for a YAML text, computed only when first asked: the fast
 * loader keeps no positions, and most files never need one.
 */
export class PositionIndex {
  private doc: Document | undefined;
  private lines: LineCounter | undefined;
  constructor(private readonly text: string) {}

  /** Line and column of an offset in the text. */
  at(offset: number): Position {
    const lc = this.counter();
    const { line, col } = lc.linePos(offset);
    return { line, col };
  }

  /**
   * Where the value (or, with `which: 'key'`, the key) at a field path sits.
   * A path that does not exist resolves to the nearest existing ancestor,
   * which is where a missing key would have to be written.
   */
  locate(path: FieldPath, which: 'key' | 'value' = 'value'): Position {
    const doc = this.document();
    let node: Node | null = doc.contents;
    let found: number = node?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const key = pair.key as Node;
        const value = pair.value as Node | null;
        if (last && which === 'key') {
          found = key.range?.[0] ?? found;
          break;
        }
        found = value?.range?.[0] ?? key.range?.[0] ?? found;
        node = value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        found = item.range?.[0] ?? found;
        node = item;
      } else {
        break;
      }
    }
    return this.at(found);
  }

  private counter(): LineCounter {
    if (!this.lines) {
      this.lines = new LineCounter();
      parseDocument(this.text, { lineCounter: this.lines, uniqueKeys: false });
    }
    return this.lines;
  }

  private document(): Document {
    if (!this.doc) {
      this.lines = new LineCounter();
      this.doc = parseDocument(this.text, { lineCounter: this.lines, uniqueKeys: false });
    }
    return this.doc;
  }
}
