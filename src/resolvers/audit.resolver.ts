import type { Row } from './row';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { policyFor } from '../auth';
import type { GraphQLContext } from '../context';
import { AuditEvent } from '../entities/audit-event.entity';
import { User } from '../entities/user.entity';
import { FieldChange } from '../schema/audit.types';

/** Fields whose audit name differs from the schema field that guards them. */
const GUARD: Record<string, string> = { ownerId: 'owner', referredById: 'referredBy' };

/** Loaders (scoped) of the audited records whose fields have per-record rules. */
const recordLoaders = (ctx: GraphQLContext): Record<string, { load(id: string): Promise<object | null> } | undefined> => ({
  Customer: ctx.loaders.customer, Contact: ctx.loaders.contact, Opportunity: ctx.loaders.opportunityById,
});

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The user who made the change; null for API keys and the system.' })
  actor(@Root() event: Row<AuditEvent>, @Ctx() ctx: GraphQLContext) {
    return event.actorType === 'USER' && event.actorId ? ctx.loaders.user.load(event.actorId) : null;
  }

  @FieldResolver(() => [FieldChange], { description: 'Changed fields, old → new. A field your role may not read is listed with `redacted: true` and no values.' })
  async changes(@Root() event: Row<AuditEvent>, @Ctx() ctx: GraphQLContext): Promise<FieldChange[]> {
    // Field rules may depend on the record (consent, creator), so they are checked against it as it is now;
    // for the other types (whose audited fields have no such rules) and invisible records, against an empty one.
    const loader = recordLoaders(ctx)[event.entityType];
    const record = loader ? await loader.load(event.entityId) : null;
    return event.changes.map((change) => {
      const policy = policyFor(event.entityType, GUARD[change.field] ?? change.field);
      // Fails closed: a field without a policy (an audited type or field the map does not know) is redacted.
      const visible = policy != null && ctx.principal != null && policy.check(ctx.principal, record ?? {});
      return visible
        ? { field: change.field, oldValue: change.old, newValue: change.new, redacted: false }
        : { field: change.field, oldValue: null, newValue: null, redacted: true };
    });
  }
}
