import { OptionalProps, Property } from '@mikro-orm/core';

/**
 * The columns most entities share, declared once: `Timestamped` (createdAt, updatedAt) ⊂ `Versioned`
 * (+ version) ⊂ `SoftDeletable` (+ deletedAt). A chain, not mixins: every entity that has a later
 * column also has the earlier ones. Entities that have only some of them (createdAt alone, version
 * without updatedAt) keep their own columns.
 *
 * Only the ORM side lives here. Each entity still declares the GraphQL `@Field` of a column it shows
 * (`createdAt!: Date` with the decorator, no initializer: the value comes from here), because the
 * description differs per type and type-graphql lists inherited fields first, which would reorder the
 * committed schema. The id stays per entity too: its default carries the entity's id prefix.
 *
 * `Optional` lists the entity's own properties that have defaults, so `em.create` does not ask for them
 * (MikroORM's `OptionalProps`; a subclass cannot widen the symbol property itself, hence the parameter).
 * `id` is always optional: every entity's id defaults to `newId(<type>)`.
 */
export abstract class Timestamped<Optional = never> {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | Optional;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** Plus the optimistic-concurrency `version`: an update with a stale one is a CONFLICT. */
export abstract class Versioned<Optional = never> extends Timestamped<'version' | Optional> {
  @Property({ version: true, type: 'integer' })
  version: number = 1;
}

/** Plus `deletedAt`: soft delete with restore; null while the record is live. */
export abstract class SoftDeletable<Optional = never> extends Versioned<Optional> {
  @Property({ type: 'timestamptz', nullable: true })
  deletedAt?: Date | null;
}
