const { Store } = await import('@mixtape/pipeline/store');
const s = await Store.open({ dataDir: '/tmp/c2dir' });
const t0 = performance.now();
const tables = await s.all("select table_name from duckdb_tables() where schema_name='main'");
await s.run("create table if not exists zz as select 1 as a");
await s.run("insert into zz values (2)");
const t1 = performance.now();
if (process.argv[2] === 'cp') { await s.checkpoint(); }
const t2 = performance.now();
s.close();
const t3 = performance.now();
console.log('writes', (t1-t0).toFixed(0), 'checkpoint', (t2-t1).toFixed(0), 'closeSync', (t3-t2).toFixed(0));
