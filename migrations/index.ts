import { Migration20261129000000Foundation } from './Migration20261129000000Foundation';
import { Migration20261130000000Sales } from './Migration20261130000000Sales';
import { Migration20261201000000Products } from './Migration20261201000000Products';
import { Migration20261202000000Orders } from './Migration20261202000000Orders';
import { Migration20261203000000Finance } from './Migration20261203000000Finance';
import { Migration20261204000000Service } from './Migration20261204000000Service';
import { Migration20261205100000SessionsRateLimits } from './Migration20261205100000SessionsRateLimits';
import { Migration20261209000000ShopRules } from './Migration20261209000000ShopRules';
import { Migration20261210000000PollingIndexes } from './Migration20261210000000PollingIndexes';

/** Every migration in order. Listed explicitly so compiled and test (TypeScript) runs find the same set. */
export const migrationsList = [
  { name: 'Migration20261129000000Foundation', class: Migration20261129000000Foundation },
  { name: 'Migration20261130000000Sales', class: Migration20261130000000Sales },
  { name: 'Migration20261201000000Products', class: Migration20261201000000Products },
  { name: 'Migration20261202000000Orders', class: Migration20261202000000Orders },
  { name: 'Migration20261203000000Finance', class: Migration20261203000000Finance },
  { name: 'Migration20261204000000Service', class: Migration20261204000000Service },
  { name: 'Migration20261205100000SessionsRateLimits', class: Migration20261205100000SessionsRateLimits },
  { name: 'Migration20261209000000ShopRules', class: Migration20261209000000ShopRules },
  { name: 'Migration20261210000000PollingIndexes', class: Migration20261210000000PollingIndexes },
];
