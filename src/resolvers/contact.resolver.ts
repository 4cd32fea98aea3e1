import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import * as contacts from '../services/contact.service';
import { NotFoundError } from '../services/errors';
import {
  ContactConnection, ContactFilter, ContactIdInput, ContactOrderBy, ContactPayload, CreateContactInput, UpdateContactInput,
} from '../schema/contact.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class ContactsArgs extends ConnectionArgs {
  @Field(() => ContactFilter, { nullable: true, description: filterDescription('contacts') }) filter?: ContactFilter | null;
  @Field(() => [ContactOrderBy], { nullable: true, description: orderByDescription('by name') }) orderBy?: ContactOrderBy[] | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive text matched against names, phones and e-mails (names only for MARKETING and API keys; not for ANALYST).' })
  search?: string | null;
}

@Resolver(() => Contact)
export class ContactResolver {
  @Query(() => ContactConnection, { description: 'Contacts of the customers visible to you.' })
  contacts(@Args() args: ContactsArgs, @Ctx() ctx: GraphQLContext) {
    return contacts.listContacts(serviceContext(ctx), args);
  }

  @Query(() => Contact, { nullable: true, description: `One contact; ${NULL_WHEN_ABSENT}.` })
  contact(@IdArg('Contact', 'contact') id: string, @Ctx() ctx: GraphQLContext) {
    return contacts.getContact(serviceContext(ctx), id);
  }

  @FieldResolver(() => Customer, { description: 'The customer this contact works for.' })
  async customer(@Root() contact: Row<Contact>, @Ctx() ctx: GraphQLContext) {
    const customer = await ctx.loaders.customer.load(refId(contact.customer)!);
    if (!customer) throw new NotFoundError('Customer');
    return customer;
  }

  @Mutation(() => ContactPayload, { description: 'Add a contact to a customer you can see.' })
  createContact(@InputArg() input: CreateContactInput, @Ctx() ctx: GraphQLContext) {
    return contacts.createContact(serviceContext(ctx), input);
  }

  @Mutation(() => ContactPayload, { description: 'Change a contact. Stale `version`: CONFLICT.' })
  updateContact(@InputArg() input: UpdateContactInput, @Ctx() ctx: GraphQLContext) {
    return contacts.updateContact(serviceContext(ctx), input);
  }

  @Mutation(() => ContactPayload, { description: 'Soft-delete a contact.' })
  deleteContact(@InputArg() input: ContactIdInput, @Ctx() ctx: GraphQLContext) {
    return contacts.deleteContact(serviceContext(ctx), input.id);
  }
}
