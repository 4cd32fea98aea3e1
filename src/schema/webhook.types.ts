import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WEBHOOK_EVENT_TYPES } from '../services/webhook.service';
import { connectionType } from './connection';
import { UserError } from './payload';
import { DateTimeScalar } from './scalars';

/** Webhooks (issue 15): subscriptions, their delivery log, and the inputs and payloads of their mutations. */

export enum WebhookDeliveryStatus { PENDING = 'PENDING', SUCCEEDED = 'SUCCEEDED', FAILED = 'FAILED' }
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: waiting for its turn (deliveries of a subscription go in order), for `nextAttemptAt`, or in flight.' },
    SUCCEEDED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Given up: still failing 3 days after it was created, or the receiver answered 410 Gone. `replayWebhookDelivery` sends it again.' },
  },
});

const EVENTS_TEXT = `One or more of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`;

@ObjectType({ simpleResolvers: true, description: 'Which events a subscription receives beyond their type.' })
export class WebhookFilter {
  @Field(() => [ID], { nullable: true, description: 'Only events of these customers (`cus_…`); null: every customer its owner may read.' })
  customerIds!: string[] | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A URL that receives signed POSTs of business events (see README "Webhooks"). Owned by the ADMIN user or the API key that created it; '
    + 'each event is rendered as a read by that owner (record scope and field rules), so it never carries what the owner could not query.',
})
export class WebhookSubscription {
  @Field(() => ID, { description: 'Opaque id (`whs_…`).' }) id!: string;
  @Field({ description: 'Where deliveries are POSTed (https in production; never a private address there).' }) url!: string;
  @Field(() => [String], { description: `The event types it receives. ${EVENTS_TEXT}` }) events!: string[];
  @Field(() => WebhookFilter, { description: 'Which events of those types it receives.' }) filter!: WebhookFilter;
  @Field({ description: 'False while disabled (by its owner, after too many failures in a row, or on a 410): nothing is sent, events meanwhile are not queued.' }) enabled!: boolean;
  @Field(() => String, { nullable: true, description: 'Why it was disabled (the notice to act on); null while enabled.' }) disabledReason!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was disabled (UTC); null while enabled.' }) disabledAt!: Date | null;
  @Field(() => Int, { description: 'Failed attempts in a row (0 after a success); at WEBHOOK_MAX_FAILURES (default 20) it is disabled.' }) consecutiveFailures!: number;
  @Field({ description: '"USER" or "API_KEY": what owns it.' }) ownerType!: string;
  @Field(() => ID, { description: 'The owning user (`usr_…`) or API key (`key_…`).' }) ownerId!: string;
  @Field(() => DateTimeScalar, { description: 'When it was created (UTC); it receives events from then on.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When it was last changed (UTC).' }) updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'One event sent (or to be sent) to one subscription: the delivery log.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Opaque id (`whd_…`).' }) id!: string;
  @Field(() => ID, { description: 'The subscription (`whs_…`).' }) subscriptionId!: string;
  @Field({ description: 'The event\'s id (UUID), also the payload\'s `id`: the same for every attempt and replay, for the receiver to dedupe.' }) eventId!: string;
  @Field({ description: 'The event type, e.g. "order.status_changed".' }) eventType!: string;
  @Field({ description: 'The exact JSON body sent, rendered once when the delivery was created: `{ id, type, occurredAt, data, record }`.' }) body!: string;
  @Field(() => WebhookDeliveryStatus, { description: 'PENDING, SUCCEEDED or FAILED.' }) status!: WebhookDeliveryStatus;
  @Field(() => Int, { description: 'Attempts made so far.' }) attempts!: number;
  @Field(() => Int, { nullable: true, description: 'HTTP status of the last answer; null before the first attempt or when there was none (timeout, connection refused, address refused).' }) responseStatus!: number | null;
  @Field(() => Int, { nullable: true, description: 'How long the last attempt took, in milliseconds.' }) durationMs!: number | null;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed; null after a success or before the first attempt.' }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it is (re)tried next (UTC), while PENDING; null otherwise.' }) nextAttemptAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was last attempted (UTC).' }) lastAttemptAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the receiver accepted it (UTC); null unless SUCCEEDED.' }) deliveredAt!: Date | null;
  @Field(() => ID, { nullable: true, description: 'For a replay: the delivery it repeats (`whd_…`).' }) replayOf!: string | null;
  @Field(() => DateTimeScalar, { description: 'When it was created (UTC); retries stop 3 days later.' }) createdAt!: Date;
}

export const WebhookSubscriptionConnection = connectionType(WebhookSubscription, 'WebhookSubscription');
export const WebhookDeliveryConnection = connectionType(WebhookDelivery, 'WebhookDelivery');

@InputType({ description: 'Which events beyond their type.' })
export class WebhookFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Only events of these customers (`cus_…`, at most 100); null or empty: every customer the owner may read.' })
  customerIds?: string[] | null;
}

@InputType({ description: 'A new webhook subscription, owned by the caller.' })
export class CreateWebhookSubscriptionInput {
  @Field({ description: 'Where to POST: an absolute URL; https only and never a loopback/private address in production (VALIDATION at `input.url`). Redirects are not followed.' })
  url!: string;

  @Field(() => [String], { description: `The event types to receive. ${EVENTS_TEXT}` })
  events!: string[];

  @Field(() => WebhookFilterInput, { nullable: true, description: 'Narrower selection; omitted: every event of those types its owner may read.' })
  filter?: WebhookFilterInput | null;
}

@InputType({ description: 'Changes to a webhook subscription; omitted fields stay as they are.' })
export class UpdateWebhookSubscriptionInput {
  @Field(() => ID, { description: 'The subscription (`whs_…`).' }) id!: string;
  @Field(() => String, { nullable: true, description: 'A new URL (same rules as at creation).' }) url?: string | null;
  @Field(() => [String], { nullable: true, description: `New event types. ${EVENTS_TEXT}` }) events?: string[] | null;
  @Field(() => WebhookFilterInput, { nullable: true, description: 'A new filter (null or empty `customerIds`: every customer).' }) filter?: WebhookFilterInput | null;
  @Field(() => Boolean, { nullable: true, description: 'false disables it; true re-enables it (clears the notice and the failure count; queued deliveries resume in order).' }) enabled?: boolean | null;
}

@InputType({ description: 'A webhook subscription or delivery, by id.' })
export class WebhookIdInput {
  @Field(() => ID, { description: 'Its id (`whs_…` or `whd_…`).' }) id!: string;
}

@ObjectType({ description: 'The result of `createWebhookSubscription`.' })
export class CreateWebhookSubscriptionPayload {
  @Field(() => WebhookSubscription, { nullable: true, description: 'The new subscription; null when `errors` is not empty.' }) subscription!: WebhookSubscription | null;
  @Field(() => String, { nullable: true, description: 'The signing secret (`whsec_…`), shown this once: keep it to verify `X-CRM-Signature`.' }) secret!: string | null;
  @Field(() => [UserError], { description: 'Why it was refused (`field` names the input field); empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'The result of changing or deleting a webhook subscription.' })
export class WebhookSubscriptionPayload {
  @Field(() => WebhookSubscription, { nullable: true, description: 'The subscription (as it was, for a deletion); null when `errors` is not empty.' }) subscription!: WebhookSubscription | null;
  @Field(() => [UserError], { description: 'Why it was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'The result of `replayWebhookDelivery`.' })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { nullable: true, description: 'The new delivery (a copy, `replayOf` the original); null when `errors` is not empty.' }) delivery!: WebhookDelivery | null;
  @Field(() => [UserError], { description: 'Why it was refused; empty on success.' }) errors!: UserError[];
}
