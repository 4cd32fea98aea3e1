import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Customer } from '../entities/customer.entity';
import { Receivable } from '../entities/receivable.entity';
import { User } from '../entities/user.entity';
import { LocalDateScalar } from '../schema/scalars';
import { WriteOffLine, WriteOffPayload, WriteOffReceivableInput, WriteOffReport } from '../schema/write-off.types';
import * as writeOffs from '../services/write-off.service';
import type { Row } from './row';

@ArgsType()
class WriteOffReportArgs {
  @Field(() => LocalDateScalar, { description: 'First write-off date counted (UTC date of `writtenOffAt`, included).' })
  from!: string;

  @Field(() => LocalDateScalar, { description: 'End of the period (excluded): write-offs dated on or after it do not count. Must be after `from`.' })
  to!: string;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency: only write-offs in this currency (also with `in`). Null: every currency.' })
  currency?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A reporting currency (ISO 4217): every line\'s amounts converted into it at the rate of its write-off date (`writtenOn`; see `AppliedRate`; '
      + 'each amount rounded to the cent), with one total in it (the sum of the converted lines), lines and total listing the rates applied. A currency '
      + 'without a rate fails the report (BAD_USER_INPUT, field `in`, naming the pair and date). Null: amounts and totals per currency, never added.',
  })
  in?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this customer (`cus_…`); a customer outside your scope counts nothing. Null: every customer in your scope.' })
  customerId?: string | null;

  @Field(() => Int, { defaultValue: writeOffs.WRITE_OFF_DEFAULT_LIMIT, description: `At most this many lines (1–${writeOffs.WRITE_OFF_MAX_LIMIT}), oldest first; the totals cover all.` })
  limit!: number;
}

/** Bad-debt write-off: the mutation and the report (services/write-off.service.ts). */
@Resolver()
export class WriteOffResolver {
  @Mutation(() => WriteOffPayload, {
    description: 'Write off, as bad debt, what is still outstanding on an OPEN or OVERDUE receivable (FINANCE only; ADMIN and every other role: FORBIDDEN). '
      + 'It becomes WRITTEN_OFF with writtenOffAmount = amount − paidAmount, and leaves accounts receivable: receivablesSummary, agingReport as of its '
      + 'write-off date (UTC) or later, credit exposure and dunning no longer count it, no payment can be applied to it, its open COLLECTION task is '
      + 'closed, and statements show a WRITE_OFF line lowering the balance. Audited (UPDATE of the receivable). Refused (payload errors): not found or '
      + 'not visible (NOT_FOUND on input.receivableId); SETTLED, already WRITTEN_OFF or nothing outstanding (BUSINESS_RULE on input.receivableId); '
      + 'stale version (CONFLICT on input.version); blank or too long reason (VALIDATION on input.reason). One transaction: on any error nothing is written.',
  })
  writeOffReceivable(@Arg('input', () => WriteOffReceivableInput, { description: 'The receivable, its version, and why.' }) input: WriteOffReceivableInput,
    @Ctx() ctx: GraphQLContext) {
    return writeOffs.writeOffReceivable(serviceContext(ctx), input);
  }

  @Query(() => WriteOffReport, {
    description: 'Bad debt written off in [from, to) (by UTC write-off date): each write-off with customer, receivable, amount, reason, who and when, and '
      + 'the totals per currency (or all converted into one reporting currency: `in`). FINANCE and ADMIN see every customer, also customers deleted since (their write-offs still count); '
      + 'a SALES_MANAGER the live customers of their team; a SALES_REP their own live customers (like the other finance reports). Other roles: FORBIDDEN.',
  })
  writeOffReport(@Args() args: WriteOffReportArgs, @Ctx() ctx: GraphQLContext) {
    return writeOffs.writeOffReport(serviceContext(ctx), args);
  }
}

/** The customer, receivable and user behind a write-off line, batched through the request's loaders. */
@Resolver(() => WriteOffLine)
export class WriteOffLineResolver {
  @FieldResolver(() => Customer, { nullable: true, description: 'The customer who owed it; null when the customer record is not visible to you (e.g. deleted).' })
  customer(@Root() row: Row<WriteOffLine>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(row.customerId);
  }

  @FieldResolver(() => Receivable, { nullable: true, description: 'The receivable written off.' })
  receivable(@Root() row: Row<WriteOffLine>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.receivableById.load(row.receivableId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user who wrote it off.' })
  writtenOffBy(@Root() row: Row<WriteOffLine>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(row.writtenOffById);
  }
}

/** Who wrote a receivable off. */
@Resolver(() => Receivable)
export class ReceivableWriteOffResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The FINANCE user who wrote it off; null unless WRITTEN_OFF (or when the user is not visible to you).' })
  writtenOffBy(@Root() r: Row<Receivable>, @Ctx() ctx: GraphQLContext) {
    return r.writtenOffBy ? ctx.loaders.user.load(r.writtenOffBy) : null;
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const writeOffResolvers = [WriteOffResolver, WriteOffLineResolver, ReceivableWriteOffResolver];
