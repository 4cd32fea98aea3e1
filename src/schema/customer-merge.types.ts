import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from '../entities/customer.entity';
import { DecimalScalar } from './scalars';
import { connectionType } from './connection';
import { UserError } from './payload';

export enum DuplicateReason {
  SAME_EMAIL = 'SAME_EMAIL',
  SAME_PHONE = 'SAME_PHONE',
  SIMILAR_NAME = 'SIMILAR_NAME',
}
registerEnumType(DuplicateReason, {
  name: 'DuplicateReason',
  description: 'Why two customers look like the same one.',
  valuesConfig: {
    SAME_EMAIL: { description: 'Both customer records carry the same e-mail address (compared lower-case, trimmed).' },
    SAME_PHONE: { description: 'Both customer records carry the same phone number (compared as digits only, 6 or more).' },
    SIMILAR_NAME: { description: 'The names start with the same word and are similar (pg_trgm similarity of at least `minSimilarity`, see `nameSimilarity`).' },
  },
});

@InputType({ description: 'Which customer survives a merge and which duplicate is merged into it.' })
export class MergeCustomersInput {
  @Field(() => ID, { description: 'The customer that stays (`cus_…`): it keeps its id and its own fields, and receives everything of the duplicate.' })
  survivorId!: string;

  @Field(() => ID, { description: 'The duplicate (`cus_…`): its records move to the survivor, then it is soft-deleted with `mergedInto` set.' })
  duplicateId!: string;

  @Field(() => Int, { nullable: true, description: 'The survivor\'s `version` as you last read it; when given and stale the merge is refused (CONFLICT). Omit to skip the check.' })
  survivorVersion?: number | null;

  @Field(() => Int, { nullable: true, description: 'The duplicate\'s `version` as you last read it; when given and stale the merge is refused (CONFLICT). Omit to skip the check.' })
  duplicateVersion?: number | null;
}

@ObjectType({ description: 'Result of `mergeCustomers`.' })
export class MergeCustomersPayload {
  @Field(() => Customer, { nullable: true, description: 'The survivor after the merge; null when `errors` is not empty.' })
  survivor!: Customer | null;

  @Field(() => Customer, {
    nullable: true,
    description: 'The duplicate after the merge: soft-deleted, with `mergedInto` set. This payload is the one place it is returned: '
      + '`customer(id)` and `node(id)` answer null for it, as for any deleted customer. Null when `errors` is not empty.',
  })
  duplicate!: Customer | null;

  @Field(() => [UserError], { description: 'Why the merge was refused; empty on success. Nothing changed when not empty.' })
  errors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'Two live customers, both visible to you, that are probably the same one (for a data-quality screen).' })
export class DuplicateCandidate {
  customerAId!: string;
  customerBId!: string;

  @Field(() => [DuplicateReason], { description: 'Why they look alike (at least one).' })
  reasons!: DuplicateReason[];

  @Field(() => DecimalScalar, {
    description: 'How likely they are one customer, 0–1 as a decimal string with 4 places: 1 for a shared e-mail, 0.9 for a shared phone, '
      + 'else the name similarity; the highest applies. The list is sorted by it, highest first.',
  })
  score!: string;

  @Field(() => Float, { nullable: true, description: 'Trigram similarity of the two names (0–1); null when below `minSimilarity`.' })
  nameSimilarity!: number | null;
}

export const DuplicateCandidateConnection = connectionType(DuplicateCandidate, 'DuplicateCandidate');
