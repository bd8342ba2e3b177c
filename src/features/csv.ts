import { createWriteStream } from 'node:fs';
import { cell, type Column, type ResultFrame } from './join/index.js';

/**
 * Writes a join result as CSV (RFC 4180 quoting; null as an empty cell; timestamps as ISO
 * 8601 in UTC), for trainers that read CSV. Parquet and Arrow go through `writeResult`.
 */
export async function writeResultCsv(file: string, r: ResultFrame): Promise<void> {
  const out = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  out.write(r.columns.map((c) => quote(c.name)).join(',') + '\n');
  const chunk: string[] = [];
  for (let i = 0; i < r.length; i++) {
    chunk.push(r.columns.map((c) => text(c, i)).join(','));
    if (chunk.length === 4096) {
      if (!out.write(chunk.join('\n') + '\n'))
        await new Promise<void>((go) => out.once('drain', () => go()));
      chunk.length = 0;
    }
  }
  if (chunk.length) out.write(chunk.join('\n') + '\n');
  out.end();
  await done;
}

function text(c: Column, i: number): string {
  const v = cell(c, i);
  if (v === null) return '';
  if (c.dtype === 'unix_timestamp' && typeof v === 'number') return new Date(v).toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return quote(String(v));
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
