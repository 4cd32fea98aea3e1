import { Migration20261129000000Foundation } from './Migration20261129000000Foundation';

/** Every migration in order. Listed explicitly so compiled and test (TypeScript) runs find the same set. */
export const migrationsList = [
  { name: 'Migration20261129000000Foundation', class: Migration20261129000000Foundation },
];
