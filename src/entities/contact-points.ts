import { Field, ObjectType } from 'type-graphql';

/** Phone numbers, e-mail addresses and postal addresses are stored as JSON arrays on their owner. */

@ObjectType({ description: 'A phone number of a customer or contact.', simpleResolvers: true })
export class Phone {
  @Field({ description: 'What the number is for, e.g. "work", "mobile", "switchboard".' })
  label!: string;

  @Field({ description: 'The number as entered, in international format where known, e.g. "+44 20 7946 0958".' })
  number!: string;
}

@ObjectType({ description: 'An e-mail address of a customer or contact.', simpleResolvers: true })
export class Email {
  @Field({ description: 'What the address is for, e.g. "work", "billing", "personal".' })
  label!: string;

  @Field({ description: 'The address, stored lower-case.' })
  address!: string;
}

@ObjectType({ description: 'A postal address.', simpleResolvers: true })
export class PostalAddress {
  @Field({ description: 'What the address is for, e.g. "billing", "shipping", "head office".' })
  label!: string;

  @Field({ description: 'Street and number.' })
  line1!: string;

  @Field(() => String, { nullable: true, description: 'Building, floor, suite; null when not given.' })
  line2?: string | null;

  @Field({ description: 'City or town.' })
  city!: string;

  @Field(() => String, { nullable: true, description: 'State, province or region; null when not given.' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal or ZIP code; null when not given.' })
  postalCode?: string | null;

  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. "DE".' })
  country!: string;
}
