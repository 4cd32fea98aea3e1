import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { loadConfig } from '../config';
import { buildBareSchema } from '../schema';
import { migrate, openDatabase } from './orm';
import { seedDemo } from './seed';
import { Role } from '../entities/enums';
import { User } from '../entities/user.entity';
import { hashPassword } from '../services/user.service';

/** `npm run migrate | seed | schema [file]`, and `create-admin <email> <name>` (password from ADMIN_PASSWORD). */
async function main(command: string | undefined, arg: string | undefined) {
  if (command === 'schema') {
    // Sorted by name: the order of types would otherwise follow the order in which modules load, and
    // adding or moving a domain would reorder the whole committed contract.
    const text = printSchema(lexicographicSortSchema(await buildBareSchema()));
    if (arg) writeFileSync(arg, `${text}\n`);
    else process.stdout.write(`${text}\n`);
    return;
  }
  // Refuse bad create-admin arguments before touching the database.
  if (command === 'create-admin') adminPassword(arg, process.argv[4]);
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    const applied = await migrate(db.orm);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    if (command === 'create-admin') await createAdmin(db, arg, process.argv[4]);
    if (command === 'seed') {
      if (config.NODE_ENV === 'production') throw new Error('Refusing to seed demo data when NODE_ENV=production.');
      console.log((await seedDemo(db.orm.em.fork(), { sales: true })) ? 'demo data seeded' : 'demo data already present');
    }
  } finally {
    await db.close();
  }
}

/** The checked arguments and the admin's password from ADMIN_PASSWORD (at least 12 characters). */
function adminPassword(email: string | undefined, name: string | undefined): { email: string; name: string; password: string } {
  const password = process.env.ADMIN_PASSWORD ?? '';
  if (!email || !name) throw new Error('Usage: create-admin <email> <name>  (password in ADMIN_PASSWORD)');
  if (password.length < 12) throw new Error('ADMIN_PASSWORD must be at least 12 characters.');
  return { email, name, password };
}

/** The first user of a production database (no demo data there). */
async function createAdmin(db: Awaited<ReturnType<typeof openDatabase>>, emailArg: string | undefined, nameArg: string | undefined) {
  const { email, name, password } = adminPassword(emailArg, nameArg);
  const em = db.orm.em.fork();
  em.persist(em.create(User, { email: email.trim().toLowerCase(), name, role: Role.ADMIN, passwordHash: await hashPassword(password) }));
  await em.flush();
  console.log(`admin ${email} created`);
}

main(process.argv[2], process.argv[3]).catch((error) => {
  console.error(error);
  process.exit(1);
});
