import type { Row } from './row';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { readsCustomers } from '../auth/rules';
import { readsProducts } from '../auth/product.permissions';
import { customerReads } from '../services/customer.service';
import { productReads } from '../services/product.service';
import { embeddedReference, embedsOf, registerNested } from './embed';
import { selectedFields } from './selection';
import { serviceContext, type GraphQLContext } from '../context';
import { Asset } from '../entities/asset.entity';
import { PostalAddress } from '../entities/contact-points';
import { Customer } from '../entities/customer.entity';
import { refId } from '../entities/ids';
import { Order } from '../entities/order.entity';
import { Product } from '../entities/product.entity';
import * as assets from '../services/asset.service';
import { AssetConnection, AssetFilter, AssetOrderBy, AssetPayload, RegisterAssetInput, UpdateAssetInput, WarrantyStatus } from '../schema/asset.inputs';
import { ConnectionArgs, IdArg, InputArg, NULL_WHEN_ABSENT, filterDescription, orderByDescription } from './args';

@ArgsType()
class AssetsArgs extends ConnectionArgs {
  @Field(() => AssetFilter, { nullable: true, description: filterDescription('assets') }) filter?: AssetFilter | null;
  @Field(() => [AssetOrderBy], { nullable: true, description: orderByDescription('newest registration first') }) orderBy?: AssetOrderBy[] | null;
}

const listArgs = (args: AssetsArgs): assets.AssetListArgs => ({
  first: args.first, after: args.after, last: args.last, before: args.before,
  filter: args.filter ?? null, orderBy: args.orderBy ?? null,
});

const READERS = 'ADMIN and SERVICE_AGENT all; SALES_MANAGER, SALES_REP and PARTNER those of the customers they can see (a partner: itself and the customers it resells to). '
  + 'FINANCE, MARKETING, ANALYST and INTEGRATION keys: FORBIDDEN.';

/** The asset domain's queries, mutations and field resolvers. */
// An agent's lookup reads the asset with its product and customer (and the customer's contacts and cases) in one statement.
registerNested('Asset', 'customer', { record: customerReads, reference: 'customer', type: 'Customer', readers: readsCustomers });
registerNested('Asset', 'product', { record: productReads, reference: 'product', type: 'Product', readers: readsProducts });

@Resolver(() => Asset)
export class AssetResolver {
  @Query(() => AssetConnection, { description: `Assets (products customers own) visible to you, newest registration first. ${READERS}` })
  assets(@Args() args: AssetsArgs, @Ctx() ctx: GraphQLContext) {
    return assets.listAssets(serviceContext(ctx), listArgs(args));
  }

  @Query(() => Asset, { nullable: true, description: `One asset; ${NULL_WHEN_ABSENT}.` })
  asset(@IdArg('Asset', 'asset') id: string, @Ctx() ctx: GraphQLContext) {
    return assets.getAsset(serviceContext(ctx), id);
  }

  @Query(() => Asset, {
    nullable: true,
    description: 'The agent\'s first lookup when a customer calls: the asset with this serial number / service tag (case and surrounding blanks ignored), '
      + 'e.g. `assetByServiceTag(tag: "7kx2m9q") { warrantyStatus product { name } customer { name contacts(first: 5) { edges { node { firstName lastName phones { number } } } } } }` '
      + 'in one request with a fixed number of statements. Null (and no error) when the tag is unknown or its customer is not visible to you.',
  })
  assetByServiceTag(@Arg('tag', { description: 'The serial number / service tag, in any case.' }) tag: string, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    return assets.getAssetByServiceTag(serviceContext(ctx), tag, { embed: embedsOf(ctx, info, [], 'Asset'), select: selectedFields(info) });
  }

  @FieldResolver(() => WarrantyStatus, { description: 'Whether it is under warranty today (UTC): IN_WARRANTY up to and including `warrantyEnd`, EXPIRED after it, NO_WARRANTY without one.' })
  warrantyStatus(@Root() asset: Row<Asset>) {
    return assets.warrantyStatus(asset);
  }

  @FieldResolver(() => PostalAddress, { nullable: true, description: 'Where it is installed; null when unknown.' })
  installedAddress(@Root() asset: Row<Asset>) {
    return asset.installedAddress ?? null;
  }

  @FieldResolver(() => ID, { description: 'Id of the product.' })
  productId(@Root() asset: Row<Asset>) {
    return refId(asset.product);
  }

  @FieldResolver(() => Product, { nullable: true, description: 'The product; null when you may not read the catalogue.' })
  product(@Root() asset: Row<Asset>, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    const embedded = embeddedReference(asset, info);
    return embedded !== undefined ? embedded : ctx.loaders.productById.load(refId(asset.product)!);
  }

  @FieldResolver(() => ID, { description: 'Id of the customer who owns it (also when the customer record itself is not readable for you).' })
  customerId(@Root() asset: Row<Asset>) {
    return refId(asset.customer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer who owns it, with its contacts; null when the customer record is not visible to you (e.g. deleted).' })
  customer(@Root() asset: Row<Asset>, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    const embedded = embeddedReference(asset, info);
    return embedded !== undefined ? embedded : ctx.loaders.customer.load(refId(asset.customer)!);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the order it came from; null when it was registered directly.' })
  orderId(@Root() asset: Row<Asset>) {
    return refId(asset.order);
  }

  @FieldResolver(() => Order, { nullable: true, description: 'The order it came from; null when it was registered directly or the order is not visible to you.' })
  order(@Root() asset: Row<Asset>, @Ctx() ctx: GraphQLContext) {
    const id = refId(asset.order);
    return id ? ctx.loaders.orderById.load(id) : null;
  }

  @Mutation(() => AssetPayload, {
    description: 'Register an asset by hand: ADMIN and SERVICE_AGENT for any customer, PARTNER (users and keys) for itself and the customers it resells to; others FORBIDDEN. '
      + 'A taken service tag: DUPLICATE at ["input","serviceTag"]. Recorded in the customer\'s history.',
  })
  registerAsset(@InputArg() input: RegisterAssetInput, @Ctx() ctx: GraphQLContext) {
    return assets.registerAsset(serviceContext(ctx), input);
  }

  @Mutation(() => AssetPayload, {
    description: 'Change an asset\'s installed address, notes or warranty end, or transfer it to another customer. ADMIN and SERVICE_AGENT only; stale `version`: CONFLICT. '
      + 'Recorded in the customer\'s history (a transfer in both customers\').',
  })
  updateAsset(@InputArg() input: UpdateAssetInput, @Ctx() ctx: GraphQLContext) {
    return assets.updateAsset(serviceContext(ctx), input);
  }
}

/** Assets under a customer. */
@Resolver(() => Customer)
export class CustomerAssetsResolver {
  @FieldResolver(() => AssetConnection, {
    nullable: true,
    description: `Assets this customer owns, newest registration first (batched across customers: one query per page shape). Null with FORBIDDEN for roles that do not read assets. ${READERS}`,
  })
  assets(@Root() customer: Row<Customer>, @Args() args: AssetsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.assetPage(listArgs(args)).load(customer.id);
  }
}

/** The resolvers of this file, registered through their domain's manifest (src/domains). */
export const assetResolvers = [AssetResolver, CustomerAssetsResolver];
