import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Campaign } from '../entities/campaign.entity';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Lead } from '../entities/lead.entity';
import { Opportunity } from '../entities/opportunity.entity';
import { User } from '../entities/user.entity';
import * as campaigns from '../services/campaign.service';
import * as leads from '../services/lead.service';
import {
  AssignLeadInput, CampaignConnection, CampaignFilter, CampaignOrderBy, CampaignPayload, CampaignResults, ConvertLeadInput, ConvertLeadPayload,
  CreateCampaignInput, CreateLeadInput, LeadConnection, LeadFilter, LeadOrderBy, LeadPayload, UpdateCampaignInput, UpdateLeadInput,
} from '../schema/lead.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class CampaignsArgs extends ConnectionArgs {
  @Field(() => CampaignFilter, { nullable: true, description: filterDescription('campaigns') }) filter?: CampaignFilter | null;
  @Field(() => [CampaignOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: CampaignOrderBy[] | null;
}

@ArgsType()
class LeadsArgs extends ConnectionArgs {
  @Field(() => LeadFilter, { nullable: true, description: filterDescription('leads') }) filter?: LeadFilter | null;
  @Field(() => [LeadOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: LeadOrderBy[] | null;
}

/** Campaigns: queries, mutations and the fields that need a lookup. */
@Resolver(() => Campaign)
export class CampaignResolver {
  @Query(() => CampaignConnection, { description: 'Campaigns (all of them; ADMIN, MARKETING, sales roles, FINANCE and ANALYST).' })
  campaigns(@Args() args: CampaignsArgs, @Ctx() ctx: GraphQLContext) {
    return campaigns.listCampaigns(serviceContext(ctx), args);
  }

  @Query(() => Campaign, { nullable: true, description: `One campaign; ${NULL_WHEN_ABSENT} (campaigns are visible to the roles that read them).` })
  campaign(@IdArg('Campaign', 'campaign') id: string, @Ctx() ctx: GraphQLContext) {
    return campaigns.getCampaign(serviceContext(ctx), id);
  }

  @FieldResolver(() => User, { description: 'The user responsible for the campaign (MARKETING or ADMIN).' })
  owner(@Root() campaign: Row<Campaign>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(refId(campaign.owner)!);
  }

  @FieldResolver(() => CampaignResults, { description: 'What the campaign brought in (computed in one statement for every campaign of the page), within your record scope.' })
  results(@Root() campaign: Row<Campaign>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.campaignResults.load(campaign.id);
  }

  @Mutation(() => CampaignPayload, { description: 'Create a campaign (MARKETING, ADMIN).' })
  createCampaign(@InputArg() input: CreateCampaignInput, @Ctx() ctx: GraphQLContext) {
    return campaigns.createCampaign(serviceContext(ctx), input);
  }

  @Mutation(() => CampaignPayload, { description: 'Change a campaign (MARKETING, ADMIN). Stale `version`: CONFLICT.' })
  updateCampaign(@InputArg() input: UpdateCampaignInput, @Ctx() ctx: GraphQLContext) {
    return campaigns.updateCampaign(serviceContext(ctx), input);
  }
}

/** The lead domain's queries, mutations and field resolvers. */
@Resolver(() => Lead)
export class LeadResolver {
  @Query(() => LeadConnection, { description: 'Leads visible to you: ADMIN and MARKETING all; a manager their team\'s and unassigned ones; a rep their own.' })
  leads(@Args() args: LeadsArgs, @Ctx() ctx: GraphQLContext) {
    return leads.listLeads(serviceContext(ctx), args);
  }

  @Query(() => Lead, { nullable: true, description: `One lead; ${NULL_WHEN_ABSENT}.` })
  lead(@IdArg('Lead', 'lead') id: string, @Ctx() ctx: GraphQLContext) {
    return leads.getLead(serviceContext(ctx), id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The sales user working the lead; null while unassigned.' })
  owner(@Root() lead: Row<Lead>, @Ctx() ctx: GraphQLContext) {
    const id = refId(lead.owner);
    return id ? ctx.loaders.user.load(id) : null;
  }

  @FieldResolver(() => Campaign, { nullable: true, description: 'The campaign the lead came from; null when none or your role does not read campaigns.' })
  campaign(@Root() lead: Row<Lead>, @Ctx() ctx: GraphQLContext) {
    const id = refId(lead.campaign);
    return id ? ctx.loaders.campaignById.load(id) : null;
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer the lead was converted into; null before conversion or when not visible to you.' })
  convertedCustomer(@Root() lead: Row<Lead>, @Ctx() ctx: GraphQLContext) {
    const id = refId(lead.convertedCustomer);
    return id ? ctx.loaders.customer.load(id) : null;
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact the lead became; null before conversion or when not visible to you.' })
  convertedContact(@Root() lead: Row<Lead>, @Ctx() ctx: GraphQLContext) {
    const id = refId(lead.convertedContact);
    return id ? ctx.loaders.contact.load(id) : null;
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'The opportunity opened on conversion; null when none or not visible to you.' })
  convertedOpportunity(@Root() lead: Row<Lead>, @Ctx() ctx: GraphQLContext) {
    const id = refId(lead.convertedOpportunity);
    return id ? ctx.loaders.opportunityById.load(id) : null;
  }

  @Mutation(() => LeadPayload, { description: 'Create a lead (status NEW). Sales roles, MARKETING, ADMIN, and API keys with `customers:write` (web forms).' })
  createLead(@InputArg() input: CreateLeadInput, @Ctx() ctx: GraphQLContext) {
    return leads.createLead(serviceContext(ctx), input);
  }

  @Mutation(() => LeadPayload, { description: 'Change a lead you can see. Stale `version`: CONFLICT. Converted leads are final.' })
  updateLead(@InputArg() input: UpdateLeadInput, @Ctx() ctx: GraphQLContext) {
    return leads.updateLead(serviceContext(ctx), input);
  }

  @Mutation(() => LeadPayload, { description: 'Give a lead to a sales user: a manager within their team (for leads they see), MARKETING and ADMIN to anyone in sales.' })
  assignLead(@InputArg() input: AssignLeadInput, @Ctx() ctx: GraphQLContext) {
    return leads.assignLead(serviceContext(ctx), input);
  }

  @Mutation(() => ConvertLeadPayload, {
    description: 'Turn a lead into a customer (matched or new) and a contact, optionally with an opportunity, in one transaction; the lead becomes CONVERTED. '
      + 'A converted lead cannot be converted again (BUSINESS_RULE).',
  })
  convertLead(@InputArg() input: ConvertLeadInput, @Ctx() ctx: GraphQLContext) {
    return leads.convertLead(serviceContext(ctx), input);
  }
}
