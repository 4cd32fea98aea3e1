import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { User } from '../entities/user.entity';
import * as apiKeys from '../services/api-key.service';
import { Viewer, ViewerApiKey, ViewerKind } from '../schema/viewer.types';

/** `viewer`: who is calling — for users and API keys alike (where `me` is for users only). */
@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, {
    nullable: true,
    description: 'Who is calling: a signed-in user or an API key — kind, role, and for keys name, scopes, partner account and expiry. '
      + 'Null without credentials (anonymous); bad, expired or revoked credentials fail the whole request with HTTP 401 as everywhere. '
      + 'Use it to check a token or API key: unlike `me`, it answers for keys too.',
  })
  viewer(@Ctx() ctx: GraphQLContext): Viewer | null {
    const p = ctx.principal;
    if (!p) return null;
    return { kind: p.type === 'USER' ? ViewerKind.USER : ViewerKind.API_KEY, id: p.id, role: p.role, partnerAccountId: p.partnerCustomerId };
  }

  @FieldResolver(() => User, { nullable: true, description: 'For USER: the signed-in user (as `me`); null for API keys.' })
  user(@Root() viewer: Viewer, @Ctx() ctx: GraphQLContext) {
    return viewer.kind === ViewerKind.USER ? ctx.loaders.user.load(viewer.id) : null;
  }

  @FieldResolver(() => ViewerApiKey, { nullable: true, description: 'For API_KEY: the key (name, prefix, scopes, expiry); null for users.' })
  apiKey(@Root() viewer: Viewer, @Ctx() ctx: GraphQLContext) {
    return viewer.kind === ViewerKind.API_KEY ? apiKeys.ownApiKey(serviceContext(ctx)) : null;
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'For PARTNER users and keys: the partner customer you act for (id, name, … as your customer permissions allow); null for everyone else or when you may not read it.',
  })
  partnerAccount(@Root() viewer: Viewer, @Ctx() ctx: GraphQLContext) {
    return viewer.partnerAccountId ? ctx.loaders.customer.load(viewer.partnerAccountId) : null;
  }
}
