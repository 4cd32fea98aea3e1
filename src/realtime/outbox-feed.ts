import Redis from 'ioredis';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { OUTBOX_CHANNEL } from '../services/outbox';

/** One committed outbox event as live subscribers get it (the row of `outbox_event`; ids and codes only). */
export interface OutboxRecord {
  id: string;
  eventId: string;
  type: string;
  entityType: string;
  entityId: string;
  customerId: string | null;
  actorType: string;
  actorId: string | null;
  data: Record<string, unknown>;
  occurredAt: string;
}

/** The committed events of the whole system (every instance's), delivered to the listeners of this process. */
export interface OutboxFeed {
  /** Adds a listener; answers the function that removes it. */
  on(listener: (event: OutboxRecord) => void): () => void;
  close(): Promise<void>;
}

const COLUMNS = `id::text as id, event_id as "eventId", type, entity_type as "entityType", entity_id as "entityId",
  customer_id as "customerId", actor_type as "actorType", actor_id as "actorId", data, occurred_at as "occurredAt"`;
const BY_IDS = `select ${COLUMNS} from outbox_event where id = any($1::bigint[]) order by id`;

/** Advisory lock key of the Redis relay (one holder across instances); any constant unique to this use. */
const RELAY_LOCK = 'crm_outbox_redis_relay';
const RETRY_MS = 2_000;

type Reader = (ids: string[]) => Promise<OutboxRecord[]>;

/** Listener bookkeeping and the NOTIFY → rows step: ids heard in one tick are read in one statement, in id order. */
function hub(log: Logger) {
  const listeners = new Set<(event: OutboxRecord) => void>();
  const dispatch = (event: OutboxRecord) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log.error({ err }, 'live updates: a listener failed');
      }
    }
  };
  /** A function taking NOTIFY payloads (row ids) that reads the rows with `read` and hands each to `deliver`. */
  const batcher = (read: Reader, deliver: (event: OutboxRecord) => void | Promise<void>) => {
    let pending: string[] = [];
    return (id: string) => {
      if (!/^\d+$/.test(id)) return;
      pending.push(id);
      if (pending.length > 1) return;
      setImmediate(() => {
        const ids = pending;
        pending = [];
        read(ids).then(async (events) => {
          for (const event of events) await deliver(event);
        }).catch((err) => log.error({ err }, 'live updates: reading outbox events failed'));
      });
    };
  };
  return {
    listeners, dispatch, batcher,
    on(listener: (event: OutboxRecord) => void) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}

/**
 * A dedicated PostgreSQL connection (not one of the pool's: a pooled connection that LISTENs would stop
 * hearing when handed back, and a session lock would leak to the next borrower), reconnected after a
 * failure. `onReady` runs on every (re)connection. Events committed while it is down are not heard: a
 * screen that reconnects refetches what it shows (README "Live updates").
 */
function dedicatedConnection(url: string, log: Logger, onReady: (client: Client) => Promise<void>) {
  let client: Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  const connect = async () => {
    timer = null;
    if (closed) return;
    const c = new Client({ connectionString: url, application_name: 'crm-api live updates' });
    c.on('error', (err) => log.warn({ err: err.message }, 'live updates: PostgreSQL listener connection failed'));
    c.on('end', () => {
      if (client === c) client = null;
      if (!closed && !timer) timer = setTimeout(connect, RETRY_MS);
    });
    try {
      await c.connect();
      client = c;
      await onReady(c);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'live updates: PostgreSQL listener could not connect; retrying');
      await c.end().catch(() => undefined);
    }
  };
  return {
    start: connect,
    get client() { return client; },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}

/**
 * Opens the feed of committed outbox events for this process:
 * - embedded database: LISTEN on its one connection (single process: every writer is this process);
 * - PostgreSQL: every instance LISTENs on `crm_outbox` on a dedicated connection and reads the rows by id;
 * - PostgreSQL with `REDIS_URL`: Redis pub/sub (see `redisFeed`).
 */
export async function openOutboxFeed(config: Config, db: Database, log: Logger): Promise<OutboxFeed> {
  const h = hub(log);
  if (db.kind === 'embedded' || !config.DATABASE_URL) {
    const read: Reader = (ids) => db.orm.em.fork().getConnection().execute(BY_IDS.replace('$1', '?'), [`{${ids.join(',')}}`], 'all');
    const onId = h.batcher(read, h.dispatch);
    const unlisten = await db.listen!(OUTBOX_CHANNEL, onId);
    return { on: h.on, close: unlisten };
  }
  if (config.REDIS_URL) return redisFeed(config.DATABASE_URL, config, log, h);

  const onReady = async (client: Client) => {
    await client.query(`listen ${OUTBOX_CHANNEL}`);
    const read: Reader = async (ids) => (await client.query(BY_IDS, [ids])).rows as OutboxRecord[];
    const onId = h.batcher(read, h.dispatch);
    client.on('notification', (n) => { if (n.channel === OUTBOX_CHANNEL && n.payload) onId(n.payload); });
  };
  const connection = dedicatedConnection(config.DATABASE_URL, log, onReady);
  await connection.start();
  return { on: h.on, close: () => connection.close() };
}

/**
 * Fan-out through Redis pub/sub. Why one relay and not "every instance publishes, receivers dedupe":
 * with Redis the point is that PostgreSQL feeds one listener, not one per instance, and each event
 * crosses the network once; N publishers would multiply both by the number of instances and make every
 * receiver keep a dedupe window. So exactly one instance relays: the one holding the session advisory
 * lock `crm_outbox_redis_relay` on its dedicated connection. It LISTENs on `crm_outbox`, reads the rows
 * and publishes each (as JSON) once to the Redis channel `<RATE_LIMIT_PREFIX>:outbox`; every instance
 * (the relay too) SUBSCRIBEs there and dispatches to its subscribers without touching PostgreSQL. When
 * the relay dies its connection closes, PostgreSQL releases the lock, and another instance (retrying
 * every few seconds) takes over; events committed in that gap are not relayed (live updates are a hint
 * to refresh, webhooks are the at-least-once path). Receivers still drop an event id they have just seen,
 * so a takeover race (two relays for an instant) never shows an event twice.
 */
async function redisFeed(url: string, config: Config, log: Logger, h: ReturnType<typeof hub>): Promise<OutboxFeed> {
  const channel = `${config.RATE_LIMIT_PREFIX}:outbox`;
  const options = { lazyConnect: true, maxRetriesPerRequest: 1, connectionName: 'crm-api:live' };
  const subscriber = new Redis(config.REDIS_URL!, options);
  const publisher = new Redis(config.REDIS_URL!, options);
  for (const r of [subscriber, publisher]) r.on('error', (err) => log.warn({ err: err.message }, 'live updates: Redis connection error'));
  await Promise.all([subscriber.connect(), publisher.connect()]);

  const recent: string[] = [];
  const seen = new Set<string>();
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let event: OutboxRecord;
    try { event = JSON.parse(message) as OutboxRecord; } catch { return; }
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    recent.push(event.eventId);
    if (recent.length > 1000) seen.delete(recent.shift()!);
    h.dispatch(event);
  });
  await subscriber.subscribe(channel);

  let lockTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const onReady = async (client: Client) => {
    const tryLock = async () => {
      lockTimer = null;
      if (closed || connection.client !== client) return;
      try {
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [RELAY_LOCK]);
        if (!rows[0].locked) {
          lockTimer = setTimeout(tryLock, RETRY_MS);
          return;
        }
        log.info('live updates: this instance relays outbox events to Redis');
        const read: Reader = async (ids) => (await client.query(BY_IDS, [ids])).rows as OutboxRecord[];
        const onId = h.batcher(read, async (event) => { await publisher.publish(channel, JSON.stringify(event)); });
        client.on('notification', (n) => { if (n.channel === OUTBOX_CHANNEL && n.payload) onId(n.payload); });
        await client.query(`listen ${OUTBOX_CHANNEL}`);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'live updates: relay lock attempt failed');
      }
    };
    await tryLock();
  };
  const connection = dedicatedConnection(url, log, onReady);
  await connection.start();
  return {
    on: h.on,
    async close() {
      closed = true;
      if (lockTimer) clearTimeout(lockTimer);
      await connection.close();
      await Promise.all([subscriber, publisher].map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}
