import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, getNamedType, isLeafType, isObjectType, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { permittedSchemaOnce } from './app';
import { loadConfig, type Config } from './config';
import type { GraphQLContext } from './context';
import type { Database } from './db/database';
import { DOMAINS } from './domains';
import { createLoaders } from './loaders';
import type { LoginThrottle } from './services/login-throttle';
import { OUTBOX_CHANNEL } from './services/outbox';
import { urlRulesFor } from './services/webhook-url';
import { runDeliveryPass, type DeliveryPassResult, type RenderRecord, type WebhookWorkerOptions } from './services/webhook-delivery';

/**
 * Webhooks, composed (issue 15): the renderer that turns an event's record into what the subscription's
 * owner may read, the delivery pass (`deliverWebhooks`, also the job `webhooks`) and the worker the
 * server runs continuously (woken by LISTEN on the outbox channel on PostgreSQL, and by a poll timer).
 */

/**
 * The record part of a payload is `node(id)` with every field of the record's type that is a scalar or
 * an enum and takes no argument, executed through the real schema as the owner: the owner's record scope
 * decides whether there is a record at all (null: no delivery), and its field rules null out what it may
 * not read — a webhook never carries what its owner could not query.
 */
const documents = new Map<string, DocumentNode | null>();
function recordDocument(schema: GraphQLSchema, typeName: string): DocumentNode | null {
  if (!documents.has(typeName)) {
    const type = schema.getType(typeName);
    const fields = isObjectType(type)
      ? Object.values(type.getFields()).filter((f) => !f.args.length && !f.deprecationReason && isLeafType(getNamedType(f.type))).map((f) => f.name)
      : [];
    documents.set(typeName, fields.length ? parse(`query WebhookRecord($id: ID!) { node(id: $id) { __typename ... on ${typeName} { ${fields.join(' ')} } } }`) : null);
  }
  return documents.get(typeName)!;
}

/** A renderer over the permitted schema (each call a fresh request context for the owner: loaders never cross callers). */
export function schemaRenderer(schema: GraphQLSchema, config: Config): RenderRecord {
  const loaderFactories = DOMAINS.flatMap((d) => d.loaders ?? []);
  const nodeLoaders = new Map(DOMAINS.flatMap((d) => Object.entries(d.nodes ?? {})));
  return async (em, owner, event) => {
    const document = recordDocument(schema, event.entityType);
    if (!document) return null;
    const contextValue: GraphQLContext = {
      principal: owner, em, config, nodeLoaders, clientAddress: 'webhook',
      loaders: createLoaders({ em, principal: owner }, loaderFactories),
      // The fixed query signs nobody in.
      loginThrottle: null as unknown as LoginThrottle,
    };
    const result = await execute({ schema, document, variableValues: { id: event.entityId }, contextValue });
    const node = (result.data as { node?: Record<string, unknown> | null } | null | undefined)?.node;
    return node ?? null;
  };
}

function workerOptions(schema: GraphQLSchema, config: Config, signal?: AbortSignal): WebhookWorkerOptions {
  return {
    render: schemaRenderer(schema, config), timeoutMs: config.WEBHOOK_TIMEOUT_MS, maxFailures: config.WEBHOOK_MAX_FAILURES, signal,
    rules: urlRulesFor(config.WEBHOOKS_ALLOW_PRIVATE),
  };
}

/**
 * One pass: fan out new events and attempt every due delivery at `now`. Tests call it directly;
 * `signal` aborts the pass like a killed process (requests in flight cut, their outcome not recorded).
 */
export async function deliverWebhooks(em: EntityManager, now: Date = new Date(), opts: { config?: Config; signal?: AbortSignal } = {}): Promise<DeliveryPassResult> {
  const schema = await permittedSchemaOnce();
  return runDeliveryPass(em, now, workerOptions(schema, opts.config ?? loadConfig(), opts.signal));
}

export interface WebhookWorker {
  /** Stops waking up and waits for the pass in progress to finish (call before closing the database). */
  stop(): Promise<void>;
}

/**
 * The server's continuous worker: a pass after start, after every outbox notification (PostgreSQL
 * LISTEN on `crm_outbox`, sent on commit) and every WEBHOOK_POLL_MS (the embedded database has no
 * LISTEN across processes; the poll also picks up retries that came due). Passes never overlap within
 * a process; across processes the SQL claims (skip locked) keep an attempt to one worker. Off when
 * WEBHOOK_POLL_MS is 0 (the default under NODE_ENV=test).
 */
export function startWebhookWorker(opts: { db: Database; config: Config; log: Logger }): WebhookWorker {
  const { db, config, log } = opts;
  if (config.WEBHOOK_POLL_MS <= 0) return { stop: async () => undefined };
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let listener: Client | null = null;

  const pass = async () => {
    try {
      const result = await deliverWebhooks(db.orm.em.fork() as EntityManager, new Date(), { config });
      if (result.fannedOut || result.attempted) log.info({ job: 'webhooks', result }, 'webhooks delivered');
    } catch (err) {
      log.error({ err }, 'webhook pass failed');
    }
  };
  const wake = () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = (async () => {
      do { again = false; await pass(); } while (again && !stopped);
    })().finally(() => { running = null; });
  };
  const tick = () => {
    if (stopped) return;
    timer = setTimeout(() => { wake(); tick(); }, config.WEBHOOK_POLL_MS);
    timer.unref();
  };
  // A dedicated connection LISTENs (a pooled one would be handed to others); lost, it is opened again
  // after a poll interval, and the poll covers the gap.
  const listen = () => {
    if (stopped || !config.DATABASE_URL) return;
    const client = new Client({ connectionString: config.DATABASE_URL });
    listener = client;
    let lost = false;
    const reconnect = (err: unknown) => {
      if (lost || stopped) return;
      lost = true;
      log.warn({ err }, 'webhook LISTEN connection lost; polling until it is back');
      client.end().catch(() => undefined);
      setTimeout(listen, config.WEBHOOK_POLL_MS).unref();
    };
    client.on('notification', wake);
    client.on('error', reconnect);
    client.connect().then(() => client.query(`listen ${OUTBOX_CHANNEL}`)).then(() => wake(), reconnect);
  };
  listen();
  wake();
  tick();
  log.info({ pollMs: config.WEBHOOK_POLL_MS, listen: Boolean(listener) }, 'webhook worker started');
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await listener?.end().catch(() => undefined);
      await running;
    },
  };
}
