import { z } from 'zod';

/**
 * The declared shape of customers' custom attributes. A key not declared here, or a value of the
 * wrong type, is refused with an error naming `customAttributes.<key>`.
 */
export type AttributeType = 'STRING' | 'INTEGER' | 'DECIMAL' | 'BOOLEAN' | 'DATE' | 'ENUM';

export interface AttributeDefinition {
  key: string;
  type: AttributeType;
  description: string;
  /** Allowed values of an ENUM attribute. */
  options?: string[];
  maxLength?: number;
  min?: number;
  max?: number;
}

export const CUSTOMER_ATTRIBUTES: AttributeDefinition[] = [
  { key: 'loyaltyCardNumber', type: 'STRING', maxLength: 32, description: 'Number printed on the customer\'s loyalty card.' },
  { key: 'preferredDeliveryDay', type: 'ENUM', options: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], description: 'Day the customer prefers deliveries.' },
  { key: 'fleetSize', type: 'INTEGER', min: 0, max: 1_000_000, description: 'Number of devices or vehicles the customer operates.' },
  { key: 'itBudget', type: 'DECIMAL', description: 'Yearly IT budget in the reporting currency, as a decimal string (for share of wallet).' },
  { key: 'newsletter', type: 'BOOLEAN', description: 'Receives the printed newsletter.' },
  { key: 'fiscalYearStart', type: 'DATE', description: 'First day of the customer\'s fiscal year (YYYY-MM-DD).' },
];

function valueSchema(def: AttributeDefinition): z.ZodTypeAny {
  switch (def.type) {
    case 'STRING':
      return z.string().max(def.maxLength ?? 500, `At most ${def.maxLength ?? 500} characters.`);
    case 'INTEGER':
      return z.number().int('Must be a whole number.').min(def.min ?? Number.MIN_SAFE_INTEGER).max(def.max ?? Number.MAX_SAFE_INTEGER);
    case 'DECIMAL':
      return z.string().regex(/^-?\d{1,16}(\.\d{1,4})?$/, 'Must be a decimal string like "1234.50".');
    case 'BOOLEAN':
      return z.boolean();
    case 'DATE':
      return z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date like "2026-04-01".');
    case 'ENUM':
      return z.enum(def.options as [string, ...string[]], { errorMap: () => ({ message: `Must be one of ${def.options!.join(', ')}.` }) });
  }
}

const KNOWN = new Set(CUSTOMER_ATTRIBUTES.map((d) => d.key));

export const CUSTOM_ATTRIBUTES = z
  .object(Object.fromEntries(CUSTOMER_ATTRIBUTES.map((d) => [d.key, valueSchema(d).nullish()])))
  .passthrough()
  .superRefine((attrs, ctx) => {
    for (const key of Object.keys(attrs)) {
      if (!KNOWN.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: `Unknown custom attribute \`${key}\`: see \`customAttributeDefinitions\`.` });
    }
  })
  .transform((attrs) => Object.fromEntries(Object.entries(attrs).filter(([, v]) => v != null)));
