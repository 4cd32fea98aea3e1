/** STUB: the resolvers of this domain, registered in build-schema.ts through this list. */
export const assetResolvers: (new (...args: never[]) => object)[] = [];
