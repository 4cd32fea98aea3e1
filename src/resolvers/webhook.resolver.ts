import { Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import {
  CreateWebhookSubscriptionInput, CreateWebhookSubscriptionPayload, UpdateWebhookSubscriptionInput, WebhookDeliveryConnection, WebhookDeliveryPayload,
  WebhookIdInput, WebhookSubscriptionConnection, WebhookSubscriptionPayload,
} from '../schema/webhook.types';
import * as webhooks from '../services/webhook.service';
import { urlRulesFor } from '../services/webhook-url';
import { ConnectionArgs, InputArg } from './args';

@ArgsType()
class WebhookDeliveriesArgs extends ConnectionArgs {
  @Field(() => ID, { description: 'The subscription (`whs_…`) whose log to read.' }) subscriptionId!: string;
}

/** Webhooks: subscriptions of the caller (ADMIN users: all), their delivery log and replays (services/webhook.service.ts). */
@Resolver()
export class WebhookResolver {
  @Query(() => WebhookSubscriptionConnection, { description: 'Your webhook subscriptions, newest first (an ADMIN user sees every one).' })
  webhookSubscriptions(@Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return webhooks.listWebhookSubscriptions(serviceContext(ctx), args);
  }

  @Query(() => WebhookDeliveryConnection, {
    description: 'The delivery log of one of your subscriptions, newest first: status, response code, duration, attempts, next attempt, error. '
      + 'NOT_FOUND for a subscription that is not yours.',
  })
  webhookDeliveries(@Args() args: WebhookDeliveriesArgs, @Ctx() ctx: GraphQLContext) {
    return webhooks.listWebhookDeliveries(serviceContext(ctx), args.subscriptionId, args);
  }

  @Mutation(() => CreateWebhookSubscriptionPayload, {
    description: 'Subscribe a URL to events; you own it. Returns the signing secret once. Errors (VALIDATION): `input.url` (not https in production, '
      + 'a loopback/private address in production, not a URL), `input.events` (unknown type), `input.filter.customerIds`.',
  })
  createWebhookSubscription(@InputArg() input: CreateWebhookSubscriptionInput, @Ctx() ctx: GraphQLContext) {
    return webhooks.createWebhookSubscription(serviceContext(ctx), input, urlRulesFor(ctx.config.WEBHOOKS_ALLOW_PRIVATE));
  }

  @Mutation(() => WebhookSubscriptionPayload, { description: 'Change the URL, events or filter of one of your subscriptions, or disable / re-enable it.' })
  updateWebhookSubscription(@InputArg() input: UpdateWebhookSubscriptionInput, @Ctx() ctx: GraphQLContext) {
    return webhooks.updateWebhookSubscription(serviceContext(ctx), input, urlRulesFor(ctx.config.WEBHOOKS_ALLOW_PRIVATE));
  }

  @Mutation(() => WebhookSubscriptionPayload, { description: 'Delete one of your subscriptions and its delivery log.' })
  deleteWebhookSubscription(@InputArg() input: WebhookIdInput, @Ctx() ctx: GraphQLContext) {
    return webhooks.deleteWebhookSubscription(serviceContext(ctx), input.id);
  }

  @Mutation(() => WebhookDeliveryPayload, {
    description: 'Send a delivery again (same event id and body) after the ones queued for its subscription; e.g. after fixing a receiver. NOT_FOUND for one not yours.',
  })
  replayWebhookDelivery(@InputArg() input: WebhookIdInput, @Ctx() ctx: GraphQLContext) {
    return webhooks.replayWebhookDelivery(serviceContext(ctx), input.id);
  }
}

export const webhookResolvers = [WebhookResolver];
