/**
 * Parquet → Arrow with parquet-wasm. Whole files go through `readParquet` (the file's bytes
 * in WebAssembly memory once, then one Arrow IPC stream into apache-arrow); streaming goes
 * through `ParquetFile.fromFile` over a file-backed `Blob` (`fs.openAsBlob`), which reads the
 * footer and then one row group's pages at a time, never the whole file.
 */
import { openAsBlob } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tableFromIPC, type RecordBatch, type Schema, type Table } from 'apache-arrow';
import { emptyBatch } from './columns.js';
import { TableError, causeMessage } from './errors.js';
import { loadParquetWasm, type ParquetWasm } from './parquet-wasm.js';

/**
 * Rows per record batch decoded by parquet-wasm. Its default, 1,024, makes a 1M-row file
 * ~1,000 batches and reads 3× slower; 64 Ki rows was the fastest here.
 */
export const PARQUET_BATCH_ROWS = 65_536;

function parquetError(file: string, e: unknown): TableError {
  if (e instanceof TableError) return e;
  let detail = causeMessage(e);
  if (/corrupt footer|empty input/i.test(detail)) {
    detail += ' (not a Parquet file, or truncated: the footer at its end is missing)';
  }
  return new TableError('BAD_PARQUET', file, 'parquet', detail, undefined, { cause: e });
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new TableError('READ_FAILED', file, 'parquet', causeMessage(e), undefined, { cause: e });
  }
}

/** A whole Parquet file as an Arrow table. */
export async function readParquetTable(file: string): Promise<Table> {
  const bytes = await readBytes(file);
  const pw = await loadParquetWasm();
  try {
    const wasmTable = pw.readParquet(bytes, { batchSize: PARQUET_BATCH_ROWS });
    return tableFromIPC(wasmTable.intoIPCStream());
  } catch (e) {
    throw parquetError(file, e);
  }
}

type ParquetFile = Awaited<ReturnType<ParquetWasm['ParquetFile']['fromFile']>>;

async function openParquet(file: string): Promise<{ pw: ParquetWasm; pf: ParquetFile }> {
  let blob: Blob;
  try {
    await stat(file); // openAsBlob's own error does not say why
    blob = await openAsBlob(file);
  } catch (e) {
    throw new TableError('READ_FAILED', file, 'parquet', causeMessage(e), undefined, { cause: e });
  }
  const pw = await loadParquetWasm();
  try {
    return { pw, pf: await pw.ParquetFile.fromFile(blob) };
  } catch (e) {
    throw parquetError(file, e);
  }
}

function arrowSchema(pf: ParquetFile): Schema {
  return tableFromIPC(pf.schema().intoIPCStream()).schema;
}

/**
 * Streams a Parquet file as record batches of up to `batchRows` rows (a batch never spans
 * two row groups), reading one row group at a time. Yields one empty batch with the schema
 * when the file has no rows.
 */
export async function* readParquetBatches(
  file: string,
  batchRows = PARQUET_BATCH_ROWS,
): AsyncGenerator<RecordBatch> {
  const { pf } = await openParquet(file);
  let any = false;
  try {
    let schema: Schema;
    let stream: ReadableStream<{ intoIPCStream(): Uint8Array }>;
    try {
      schema = arrowSchema(pf);
      stream = (await pf.stream({ batchSize: batchRows })) as typeof stream;
    } catch (e) {
      throw parquetError(file, e);
    }
    const reader = stream.getReader();
    try {
      for (;;) {
        let batches: RecordBatch[];
        try {
          const next = await reader.read();
          if (next.done) break;
          batches = tableFromIPC(next.value.intoIPCStream()).batches;
        } catch (e) {
          throw parquetError(file, e);
        }
        for (const b of batches) {
          any = true;
          yield b;
        }
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    if (!any) yield emptyBatch(schema);
  } finally {
    pf.free();
  }
}

/** Rows and schema from the footer alone; no data page is read. */
export async function describeParquet(file: string): Promise<{ rows: number; schema: Schema }> {
  const { pf } = await openParquet(file);
  try {
    return { rows: pf.metadata().fileMetadata().numRows(), schema: arrowSchema(pf) };
  } catch (e) {
    throw parquetError(file, e);
  } finally {
    pf.free();
  }
}
