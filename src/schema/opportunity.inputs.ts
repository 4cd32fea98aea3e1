import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LostReason, OpportunityStage } from '../entities/enums';
import { Opportunity } from '../entities/opportunity.entity';
import { Quote } from '../entities/quote.entity';
import { OpportunityStageChange } from '../entities/stage-change.entity';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, DecimalFilter, IdFilter, LocalDateFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar, LocalDateScalar } from './scalars';
import type * as quotes from '../services/quote.service';
import type * as opportunities from '../services/opportunity.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { OPPORTUNITY_FILTER, OPPORTUNITY_ORDER } from '../services/opportunity.service';
import type { SortFieldOf } from '../services/read-model';

export const OpportunityConnection = connectionType(Opportunity, 'Opportunity');
export const OpportunityStageChangeConnection = connectionType(OpportunityStageChange, 'OpportunityStageChange');
export const QuoteConnection = connectionType(Quote, 'Quote');

const OpportunityStageFilter = enumFilter(OpportunityStage, 'OpportunityStage');

@InputType({ description: 'Which opportunities to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class OpportunityFilter {
  @Field(() => [OpportunityFilter], { nullable: true, description: 'All of these hold.' }) and?: OpportunityFilter[];
  @Field(() => [OpportunityFilter], { nullable: true, description: 'At least one of these holds.' }) or?: OpportunityFilter[];
  @Field(() => OpportunityFilter, { nullable: true, description: 'This does not hold.' }) not?: OpportunityFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The opportunity id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The name of the deal.' }) name?: StringFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer.' }) customerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The owner (a user id).' }) ownerId?: IdFilter;
  @Field(() => OpportunityStageFilter, { nullable: true, description: 'The stage.' }) stage?: object;
  @Field(() => DecimalFilter, { nullable: true, description: 'The amount (in the opportunity\'s own currency). Only for roles that may read amounts (others: FORBIDDEN).' }) amount?: DecimalFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The ISO 4217 currency, e.g. "EUR".' }) currency?: StringFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The expected close date.' }) expectedCloseDate?: LocalDateFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When the deal was won or lost; `isNull: true` lists open deals.' }) closedAt?: DateTimeFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The campaign the deal is attributed to.' }) campaignId?: IdFilter;
}

export const OpportunityOrderField = sortEnum(OPPORTUNITY_ORDER, 'OpportunityOrderField', 'Fields opportunities can be sorted by. AMOUNT compares the number regardless of currency and is only for roles that may read amounts.');
export type OpportunityOrderField = SortFieldOf<typeof OPPORTUNITY_ORDER>;
export type OpportunityFilterMatchesService = Assert<SameFilterFields<OpportunityFilter, typeof OPPORTUNITY_FILTER>>;

@InputType({ description: 'One sort key for opportunities; list several to break ties. The id always breaks the last tie.' })
export class OpportunityOrderBy {
  @Field(() => OpportunityOrderField, { description: 'What to sort by.' }) field!: OpportunityOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'Opportunity fields shared by create and update. On update, an omitted field is left as it is; null clears an optional one.' })
class OpportunityFields {
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the amount (three letters, e.g. "EUR"); EUR on create when omitted.' }) currency?: string | null;
  @Field(() => OpportunityStage, { nullable: true, description: 'The stage; PROSPECTING on create when omitted. On update a change is recorded in `stageHistory`; a closed deal (WON/LOST) goes back to an open stage only through `reopenOpportunity`.' })
  stage?: OpportunityStage | null;
  @Field(() => Int, { nullable: true, description: 'Chance of winning in % (0–100). On create, omitted or null: the stage\'s default. On update, omitted: unchanged, except that a stage change resets it to the new stage\'s default; null: the stage\'s default. Only open stages may deviate from their default (WON is 100, LOST 0).' })
  probability?: number | null;
  @Field(() => ID, { nullable: true, description: 'Owner. Defaults to you on create; a rep always owns their deals; a manager may pick anyone in their team.' }) ownerId?: string | null;
  @Field(() => [String], { nullable: true, description: 'Competitors in the deal (replaces the list; at most 20).' }) competitors?: string[] | null;
  @Field(() => ID, { nullable: true, description: 'The campaign the deal is attributed to; null for none.' }) campaignId?: string | null;
  @Field(() => LostReason, { nullable: true, description: 'Why the deal was lost: required when the stage becomes LOST, refused otherwise.' }) lostReason?: LostReason | null;
  @Field(() => String, { nullable: true, description: 'Note on the loss (up to 2000 characters); only with LOST.' }) lostNote?: string | null;
}

@InputType({ description: 'A new opportunity on a customer you can see.' })
export class CreateOpportunityInput extends OpportunityFields implements opportunities.CreateOpportunityInput {
  @Field(() => ID, { description: 'The customer (visible to you, not deleted).' }) customerId!: string;
  @Field({ description: 'Name of the deal (1–200 characters).' }) name!: string;
  @Field(() => DecimalScalar, { description: 'Expected value, 0 or more with at most 2 decimals, e.g. "12500.00".' }) amount!: string;
  @Field(() => LocalDateScalar, { description: 'When the deal is expected to close.' }) expectedCloseDate!: string;
}

@InputType({ description: 'Changes to an opportunity. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateOpportunityInput extends OpportunityFields implements opportunities.UpdateOpportunityInput {
  @Field(() => ID, { description: 'The opportunity.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'Name of the deal (1–200 characters).' }) name?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Expected value, 0 or more with at most 2 decimals.' }) amount?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'When the deal is expected to close.' }) expectedCloseDate?: string | null;
}

@InputType({ description: 'Reopen a closed (WON or LOST) deal: explicit, recorded in the stage history (`reopened: true`) and audited.' })
export class ReopenOpportunityInput {
  @Field(() => ID, { description: 'The opportunity.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => OpportunityStage, { description: 'The open stage to put it back in; its probability becomes that stage\'s default.' }) stage!: OpportunityStage;
}

@InputType({ description: 'Identifies one opportunity.' })
export class OpportunityIdInput {
  @Field(() => ID, { description: 'The opportunity.' }) id!: string;
}

@ObjectType({ description: 'Result of an opportunity mutation.' })
export class OpportunityPayload {
  @Field(() => Opportunity, { nullable: true, description: 'The opportunity after the change; null when `errors` is not empty.' }) opportunity!: Opportunity | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

// ------------------------------------------------------------------------------------------ quotes

@InputType({ description: 'One priced line of a quote.' })
export class QuoteLineInput {
  @Field(() => String, { nullable: true, description: 'Product reference (SKU, up to 60 characters); omit for a free-text line.' }) productRef?: string | null;
  @Field({ description: 'What is offered (1–500 characters).' }) description!: string;
  @Field(() => DecimalScalar, { description: 'Quantity, more than 0, at most 3 decimals, e.g. "2" or "1.5".' }) quantity!: string;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Price of one unit in the opportunity\'s currency, 0 or more, at most 2 decimals. Omit it to price the line from the catalogue by `productRef`: '
      + 'the member price when the customer is a member of the loyalty programme and the product has one, else the list price.',
  }) unitPrice?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Discount on the line in % (0–100, at most 2 decimals); 0 when omitted.' }) discountPercent?: string | null;
}

@InputType({ description: 'A new DRAFT quote on an open opportunity. Totals are computed from the lines.' })
export class CreateQuoteInput implements quotes.CreateQuoteInput {
  @Field(() => ID, { description: 'The opportunity (visible to you, open).' }) opportunityId!: string;
  @Field(() => LocalDateScalar, { description: 'Last day the offer is valid (today or later, UTC).' }) validUntil!: string;
  @Field(() => String, { nullable: true, description: 'Notes printed on the quote (up to 4000 characters).' }) notes?: string | null;
  @Field(() => [QuoteLineInput], { description: 'The lines, in order (1–100).' }) lines!: QuoteLineInput[];
}

@InputType({ description: 'Changes to a DRAFT quote. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateQuoteInput implements quotes.UpdateQuoteInput {
  @Field(() => ID, { description: 'The quote.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day the offer is valid (today or later, UTC).' }) validUntil?: string | null;
  @Field(() => String, { nullable: true, description: 'Notes; null clears them.' }) notes?: string | null;
  @Field(() => [QuoteLineInput], { nullable: true, description: 'The lines (replaces all lines; 1–100).' }) lines?: QuoteLineInput[] | null;
}

@InputType({ description: 'Identifies one quote.' })
export class QuoteIdInput {
  @Field(() => ID, { description: 'The quote.' }) id!: string;
}

@InputType({ description: 'Accept a SENT quote on behalf of the customer.' })
export class AcceptQuoteInput {
  @Field(() => ID, { description: 'The quote.' }) id!: string;
  @Field(() => Boolean, { defaultValue: true, description: 'Also mark the opportunity WON, with the quote\'s total as its amount (and the quote\'s currency).' })
  markOpportunityWon!: boolean;
}

@ObjectType({ description: 'Result of a quote mutation.' })
export class QuotePayload {
  @Field(() => Quote, { nullable: true, description: 'The quote after the change; null when `errors` is not empty.' }) quote!: Quote | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'Result of `acceptQuote`.' })
export class AcceptQuotePayload {
  @Field(() => Quote, { nullable: true, description: 'The accepted quote; null when `errors` is not empty.' }) quote!: Quote | null;
  @Field(() => Opportunity, { nullable: true, description: 'Its opportunity after the change (WON when `markOpportunityWon`); null when `errors` is not empty.' }) opportunity!: Opportunity | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success. An expired quote is marked EXPIRED even though the acceptance is refused.' }) errors!: UserError[];
}
