import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { loadConfig } from '../config';
import { buildBareSchema } from '../schema/build-schema';
import { migrate, openDatabase } from './orm';
import { seedDemo } from './seed';

/** `npm run migrate | seed | schema [file]`. */
async function main(command: string | undefined, arg: string | undefined) {
  if (command === 'schema') {
    const text = printSchema(await buildBareSchema());
    if (arg) writeFileSync(arg, `${text}\n`);
    else process.stdout.write(`${text}\n`);
    return;
  }
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    const applied = await migrate(db.orm);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    if (command === 'seed') {
      if (config.NODE_ENV === 'production') throw new Error('Refusing to seed demo data when NODE_ENV=production.');
      console.log((await seedDemo(db.orm.em.fork() as any)) ? 'demo data seeded' : 'demo data already present');
    }
  } finally {
    await db.close();
  }
}

main(process.argv[2], process.argv[3]).catch((error) => {
  console.error(error);
  process.exit(1);
});
