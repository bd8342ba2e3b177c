/**
 * Arrow IPC → Arrow: the file format (Feather v2, `ARROW1` magic) and the stream format, told
 * apart by apache-arrow itself. Streaming reads through a `FileHandle`, so the file format's
 * batches are read at their offsets one at a time and the stream format sequentially.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import {
  RecordBatchReader,
  tableFromIPC,
  type RecordBatch,
  type Schema,
  type Table,
} from 'apache-arrow';
import { emptyBatch } from './columns.js';
import { TableError, causeMessage } from './errors.js';

function arrowError(file: string, e: unknown): TableError {
  if (e instanceof TableError) return e;
  const detail = causeMessage(e);
  return new TableError(
    'BAD_ARROW',
    file,
    'arrow',
    `not a readable Arrow IPC file or stream (${detail})`,
    undefined,
    { cause: e },
  );
}

/** Refuses what apache-arrow would misread: nothing at all, or Feather v1. */
function checkMagic(file: string, head: Uint8Array): void {
  if (head.length === 0) {
    throw new TableError('BAD_ARROW', file, 'arrow', 'empty file: not an Arrow IPC file or stream');
  }
  if (head.length >= 4 && String.fromCharCode(...head.subarray(0, 4)) === 'FEA1') {
    throw new TableError(
      'BAD_ARROW',
      file,
      'arrow',
      'Feather v1 is not supported; write Feather v2 (Arrow IPC), e.g. pyarrow.feather.write_feather(version=2)',
    );
  }
}

/** A whole Arrow IPC file or stream as a table. */
export async function readArrowTable(file: string): Promise<Table> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new TableError('READ_FAILED', file, 'arrow', causeMessage(e), undefined, { cause: e });
  }
  checkMagic(file, bytes);
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw arrowError(file, e);
  }
}

/**
 * Streams an Arrow IPC file or stream one record batch at a time. Yields one empty batch
 * with the schema when the file has no batches.
 */
export async function* readArrowBatches(file: string): AsyncGenerator<RecordBatch> {
  let handle: FileHandle;
  try {
    handle = await open(file);
  } catch (e) {
    throw new TableError('READ_FAILED', file, 'arrow', causeMessage(e), undefined, { cause: e });
  }
  try {
    const head = new Uint8Array(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    checkMagic(file, head.subarray(0, bytesRead));
    let schema: Schema;
    let batches: AsyncIterator<RecordBatch>;
    try {
      const reader = await RecordBatchReader.from(handle);
      await reader.open();
      schema = reader.schema;
      batches = reader[Symbol.asyncIterator]();
    } catch (e) {
      throw arrowError(file, e);
    }
    let any = false;
    for (;;) {
      let next: IteratorResult<RecordBatch>;
      try {
        next = await batches.next();
      } catch (e) {
        throw arrowError(file, e);
      }
      if (next.done) break;
      any = true;
      yield next.value;
    }
    if (!any) yield emptyBatch(schema);
  } finally {
    await handle.close().catch(() => {});
  }
}
