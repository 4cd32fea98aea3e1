import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Asset } from '../entities/asset.entity';
import { connectionType } from './connection';
import { PostalAddressInput } from './contact-point.inputs';
import { ASCENDING_BY_DEFAULT, SortDirection } from './enums';
import { DateTimeFilter, IdFilter, LocalDateFilter, StringFilter } from './filters';
import { UserError } from './payload';
import { LocalDateScalar } from './scalars';
import type * as assets from '../services/asset.service';
import { Assert, SameFilterFields, sortEnum } from './sort-enum';
import { ASSET_FILTER, ASSET_ORDER } from '../services/asset.service';
import type { SortFieldOf } from '../services/read-model';

export const AssetConnection = connectionType(Asset, 'Asset');

export enum WarrantyStatus { IN_WARRANTY = 'IN_WARRANTY', EXPIRED = 'EXPIRED', NO_WARRANTY = 'NO_WARRANTY' }
registerEnumType(WarrantyStatus, {
  name: 'WarrantyStatus',
  description: 'Whether an asset is under warranty, as of today (UTC).',
  valuesConfig: {
    IN_WARRANTY: { description: 'Covered: today is on or before `warrantyEnd` (the last day is still covered).' },
    EXPIRED: { description: 'The warranty ended before today.' },
    NO_WARRANTY: { description: 'The asset has no warranty (`warrantyEnd` is null).' },
  },
});

@InputType({ description: 'Which assets to list. Fields are and-ed; combine filters with `and`, `or`, `not`.' })
export class AssetFilter {
  @Field(() => [AssetFilter], { nullable: true, description: 'All of these hold.' }) and?: AssetFilter[];
  @Field(() => [AssetFilter], { nullable: true, description: 'At least one of these holds.' }) or?: AssetFilter[];
  @Field(() => AssetFilter, { nullable: true, description: 'This does not hold.' }) not?: AssetFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The asset id.' }) id?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The owning customer\'s id.' }) customerId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The product\'s id.' }) productId?: IdFilter;
  @Field(() => IdFilter, { nullable: true, description: 'The id of the order it came from (`isNull: true`: registered directly).' }) orderId?: IdFilter;
  @Field(() => StringFilter, {
    nullable: true,
    description: 'The service tag (stored upper-case; `eq`, `ne` and `in` are upper-cased for you, `contains` and `startsWith` ignore case anyway).',
  }) serviceTag?: StringFilter;
  @Field(() => LocalDateFilter, { nullable: true, description: 'The purchase date.' }) purchaseDate?: LocalDateFilter;
  @Field(() => LocalDateFilter, {
    nullable: true,
    description: 'The last day of the warranty, e.g. `{ gte: "<today>" }` for assets still covered, `{ isNull: true }` for assets without a warranty.',
  }) warrantyEnd?: LocalDateFilter;
  @Field(() => DateTimeFilter, { nullable: true, description: 'When the asset was registered.' }) createdAt?: DateTimeFilter;
}

export const AssetOrderField = sortEnum(ASSET_ORDER, 'AssetOrderField', 'Fields assets can be sorted by.');
export type AssetOrderField = SortFieldOf<typeof ASSET_ORDER>;
export type AssetFilterMatchesService = Assert<SameFilterFields<AssetFilter, typeof ASSET_FILTER>>;

@InputType({ description: 'One sort key for assets; list several to break ties. The id always breaks the last tie.' })
export class AssetOrderBy {
  @Field(() => AssetOrderField, { description: 'What to sort by.' }) field!: AssetOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: ASCENDING_BY_DEFAULT }) direction!: SortDirection;
}

@InputType({ description: 'A product a customer owns, registered by hand (assets of fulfilled orders are created automatically).' })
export class RegisterAssetInput implements assets.RegisterAssetInput {
  @Field({
    description: 'Serial number / service tag: 3–40 characters of A–Z, 0–9 and "-", starting with a letter or digit; stored upper-case; unique (DUPLICATE otherwise).',
  }) serviceTag!: string;
  @Field(() => ID, { description: 'The product (any product of the catalogue, also an inactive one).' }) productId!: string;
  @Field(() => ID, {
    description: 'The owning customer. ADMIN and SERVICE_AGENT: any customer; PARTNER: itself or a customer it resells to (NOT_FOUND otherwise).',
  }) customerId!: string;
  @Field(() => LocalDateScalar, { description: 'When it was bought; at most tomorrow (UTC), to allow for time zones ahead of UTC.' }) purchaseDate!: string;
  @Field(() => LocalDateScalar, {
    nullable: true,
    description: 'Last day of the warranty, not before the purchase date. Omitted: purchase date + the product\'s `warrantyMonths` (none when 0); null: no warranty.',
  }) warrantyEnd?: string | null;
  @Field(() => PostalAddressInput, { nullable: true, description: 'Where it is installed; null or omitted when unknown.' }) installedAddress?: PostalAddressInput | null;
  @Field(() => String, { nullable: true, description: 'Free-text notes (at most 4000 characters).' }) notes?: string | null;
}

@InputType({ description: 'Changes to an asset. Omitted fields stay as they are; null clears an optional one. Pass the `version` you read; a stale one is a CONFLICT.' })
export class UpdateAssetInput implements assets.UpdateAssetInput {
  @Field(() => ID, { description: 'The asset.' }) id!: string;
  @Field(() => Int, { description: 'The version you read.' }) version!: number;
  @Field(() => PostalAddressInput, { nullable: true, description: 'Where it is installed now; null clears it.' }) installedAddress?: PostalAddressInput | null;
  @Field(() => String, { nullable: true, description: 'Free-text notes (at most 4000 characters); null or "" clears them.' }) notes?: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'New last day of the warranty (e.g. an extension), not before the purchase date; null: no warranty.' }) warrantyEnd?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'Transfer the asset to another customer (e.g. it was sold on); recorded in both customers\' history. Cannot be null.',
  }) customerId?: string | null;
}

@ObjectType({ description: 'Result of an asset mutation.' })
export class AssetPayload {
  @Field(() => Asset, { nullable: true, description: 'The asset after the change; null when `errors` is not empty.' }) asset!: Asset | null;
  @Field(() => [UserError], { description: 'Why the change was refused; empty on success.' }) errors!: UserError[];
}
