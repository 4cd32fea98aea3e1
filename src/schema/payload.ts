import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum UserErrorCode {
  VALIDATION = 'VALIDATION',
  CONFLICT = 'CONFLICT',
  NOT_FOUND = 'NOT_FOUND',
  DUPLICATE = 'DUPLICATE',
  FORBIDDEN = 'FORBIDDEN',
  BUSINESS_RULE = 'BUSINESS_RULE',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation was refused.',
  valuesConfig: {
    VALIDATION: { description: 'An input value is malformed or breaks a rule; `field` names it.' },
    CONFLICT: { description: 'The record changed since you read it (stale `version`): reload and retry.' },
    NOT_FOUND: { description: 'A referenced record does not exist or is not visible to you.' },
    DUPLICATE: { description: 'A unique value (e.g. an external reference) is already taken.' },
    FORBIDDEN: { description: 'Your role may not make this particular change.' },
    BUSINESS_RULE: { description: 'The change is valid but not allowed in the record\'s current state.' },
  },
});

@ObjectType({ description: 'An expected failure of a mutation; when any are returned, nothing was changed.' })
export class UserError {
  @Field(() => UserErrorCode, { description: 'Machine-readable reason.' })
  code!: UserErrorCode;

  @Field({ description: 'Human-readable explanation, safe to show to an end user.' })
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path of the input field at fault, e.g. ["input", "emails", "0", "address"]; null when the whole input is at fault.' })
  field!: string[] | null;
}
