import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app';
import { loadConfig, type Config } from './config';
import { migrate, openDatabase } from './db/orm';
import { seedDemo } from './db/seed';
import { startScheduler } from './jobs/scheduler';
import { createLogger } from './logger';
import { startWebhookWorker } from './webhooks';

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops accepting connections, lets requests in flight finish, then closes the database. */
  shutdown(reason: string): Promise<void>;
}

/** Start-up: database (migrated, demo-seeded when empty and not in production), then HTTP. */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const db = await openDatabase(config);
  const applied = await migrate(db.orm);
  if (applied.length) log.info({ applied }, 'migrations applied');
  if (config.NODE_ENV !== 'production' && config.SEED_DEMO === 'true') {
    if (await seedDemo(db.orm.em.fork(), { sales: true })) log.info('demo data seeded (users *@demo.crm, password demo1234)');
  }
  const { app, live, stop } = await createApp(config, db, log);
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 calls back with the error too (a port in use): fail start-up with it.
    const s = app.listen(config.PORT, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  await live.attach(server); // subscriptions (WebSocket) on the same port and path
  const url = `http://localhost:${(server.address() as AddressInfo).port}/graphql`;
  log.info({ url, database: db.kind }, 'CRM API ready');
  const scheduler = startScheduler({ db, log, intervalMs: config.JOBS_INTERVAL_MS });
  const webhookWorker = startWebhookWorker({ db, config, log });

  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      log.info({ reason }, 'shutting down: finishing requests in flight');
      const jobsStopped = scheduler.stop(); // no new job starts; one in progress finishes
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await live.close(); // open WebSockets would keep the HTTP server from closing
      await closed;
      await stop();
      await jobsStopped; // before the database closes
      await webhookWorker.stop();
      await db.close();
      log.info('stopped cleanly');
    })());
  return { server, url, shutdown };
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const running = await startServer(config, log);
  const onSignal = (signal: string) => {
    const force = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, 15_000);
    force.unref();
    running.shutdown(signal).then(() => process.exit(0), (error) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
