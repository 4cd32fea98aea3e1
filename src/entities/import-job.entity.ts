import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../schema/scalars';
import { IdPrefix, newId } from './ids';
import { Node } from './node';

export enum ImportKind { CUSTOMERS = 'CUSTOMERS', CONTACTS = 'CONTACTS', PRODUCTS = 'PRODUCTS' }
export enum ImportStatus { QUEUED = 'QUEUED', RUNNING = 'RUNNING', COMPLETED = 'COMPLETED', FAILED = 'FAILED' }

registerEnumType(ImportKind, {
  name: 'ImportKind',
  description: 'What a CSV import creates or updates.',
  valuesConfig: {
    CUSTOMERS: { description: 'Customers: the columns are the fields of `CreateCustomerInput`, plus `externalSystem`/`externalRef`; matched by external ref, then e-mail.' },
    CONTACTS: { description: 'Contacts: the columns are the fields of `CreateContactInput` (without `primary`); matched by e-mail.' },
    PRODUCTS: { description: 'Products (ADMIN only): the columns are the fields of `CreateProductInput`; matched by SKU.' },
  },
});
registerEnumType(ImportStatus, {
  name: 'ImportStatus',
  description: 'Where an import job stands.',
  valuesConfig: {
    QUEUED: { description: 'Accepted, not started yet.' },
    RUNNING: { description: 'Batches are being written; `processed` grows.' },
    COMPLETED: { description: 'Every row was processed (rows with errors are counted in `failed` and listed in `errors`).' },
    FAILED: { description: 'Stopped by an unexpected error (see `failure`); batches already committed stay written.' },
  },
});

/** One row error of an import (stored in the job as JSON, listed by `ImportJob.errors`). */
export interface ImportRowErrorValue { row: number; column: string | null; message: string; code: string }

@IdPrefix('imj')
@Entity({ tableName: 'import_job' })
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A CSV import (`importCsv`) and its progress. Visible to whoever started it, and to ADMIN.' })
export class ImportJob implements Node {
  [OptionalProps]?: 'id' | 'fileName' | 'totalRows' | 'processed' | 'failed' | 'created' | 'updated' | 'rowErrors' | 'errorCount' | 'failure' | 'createdAt' | 'startedAt' | 'finishedAt';

  @PrimaryKey({ type: 'text' })
  @Field(() => ID, { description: 'Opaque id (`imj_…`).' })
  id: string = newId('ImportJob');

  @Enum({ items: () => ImportKind })
  @Field(() => ImportKind, { description: 'What the import writes.' })
  kind!: ImportKind;

  @Enum({ items: () => ImportStatus })
  @Field(() => ImportStatus, { description: 'QUEUED, RUNNING, COMPLETED or FAILED.' })
  status!: ImportStatus;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The uploaded file\'s name; null for CSV passed as text.' })
  fileName?: string | null = null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Data rows in the file (the header not counted).' })
  totalRows: number = 0;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Rows processed so far (written or failed); equals `totalRows` when COMPLETED.' })
  processed: number = 0;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Rows refused so far (see `errors`); nothing of such a row was written.' })
  failed: number = 0;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Records created so far.' })
  created: number = 0;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Existing records updated so far (matched by external ref, SKU or e-mail); a matched row without changes counts here too.' })
  updated: number = 0;

  /** The first row errors (at most MAX_STORED_ERRORS); `errorCount` counts them all. */
  @Property({ type: 'json' })
  rowErrors: ImportRowErrorValue[] = [];

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'How many row errors there are in all (`errors` lists the first 1,000).' })
  errorCount: number = 0;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why a FAILED job stopped; null otherwise.' })
  failure?: string | null = null;

  /** Who started it: a user id or an API key id. */
  @Property({ type: 'text' })
  createdBy!: string;

  @Property({ type: 'text' })
  actorType!: string;

  @Property({ type: 'timestamptz', length: 3 })
  @Field(() => DateTimeScalar, { description: 'When the import was accepted, UTC.' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When processing started, UTC; null while QUEUED.' })
  startedAt?: Date | null = null;

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  @Field(() => DateTimeScalar, { nullable: true, description: 'When processing ended (COMPLETED or FAILED), UTC; null before.' })
  finishedAt?: Date | null = null;
}
