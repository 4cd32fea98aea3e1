import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Activity } from '../entities/activity.entity';
import { ActivityDirection, ActivityType } from '../entities/enums';
import { connectionType } from './connection';
import { SortDirection } from './enums';
import { DateTimeFilter, IdFilter, enumFilter } from './filters';
import { UserError } from './payload';
import { DateTimeScalar } from './scalars';
import type * as activities from '../services/activity.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { ACTIVITY_FILTER, ACTIVITY_ORDER } from '../services/activity.service';
import type { SortFieldOf } from '../services/read-model';

export const ActivityConnection = connectionType(Activity, 'Activity');

const ActivityTypeFilter = enumFilter(ActivityType, 'ActivityType');
const ActivityDirectionFilter = enumFilter(ActivityDirection, 'ActivityDirection');

@InputType({ description: 'Which activities to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class ActivityFilter {
  @Field(() => [ActivityFilter], { nullable: true, description: 'All of these hold.' }) and?: ActivityFilter[];
  @Field(() => [ActivityFilter], { nullable: true, description: 'At least one of these holds.' }) or?: ActivityFilter[];
  @Field(() => ActivityFilter, { nullable: true, description: 'This does not hold.' }) not?: ActivityFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The activity id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The customer it was with.' }) customerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The contact it was with (`isNull: true`: activities with no contact).' }) contactId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The opportunity it was about (`isNull: true`: activities about no deal).' }) opportunityId?: IdFilter;
  @Field(() => ActivityTypeFilter, { nullable: true, description: 'The kind of interaction.' }) type?: object;
  @Field(() => ActivityDirectionFilter, { nullable: true, description: 'INBOUND or OUTBOUND (`isNull: true`: activities without a direction, e.g. notes).' }) direction?: object;
  @Field(() => IdFilter, { nullable: true, description: 'The user who performed it.' }) performedById?: IdFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When it happened, e.g. `{ gte: "2026-03-01T00:00:00Z", lt: "2026-04-01T00:00:00Z" }`.' }) occurredAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When it was logged.' }) createdAt?: DateTimeFilter;
}

export const ActivityOrderField = sortEnum(ACTIVITY_ORDER, 'ActivityOrderField', 'Fields activities can be sorted by.');
export type ActivityOrderField = SortFieldOf<typeof ACTIVITY_ORDER>;
export type ActivityFilterMatchesService = Assert<SameFilterFields<ActivityFilter, typeof ACTIVITY_FILTER>>;

@InputType({ description: 'One sort key for activities; the id always breaks the last tie.' })
export class ActivityOrderBy {
  @Field(() => ActivityOrderField, { description: 'What to sort by.' }) field!: ActivityOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC, description: 'Direction (newest first by default).' }) direction!: SortDirection;
}

@InputType({ description: 'Activity fields shared by log and update; on update an omitted field is unchanged, null clears an optional one.' })
class ActivityFields {
  @Field(() => ActivityDirection, {
    nullable: true,
    description: 'INBOUND or OUTBOUND. Required for CALL, EMAIL, SMS, CHAT, LETTER and FAX; refused for NOTE; optional for VISIT, MEETING and WEB.',
  })
  direction?: ActivityDirection | null;

  @Field(() => String, { nullable: true, description: 'Call or visit notes, the e-mail text (up to 20,000 characters).' }) body?: string | null;
  @Field(() => String, { nullable: true, description: 'What came of it, e.g. "asked for a quote" (up to 500 characters).' }) outcome?: string | null;
  @Field(() => Int, { nullable: true, description: 'Duration in minutes, 0–1440.' }) durationMinutes?: number | null;
  @Field(() => ID, { nullable: true, description: 'The contact it was with: a live contact of the same customer.' }) contactId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The opportunity it was about: a visible, live opportunity of the same customer.' }) opportunityId?: string | null;
}

@InputType({ description: 'A new activity. It is performed by you (the signed-in user).' })
export class LogActivityInput extends ActivityFields implements activities.LogActivityInput {
  @Field(() => ID, { description: 'The customer the activity was with (one you can see).' }) customerId!: string;
  @Field(() => ActivityType, { description: 'What kind of interaction.' }) type!: ActivityType;
  @Field({ description: 'Short subject line (1–200 characters).' }) subject!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it happened; now when omitted. At most 5 minutes in the future (plan future work as a task).' })
  occurredAt?: Date | null;
}

@InputType({ description: 'Changes to an activity (the author, ADMIN, or a manager over the author). Pass the `version` you read; a stale one is a CONFLICT. The customer cannot change.' })
export class UpdateActivityInput extends ActivityFields implements activities.UpdateActivityInput {
  @Field(() => ID, { description: 'The activity.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => ActivityType, { nullable: true, description: 'What kind of interaction.' }) type?: ActivityType | null;
  @Field(() => String, { nullable: true, description: 'Short subject line (1–200 characters).' }) subject?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it happened; at most 5 minutes in the future.' }) occurredAt?: Date | null;
}

@InputType({ description: 'Identifies one activity.' })
export class ActivityIdInput {
  @Field(() => ID, { description: 'The activity.' }) id!: string;
}

@ObjectType({ description: 'Result of an activity mutation.' })
export class ActivityPayload {
  @Field(() => Activity, { nullable: true, description: 'The activity after the change; null when `errors` is not empty.' }) activity!: Activity | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}
