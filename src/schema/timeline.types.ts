import { Field, Int, ObjectType, createUnionType, registerEnumType } from 'type-graphql';
import { Activity } from '../entities/activity.entity';
import { AuditEvent } from '../entities/audit-event.entity';
import { Contract } from '../entities/contract.entity';
import { Order } from '../entities/order.entity';
import { Payment } from '../entities/payment.entity';
import { ServiceCase } from '../entities/service-case.entity';
import { typeOfId } from '../entities/ids';
import { OpportunityStageChange } from '../entities/stage-change.entity';
import { TimelineKind } from '../services/timeline.service';
import { PageInfo } from './connection';
import { DateTimeScalar } from './scalars';

registerEnumType(TimelineKind, {
  name: 'TimelineItemKind',
  description: 'The kinds of entries on a customer timeline.',
  valuesConfig: {
    ACTIVITY: { description: 'An interaction (call, visit, e-mail, note, …): the node is an `Activity`, `at` is its `occurredAt`.' },
    STAGE_CHANGE: { description: 'An opportunity moved stage: the node is an `OpportunityStageChange`, `at` is when.' },
    AUDIT_EVENT: { description: 'A change to the customer, its contacts, deals, contracts, receivables or credit: the node is an `AuditEvent`.' },
    ORDER: { description: 'An order was placed: the node is an `Order`, `at` is its `createdAt`. Shown to those who read the customer\'s orders.' },
    CONTRACT: { description: 'A contract was drawn up: the node is a `Contract`, `at` is its `createdAt`. Shown to those who read contracts.' },
    CASE: { description: 'A service case was opened: the node is a `ServiceCase`, `at` is its `createdAt`. Shown to those who read the customer\'s cases (never its internal notes: comments are not timeline entries).' },
    PAYMENT: { description: 'A payment was recorded: the node is a `Payment`, `at` is when it was recorded. Shown to those who read the customer\'s account.' },
  },
});

export const TimelineItem = createUnionType({
  name: 'TimelineItem',
  description: 'What a timeline entry shows; select the fields of each kind with `... on Activity { … }` and so on.',
  types: () => [Activity, OpportunityStageChange, AuditEvent, Order, Contract, Payment, ServiceCase] as const,
  // Rows are plain objects: the id prefix names the type.
  resolveType: (value: { id: string }) => typeOfId(value.id) ?? undefined,
});

@ObjectType({ description: 'One entry of a customer timeline, with its cursor.' })
export class TimelineEdge {
  @Field({ description: 'Opaque position of this entry; pass it as `after`.' }) cursor!: string;
  @Field(() => TimelineKind, { description: 'Which kind of entry `node` is.' }) kind!: TimelineKind;
  @Field(() => DateTimeScalar, { description: 'When it happened (UTC); the timeline is ordered by this, newest first.' }) at!: Date;
  @Field(() => TimelineItem, { description: 'The entry itself.' }) node!: typeof TimelineItem;
}

@ObjectType({ description: 'A page of a customer timeline, newest first.' })
export class TimelineConnection {
  @Field(() => [TimelineEdge], { description: 'The entries of this page, newest first.' }) edges!: TimelineEdge[];
  @Field(() => PageInfo, { description: 'Paging information (forward only: `first` + `after`).' }) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'How many entries match in all (same kinds and time range); counted only when asked for.' }) totalCount!: number;
}
