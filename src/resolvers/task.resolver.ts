import type { Row } from './row';
import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Contact } from '../entities/contact.entity';
import { Customer } from '../entities/customer.entity';
import { TaskStatus } from '../entities/enums';
import { refId } from '../entities/ids';
import { Opportunity } from '../entities/opportunity.entity';
import { Receivable } from '../entities/receivable.entity';
import { Task } from '../entities/task.entity';
import { User } from '../entities/user.entity';
import * as taskService from '../services/task.service';
import { DateTimeScalar } from '../schema/scalars';
import {
  CancelTaskInput, CompleteTaskInput, CreateTaskInput, TaskConnection, TaskFilter, TaskOrderBy, TaskPayload, UpdateTaskInput,
} from '../schema/task.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class TasksArgs extends ConnectionArgs {
  @Field(() => TaskFilter, { nullable: true, description: filterDescription('tasks') }) filter?: TaskFilter | null;
  @Field(() => [TaskOrderBy], { nullable: true, description: orderByDescription('soonest due first') }) orderBy?: TaskOrderBy[] | null;
}

@ArgsType()
class MyAgendaArgs extends ConnectionArgs {
  @Field(() => DateTimeScalar, { description: 'Start of the range (inclusive), e.g. the start of the day in the user\'s zone, as UTC.' }) from!: Date;
  @Field(() => DateTimeScalar, { description: 'End of the range (exclusive); must be after `from`.' }) to!: Date;
  @Field(() => [TaskStatus], { nullable: true, description: 'Only tasks in these statuses; every status when omitted.' }) status?: TaskStatus[] | null;
}

@ArgsType()
class AgendaArgs extends MyAgendaArgs {
  @Field(() => ID, { description: 'Whose agenda: yourself; for a SALES_MANAGER anyone in their team; for ADMIN anyone. Anyone else: NOT_FOUND.' }) userId!: string;
}

@ArgsType()
class DueRemindersArgs extends ConnectionArgs {
  @Field(() => DateTimeScalar, { nullable: true, description: 'The notifier\'s clock; the server\'s current time when omitted.' }) now?: Date | null;
}

@ArgsType()
class CustomerTasksArgs extends ConnectionArgs {
  @Field(() => [TaskStatus], { nullable: true, description: 'Only tasks in these statuses; every status when omitted.' }) status?: TaskStatus[] | null;
}

const agendaArgs = (args: MyAgendaArgs): taskService.AgendaArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before, from: args.from, to: args.to, status: args.status,
});

/** The task domain's queries, mutations and field resolvers. */
@Resolver(() => Task)
export class TaskResolver {
  @Query(() => TaskConnection, { description: 'Your tasks due in [from, to), soonest first (ties by id).' })
  myAgenda(@Args() args: MyAgendaArgs, @Ctx() ctx: GraphQLContext) {
    const svc = serviceContext(ctx);
    return taskService.agenda(svc, svc.principal.id, agendaArgs(args));
  }

  @Query(() => TaskConnection, { description: 'A user\'s tasks due in [from, to), soonest first (ties by id): your own, your team\'s (SALES_MANAGER) or anyone\'s (ADMIN); NOT_FOUND for anyone else.' })
  agenda(@Args() args: AgendaArgs, @Ctx() ctx: GraphQLContext) {
    return taskService.agenda(serviceContext(ctx), args.userId, agendaArgs(args));
  }

  @Query(() => TaskConnection, { description: 'Tasks visible to you: your own; a SALES_MANAGER also their team\'s; ADMIN all.' })
  tasks(@Args() args: TasksArgs, @Ctx() ctx: GraphQLContext) {
    return taskService.listTasks(serviceContext(ctx), args);
  }

  @Query(() => Task, { nullable: true, description: `One task; ${NULL_WHEN_ABSENT}.` })
  task(@IdArg('Task', 'task') id: string, @Ctx() ctx: GraphQLContext) {
    return taskService.getTask(serviceContext(ctx), id);
  }

  @Query(() => TaskConnection, {
    description: 'OPEN tasks whose reminder time is at or before `now`, oldest reminder first: for a notifier to poll. '
      + 'ADMIN and API keys with the `tasks:read` scope get everyone\'s; other users their own.',
  })
  dueReminders(@Args() args: DueRemindersArgs, @Ctx() ctx: GraphQLContext) {
    return taskService.dueReminders(serviceContext(ctx), args.now, { first: args.first, after: args.after, last: args.last, before: args.before });
  }

  @FieldResolver(() => Boolean, { description: 'OPEN and past its due time (at the time of the request).' })
  overdue(@Root() task: Row<Task>): boolean {
    return taskService.isOverdue(task);
  }

  @FieldResolver(() => User, { description: 'Who is to do it.' })
  assignee(@Root() task: Row<Task>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(refId(task.assignee)!);
  }

  @FieldResolver(() => User, { description: 'Who assigned it (the creator, or whoever last reassigned it).' })
  assignedBy(@Root() task: Row<Task>, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.user.load(refId(task.assignedBy)!);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer it concerns; null when none or not visible to you.' })
  customer(@Root() task: Row<Task>, @Ctx() ctx: GraphQLContext) {
    const id = refId(task.customer);
    return id ? ctx.loaders.customer.load(id) : null;
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact it concerns; null when none or not visible to you.' })
  contact(@Root() task: Row<Task>, @Ctx() ctx: GraphQLContext) {
    const id = refId(task.contact);
    return id ? ctx.loaders.contact.load(id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'For COLLECTION tasks: the id of the overdue receivable to collect; null otherwise.' })
  receivableId(@Root() task: Row<Task>) {
    return refId(task.receivable);
  }

  @FieldResolver(() => Receivable, { nullable: true, description: 'For COLLECTION tasks: the overdue receivable; null otherwise or when you may not read the customer\'s account.' })
  receivable(@Root() task: Row<Task>, @Ctx() ctx: GraphQLContext) {
    const id = refId(task.receivable);
    return id ? ctx.loaders.receivableById.load(id) : null;
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'The opportunity it concerns; null when none or not visible to you.' })
  opportunity(@Root() task: Row<Task>, @Ctx() ctx: GraphQLContext) {
    const id = refId(task.opportunity);
    return id ? ctx.loaders.opportunityById.load(id) : null;
  }

  @Mutation(() => TaskPayload, { description: 'Create a task; you are its `assignedBy`, and its assignee unless you name another (see `assigneeId`).' })
  createTask(@InputArg() input: CreateTaskInput, @Ctx() ctx: GraphQLContext) {
    return taskService.createTask(serviceContext(ctx), input);
  }

  @Mutation(() => TaskPayload, { description: 'Change an OPEN task (closed ones: BUSINESS_RULE). Stale `version`: CONFLICT.' })
  updateTask(@InputArg() input: UpdateTaskInput, @Ctx() ctx: GraphQLContext) {
    return taskService.updateTask(serviceContext(ctx), input);
  }

  @Mutation(() => TaskPayload, { description: 'Mark an OPEN task DONE (stamps `completedAt`); a closed one: BUSINESS_RULE.' })
  completeTask(@InputArg() input: CompleteTaskInput, @Ctx() ctx: GraphQLContext) {
    return taskService.completeTask(serviceContext(ctx), input);
  }

  @Mutation(() => TaskPayload, { description: 'Mark an OPEN task CANCELLED (stamps `completedAt`); a closed one: BUSINESS_RULE.' })
  cancelTask(@InputArg() input: CancelTaskInput, @Ctx() ctx: GraphQLContext) {
    return taskService.cancelTask(serviceContext(ctx), input);
  }
}

/** `Customer.tasks`: the tasks on a customer that you may see. */
@Resolver(() => Customer)
export class CustomerTaskResolver {
  @FieldResolver(() => TaskConnection, {
    nullable: true,
    description: 'Tasks linked to this customer that you may see (your own; a manager\'s team\'s; ADMIN all), soonest due first. Not for PARTNER or API keys.',
  })
  tasks(@Root() customer: Row<Customer>, @Args() args: CustomerTasksArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customerTasksPage({ first: args.first, after: args.after, last: args.last, before: args.before, status: args.status ?? null }).load(customer.id);
  }
}
