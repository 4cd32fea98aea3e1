import { parentPort, workerData } from 'node:worker_threads';
import { encodeBatch } from './seed-copy';
import { SeedGenerator, type SeedContext } from './seed-generate';

/**
 * The generating half of bench:seed's COPY path (see seed-copy.ts): for each requested batch size, the
 * next customers with everything around them, as COPY text, in order. The byte buffers are transferred,
 * not copied.
 */
const generator = new SeedGenerator(workerData as SeedContext);
parentPort!.on('message', (n: number) => {
  const encoded = encodeBatch(n, generator.batch(n));
  parentPort!.postMessage(encoded, Object.values(encoded.tables).map((t) => t.data.buffer as ArrayBuffer));
});
