// Commits numbered rows to a PGlite folder as fast as it can, printing each number once its commit returned.
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create(process.argv[2] as string);
await db.exec('CREATE TABLE IF NOT EXISTS acknowledged (n integer PRIMARY KEY, padding text)');
const { rows } = await db.query<{ last: number }>('SELECT coalesce(max(n), 0) AS last FROM acknowledged');
let n = rows[0]?.last ?? 0;
process.stdout.write(`start ${n}\n`);
for (;;) {
  n += 1;
  await db.query('INSERT INTO acknowledged VALUES ($1, $2)', [n, 'x'.repeat(200)]);
  process.stdout.write(`ok ${n}\n`);
}
