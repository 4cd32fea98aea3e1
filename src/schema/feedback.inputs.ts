import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ProductFeedback } from '../entities/product-feedback.entity';
import { ServiceCase } from '../entities/service-case.entity';
import { FeedbackStatus } from '../entities/service.enums';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, IdFilter, StringFilter, enumFilter } from './filters';
import { UserError } from './payload';
import type * as feedbacks from '../services/feedback.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { FEEDBACK_FILTER, FEEDBACK_ORDER } from '../services/feedback.service';
import type { SortFieldOf } from '../services/read-model';

export const ProductFeedbackConnection = connectionType(ProductFeedback, 'ProductFeedback');

const FeedbackStatusFilter = enumFilter(FeedbackStatus, 'FeedbackStatus');

@InputType({ description: 'Which product feedback to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class ProductFeedbackFilter {
  @Field(() => [ProductFeedbackFilter], { nullable: true, description: 'All of these hold.' }) and?: ProductFeedbackFilter[];
  @Field(() => [ProductFeedbackFilter], { nullable: true, description: 'At least one of these holds.' }) or?: ProductFeedbackFilter[];
  @Field(() => ProductFeedbackFilter, { nullable: true, description: 'This does not hold.' }) not?: ProductFeedbackFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The feedback id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The product the feedback is about.' }) productId?: IdFilter;
  @Field(() => FeedbackStatusFilter, { nullable: true, description: 'The status, e.g. `{ in: [NEW, ACCEPTED] }` for open feedback.' }) status?: unknown;
  @Field(() => StringFilter, { nullable: true, description: 'The one-line summary (`contains` ignores case).' }) summary?: StringFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Time of the last change.' }) updatedAt?: DateTimeFilter;
}

export const ProductFeedbackOrderField = sortEnum(FEEDBACK_ORDER, 'ProductFeedbackOrderField', 'Fields product feedback can be sorted by.');
export type ProductFeedbackOrderField = SortFieldOf<typeof FEEDBACK_ORDER>;
export type ProductFeedbackFilterMatchesService = Assert<SameFilterFields<ProductFeedbackFilter, typeof FEEDBACK_FILTER>>;

@InputType({ description: 'One sort key for product feedback; list several to break ties. The id always breaks the last tie.' })
export class ProductFeedbackOrderBy {
  @Field(() => ProductFeedbackOrderField, { description: 'What to sort by.' }) field!: ProductFeedbackOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'New product feedback. It starts NEW.' })
export class CreateProductFeedbackInput implements feedbacks.CreateFeedbackInput {
  @Field(() => ID, { description: 'The product it is about (NOT_FOUND at ["input","productId"] when unknown).' }) productId!: string;
  @Field({ description: 'What should change, in one line (1–300 characters).' }) summary!: string;
  @Field(() => String, { nullable: true, description: 'Details (at most 10,000 characters); omitted or empty: none.' }) description?: string | null;
  @Field(() => [ID], {
    nullable: true,
    description: 'COMPLAINT or SUGGESTION cases to link at once (at most 100), as `linkCaseToFeedback` does; an error names the id\'s position, '
      + 'e.g. ["input","caseIds","1"], and then nothing is created.',
  }) caseIds?: string[] | null;
}

@InputType({ description: 'Changes to product feedback. Pass the `version` you read; a stale one is a CONFLICT. Omitted fields stay as they are.' })
export class UpdateProductFeedbackInput implements feedbacks.UpdateFeedbackInput {
  @Field(() => ID, { description: 'The feedback.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'What should change, in one line (1–300 characters); cannot be null.' }) summary?: string | null;
  @Field(() => String, { nullable: true, description: 'Details (at most 10,000 characters); null or empty clears them.' }) description?: string | null;
  @Field(() => FeedbackStatus, {
    nullable: true,
    description: 'The new status: NEW → ACCEPTED | REJECTED; ACCEPTED → SHIPPED | REJECTED; REJECTED → NEW (reconsider); SHIPPED is final. '
      + 'Anything else: BUSINESS_RULE at ["input","status"]. The current status again changes nothing.',
  }) status?: FeedbackStatus | null;
}

@InputType({ description: 'Link a case to product feedback.' })
export class LinkCaseToFeedbackInput implements feedbacks.LinkCaseInput {
  @Field(() => ID, {
    description: 'A COMPLAINT or SUGGESTION case (BUSINESS_RULE otherwise) that is not linked to other feedback (BUSINESS_RULE: unlink it first). '
      + 'Already linked to this feedback: nothing changes.',
  }) caseId!: string;
  @Field(() => ID, { description: 'The feedback.' }) feedbackId!: string;
}

@InputType({ description: 'Remove a case\'s link to product feedback.' })
export class UnlinkCaseFromFeedbackInput implements feedbacks.UnlinkCaseInput {
  @Field(() => ID, { description: 'The case; when it is not linked, nothing changes.' }) caseId!: string;
}

@ObjectType({ description: 'Result of a product feedback mutation.' })
export class ProductFeedbackPayload {
  @Field(() => ProductFeedback, { nullable: true, description: 'The feedback after the change; null when `errors` is not empty.' }) feedback!: ProductFeedback | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({ description: 'Result of linking a case to product feedback or unlinking it.' })
export class CaseFeedbackLinkPayload {
  @Field(() => ServiceCase, { nullable: true, description: 'The case after the change (its `version` moved on if the link changed); null when `errors` is not empty.' })
  serviceCase!: ServiceCase | null;

  @Field(() => ProductFeedback, { nullable: true, description: 'The feedback linked to, or unlinked from; null on errors or when an unlinked case was unlinked again.' })
  feedback!: ProductFeedback | null;

  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}

@ObjectType({
  description: 'How much a customer\'s ideas and complaints moved the product ("suggestion value", used by the loyalty metrics). '
    + 'Counted over all of the customer\'s cases, whoever may open them.',
})
export class SuggestionValue {
  @Field(() => Int, { description: 'Distinct product feedback that is ACCEPTED or SHIPPED and has at least one of this customer\'s cases among its sources.' })
  acceptedFeedbackCount!: number;

  @Field(() => Int, { description: 'This customer\'s COMPLAINT and SUGGESTION cases linked to product feedback (whatever the feedback\'s status).' })
  suggestionCount!: number;
}
