import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { copyLines } from './copy-text';
import { SeedGenerator, TABLE_ORDER, type Row, type SeedContext, type TableName } from './seed-generate';

/**
 * Batches for the COPY path: each table's rows already in COPY text (UTF-8 bytes), except the cases,
 * which get their numbers from the database sequence when they are written. Made either in a worker
 * thread (the default: JavaScript generates batch k+1 while PostgreSQL ingests batch k, one CPU each) or
 * in the main thread. The worker answers requests in order; at most `ahead` batches wait, so memory stays
 * bounded by the batch size whatever the total.
 */

export interface EncodedBatch {
  customers: number;
  tables: Partial<Record<TableName, { rows: number; data: Uint8Array }>>;
  cases: Row[];
}

const encoder = new TextEncoder();

export function encodeBatch(customers: number, batch: Record<TableName, Row[]>): EncodedBatch {
  const tables: EncodedBatch['tables'] = {};
  for (const table of TABLE_ORDER) {
    const rows = batch[table];
    if (table === 'service_case' || !rows.length) continue;
    tables[table] = { rows: rows.length, data: encoder.encode(copyLines(rows)) };
  }
  return { customers, tables, cases: batch.service_case };
}

export interface BatchSource {
  next(): Promise<EncodedBatch | null>;
  close(): Promise<void>;
}

/** Sizes of the batches that make `total` customers. */
function* sizes(total: number, batch: number): Generator<number> {
  for (let done = 0; done < total; done += batch) yield Math.min(batch, total - done);
}

/** Generates in this thread: simple, and the reference for what the worker does. */
export function inlineSource(ctx: SeedContext, batch: number): BatchSource {
  const generator = new SeedGenerator(ctx);
  const plan = sizes(ctx.total, batch);
  return {
    async next() {
      const { value, done } = plan.next();
      return done ? null : encodeBatch(value, generator.batch(value));
    },
    async close() { /* nothing held */ },
  };
}

/** Generates in a worker thread (dist/bench/seed-worker.js), `ahead` batches in advance. */
export function workerSource(ctx: SeedContext, batch: number, ahead = 1): BatchSource {
  const worker = new Worker(join(__dirname, 'seed-worker.js'), { workerData: ctx });
  const plan = sizes(ctx.total, batch);
  const waiting: { resolve: (b: EncodedBatch) => void; reject: (e: unknown) => void }[] = [];
  const requested: Promise<EncodedBatch>[] = [];
  let failure: unknown = null;
  worker.on('message', (message: EncodedBatch) => waiting.shift()?.resolve(message));
  const fail = (error: unknown) => {
    failure = error;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => { if (waiting.length) fail(new Error(`The seed worker stopped (exit code ${code}) with batches outstanding.`)); });
  const request = () => {
    const { value, done } = plan.next();
    if (done) return;
    requested.push(new Promise<EncodedBatch>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.push({ resolve, reject });
      worker.postMessage(value);
    }));
  };
  for (let i = 0; i < ahead; i++) request();
  return {
    async next() {
      const head = requested.shift();
      if (!head) return null;
      request();
      return head;
    },
    async close() {
      await worker.terminate();
    },
  };
}
