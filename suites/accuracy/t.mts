import suite from './src/index.ts';
const t0 = performance.now();
const items = await suite.workItems({});
const ctl = new AbortController();
const ctx = { log: (m: string) => console.log(m), signal: ctl.signal };
for (const it of items) {
  const t = performance.now();
  try {
    const recs = await suite.runItem(it, {}, ctx);
    const g = recs.filter(r => r.dataset === 'gaussian' || r.dataset==='layer:gaussian');
    console.log(it.id, ((performance.now()-t)/1000).toFixed(2)+'s', g.map(r => `${r.metric}=${typeof r.value==='number'? r.value.toPrecision(4): r.value}${r.error? ' ERR '+r.error.slice(0,80):''}`).filter(s=>/bits|sqnr|gap|frob|ERR/.test(s)).join(' '));
  } catch (e) { console.log(it.id, 'THROW', (e as Error).message.slice(0,100)); }
}
console.log('total', ((performance.now()-t0)/1000).toFixed(1));
