import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Contract } from '../entities/contract.entity';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Receivable } from '../entities/receivable.entity';
import { User } from '../entities/user.entity';
import { invoiceDateOf } from '../services/billing-schedule.service';
import * as contracts from '../services/contract.service';
import {
  ContractConnection, ContractFilter, ContractInstalment, ContractOrderBy, ContractPayload, CreateContractInput, SignContractInput,
  TerminateContractInput, UpdateContractInput,
} from '../schema/contract.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class ContractsArgs extends ConnectionArgs {
  @Field(() => ContractFilter, { nullable: true, description: filterDescription('contracts') }) filter?: ContractFilter | null;
  @Field(() => [ContractOrderBy], { nullable: true, description: orderByDescription('newest first') }) orderBy?: ContractOrderBy[] | null;
}

const listArgs = (args: ContractsArgs): contracts.ContractListArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before,
  filter: args.filter ?? null, orderBy: args.orderBy ?? null,
});

/** The contract domain's queries, mutations and field resolvers. */
@Resolver(() => Contract)
export class ContractResolver {
  @Query(() => ContractConnection, {
    description: 'Contracts visible to you, newest first: ADMIN and FINANCE all; SALES_MANAGER and SALES_REP those of the customers in their scope; '
      + 'SERVICE_AGENT all (to know what a customer is entitled to); PARTNER its own account\'s. Others: FORBIDDEN.',
  })
  contracts(@Args() args: ContractsArgs, @Ctx() ctx: GraphQLContext) {
    return contracts.listContracts(serviceContext(ctx), listArgs(args));
  }

  @Query(() => Contract, { nullable: true, description: `One contract; ${NULL_WHEN_ABSENT}.` })
  contract(@IdArg('Contract', 'contract') id: string, @Ctx() ctx: GraphQLContext) {
    return contracts.getContract(serviceContext(ctx), id);
  }

  @FieldResolver(() => ID, { description: 'Id of the customer (also when the customer record itself is not readable for you).' })
  customerId(@Root() contract: Row<Contract>) {
    return refId(contract.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer; null when its record is not visible to you.' })
  customer(@Root() contract: Row<Contract>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customer.load(refId(contract.customer)!);
  }

  @FieldResolver(() => ID, { description: 'Id of the owner (the user responsible for the contract).' })
  ownerId(@Root() contract: Row<Contract>) {
    return refId(contract.owner);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The owner: the user responsible for the contract.' })
  owner(@Root() contract: Row<Contract>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(refId(contract.owner)!);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who signed it (for a contract held for credit approval: the FINANCE user who approved it); null while not signed.' })
  signedBy(@Root() contract: Row<Contract>, @Ctx() ctx: GraphQLContext) {
    return contract.signedBy ? ctx.loaders.user.load(contract.signedBy) : null;
  }

  @FieldResolver(() => [ContractInstalment], {
    description: 'The payment terms in due-date order, each with the amount it bills: the split the contract has (once signed, equal to its receivables) or will have.',
  })
  instalments(@Root() contract: Row<Contract>): ContractInstalment[] {
    const terms = contract.instalments ?? [];
    const amounts = contracts.splitInstalments(String(contract.value), terms);
    return terms.map((term, i) => ({ position: i + 1, dueDate: term.dueDate, invoiceDate: invoiceDateOf(term, contract.billingTermsDays), percent: term.percent ?? null, amount: amounts[i] }));
  }

  @FieldResolver(() => [Receivable], {
    nullable: true,
    description: 'The receivables of a signed contract, one per instalment invoiced so far (see `billingSchedule`), by instalment; empty before signing. '
      + 'ADMIN, FINANCE, SALES_MANAGER, SALES_REP and PARTNER (its own); null with FORBIDDEN for SERVICE_AGENT.',
  })
  receivables(@Root() contract: Row<Contract>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.contractReceivables.load(contract.id);
  }

  @Mutation(() => ContractPayload, {
    description: 'Create a DRAFT contract numbered "CT-000001", … (ADMIN and FINANCE for any customer; SALES_MANAGER and SALES_REP for customers in their scope). '
      + 'Validation errors name the field and write nothing.',
  })
  createContract(@InputArg() input: CreateContractInput, @Ctx() ctx: GraphQLContext) {
    return contracts.createContract(serviceContext(ctx), input);
  }

  @Mutation(() => ContractPayload, { description: 'Change a DRAFT contract (BUSINESS_RULE once it is signed or held; stale `version`: CONFLICT). Same roles as createContract.' })
  updateContract(@InputArg() input: UpdateContractInput, @Ctx() ctx: GraphQLContext) {
    return contracts.updateContract(serviceContext(ctx), input);
  }

  @Mutation(() => ContractPayload, {
    description: 'Sign a DRAFT contract. The customer\'s credit is checked for the value: within the limit → SIGNED, each instalment whose invoice date has come '
      + 'becomes a receivable now and the others are SCHEDULED (see `billingSchedule`); '
      + 'over the limit, without a limit, or in another currency than the limit → PENDING_CREDIT_APPROVAL and a credit hold for FINANCE '
      + '(approveCredit signs it, rejectCredit puts it back to DRAFT). Same roles as createContract.',
  })
  signContract(@InputArg() input: SignContractInput, @Ctx() ctx: GraphQLContext) {
    return contracts.signContract(serviceContext(ctx), input);
  }

  @Mutation(() => ContractPayload, {
    description: 'Terminate a SIGNED or ACTIVE contract (BUSINESS_RULE otherwise). Its receivables stay: the money is still owed; '
      + 'its instalments still SCHEDULED are CANCELLED (never billed). Same roles as createContract.',
  })
  terminateContract(@InputArg() input: TerminateContractInput, @Ctx() ctx: GraphQLContext) {
    return contracts.terminateContract(serviceContext(ctx), input);
  }
}

/** Contracts under a customer. */
@Resolver(() => Customer)
export class CustomerContractsResolver {
  @FieldResolver(() => ContractConnection, {
    nullable: true,
    description: 'Contracts of this customer visible to you, newest first (batched across customers: one query per page shape). '
      + 'Null with FORBIDDEN for roles that do not read contracts (MARKETING, ANALYST, API keys without a partner role).',
  })
  contracts(@Root() customer: Row<Customer>, @Args() args: ContractsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.contractPage(listArgs(args)).load(customer.id);
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const contractResolvers = [ContractResolver, CustomerContractsResolver];
