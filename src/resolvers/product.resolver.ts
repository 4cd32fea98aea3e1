import type { Row } from './row';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { serviceContext, type GraphQLContext } from '../context';
import { Product } from '../entities/product.entity';
import * as products from '../services/product.service';
import { CreateProductInput, ProductConnection, ProductFilter, ProductOrderBy, ProductPayload, UpdateProductInput } from '../schema/product.inputs';
import { DecimalScalar } from '../schema/scalars';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class ProductsArgs extends ConnectionArgs {
  @Field(() => ProductFilter, { nullable: true, description: filterDescription('products') }) filter?: ProductFilter | null;
  @Field(() => [ProductOrderBy], { nullable: true, description: orderByDescription('by name') }) orderBy?: ProductOrderBy[] | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name or the SKU (2–100 characters).' }) search?: string | null;
}

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => ProductConnection, { description: 'The product catalogue, by name unless ordered. Every staff role, PARTNER, and API keys with `products:read`.' })
  products(@Args() args: ProductsArgs, @Ctx() ctx: GraphQLContext) {
    return products.listProducts(serviceContext(ctx), {
      first: args.first, after: args.after, last: args.last, before: args.before,
      filter: args.filter ?? null, orderBy: args.orderBy ?? null, search: args.search ?? null,
    });
  }

  @Query(() => Product, { nullable: true, description: `One product of the catalogue; ${NULL_WHEN_ABSENT}.` })
  product(@IdArg('Product', 'product') id: string, @Ctx() ctx: GraphQLContext) {
    return products.getProduct(serviceContext(ctx), id);
  }

  @Query(() => Product, { nullable: true, description: `One product by SKU (case-insensitive); ${NULL_WHEN_ABSENT}.` })
  productBySku(@Arg('sku', { description: 'The stock-keeping unit, in any case; surrounding blanks are ignored.' }) sku: string, @Ctx() ctx: GraphQLContext) {
    return products.getProductBySku(serviceContext(ctx), sku);
  }

  @FieldResolver(() => DecimalScalar, { nullable: true, description: 'listPrice − cost, in `currency`; null without a cost. SALES_MANAGER, FINANCE and ADMIN only.' })
  margin(@Root() product: Row<Product>) {
    return products.margin(product);
  }

  @FieldResolver(() => DecimalScalar, { nullable: true, description: 'Margin in % of the list price (2 decimals); null without a cost or with a list price of 0. SALES_MANAGER, FINANCE and ADMIN only.' })
  marginPercent(@Root() product: Row<Product>) {
    return products.marginPercent(product);
  }

  @Mutation(() => ProductPayload, { description: 'Add a product to the catalogue. ADMIN only. Duplicate SKU: DUPLICATE at ["input","sku"].' })
  createProduct(@InputArg() input: CreateProductInput, @Ctx() ctx: GraphQLContext) {
    return products.createProduct(serviceContext(ctx), input);
  }

  @Mutation(() => ProductPayload, { description: 'Change a product. ADMIN only. Stale `version`: CONFLICT.' })
  updateProduct(@InputArg() input: UpdateProductInput, @Ctx() ctx: GraphQLContext) {
    return products.updateProduct(serviceContext(ctx), input);
  }
}
