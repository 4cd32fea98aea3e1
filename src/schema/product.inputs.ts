import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Product } from '../entities/product.entity';
import { connectionType } from './connection';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { BooleanFilter, DateTimeFilter, DecimalFilter, IdFilter, StringFilter } from './filters';
import { UserError } from './payload';
import { DecimalScalar, JSONObjectScalar } from './scalars';
import type * as products from '../services/product.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { PRODUCT_FILTER, PRODUCT_ORDER } from '../services/product.service';
import type { SortFieldOf } from '../services/read-model';

export const ProductConnection = connectionType(Product, 'Product');

@InputType({ description: 'Which products to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class ProductFilter {
  @Field(() => [ProductFilter], { nullable: true, description: 'All of these hold.' }) and?: ProductFilter[];
  @Field(() => [ProductFilter], { nullable: true, description: 'At least one of these holds.' }) or?: ProductFilter[];
  @Field(() => ProductFilter, { nullable: true, description: 'This does not hold.' }) not?: ProductFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The product id.' }) id?: IdFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The SKU (stored upper-case).' }) sku?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The name.' }) name?: StringFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The category.' }) category?: StringFilter;
  @Field(() => BooleanFilter, { nullable: true, description: 'Whether the product is active.' }) active?: BooleanFilter;
  @Field(() => DecimalFilter, { nullable: true, description: 'The list price (in the product\'s own currency), e.g. `{ gte: "100", lt: "500" }`.' }) listPrice?: DecimalFilter;
  @Field(() => StringFilter, { nullable: true, description: 'The ISO 4217 currency.' }) currency?: StringFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'Creation time.' }) createdAt?: DateTimeFilter;
}

export const ProductOrderField = sortEnum(PRODUCT_ORDER, 'ProductOrderField', 'Fields products can be sorted by. LIST_PRICE compares the number regardless of currency.');
export type ProductOrderField = SortFieldOf<typeof PRODUCT_ORDER>;
export type ProductFilterMatchesService = Assert<SameFilterFields<ProductFilter, typeof PRODUCT_FILTER>>;

@InputType({ description: 'One sort key for products; list several to break ties. The id always breaks the last tie.' })
export class ProductOrderBy {
  @Field(() => ProductOrderField, { description: 'What to sort by.' }) field!: ProductOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'Product fields shared by create and update. On update, an omitted field is left as it is; null clears an optional one.' })
class ProductFields {
  @Field(() => DecimalScalar, { nullable: true, description: 'Member price, 0 or more with at most 2 decimals, not above the list price; null for none.' }) memberPrice?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Cost, 0 or more with at most 2 decimals; null when unknown.' }) cost?: string | null;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Largest discount off the list price, in percent (0–100, at most 2 decimals), at which web shops and partners may push orders '
      + 'without the `orders:price-override` scope. "0" on create when omitted (list or member price only); null is refused.',
  }) maxDiscountPercent?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the prices (e.g. "EUR"); EUR on create when omitted.' }) currency?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether it can be sold; true on create when omitted.' }) active?: boolean | null;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'Configurable options by name (letters, digits, "_"; at most 50), each `{ "type": "enum", "values": [..], "required"?: bool }`, '
      + '`{ "type": "string", "maxLength"?: 1–1000, "required"?: bool }`, `{ "type": "integer", "min"?: n, "max"?: n, "required"?: bool }` '
      + 'or `{ "type": "boolean", "required"?: bool }`. Malformed: VALIDATION at the offending path. Empty on create when omitted.',
  })
  optionsSchema?: Record<string, unknown> | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True when each unit carries a serial number / service tag: fulfilling an order of it creates one asset per unit. False on create when omitted.',
  })
  serialised?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Warranty in months from purchase, 0–240 (0: none); sets the warranty end of its assets. 0 on create when omitted.',
  })
  warrantyMonths?: number | null;
}

@InputType({ description: 'A new product.' })
export class CreateProductInput extends ProductFields implements products.CreateProductInput {
  @Field({ description: 'SKU: 1–64 characters of A–Z, 0–9, ".", "_", "-" (lower case is upper-cased); unique (DUPLICATE otherwise).' }) sku!: string;
  @Field({ description: 'Name (1–200 characters).' }) name!: string;
  @Field({ description: 'Category (1–100 characters).' }) category!: string;
  @Field(() => DecimalScalar, { description: 'List price, 0 or more with at most 2 decimals, e.g. "1299.00".' }) listPrice!: string;
}

@InputType({ description: 'Changes to a product. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateProductInput extends ProductFields implements products.UpdateProductInput {
  @Field(() => ID, { description: 'The product.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'SKU (unique; DUPLICATE otherwise).' }) sku?: string | null;
  @Field(() => String, { nullable: true, description: 'Name (1–200 characters).' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'Category (1–100 characters).' }) category?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'List price, 0 or more with at most 2 decimals.' }) listPrice?: string | null;
}

@ObjectType({ description: 'Result of a product mutation.' })
export class ProductPayload {
  @Field(() => Product, { nullable: true, description: 'The product after the change; null when `errors` is not empty.' }) product!: Product | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}
