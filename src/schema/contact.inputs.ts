import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Contact } from '../entities/contact.entity';
import { BuyingRole, ContactChannel } from '../entities/enums';
import { connectionType } from './connection';
import { EmailInput, PhoneInput, PostalAddressInput } from './contact-point.inputs';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { BooleanFilter, DateTimeFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import type * as contacts from '../services/contact.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { CONTACT_FILTER, CONTACT_ORDER } from '../services/contact.service';
import type { SortFieldOf } from '../services/read-model';

export const ContactConnection = connectionType(Contact, 'Contact');

const BuyingRoleFilter = enumFilter(BuyingRole, 'BuyingRole');
const ContactChannelFilter = enumFilter(ContactChannel, 'ContactChannel');

@InputType({ description: 'Which contacts to list. Fields are and-ed; combine with `and`, `or`, `not`.' })
export class ContactFilter {
  @Field(() => [ContactFilter], { nullable: true, description: 'All of these hold.' }) and?: ContactFilter[];
  @Field(() => [ContactFilter], { nullable: true, description: 'At least one of these holds.' }) or?: ContactFilter[];
  @Field(() => ContactFilter, { nullable: true, description: 'This does not hold.' }) not?: ContactFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The contact id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer.' }) customerId?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'First name (a name your role may not read counts as null here).' }) firstName?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'Last name (a name your role may not read counts as null here).' }) lastName?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'Job title.' }) title?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The department the contact works in.' }) department?: StringFilter;
  @Field(() => BuyingRoleFilter, { nullable: true, description: 'The contact\'s role in buying decisions (`isNull: true`: not recorded).' }) buyingRole?: object;
  @Field(() => ContactChannelFilter, { nullable: true, description: 'How the contact prefers to be reached (`isNull: true`: no preference recorded).' }) preferredChannel?: object;
  @Field(() => BooleanFilter, { nullable: true, description: 'Whether the contact agreed to receive marketing.' }) marketingConsent?: BooleanFilter;
  @Field(() => BooleanFilter, { nullable: true, description: 'Primary contact.' }) primary?: BooleanFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Last change time.' }) updatedAt?: DateTimeFilter;
}

export const ContactOrderField = sortEnum(CONTACT_ORDER, 'ContactOrderField', 'Fields contacts can be sorted by.');
export type ContactOrderField = SortFieldOf<typeof CONTACT_ORDER>;
export type ContactFilterMatchesService = Assert<SameFilterFields<ContactFilter, typeof CONTACT_FILTER>>;

@InputType({ description: 'One sort key for contacts.' })
export class ContactOrderBy {
  @Field(() => ContactOrderField, { description: 'What to sort by.' }) field!: ContactOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'Contact fields shared by create and update; on update an omitted field is unchanged, null clears an optional one.' })
class ContactFields {
  @Field(() => String, { nullable: true, description: 'Job title.' }) title?: string | null;
  @Field(() => String, { nullable: true, description: 'The department the contact works in (at most 150 characters).' }) department?: string | null;
  @Field(() => [PhoneInput], { nullable: true, description: 'Phone numbers (replaces the list).' }) phones?: PhoneInput[] | null;
  @Field(() => [EmailInput], { nullable: true, description: 'E-mail addresses (replaces the list).' }) emails?: EmailInput[] | null;
  @Field(() => [PostalAddressInput], { nullable: true, description: 'Addresses (replaces the list).' }) addresses?: PostalAddressInput[] | null;
  @Field(() => BuyingRole, { nullable: true, description: 'Role in buying decisions.' }) buyingRole?: BuyingRole | null;
  @Field(() => ContactChannel, { nullable: true, description: 'How the contact prefers to be reached; null: no preference.' }) preferredChannel?: ContactChannel | null;
  @Field(() => Boolean, { nullable: true, description: 'Marketing consent; a change stamps `consentAt`.' }) marketingConsent?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Where consent was given.' }) consentSource?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Make this the primary contact (the previous primary one is demoted).' }) primary?: boolean | null;
}

@InputType({ description: 'A new contact at a customer.' })
export class CreateContactInput extends ContactFields implements contacts.CreateContactInput {
  @Field(() => ID, { description: 'The customer the contact works for.' }) customerId!: string;
  @Field({ description: 'First name (1–100 characters).' }) firstName!: string;
  @Field({ description: 'Last name (1–100 characters).' }) lastName!: string;
}

@InputType({ description: 'Changes to a contact. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateContactInput extends ContactFields implements contacts.UpdateContactInput {
  @Field(() => ID, { description: 'The contact.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'New first name (1–100 characters); omit to keep it.' }) firstName?: string | null;
  @Field(() => String, { nullable: true, description: 'New last name (1–100 characters); omit to keep it.' }) lastName?: string | null;
}

@InputType({ description: 'Identifies one contact.' })
export class ContactIdInput {
  @Field(() => ID, { description: 'The contact.' }) id!: string;
}

@ObjectType({ description: 'Result of a contact mutation.' })
export class ContactPayload {
  @Field(() => Contact, { nullable: true, description: 'The contact after the change; null when `errors` is not empty.' }) contact!: Contact | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}
