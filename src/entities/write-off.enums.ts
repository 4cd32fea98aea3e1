import { registerEnumType } from 'type-graphql';

/** Why a receivable was written off (issue 14, bad-debt write-off). */
export enum WriteOffCategory {
  INSOLVENCY = 'INSOLVENCY',
  UNCOLLECTIBLE = 'UNCOLLECTIBLE',
  DISPUTE = 'DISPUTE',
  SMALL_BALANCE = 'SMALL_BALANCE',
  OTHER = 'OTHER',
}
registerEnumType(WriteOffCategory, {
  name: 'WriteOffCategory',
  description: 'The kind of reason a receivable was written off; the free-text `reason` says the rest.',
  valuesConfig: {
    INSOLVENCY: { description: 'The customer is insolvent or in bankruptcy proceedings.' },
    UNCOLLECTIBLE: { description: 'Collection failed (agency gave up, customer unreachable).' },
    DISPUTE: { description: 'Given up after a dispute about what was delivered or billed.' },
    SMALL_BALANCE: { description: 'A remainder too small to be worth collecting.' },
    OTHER: { description: 'Anything else (say what in the reason).' },
  },
});
