import { startPostgres } from '@stemkit/testing/postgres';

const pg = await startPostgres();
console.log(pg.url);
process.on('SIGTERM', async () => {
  await pg.stop();
  process.exit(0);
});
setInterval(() => {}, 1000);
