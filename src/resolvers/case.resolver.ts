/** STUB: the resolvers of this domain, registered in build-schema.ts through this list. */
export const caseResolvers: (new (...args: never[]) => object)[] = [];
