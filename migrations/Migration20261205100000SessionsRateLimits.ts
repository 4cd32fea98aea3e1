import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 9, items 12 and 21. `app_user.session_version` is carried by every token (claim `sv`): raising
 * it (password change, deactivation) ends every token issued before. `rate_limit` holds the counters of
 * the request limits and the login throttle when they live in PostgreSQL (rate-limiter-flexible's
 * RateLimiterPostgres, told `tableCreated: true` so the app never creates tables at run time); its
 * shape is the library's: a key (prefix:name:subject), the points used and the expiry in epoch ms.
 */
export class Migration20261205100000SessionsRateLimits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table app_user add column session_version integer not null default 0;`);
    this.addSql(`create table rate_limit (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    );`);
    // The library deletes rows expired for an hour every 5 minutes by `expire`.
    this.addSql(`create index rate_limit_expire_idx on rate_limit (expire);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists rate_limit;`);
    this.addSql(`alter table app_user drop column if exists session_version;`);
  }
}
