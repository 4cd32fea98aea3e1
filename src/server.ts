import 'reflect-metadata';
import { createApp } from './app';
import { loadConfig } from './config';
import { migrate, openDatabase } from './db/orm';
import { seedDemo } from './db/seed';
import { createLogger } from './logger';

/** Start-up: configuration, database (migrated, demo-seeded when empty), HTTP; graceful shutdown. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const db = await openDatabase(config);
  const applied = await migrate(db.orm);
  if (applied.length) log.info({ applied }, 'migrations applied');
  if (config.NODE_ENV !== 'production' && config.SEED_DEMO === 'true') {
    if (await seedDemo(db.orm.em.fork() as any)) log.info('demo data seeded (users *@demo.crm, password demo1234)');
  }
  const { app, stop } = await createApp(config, db, log);
  const server = app.listen(config.PORT, () => {
    log.info({ url: `http://localhost:${config.PORT}/graphql`, database: db.kind }, 'CRM API ready');
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, 15_000);
    force.unref();
    // Stop accepting, let in-flight requests (and their transactions) finish, then close the database.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
    await stop();
    await db.close();
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
