import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { ImportJob, ImportKind } from '../entities/import-job.entity';
import { connectionType } from './connection';
import { UserError } from './payload';


@InputType({ description: 'A CSV file to import (see README "Bulk data"). Pass the file as an upload (GraphQL multipart request) or, up to about 1 MB, as `csv` text.' })
export class ImportCsvInput {
  @Field(() => ImportKind, { description: 'What the rows are: customers, contacts or products.' })
  kind!: ImportKind;

  @Field(() => GraphQLUpload, {
    nullable: true,
    description: 'The file, sent as a GraphQL multipart request (send the header `apollo-require-preflight: true` with it). UTF-8 CSV, comma-separated, '
      + 'the first row naming the columns: the fields of the kind\'s create input (e.g. `name`, `kind`, `emails` for customers). Lists are `;`-separated; '
      + 'lists of objects take JSON or, for `emails` and `phones`, plain `;`-separated values.',
  })
  file?: Promise<FileUpload> | null;

  @Field(() => String, { nullable: true, description: 'The CSV as text instead of `file` (for small files; the request body is limited to 1 MB).' })
  csv?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'true: check every row and report what would happen, write nothing.' })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true, description: 'Why one row of a CSV import was refused (nothing of that row is written).' })
export class ImportRowError {
  @Field(() => Int, { description: 'The row as a spreadsheet numbers it: the header is row 1, the first data row is row 2.' })
  row!: number;

  @Field(() => String, { nullable: true, description: 'The column at fault (a header name); null when the row as a whole is.' })
  column!: string | null;

  @Field({ description: 'VALIDATION, NOT_FOUND, FORBIDDEN, DUPLICATE or BUSINESS_RULE (as `UserError.code`).' })
  code!: string;

  @Field({ description: 'What is wrong, safe to show to the person who made the file.' })
  message!: string;
}

export const ImportRowErrorConnection = connectionType(ImportRowError, 'ImportRowError');
export const ImportJobConnection = connectionType(ImportJob, 'ImportJob');

@ObjectType({ simpleResolvers: true, description: 'What a real run of the file would do (`dryRun: true`); nothing was written.' })
export class ImportDryRun {
  @Field(() => Int, { description: 'Data rows in the file.' }) totalRows!: number;
  @Field(() => Int, { description: 'Rows without errors.' }) valid!: number;
  @Field(() => Int, { description: 'Rows with at least one error.' }) failed!: number;
  @Field(() => Int, { description: 'Rows that would create a record.' }) wouldCreate!: number;
  @Field(() => Int, { description: 'Rows that match an existing record and would update it.' }) wouldUpdate!: number;
  @Field(() => Int, { description: 'Row errors in all (`errors` lists the first 1,000).' }) errorCount!: number;
  @Field(() => [ImportRowError], { description: 'The row errors, by row (the first 1,000).' }) errors!: ImportRowError[];
}

@ObjectType({ description: 'Result of `importCsv`.' })
export class ImportCsvPayload {
  @Field(() => ImportJob, { nullable: true, description: 'The job of a real run (QUEUED or RUNNING when returned: poll `importJob(id)`); null for a dry run or when `errors` is not empty.' })
  job!: ImportJob | null;

  @Field(() => ImportDryRun, { nullable: true, description: 'The report of a dry run; null for a real run.' })
  dryRun!: ImportDryRun | null;

  @Field(() => [UserError], { description: 'Why the file as a whole was refused (not CSV, unknown columns, no rows); row errors are in the report or the job.' })
  errors!: UserError[];
}
