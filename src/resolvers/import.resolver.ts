import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { forbiddenMessage } from '../auth/access';
import { permits } from '../auth/field-guard';
import { policyFor } from '../auth';
import { forbidden } from '../auth/errors';
import { serviceContext, type GraphQLContext } from '../context';
import { ImportJob, ImportKind } from '../entities/import-job.entity';
import { InputError, userError } from '../services/errors';
import * as imports from '../services/import.service';
import { ImportCsvInput, ImportCsvPayload, ImportJobConnection, ImportRowErrorConnection } from '../schema/import.types';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT } from './args';

/** The largest file an import reads (the upload middleware refuses larger ones too). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

/** Who may import a kind: whoever may create AND update it through the mutations (the same policies). */
const MUTATIONS: Record<ImportKind, [string, string]> = {
  CUSTOMERS: ['createCustomer', 'updateCustomer'],
  CONTACTS: ['createContact', 'updateContact'],
  PRODUCTS: ['createProduct', 'updateProduct'],
};

@ArgsType()
class PageArgs {
  @Field(() => Int, { nullable: true, description: 'At most this many (0–100, default 20).' }) first?: number | null;
  @Field(() => String, { nullable: true, description: 'Rows after this cursor (`pageInfo.endCursor`).' }) after?: string | null;
}

const encode = (value: string) => Buffer.from(value).toString('base64url');
const decode = (cursor: string | null | undefined, field = 'after') => {
  if (!cursor) return null;
  const value = Buffer.from(cursor, 'base64url').toString();
  if (!value) throw new InputError('Not a cursor of this list.', field);
  return value;
};
const pageSize = (first: number | null | undefined) => {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InputError('`first` must be between 0 and 100.', 'first');
  return n;
};

async function readUpload(input: ImportCsvInput): Promise<{ text: string; fileName: string | null }> {
  if (input.file && input.csv != null) throw new InputError('Pass either `file` or `csv`, not both.', 'input.file');
  if (input.csv != null) return { text: input.csv, fileName: null };
  if (!input.file) throw new InputError('Pass the CSV as `file` (an upload) or `csv`.', 'input.file');
  const upload = await input.file;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upload.createReadStream()) {
    size += (chunk as Buffer).length;
    if (size > MAX_IMPORT_BYTES) throw new InputError(`The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`, 'input.file');
    chunks.push(chunk as Buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), fileName: upload.filename ?? null };
}

@Resolver(() => ImportJob)
export class ImportResolver {
  @Mutation(() => ImportCsvPayload, {
    description: 'Imports customers, contacts or products from CSV (README "Bulk data"). Allowed to whoever may create and update that kind '
      + '(`createCustomer`/`updateCustomer`, …), with the same validation and the same record scope: a row that matches a record you may not update is a row error. '
      + 'Rows match existing records (customers by external ref, then e-mail; contacts by e-mail; products by SKU) and update them. '
      + '`dryRun: true` reports per-row errors and counts and writes nothing; otherwise the job is returned at once and written in batches of 1,000 rows in the background '
      + '(poll `importJob(id)`), each row audited as IMPORT.',
  })
  async importCsv(@InputArg() input: ImportCsvInput, @Ctx() ctx: GraphQLContext) {
    const sc = serviceContext(ctx);
    for (const mutation of MUTATIONS[input.kind]) {
      const policy = policyFor('Mutation', mutation)!;
      if (!(permits(sc.principal, policy) ?? policy.check(sc.principal, null))) throw forbidden(forbiddenMessage('Mutation', mutation, policy, sc.principal));
    }
    let file: { text: string; fileName: string | null };
    try {
      file = await readUpload(input);
    } catch (e) {
      if (e instanceof InputError) return { job: null, dryRun: null, errors: [userError('VALIDATION', e.message, ['input', 'file'])] };
      throw e;
    }
    const parsed = imports.parseCsv(input.kind, file.text);
    if ('errors' in parsed) return { job: null, dryRun: null, errors: parsed.errors };
    if (input.dryRun) return { job: null, dryRun: await imports.dryRunImport(sc, input.kind, parsed.header, parsed.records), errors: [] };
    return { job: await imports.startImport(sc, input.kind, file.fileName, parsed.header, parsed.records), dryRun: null, errors: [] };
  }

  @Query(() => ImportJob, { nullable: true, description: `One import job with its progress; ${NULL_WHEN_ABSENT} (jobs are visible to whoever started them, and to ADMIN).` })
  importJob(@IdArg('ImportJob', 'import job') id: string, @Ctx() ctx: GraphQLContext) {
    return imports.getImportJob(serviceContext(ctx), id);
  }

  @Query(() => ImportJobConnection, { description: 'Your import jobs, newest first (ADMIN: everyone\'s).' })
  importJobs(@Args() args: ConnectionArgs, @Ctx() ctx: GraphQLContext) {
    return imports.listImportJobs(serviceContext(ctx), args);
  }

  @FieldResolver(() => ImportRowErrorConnection, { description: 'The row errors, by row (the first 1,000 are kept; `errorCount` counts all). `totalCount`: how many are kept.' })
  errors(@Root() job: ImportJob, @Args() args: PageArgs) {
    const size = pageSize(args.first);
    const after = decode(args.after);
    const start = after === null ? 0 : Number(after) + 1;
    if (!Number.isInteger(start) || start < 0) throw new InputError('Not a cursor of this list.', 'after');
    const all = job.rowErrors ?? [];
    const page = all.slice(start, start + size);
    const cursor = (i: number) => encode(String(start + i));
    return {
      edges: page.map((node, i) => ({ cursor: cursor(i), node })),
      pageInfo: { hasNextPage: start + size < all.length, hasPreviousPage: start > 0, startCursor: page.length ? cursor(0) : null, endCursor: page.length ? cursor(page.length - 1) : null },
      totalCount: Promise.resolve(all.length),
    };
  }
}
