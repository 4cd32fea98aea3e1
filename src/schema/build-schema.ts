import 'reflect-metadata';
import './enums';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ActivityResolver } from '../resolvers/activity.resolver';
import { AnalyticsResolver } from '../resolvers/analytics.resolver';
import { AuditEventResolver } from '../resolvers/audit.resolver';
import { ContactResolver } from '../resolvers/contact.resolver';
import { CustomerResolver } from '../resolvers/customer.resolver';
import { LeadResolver } from '../resolvers/lead.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { OpportunityResolver } from '../resolvers/opportunity.resolver';
import { TaskResolver } from '../resolvers/task.resolver';
import { UserResolver } from '../resolvers/user.resolver';

/** The schema without permissions (what `npm run schema` prints). */
export function buildBareSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      CustomerResolver, ContactResolver, UserResolver, NodeResolver, AuditEventResolver,
      ActivityResolver, TaskResolver, LeadResolver, OpportunityResolver, AnalyticsResolver,
    ],
    validate: false, // input rules live in the services, which return payload errors naming the field
  });
}
