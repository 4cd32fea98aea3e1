import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator for the typed client: reads the API's committed `schema.graphql` (no server, no
 * network) and the `graphql(`…`)` documents in `src/`, and writes typed documents to `src/gql/`.
 * Run it from the repository root with `npm run client:generate`; CI runs it too and fails when the
 * committed `src/gql/` differs (the schema or a document changed without regenerating).
 */
const config: CodegenConfig = {
  // Paths below are relative to this folder, wherever the command is started from.
  cwd: __dirname,
  schema: '../../schema.graphql',
  documents: [
    'src/**/*.ts',
    '!src/gql/**/*',
  ],
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        // The example reads whole results; fragment masking is for component trees (turn it on there).
        fragmentMasking: false,
      },
      config: {
        // A new custom scalar must be mapped here, not silently typed as `any`.
        strictScalars: true,
        scalars: {
          // Money and other exact numbers travel as decimal strings ("1234.50"): never parse them into floats.
          Decimal: 'string',
          // UTC ISO-8601 timestamps ("2026-03-02T09:30:00.000Z").
          DateTime: 'string',
          // Calendar dates ("2026-03-02").
          LocalDate: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
          // A file of the GraphQL multipart request spec (`importCsv`): a browser File or Blob.
          Upload: 'File | Blob',
        },
        // String unions instead of TypeScript enums: nothing to import at run time, plain strings compare.
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
  // Codegen fails on a document that does not match the schema; no prompts, no watch.
  ignoreNoDocuments: false,
};

export default config;
