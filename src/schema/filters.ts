import { Field, ID, InputType, Int, type ClassType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from './scalars';

/** Typed filter operators. Every operator given must hold (they are and-ed). */

@InputType({ description: 'Conditions on a text field. `contains` and `startsWith` ignore case.' })
export class StringFilter {
  @Field(() => String, { nullable: true, description: 'Exactly equal (case-sensitive).' }) eq?: string;
  @Field(() => String, { nullable: true, description: 'Not equal (nulls count as different).' }) ne?: string;
  @Field(() => [String], { nullable: true, description: 'Equal to one of these (at most 500).' }) in?: string[];
  @Field(() => String, { nullable: true, description: 'Contains this text, ignoring case.' }) contains?: string;
  @Field(() => String, { nullable: true, description: 'Starts with this text, ignoring case.' }) startsWith?: string;
  @Field(() => Boolean, { nullable: true, description: 'true: has no value; false: has a value.' }) isNull?: boolean;
}

@InputType({ description: 'Conditions on an id field.' })
export class IdFilter {
  @Field(() => ID, { nullable: true, description: 'Equal to this id.' }) eq?: string;
  @Field(() => [ID], { nullable: true, description: 'One of these ids (at most 500).' }) in?: string[];
  @Field(() => Boolean, { nullable: true, description: 'true: not set; false: set.' }) isNull?: boolean;
}

@InputType({ description: 'Conditions on a whole number.' })
export class IntFilter {
  @Field(() => Int, { nullable: true, description: 'Equal.' }) eq?: number;
  @Field(() => Int, { nullable: true, description: 'Greater than.' }) gt?: number;
  @Field(() => Int, { nullable: true, description: 'Greater than or equal.' }) gte?: number;
  @Field(() => Int, { nullable: true, description: 'Less than.' }) lt?: number;
  @Field(() => Int, { nullable: true, description: 'Less than or equal.' }) lte?: number;
  @Field(() => Boolean, { nullable: true, description: 'true: unknown; false: known.' }) isNull?: boolean;
}

@InputType({ description: 'Conditions on a decimal amount (pass decimals as strings).' })
export class DecimalFilter {
  @Field(() => DecimalScalar, { nullable: true, description: 'Equal.' }) eq?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Greater than.' }) gt?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Greater than or equal.' }) gte?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Less than.' }) lt?: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Less than or equal.' }) lte?: string;
  @Field(() => Boolean, { nullable: true, description: 'true: unknown; false: known.' }) isNull?: boolean;
}

@InputType({ description: 'Conditions on a timestamp (UTC ISO-8601).' })
export class DateTimeFilter {
  @Field(() => DateTimeScalar, { nullable: true, description: 'After.' }) gt?: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'At or after.' }) gte?: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Before.' }) lt?: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'At or before.' }) lte?: Date;
  @Field(() => Boolean, { nullable: true, description: 'true: not set; false: set.' }) isNull?: boolean;
}

@InputType({ description: 'Conditions on a calendar date ("YYYY-MM-DD"); bounds are inclusive with `gte`/`lte`.' })
export class LocalDateFilter {
  @Field(() => LocalDateScalar, { nullable: true, description: 'On this day.' }) eq?: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'After this day.' }) gt?: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'On or after this day.' }) gte?: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Before this day.' }) lt?: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'On or before this day.' }) lte?: string;
  @Field(() => Boolean, { nullable: true, description: 'true: not set; false: set.' }) isNull?: boolean;
}

@InputType({ description: 'Condition on a yes/no field.' })
export class BooleanFilter {
  @Field(() => Boolean, { nullable: true, description: 'Equal.' }) eq?: boolean;
}

@InputType({ description: 'Conditions on a list of tags (tags are compared lower-case).' })
export class TagsFilter {
  @Field(() => [String], { nullable: true, description: 'Has at least one of these tags.' }) hasAny?: string[];
  @Field(() => [String], { nullable: true, description: 'Has all of these tags.' }) hasAll?: string[];
}

/** `XFilter` input for an enum: eq / ne / in / notIn / isNull. */
export function enumFilter<E extends object>(enumType: E, name: string) {
  @InputType(`${name}Filter`, { description: `Conditions on a ${name} value.` })
  class EnumFilter {
    @Field(() => enumType, { nullable: true, description: 'Equal.' }) eq?: unknown;
    @Field(() => enumType, { nullable: true, description: 'Not equal (a missing value counts as different).' }) ne?: unknown;
    @Field(() => [enumType], { nullable: true, description: 'One of these.' }) in?: unknown[];
    @Field(() => [enumType], { nullable: true, description: 'None of these (a missing value counts as none of these).' }) notIn?: unknown[];
    @Field(() => Boolean, { nullable: true, description: 'true: not set; false: set.' }) isNull?: boolean;
  }
  return EnumFilter as ClassType;
}
