import { newId } from '../../src/entities/ids';
import { USERS, type TestApp } from '../helpers';

/**
 * The sales team the sales-report tests share: the demo manager and reps (and FINANCE, MARKETING), a third
 * rep outside the manager's team, and four customers K1–K4 owned by rep1, rep2, rep3 and rep1, K4 deleted on
 * `k4DeletedAt` (a deleted customer's history still counts in reports). `label` names the rep's e-mail and
 * the customers ("<label> K1 Ltd"), so that files do not clash.
 */
export async function salesTeam(t: TestApp, label: string, k4DeletedAt: string) {
  const users = await t.sql<{ id: string; email: string }>('select id, email from app_user');
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  const U = {
    M: idOf(USERS.SALES_MANAGER), R1: idOf(USERS.SALES_REP), R2: idOf(USERS.SALES_REP_2), R3: newId('User'),
    FIN: idOf(USERS.FINANCE), MKT: idOf(USERS.MARKETING),
  };
  await t.sql(`insert into app_user (id, email, name, role, password_hash) values (?, ?, 'Rex Outsider', 'SALES_REP', 'x')`, [U.R3, `rep3@${label.toLowerCase()}.test`]);
  const owners = { K1: U.R1, K2: U.R2, K3: U.R3, K4: U.R1 };
  const K = { K1: '', K2: '', K3: '', K4: '' };
  for (const key of Object.keys(K) as (keyof typeof K)[]) {
    K[key] = newId('Customer');
    await t.sql(`insert into customer (id, name, kind, sector, owner_id, deleted_at) values (?, ?, 'BUSINESS', 'SMALL_BUSINESS', ?, ?)`,
      [K[key], `${label} ${key} Ltd`, owners[key], key === 'K4' ? k4DeletedAt : null]);
  }
  return { U, K };
}
