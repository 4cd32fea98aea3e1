import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../auth/context';
import { typeOfId } from '../entities/ids';
import { Node } from '../entities/node';
import { apiKeysByIds } from '../services/api-key.service';
import { auditEventsByIds } from '../services/audit.service';
import { InputError, NotFoundError } from '../services/errors';
import { scopedUsersByIds } from '../services/user.service';
import { Role } from '../entities/enums';

const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => Node, { description: 'Any object by its id, if it is visible to you; NOT_FOUND otherwise.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const [found] = await this.load(ctx, [id]);
    if (!found) throw new NotFoundError();
    return found;
  }

  @Query(() => [Node], { nullable: 'items', description: 'Several objects by id (at most 100), in the same order; null for each one not visible to you.' })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: GraphQLContext) {
    if (ids.length > MAX_NODES) throw new InputError(`At most ${MAX_NODES} ids.`, 'ids');
    return this.load(ctx, ids);
  }

  private async load(ctx: GraphQLContext, ids: string[]): Promise<(object | null)[]> {
    const svc = serviceContext(ctx);
    const byType = (type: string) => ids.filter((id) => typeOfId(id) === type);
    const found = new Map<string, object>();
    const add = (rows: { id: string }[]) => rows.forEach((r) => found.set(r.id, r));
    await Promise.all([
      ctx.loaders.customer.loadMany(byType('Customer')).then((rows) => add(rows.filter((r): r is any => !!r && !(r instanceof Error)))),
      ctx.loaders.contact.loadMany(byType('Contact')).then((rows) => add(rows.filter((r): r is any => !!r && !(r instanceof Error)))),
      scopedUsersByIds(svc, byType('User')).then(add),
      svc.principal.role === Role.ADMIN ? apiKeysByIds(svc, byType('ApiKey')).then(add) : null,
      svc.principal.role !== Role.PARTNER ? auditEventsByIds(svc, byType('AuditEvent')).then((rows) => add(rows as { id: string }[])) : null,
    ]);
    return ids.map((id) => found.get(id) ?? null);
  }
}
