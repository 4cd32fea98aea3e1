import { LazyField } from './compiled-execution';
import { Field, Int, ObjectType, createUnionType, registerEnumType } from 'type-graphql';
import { typeOfId } from '../entities/ids';
import { TIMELINE_KINDS, TIMELINE_KIND_DESCRIPTIONS, timelineEntities, type TimelineKind } from '../services/timeline.service';
import { PageInfo } from './connection';
import { nonEmpty } from './non-empty';
import { DateTimeScalar } from './scalars';

// Values and union members come from the domains' timeline sources (registered before the schema is built).
registerEnumType(TIMELINE_KINDS, {
  name: 'TimelineItemKind',
  description: 'The kinds of entries on a customer timeline.',
  valuesConfig: TIMELINE_KIND_DESCRIPTIONS,
});

export const TimelineItem = createUnionType({
  name: 'TimelineItem',
  description: 'What a timeline entry shows; select the fields of each kind with `... on Activity { … }` and so on.',
  // Read when the schema is built, after the domains registered their sources.
  types: () => nonEmpty(timelineEntities(), 'timeline sources'),
  // Rows are plain objects: the id prefix names the type.
  resolveType: (value: { id?: unknown }) => (typeof value.id === 'string' ? typeOfId(value.id) : null) ?? undefined,
});

@ObjectType({ description: 'One entry of a customer timeline, with its cursor.' })
export class TimelineEdge {
  @Field({ description: 'Opaque position of this entry; pass it as `after`.' }) cursor!: string;
  @Field(() => TIMELINE_KINDS, { description: 'Which kind of entry `node` is.' }) kind!: TimelineKind;
  @Field(() => DateTimeScalar, { description: 'When it happened (UTC); the timeline is ordered by this, newest first.' }) at!: Date;
  @Field(() => TimelineItem, { description: 'The entry itself.' }) node!: typeof TimelineItem;
}

@ObjectType({ description: 'A page of a customer timeline, newest first.' })
export class TimelineConnection {
  @Field(() => [TimelineEdge], { description: 'The entries of this page, newest first.' }) edges!: TimelineEdge[];
  @Field(() => PageInfo, { description: 'Paging information (forward only: `first` + `after`).' }) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'How many entries match in all (same kinds and time range); counted only when asked for.' }) @LazyField() totalCount!: number;
}
