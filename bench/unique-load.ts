import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * A load loop for requests that must each be different (e.g. a new idempotency key per order):
 * `connections` concurrent loops POST `template` with every `__ID__` replaced by a fresh UUID, for
 * `seconds`, from a worker thread (so the client does not share the in-process server's event loop).
 * autocannon's own `[<id>]` replacement is not usable: it declares a Content-Length 27 bytes longer per
 * id than its ids are, and the server waits for the missing bytes.
 */

/** `template` is one body for every loop; `templates` (when given) one per loop, round-robin (e.g. one customer per connection). */
interface Job { url: string; token: string; template: string; templates?: string[]; connections: number; seconds: number }
export interface UniqueLoadResult { latencies: number[]; failures: number; seconds: number; firstFailure: string | null }

async function run(job: Job): Promise<UniqueLoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  const loop = async (index: number) => {
    const template = job.templates?.length ? job.templates[index % job.templates.length] : job.template;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await fetch(job.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
          body: template.replaceAll('__ID__', randomUUID()),
        });
        const text = await response.text();
        // A GraphQL error or a payload error is a failure too, although the status is 200.
        if (response.status !== 200 || text.includes('"errors":[{')) throw new Error(`${response.status} ${text.slice(0, 300)}`);
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures += 1;
        firstFailure ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, (_, i) => loop(i)));
  return { latencies, failures, seconds: (performance.now() - started) / 1000, firstFailure };
}

/** Runs the load from a worker thread and returns its raw figures. */
export function runUniqueLoad(job: Job): Promise<UniqueLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

if (!isMainThread && parentPort) {
  run(workerData as Job).then((result) => parentPort!.postMessage(result));
}
