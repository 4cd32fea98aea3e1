import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A phone number.' })
export class PhoneInput {
  @Field({ description: 'What it is for, e.g. "mobile" (1–40 characters).' }) label!: string;
  @Field({ description: 'Digits, spaces and + ( ) . / - only; at least 5 digits.' }) number!: string;
}

@InputType({ description: 'An e-mail address.' })
export class EmailInput {
  @Field({ description: 'What it is for, e.g. "work" (1–40 characters).' }) label!: string;
  @Field({ description: 'A valid address; stored lower-case.' }) address!: string;
}

@InputType({ description: 'A postal address.' })
export class PostalAddressInput {
  @Field({ description: 'What it is for, e.g. "billing".' }) label!: string;
  @Field({ description: 'Street and number.' }) line1!: string;
  @Field(() => String, { nullable: true, description: 'Building, floor, suite.' }) line2?: string | null;
  @Field({ description: 'City or town.' }) city!: string;
  @Field(() => String, { nullable: true, description: 'State, province or region.' }) region?: string | null;
  @Field(() => String, { nullable: true, description: 'Postal or ZIP code as written in the country (at most 20 characters); null when there is none.' }) postalCode?: string | null;
  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. "FR".' }) country!: string;
}
