import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Campaign } from '../entities/campaign.entity';
import { CampaignChannel, CampaignStatus, Role } from '../entities/enums';
import { User } from '../entities/user.entity';
import { assignDefined } from './assign';
import { readModel, type SortFieldOf, type SortTable } from './read-model';
import type { ServiceContext } from './context';
import { RollbackWithErrors, userError, type UserError } from './errors';
import { type FilterSpec } from './filter';
import { leadScope, liveCustomer, opportunityScope } from './scope';
import { FALSE, TRUE, and, list, rows, sql, type Sql } from './sql';
import { fail, inTransaction } from './transaction';
import { ID, isoDate, optionalText, parseInput, text, CURRENCY, MONEY, LOCAL_DATE, type InputOf, type NullOrOmitted } from './validation';
import { CAMPAIGN_READERS } from '../auth/roles';

/**
 * Campaigns: where leads come from and what won deals are attributed to. Campaigns carry no record
 * scope: every role that may read campaigns reads all of them (their results are scoped, below).
 */

export type CampaignRow = Campaign;

/** Condition for `campaign` rows: all of them for campaign readers, none for anyone else. */
function campaignScope(principal: Principal): Sql {
  return CAMPAIGN_READERS.includes(principal.role) ? TRUE : FALSE;
}

export type CampaignOrderField = SortFieldOf<typeof CAMPAIGN_ORDER>;

/** The sort enum `CampaignOrderField` (schema/lead.inputs.ts registers it from this table). */
export const CAMPAIGN_ORDER = {
  CREATED_AT: { expr: 'cp.created_at', get: (r) => r.createdAt, description: 'When the campaign was created.' },
  STARTS_ON: { expr: 'cp.starts_on', get: (r) => r.startsOn, description: 'The campaign\'s first day.' },
  NAME: { expr: 'cp.name', get: (r) => r.name, description: 'The campaign\'s name.' },
} satisfies SortTable<CampaignRow>;

/** The fields of the GraphQL `CampaignFilter` (which checks it names the same ones). */
export const CAMPAIGN_FILTER = {
  id: { expr: 'cp.id', kind: 'scalar' },
  name: { expr: 'cp.name', kind: 'text' },
  channel: { expr: 'cp.channel', kind: 'scalar' },
  status: { expr: 'cp.status', kind: 'scalar' },
  ownerId: { expr: 'cp.owner_id', kind: 'scalar' },
  startsOn: { expr: 'cp.starts_on', kind: 'scalar' },
  endsOn: { expr: 'cp.ends_on', kind: 'scalar' },
  createdAt: { expr: 'cp.created_at', kind: 'scalar' },
} satisfies FilterSpec;

export const campaignReads = readModel<CampaignRow>()({
  entity: 'Campaign', table: 'campaign', alias: 'cp',
  visible: (ctx) => campaignScope(ctx.principal),
  filter: CAMPAIGN_FILTER,
  order: { list: 'campaigns', table: CAMPAIGN_ORDER, default: { field: 'CREATED_AT', direction: 'DESC' } },
});

export const listCampaigns = campaignReads.list;
/** Campaigns by id, visible to the caller; the order of the result is not guaranteed. */
export const campaignsByIds = campaignReads.byIds;
export const getCampaign = campaignReads.get;

// -------------------------------------------------------------------------------------------- results

export interface CampaignResultsRow {
  campaignId: string;
  leads: number;
  qualifiedLeads: number;
  conversions: number;
  conversionRate: number | null;
  wonOpportunities: number;
  wonAmount: string;
  wonInOtherCurrencies: number;
}

/**
 * What the caller counts in campaign results: sales roles their own record scope (leads by
 * `leadScope`, deals by `opportunityScope`: nothing outside their book is counted, not even in a
 * sum); ADMIN, MARKETING, FINANCE and ANALYST the whole campaign (aggregates only, no records).
 */
export function resultScopes(principal: Principal): { leads: Sql; deals: Sql } {
  // Deals of deleted customers are gone from every read, results included.
  const live = liveCustomer('o.customer_id');
  if (principal.role === Role.SALES_REP || principal.role === Role.SALES_MANAGER) {
    return { leads: leadScope(principal, 'l'), deals: and([opportunityScope(principal, 'o'), live]) };
  }
  return { leads: TRUE, deals: live };
}

/**
 * Results of several campaigns in one statement. A WON opportunity is attributed to its own
 * `campaign_id`, or, when it has none, to the campaign of the lead it came from (one campaign per
 * deal, so the campaigns' won amounts add up). `wonAmount` sums the deals in the campaign's currency.
 */
export async function campaignResultsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Map<string, CampaignResultsRow>> {
  if (!ids.length) return new Map();
  const idList = list([...ids]);
  const scope = resultScopes(ctx.principal);
  const found = await rows<CampaignResultsRow>(ctx.em, sql`select cp.id as "campaignId",
      coalesce(ls.leads, 0)::int as leads,
      coalesce(ls.qualified, 0)::int as "qualifiedLeads",
      coalesce(ls.conversions, 0)::int as conversions,
      case when coalesce(ls.leads, 0) = 0 then null else round(ls.conversions::numeric / ls.leads, 4)::float8 end as "conversionRate",
      coalesce(ws.won, 0)::int as "wonOpportunities",
      round(coalesce(ws.amount, 0), 2)::text as "wonAmount",
      coalesce(ws.other, 0)::int as "wonInOtherCurrencies"
    from campaign cp
    left join (
      select l.campaign_id as id, count(*) as leads,
        count(*) filter (where l.status in ('QUALIFIED', 'CONVERTED')) as qualified,
        count(*) filter (where l.status = 'CONVERTED') as conversions
      from lead l
      where l.campaign_id in ${idList} and ${scope.leads}
      group by l.campaign_id
    ) ls on ls.id = cp.id
    left join (
      select w.id, count(*) as won,
        sum(w.amount) filter (where w.currency = wc.currency) as amount,
        count(*) filter (where w.currency <> wc.currency) as other
      from ${attributedWonDeals(idList, scope.deals)} w join campaign wc on wc.id = w.id
      group by w.id
    ) ws on ws.id = cp.id
    where cp.id in ${idList}`);
  return new Map(found.map((r) => [r.campaignId, r]));
}

/**
 * The attribution of won deals to campaigns, as a subquery of rows (id = the campaign, amount, currency, closed_at):
 * a WON, not deleted opportunity counts for its own `campaign_id`, or, when it has none, for the
 * campaign of the lead it came from — one campaign per deal. `campaignIds` is what follows `in` (a list
 * or a subquery in parentheses), `dealScope` a condition on the opportunity aliased `o`. Used by the
 * campaign results and by `campaignRoi` (revenue-reports.service.ts), so both attribute alike.
 */
export function attributedWonDeals(campaignIds: Sql, dealScope: Sql): Sql {
  return sql`(
    select o.campaign_id as id, o.amount, o.currency, o.closed_at from opportunity o
    where o.campaign_id in ${campaignIds} and o.stage = 'WON' and o.deleted_at is null and ${dealScope}
    union all
    select l.campaign_id as id, o.amount, o.currency, o.closed_at from lead l join opportunity o on o.lead_id = l.id
    where l.campaign_id in ${campaignIds} and o.campaign_id is null and o.stage = 'WON' and o.deleted_at is null and ${dealScope}
  )`;
}

// ---------------------------------------------------------------------------------------------- writes

const fields = {
  name: text(200),
  channel: z.nativeEnum(CampaignChannel),
  budget: MONEY.nullish(),
  currency: CURRENCY,
  startsOn: LOCAL_DATE,
  endsOn: LOCAL_DATE,
  goal: optionalText(2000),
  status: z.nativeEnum(CampaignStatus),
  ownerId: ID('usr'),
};

const CreateCampaign = z.object({
  ...fields,
  currency: fields.currency.optional(),
  status: fields.status.optional(),
  ownerId: fields.ownerId.optional(),
});

const UpdateCampaign = z.object(fields).partial().extend({ id: ID('cmp'), version: z.number().int() });

export type CreateCampaignInput = InputOf<typeof CreateCampaign>;
export type UpdateCampaignInput = { id: string; version: number } & NullOrOmitted<Partial<CreateCampaignInput>>;

/** Campaign owners: active MARKETING or ADMIN users. */
async function ownerErrors(tx: ServiceContext, ownerId: string): Promise<UserError[]> {
  const field = ['input', 'ownerId'];
  const [owner] = await rows<{ active: boolean; role: Role }>(tx.em, sql`select u.active, u.role from app_user u where u.id = ${ownerId}`);
  if (!owner) return [userError('NOT_FOUND', 'No such user.', field)];
  if (!owner.active) return [userError('VALIDATION', 'The owner is deactivated.', field)];
  if (owner.role !== Role.MARKETING && owner.role !== Role.ADMIN) return [userError('VALIDATION', 'Campaigns are owned by MARKETING or ADMIN users.', field)];
  return [];
}

/** A calendar date as "YYYY-MM-DD", however the driver hands it over. */
const day = (value: unknown): string => (value instanceof Date ? isoDate(value) : String(value));

function periodErrors(c: Campaign): UserError[] {
  return day(c.endsOn) < day(c.startsOn) ? [userError('VALIDATION', 'The campaign cannot end before it starts.', ['input', 'endsOn'])] : [];
}

function apply(tx: ServiceContext, c: Campaign, data: Partial<z.infer<typeof CreateCampaign>> & { id?: string; version?: number }) {
  const { ownerId, id: _id, version: _version, ...fields } = data;
  assignDefined(c, fields);
  if (ownerId) c.owner = tx.em.getReference(User, ownerId);
}

export async function createCampaign(ctx: ServiceContext, input: CreateCampaignInput) {
  const parsed = parseInput(CreateCampaign, input);
  if (!parsed.ok) return { campaign: null, errors: parsed.errors };
  const data = parsed.data;
  const ownerId = data.ownerId ?? ctx.principal.id;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    fail(await ownerErrors(tx, ownerId));
    const campaign = tx.em.create(Campaign, { name: data.name, channel: data.channel, startsOn: data.startsOn, endsOn: data.endsOn, owner: tx.em.getReference(User, ownerId) });
    apply(tx, campaign, { ...data, ownerId });
    fail(periodErrors(campaign));
    await tx.em.flush();
    return campaign;
  });
  return { campaign: result, errors };
}

export async function updateCampaign(ctx: ServiceContext, input: UpdateCampaignInput) {
  const parsed = parseInput(UpdateCampaign, input);
  if (!parsed.ok) return { campaign: null, errors: parsed.errors };
  const data = parsed.data;
  const { result, errors } = await inTransaction(ctx, async (tx) => {
    const [visible] = await campaignsByIds(tx, [data.id]);
    if (!visible) throw new RollbackWithErrors([userError('NOT_FOUND', 'Campaign not found.', ['input', 'id'])]);
    const campaign = await tx.em.findOneOrFail(Campaign, data.id);
    if (campaign.version !== data.version) {
      fail([userError('CONFLICT', `This campaign was changed meanwhile (now version ${campaign.version}): reload it and apply your change again.`, ['input', 'version'])]);
    }
    if (data.ownerId) fail(await ownerErrors(tx, data.ownerId));
    apply(tx, campaign, data);
    fail(periodErrors(campaign));
    await tx.em.flush();
    return campaign;
  });
  return { campaign: result, errors };
}

/** Payload error when a referenced campaign does not exist (used by leads and opportunities). */
export async function campaignErrors(tx: ServiceContext, campaignId: string | null | undefined): Promise<UserError[]> {
  if (!campaignId) return [];
  const [found] = await rows(tx.em, sql`select 1 from campaign where id = ${campaignId}`);
  return found ? [] : [userError('NOT_FOUND', 'Campaign not found.', ['input', 'campaignId'])];
}
