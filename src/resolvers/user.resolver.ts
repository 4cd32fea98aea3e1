import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { loginRefused, unauthenticated } from '../auth/errors';
import { signUserToken } from '../auth/jwt';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { User } from '../entities/user.entity';
import * as apiKeys from '../services/api-key.service';
import * as users from '../services/user.service';
import {
  ApiKeyConnection, ApiKeyIdInput, ApiKeyPayload, ChangePasswordInput, ChangePasswordPayload, CreateApiKeyInput, CreateApiKeyPayload, CreateUserInput,
  LoginInput, LoginPayload, UnlockUserInput, UpdateUserInput, UserConnection, UserFilter, UserPayload,
} from '../schema/user.inputs';
import { ConnectionArgs, InputArg, filterDescription } from './args';

@ArgsType()
class UsersArgs extends ConnectionArgs {
  @Field(() => UserFilter, { nullable: true, description: filterDescription('users') }) filter?: UserFilter | null;
}

@Resolver(() => User)
export class UserResolver {
  @Mutation(() => LoginPayload, {
    description: 'Sign in. A wrong e-mail or password (or a deactivated user) gives the same UNAUTHENTICATED error. Failed sign-ins are '
      + 'throttled per e-mail and per address (known and unknown e-mails alike): too soon after repeated failures LOGIN_THROTTLED, after '
      + 'too many LOGIN_LOCKED (HTTP 429, `extensions.retryAfter` seconds, Retry-After header). One `login` per request.',
  })
  async login(@InputArg() input: LoginInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await ctx.loginThrottle.attempt(input.email, ctx.clientAddress, () => users.verifyLogin(ctx.em, input.email, input.password));
    if ('refused' in outcome) throw loginRefused(outcome.refused);
    if ('failed' in outcome) throw unauthenticated('Wrong e-mail or password.');
    const user = outcome.ok;
    // The rest of this response is read as the user who just signed in.
    ctx.principal = await users.userPrincipal(ctx.em, user.id);
    const { token, expiresAt } = await signUserToken(user.id, ctx.config.jwtSecret, ctx.config.JWT_TTL_SECONDS, user.sessionVersion);
    return { token, expiresAt, user: await ctx.loaders.user.load(user.id) };
  }

  @Query(() => User, { description: 'The signed-in user (for API keys: UNAUTHENTICATED, keys are not users; ask `viewer` to check a key).' })
  me(@Ctx() ctx: GraphQLContext) {
    if (ctx.principal?.type !== 'USER') throw unauthenticated('`me` is for signed-in users; API keys are not users.');
    return users.getMe(serviceContext(ctx));
  }

  @Query(() => UserConnection, { description: 'Users: ADMIN sees all, a SALES_MANAGER their team (themselves and everyone below).' })
  users(@Args() args: UsersArgs, @Ctx() ctx: GraphQLContext) {
    return users.listUsers(serviceContext(ctx), args);
  }

  @Mutation(() => UserPayload, { description: 'Create a user (ADMIN).' })
  createUser(@InputArg() input: CreateUserInput, @Ctx() ctx: GraphQLContext) {
    return users.createUser(serviceContext(ctx), input);
  }

  @Mutation(() => UserPayload, { description: 'Change or deactivate a user (ADMIN).' })
  updateUser(@InputArg() input: UpdateUserInput, @Ctx() ctx: GraphQLContext) {
    return users.updateUser(serviceContext(ctx), input);
  }

  @Mutation(() => ChangePasswordPayload, {
    description: 'Change your own password (signed-in users). Ends all your sessions, this one included: every token issued before stops '
      + 'working at once (HTTP 401); continue with the `token` in the result.',
  })
  async changePassword(@InputArg() input: ChangePasswordInput, @Ctx() ctx: GraphQLContext) {
    if (ctx.principal?.type !== 'USER') throw unauthenticated('`changePassword` is for signed-in users.');
    const { user, session, errors } = await users.changePassword(serviceContext(ctx), input);
    if (!session) return { user, token: null, expiresAt: null, errors };
    const { token, expiresAt } = await signUserToken(session.id, ctx.config.jwtSecret, ctx.config.JWT_TTL_SECONDS, session.sessionVersion);
    return { user, token, expiresAt, errors };
  }

  @Mutation(() => UserPayload, {
    description: 'Lift the sign-in lock of a user (ADMIN): after too many failed sign-ins an e-mail is locked for a while (LOGIN_LOCKED); '
      + 'this ends the lock and any pending delay at once. Harmless when nothing is locked.',
  })
  unlockUser(@InputArg() input: UnlockUserInput, @Ctx() ctx: GraphQLContext) {
    return users.unlockUser(serviceContext(ctx), ctx.loginThrottle, input);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user\'s manager; null at the top of the hierarchy.' })
  manager(@Root() user: Row<User>, @Ctx() ctx: GraphQLContext) {
    const id = refId(user.manager);
    return id ? ctx.loaders.user.load(id) : null;
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'For PARTNER users: the partner customer they act for; null otherwise or when not visible to you.' })
  partnerCustomer(@Root() user: Row<User>, @Ctx() ctx: GraphQLContext) {
    const id = refId(user.partnerCustomer);
    return id ? ctx.loaders.customer.load(id) : null;
  }

  @Query(() => ApiKeyConnection, { description: 'API keys, newest first (ADMIN).' })
  apiKeys(@Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return apiKeys.listApiKeys(serviceContext(ctx), args);
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Create an API key (ADMIN). The secret is returned once; only a hash is kept.' })
  createApiKey(@InputArg() input: CreateApiKeyInput, @Ctx() ctx: GraphQLContext) {
    return apiKeys.createApiKey(serviceContext(ctx), input);
  }

  @Mutation(() => ApiKeyPayload, { description: 'Revoke an API key (ADMIN); it stops working at once.' })
  revokeApiKey(@InputArg() input: ApiKeyIdInput, @Ctx() ctx: GraphQLContext) {
    return apiKeys.revokeApiKey(serviceContext(ctx), input.id);
  }
}
