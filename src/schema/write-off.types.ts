import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Receivable } from '../entities/receivable.entity';
import { WriteOffCategory } from '../entities/write-off.enums';
import type * as writeOffs from '../services/write-off.service';
import { AppliedRate } from './exchange-rate.types';
import { UserError } from './payload';
import { DateTimeScalar, DecimalScalar, LocalDateScalar } from './scalars';

/** Inputs and results of the bad-debt write-off (`writeOffReceivable`, `writeOffReport`; services/write-off.service.ts). */

@InputType({ description: 'Write off what is still outstanding on one receivable as bad debt.' })
export class WriteOffReceivableInput implements writeOffs.WriteOffReceivableInput {
  @Field(() => ID, { description: 'The receivable (`rcv_…`): OPEN or OVERDUE with money outstanding.' }) receivableId!: string;
  @Field(() => Int, { description: 'The receivable\'s `version` as you read it; a stale one is a CONFLICT (it was paid or changed meanwhile).' }) version!: number;
  @Field(() => WriteOffCategory, { description: 'The kind of reason.' }) category!: WriteOffCategory;
  @Field({ description: 'Why, in words (1–500 characters after trimming; blank is refused).' }) reason!: string;
}

@ObjectType({ description: 'Result of writing off a receivable.' })
export class WriteOffPayload {
  @Field(() => Receivable, { nullable: true, description: 'The receivable, now WRITTEN_OFF; null when `errors` is not empty (then nothing was written).' })
  receivable!: Receivable | null;

  @Field(() => [UserError], { description: 'Why the write-off was refused; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'One receivable written off in the period.' })
export class WriteOffLine {
  @Field(() => ID, { description: 'The receivable written off (`rcv_…`).' }) receivableId!: string;
  @Field({ description: 'Its invoice number, e.g. "INV-000042".' }) number!: string;
  @Field(() => ID, { description: 'The customer who owed it (`cus_…`), also when the customer was deleted since.' }) customerId!: string;
  @Field({ description: 'ISO 4217 currency of the amounts of this line: the receivable\'s, or the reporting currency `in` when given.' }) currency!: string;
  @Field(() => DecimalScalar, {
    description: 'The money written off: what was outstanding at the write-off, receivableAmount − paidAmount (decimal string). With `in`, this and the '
      + 'two amounts below are each converted at the rate of the write-off date (`writtenOn`) and rounded to the cent (so the difference may be off by a cent).',
  })
  amount!: string;
  @Field(() => DecimalScalar, { description: 'The amount the receivable billed (decimal string).' }) receivableAmount!: string;
  @Field(() => DecimalScalar, { description: 'What had been paid on it before it was written off (decimal string).' }) paidAmount!: string;
  @Field(() => WriteOffCategory, { description: 'The kind of reason.' }) category!: WriteOffCategory;
  @Field({ description: 'Why, in words.' }) reason!: string;
  @Field(() => ID, { description: 'The FINANCE user who wrote it off (`usr_…`).' }) writtenOffById!: string;
  @Field(() => DateTimeScalar, { description: 'When it was written off (UTC).' }) writtenOffAt!: Date;
  @Field(() => LocalDateScalar, { description: 'The write-off date: the UTC date of `writtenOffAt`, the day it leaves AR and the date of its statement line.' }) writtenOn!: string;
  @Field(() => [AppliedRate], {
    description: 'With `in`: the exchange rate applied to this line (its receivable\'s currency → `in`; empty when already in `in`). Without `in`: empty.',
  })
  rates!: AppliedRate[];
}

@ObjectType({ description: 'The write-offs of the period in one currency.' })
export class WriteOffTotal {
  @Field({ description: 'ISO 4217 currency.' }) currency!: string;
  @Field(() => Int, { description: 'How many receivables were written off in the period in this currency (lines beyond `limit` included).' }) count!: number;
  @Field(() => DecimalScalar, { description: 'The sum of their written-off amounts (decimal string, in `currency`; with `in`, of the converted lines).' }) amount!: string;
  @Field(() => [AppliedRate], { description: 'With `in`: the exchange rates applied to these write-offs (distinct, in a fixed order). Without `in`: empty.' })
  rates!: AppliedRate[];
}

@ObjectType({ description: 'Bad debt written off in a period [from, to): the write-offs and their totals per currency (currencies are never added together), '
  + 'or, with `in`, all in one reporting currency (each line converted at the rate of its write-off date).' })
export class WriteOffReport {
  @Field(() => LocalDateScalar, { description: 'First write-off date of the period (included).' }) from!: string;
  @Field(() => LocalDateScalar, { description: 'End of the period (excluded): write-offs dated before it count.' }) to!: string;
  @Field(() => Int, { description: 'How many receivables were written off in the period (all of them, also beyond `limit`).' }) lineCount!: number;
  @Field({ description: 'True when `lines` was cut at `limit`: the totals still cover every write-off of the period.' }) truncated!: boolean;
  @Field(() => [WriteOffLine], { description: 'The write-offs, oldest first (by `writtenOffAt`, then receivable id), at most `limit`.' }) lines!: WriteOffLine[];
  @Field(() => [WriteOffTotal], {
    description: 'Per currency (by currency code): count and sum of the written-off amounts of every write-off of the period; empty when none. With `in`: '
      + 'one total in `in` over every currency (empty when none).',
  })
  totals!: WriteOffTotal[];
}
