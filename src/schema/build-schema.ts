import 'reflect-metadata';
import './enums';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditEventResolver } from '../resolvers/audit.resolver';
import { ContactResolver } from '../resolvers/contact.resolver';
import { CustomerResolver } from '../resolvers/customer.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { UserResolver } from '../resolvers/user.resolver';

/** The schema without permissions (what `npm run schema` prints). */
export function buildBareSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [CustomerResolver, ContactResolver, UserResolver, NodeResolver, AuditEventResolver],
    validate: false, // input rules live in the services, which return payload errors naming the field
  });
}
