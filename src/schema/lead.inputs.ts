import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Campaign } from '../entities/campaign.entity';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { CampaignChannel, CampaignStatus, LeadSource, LeadStatus } from '../entities/enums';
import { Lead } from '../entities/lead.entity';
import { Opportunity } from '../entities/opportunity.entity';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { BooleanFilter, DateTimeFilter, IdFilter, IntFilter, LocalDateFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar, LocalDateScalar } from './scalars';
import type * as leads from '../services/lead.service';
import type * as campaigns from '../services/campaign.service';
import { CAMPAIGN_FILTER, CAMPAIGN_ORDER } from '../services/campaign.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { LEAD_FILTER, LEAD_ORDER } from '../services/lead.service';
import type { SortFieldOf } from '../services/read-model';

// ------------------------------------------------------------------------------------------ campaigns

export const CampaignConnection = connectionType(Campaign, 'Campaign');

const CampaignChannelFilter = enumFilter(CampaignChannel, 'CampaignChannel');
const CampaignStatusFilter = enumFilter(CampaignStatus, 'CampaignStatus');

@InputType({ description: 'Which campaigns to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class CampaignFilter {
  @Field(() => [CampaignFilter], { nullable: true, description: 'All of these hold.' }) and?: CampaignFilter[];
  @Field(() => [CampaignFilter], { nullable: true, description: 'At least one of these holds.' }) or?: CampaignFilter[];
  @Field(() => CampaignFilter, { nullable: true, description: 'This does not hold.' }) not?: CampaignFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The campaign id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The campaign\'s name.' }) name?: StringFilter;
  @Field(() => CampaignChannelFilter, { nullable: true, description: 'The channel.' }) channel?: object;
  @Field(() => CampaignStatusFilter, { nullable: true, description: 'The status.' }) status?: object;
  @Field(() => IdFilter, { nullable: true, description: 'The owner (a user id).' }) ownerId?: IdFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'First day of the campaign.' }) startsOn?: LocalDateFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'Last day of the campaign.' }) endsOn?: LocalDateFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
}

export const CampaignOrderField = sortEnum(CAMPAIGN_ORDER, 'CampaignOrderField', 'Fields campaigns can be sorted by.');
export type CampaignOrderField = SortFieldOf<typeof CAMPAIGN_ORDER>;
export type CampaignFilterMatchesService = Assert<SameFilterFields<CampaignFilter, typeof CAMPAIGN_FILTER>>;

@InputType({ description: 'One sort key for campaigns; the id always breaks the last tie.' })
export class CampaignOrderBy {
  @Field(() => CampaignOrderField, { description: 'What to sort by.' }) field!: CampaignOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'Campaign fields shared by create and update; on update an omitted field is unchanged, null clears an optional one.' })
class CampaignFields {
  @Field(() => DecimalScalar, { nullable: true, description: 'Budget in `currency`, 0 or more with at most 2 decimals, e.g. "25000.00".' }) budget?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the budget, e.g. "EUR"; "EUR" on create when omitted.' }) currency?: string | null;
  @Field(() => String, { nullable: true, description: 'What the campaign should achieve (up to 2000 characters).' }) goal?: string | null;
  @Field(() => CampaignStatus, { nullable: true, description: 'Status; PLANNED on create when omitted.' }) status?: CampaignStatus | null;
  @Field(() => ID, { nullable: true, description: 'The responsible user: an active MARKETING or ADMIN user; you when omitted on create.' }) ownerId?: string | null;
}

@InputType({ description: 'A new campaign.' })
export class CreateCampaignInput extends CampaignFields implements campaigns.CreateCampaignInput {
  @Field({ description: 'Name (1–200 characters).' }) name!: string;
  @Field(() => CampaignChannel, { description: 'The channel it runs on.' }) channel!: CampaignChannel;
  @Field(() => LocalDateScalar, { description: 'First day.' }) startsOn!: string;
  @Field(() => LocalDateScalar, { description: 'Last day; not before `startsOn`.' }) endsOn!: string;
}

@InputType({ description: 'Changes to a campaign. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateCampaignInput extends CampaignFields implements campaigns.UpdateCampaignInput {
  @Field(() => ID, { description: 'The campaign.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'Name (1–200 characters).' }) name?: string | null;
  @Field(() => CampaignChannel, { nullable: true, description: 'The channel.' }) channel?: CampaignChannel | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'First day.' }) startsOn?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Last day; not before `startsOn`.' }) endsOn?: string | null;
}

@ObjectType({ description: 'Result of a campaign mutation.' })
export class CampaignPayload {
  @Field(() => Campaign, { nullable: true, description: 'The campaign after the change; null when `errors` is not empty.' }) campaign!: Campaign | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({
  description: 'What a campaign brought in, computed when asked. ADMIN, MARKETING, FINANCE and ANALYST see the whole campaign; '
    + 'a SALES_MANAGER counts the leads of their team (and unassigned ones) and their team\'s deals; a SALES_REP their own leads and deals. '
    + 'A won deal is attributed to its own campaign, or, when it has none, to the campaign of the lead it came from.',
})
export class CampaignResults {
  @Field(() => Int, { description: 'Leads from this campaign (any status).' }) leads!: number;
  @Field(() => Int, { description: 'Of these, leads that were qualified: status QUALIFIED or CONVERTED.' }) qualifiedLeads!: number;
  @Field(() => Int, { description: 'Of these, leads converted into a customer (status CONVERTED).' }) conversions!: number;
  @Field(() => Float, { nullable: true, description: '`conversions / leads`, between 0 and 1, rounded to 4 decimals; null when there are no leads.' }) conversionRate!: number | null;
  @Field(() => Int, { description: 'WON opportunities attributed to this campaign.' }) wonOpportunities!: number;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Sum of the amounts of the WON opportunities attributed to this campaign that are in the campaign\'s `currency` (there are no exchange rates; see `wonInOtherCurrencies`). '
      + 'A deal value: ADMIN, SALES_MANAGER, SALES_REP, FINANCE and MARKETING only.',
  }) wonAmount!: string | null;
  @Field(() => Int, { description: 'WON opportunities attributed to this campaign whose currency differs from the campaign\'s, hence not in `wonAmount`.' }) wonInOtherCurrencies!: number;
}

// ---------------------------------------------------------------------------------------------- leads

export const LeadConnection = connectionType(Lead, 'Lead');

const LeadStatusFilter = enumFilter(LeadStatus, 'LeadStatus');
const LeadSourceFilter = enumFilter(LeadSource, 'LeadSource');

@InputType({ description: 'Which leads to list (always within the leads you may see). Fields are and-ed; combine with `and`, `or`, `not`.' })
export class LeadFilter {
  @Field(() => [LeadFilter], { nullable: true, description: 'All of these hold.' }) and?: LeadFilter[];
  @Field(() => [LeadFilter], { nullable: true, description: 'At least one of these holds.' }) or?: LeadFilter[];
  @Field(() => LeadFilter, { nullable: true, description: 'This does not hold.' }) not?: LeadFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The lead id.' }) id?: IdFilter;
  @Field(() => LeadStatusFilter, { nullable: true, description: 'The status.' }) status?: object;
  @Field(() => LeadSourceFilter, { nullable: true, description: 'The source.' }) source?: object;
  @Field(() => IdFilter, { nullable: true, description: 'The campaign; `isNull: true` for leads without one.' }) campaignId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The owner; `isNull: true` for unassigned leads.' }) ownerId?: IdFilter;
  @Field(() => IntFilter, { nullable: true, description: 'The score (0–100), e.g. `{ gte: 70 }`.' }) score?: IntFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The company.' }) company?: StringFilter;
  @Field(() => BooleanFilter, { nullable: true, description: 'Whether the lead agreed to receive marketing.' }) marketingConsent?: BooleanFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Last change time.' }) updatedAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Conversion time; `isNull: false` for converted leads.' }) convertedAt?: DateTimeFilter;
}

export const LeadOrderField = sortEnum(LEAD_ORDER, 'LeadOrderField', 'Fields leads can be sorted by.');
export type LeadOrderField = SortFieldOf<typeof LEAD_ORDER>;
export type LeadFilterMatchesService = Assert<SameFilterFields<LeadFilter, typeof LEAD_FILTER>>;

@InputType({ description: 'One sort key for leads; the id always breaks the last tie.' })
export class LeadOrderBy {
  @Field(() => LeadOrderField, { description: 'What to sort by.' }) field!: LeadOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'Lead fields shared by create and update; on update an omitted field is unchanged, null clears an optional one.' })
class LeadFields {
  @Field(() => String, { nullable: true, description: 'Company, for a business lead (up to 200 characters); converts into a BUSINESS customer, none into an INDIVIDUAL.' }) company?: string | null;
  @Field(() => String, { nullable: true, description: 'Job title (up to 150 characters).' }) title?: string | null;
  @Field(() => String, { nullable: true, description: 'E-mail (stored lower-case); used to match an existing contact on conversion.' }) email?: string | null;
  @Field(() => String, { nullable: true, description: 'Phone: digits, spaces and + ( ) . / - only; at least 5 digits.' }) phone?: string | null;
  @Field(() => ID, { nullable: true, description: 'The campaign the lead came from.' }) campaignId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Score 0–100; 0 on create when omitted.' }) score?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the person agreed to marketing contact; false on create when omitted.' }) marketingConsent?: boolean | null;
}

@InputType({ description: 'A new lead (status NEW). Web forms push these with an API key holding `customers:write`.' })
export class CreateLeadInput extends LeadFields implements leads.CreateLeadInput {
  @Field({ description: 'First name (1–100 characters).' }) firstName!: string;
  @Field({ description: 'Last name (1–100 characters).' }) lastName!: string;
  @Field(() => LeadSource, { nullable: true, description: 'Where the lead came from; when omitted CAMPAIGN if `campaignId` is set, else WEB for API keys and OTHER for users.' }) source?: LeadSource | null;
  @Field(() => ID, {
    nullable: true,
    description: 'Owner: an active SALES_REP or SALES_MANAGER. A rep always owns the leads they create; a manager may pick anyone in their team (themselves when omitted); '
      + 'MARKETING and ADMIN anyone in sales (unassigned when omitted); API keys may not pick (leads stay unassigned).',
  }) ownerId?: string | null;
}

@InputType({ description: 'Changes to a lead. Pass the `version` you read; a stale one is a CONFLICT. Change the owner with `assignLead`; convert with `convertLead`.' })
export class UpdateLeadInput extends LeadFields implements leads.UpdateLeadInput {
  @Field(() => ID, { description: 'The lead.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'New first name (1–100 characters); omit to keep it.' }) firstName?: string | null;
  @Field(() => String, { nullable: true, description: 'New last name (1–100 characters); omit to keep it.' }) lastName?: string | null;
  @Field(() => LeadSource, { nullable: true, description: 'Where the lead came from.' }) source?: LeadSource | null;
  @Field(() => LeadStatus, { nullable: true, description: 'NEW, WORKING, QUALIFIED or DISQUALIFIED (with `disqualifiedReason`). CONVERTED only through `convertLead`.' }) status?: LeadStatus | null;
  @Field(() => String, { nullable: true, description: 'Why the lead is disqualified (1–500 characters); required when status becomes DISQUALIFIED, refused otherwise. Cleared when the lead leaves DISQUALIFIED.' }) disqualifiedReason?: string | null;
}

@InputType({ description: 'Give a lead to a sales user.' })
export class AssignLeadInput implements leads.AssignLeadInput {
  @Field(() => ID, { description: 'The lead.' }) leadId!: string;
  @Field(() => ID, { description: 'The new owner: an active SALES_REP or SALES_MANAGER; for a manager, someone in their team.' }) ownerId!: string;
  @Field(() => Int, { nullable: true, description: 'The version you read; when given and stale, a CONFLICT.' }) version?: number | null;
}

@InputType({ description: 'The opportunity to open when converting a lead.' })
export class ConvertLeadOpportunityInput {
  @Field({ description: 'Name of the deal (1–200 characters).' }) name!: string;
  @Field(() => DecimalScalar, { description: 'Expected value, 0 or more with at most 2 decimals, e.g. "12000.00".' }) amount!: string;
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency, e.g. "USD"; "EUR" when omitted.' }) currency?: string | null;
  @Field(() => LocalDateScalar, { description: 'When the deal is expected to close.' }) expectedCloseDate!: string;
}

@InputType({
  description: 'Convert a lead in one step. The customer is the one given, else the customer (visible to you) with a contact whose e-mail is the lead\'s, '
    + 'else the BUSINESS customer (visible to you) named exactly like the lead\'s company (ignoring case), else a new one.',
})
export class ConvertLeadInput implements leads.ConvertLeadInput {
  @Field(() => ID, { description: 'The lead; not already converted, not disqualified.' }) leadId!: string;
  @Field(() => ID, { nullable: true, description: 'Attach the lead to this existing customer instead of matching or creating one.' }) customerId?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'Who owns what the conversion creates (a new customer, the opportunity): an active SALES_REP or SALES_MANAGER you may assign to '
      + '(a manager: their team; a rep: only themselves). Null: the lead\'s owner, else you — but an ADMIN converting a lead without an owner '
      + 'must give one (refused with an error on `ownerId`), so that the deal belongs to a sales user.',
  })
  ownerId?: string | null;
  @Field(() => ConvertLeadOpportunityInput, { nullable: true, description: 'Also open an opportunity (stage PROSPECTING, owned like the customer, linked to the lead and its campaign).' })
  createOpportunity?: ConvertLeadOpportunityInput | null;
}

@ObjectType({ description: 'Result of a lead mutation.' })
export class LeadPayload {
  @Field(() => Lead, { nullable: true, description: 'The lead after the change; null when `errors` is not empty.' }) lead!: Lead | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'Result of `convertLead`: everything it created or matched. All null when `errors` is not empty (then nothing changed).' })
export class ConvertLeadPayload {
  @Field(() => Lead, { nullable: true, description: 'The lead, now CONVERTED.' }) lead!: Lead | null;
  @Field(() => Customer, { nullable: true, description: 'The customer, matched or created.' }) customer!: Customer | null;
  @Field(() => Contact, { nullable: true, description: 'The contact, matched (same e-mail at that customer) or created.' }) contact!: Contact | null;
  @Field(() => Opportunity, { nullable: true, description: 'The opportunity, when one was asked for.' }) opportunity!: Opportunity | null;
  @Field(() => Boolean, { description: 'True when a new customer was created, false when an existing one was used.' }) customerCreated!: boolean;
  @Field(() => [UserError], { description: 'Why the conversion was refused; empty on success.' }) errors!: UserError[];
}
