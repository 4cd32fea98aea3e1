import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError, Kind, validate, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationContext, type ValidationRule,
} from 'graphql';

/**
 * Abuse limits, checked before execution. Cost (graphql-armor's formula): a scalar field costs 1, an
 * object field 2 plus 1.5 × the cost of its selections, the whole times `first`/`last` when given
 * (literal or variable). A page of 100 customers (15 fields, owner) with 10 contacts each (7 fields,
 * e-mails, phones) costs ~163,000, so the limit is 200,000; the refused shapes cost millions.
 */
export const LIMITS = { maxDepth: 10, maxAliases: 15, maxTokens: 2000, maxCost: 200000, maxDirectives: 20 };

type Limit = 'maxDepth' | 'maxAliases' | 'maxCost' | 'maxDirectives' | 'maxTokens';

const WORDING: Record<Limit, (max: number, actual: number | null) => string> = {
  maxDepth: (max, actual) => `The query is nested ${actual} levels deep; the limit (maxDepth) is ${max}.`,
  maxAliases: (max, actual) => `The query uses ${actual} aliases; the limit (maxAliases) is ${max}, \`__typename\` aliases included.`,
  maxCost: (max, actual) => `The query costs ${actual}; the limit (maxCost) is ${max}. Ask for smaller pages (first/last) or fewer nested fields.`,
  maxDirectives: (max, actual) => `The query uses ${actual} directives; the limit (maxDirectives) is ${max}.`,
  maxTokens: (max) => `The document is longer than the limit (maxTokens) of ${max} tokens.`,
};

/** A limit error clients can act on: a plain message and `extensions { limit, max, actual }`. */
export function limitError(limit: Limit, max: number, actual: number | null, code = 'GRAPHQL_VALIDATION_FAILED'): GraphQLError {
  return new GraphQLError(WORDING[limit](max, actual), { extensions: { code, limit, max, ...(actual == null ? {} : { actual }) } });
}

/** graphql-armor reports "Syntax Error: … limit of N exceeded, found M."; we report our own error instead. */
function reporter(limit: Exclude<Limit, 'maxTokens'>) {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => {
      const found = /found (\d+(?:\.\d+)?)/.exec(error.message);
      context?.reportError(limitError(limit, LIMITS[limit], found ? Math.ceil(Number(found[1])) : null));
    }],
  };
}

/** The graphql-armor validation rules (depth, aliases, cost, directives) with our wording, and the cost check with variables. */
export function protectQueries(production: boolean): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ...reporter('maxDepth') },
    // `__typename` aliases count too: 101 of them are 101 resolver calls all the same.
    maxAliases: { n: LIMITS.maxAliases, allowList: [], ...reporter('maxAliases') },
    // Armor's token plugin re-parses in `parsingDidStart`, outside Apollo's try/catch: every syntax
    // error became a 500 (graphql-armor#571/#751). graphql-js counts tokens itself (parseOptions).
    maxTokens: { enabled: false },
    maxDirectives: { n: LIMITS.maxDirectives, ...reporter('maxDirectives') },
    costLimit: { maxCost: LIMITS.maxCost, ...reporter('maxCost') },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  const variableCost: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) checkCostWithVariables(schema, document, operation, request.variables);
        },
      };
    },
  };
  return { plugins: [...armor.plugins, variableCost], validationRules: armor.validationRules };
}

const OFF = { enabled: false };
/** Armor's cost rule alone, with our wording. */
const costRule = new ApolloArmor({
  costLimit: { maxCost: LIMITS.maxCost, ...reporter('maxCost') },
  maxDepth: OFF, maxAliases: OFF, maxTokens: OFF, maxDirectives: OFF, blockFieldSuggestion: OFF,
}).protect().validationRules;

/**
 * Armor multiplies the cost by `first`/`last` only when they are literals: `customers(first: $n)`
 * counted as one row. With the variables known (before execution), the same rule runs again on the
 * document with those variables written in.
 */
export function checkCostWithVariables(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined) {
  if (!variables || !operation.variableDefinitions?.length) return;
  // The cost depends only on the document and the values of its paging variables: each pair is checked once.
  let paging = pagingVariables.get(document);
  if (!paging) pagingVariables.set(document, (paging = pagingVariablesOf(document)));
  if (!paging.length) return;
  const key = paging.map((name) => String(variables[name])).join(',');
  let passed = costPassed.get(document);
  if (passed?.has(key)) return;
  checkCost(schema, document, variables);
  if (!passed) costPassed.set(document, (passed = new Set()));
  if (passed.size < MAX_PASSED_PER_DOCUMENT) passed.add(key);
}

/** Per document (Apollo keeps each parsed document, so a query sent again is the same object): its paging variables, and the values that passed. */
const pagingVariables = new WeakMap<DocumentNode, string[]>();
const costPassed = new WeakMap<DocumentNode, Set<string>>();
const MAX_PASSED_PER_DOCUMENT = 200;

/** The variables given as `first` or `last` anywhere in the document. */
function pagingVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
    },
  });
  return [...names];
}

function checkCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>) {
  let substituted = false;
  const withValues = visit(document, {
    Argument(node) {
      if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = variables[node.value.name.value];
      if (!Number.isSafeInteger(value)) return undefined;
      substituted = true;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
  if (!substituted) return;
  const [error] = validate(schema, withValues, costRule);
  if (error) throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
}
