/**
 * Reading a text file (CSV, JSON Lines) as a stream of UTF-8 chunks, and the batch size the
 * text formats stream in.
 */
import { createReadStream } from 'node:fs';
import { TableError, causeMessage } from './errors.js';

/** Rows per record batch when streaming text formats. */
export const TEXT_BATCH_ROWS = 65_536;

/**
 * The file as UTF-8 text in chunks of about 1 MiB (a character is never split). A file that
 * cannot be read is a `READ_FAILED` {@link TableError}.
 */
export async function* textChunks(file: string, rule: string): AsyncGenerator<string> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const it = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await it.next();
      } catch (e) {
        throw new TableError('READ_FAILED', file, rule, causeMessage(e), undefined, { cause: e });
      }
      if (next.done) return;
      yield next.value as string;
    }
  } finally {
    stream.destroy();
  }
}
