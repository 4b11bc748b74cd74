// The web budgets of docs/performance.md, measured in headless Chromium (not a test: it
// prints numbers). Run by `cargo xtask bench --web` against the release build.
//   first render ≤ 1.5 s · animation ≥ 50 fps with 2,000 bars · a 200-task edit
//   re-schedules and redraws within one frame (16 ms) · wasm + js ≤ 590 KB gzipped
//   (the last one enforced by `cargo xtask test`)
import { launch, byTestId, skipTours, URL } from './lib.mjs';

/** A layered random DAG as a schedlab scenario (deterministic). */
function scenario(tasks, procs) {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const width = Math.max(1, Math.round(Math.sqrt(tasks)));
  const t = [];
  const e = [];
  for (let i = 0; i < tasks; i++) {
    t.push({ name: `t${i}`, costs: Array.from({ length: procs }, () => Math.round(5 + rnd() * 30)) });
    const layer = Math.floor(i / width);
    if (layer > 0) {
      for (let k = 0; k < 2; k++) {
        const p = (layer - 1) * width + Math.floor(rnd() * width);
        if (!e.some((x) => x.from === `t${p}` && x.to === `t${i}`)) e.push({ from: `t${p}`, to: `t${i}`, data: Math.round(rnd() * 20) });
      }
    }
  }
  return { version: 1, name: `perf-${tasks}`, processors: Array.from({ length: procs }, (_, i) => ({ name: `P${i + 1}` })), tasks: t, edges: e };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await launch();
const results = {};

// First render: navigation start to the first makespan on screen, fresh profile each time.
const firsts = [];
for (let i = 0; i < 5; i++) {
  const ctx = await browser.newContext();
  await skipTours(ctx);
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(URL);
  await byTestId(page, 'makespan').waitFor();
  firsts.push(Date.now() - t0);
  await ctx.close();
}
results.first_render_ms = median(firsts);

async function load(page, tasks, procs) {
  await page.locator('input[type=file]').setInputFiles({ name: `perf-${tasks}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario(tasks, procs))) });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dag-node]').length === n, tasks, { timeout: 60000 });
  await page.waitForTimeout(500);
}

// Animation with 2,000 bars.
{
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await skipTours(ctx);
  const page = await ctx.newPage();
  await page.goto(URL);
  await byTestId(page, 'makespan').waitFor();
  await load(page, 2000, 8);
  const measure = async (label) => {
    await byTestId(page, 'play').click();
    await page.waitForTimeout(300);
    await page.evaluate(() => { window.schedlabStats = {}; });
    const seconds = 3;
    await page.waitForTimeout(seconds * 1000);
    const s = await page.evaluate(() => window.schedlabStats);
    await byTestId(page, 'play').click();
    results[`animation_2000_bars_${label}_fps`] = +(s.frames / seconds).toFixed(1);
    results[`animation_2000_bars_${label}_mean_draw_ms`] = +(s.drawMs / s.frames).toFixed(2);
    results[`animation_2000_bars_${label}_max_draw_ms`] = +s.maxDrawMs.toFixed(2);
  };
  await measure('with_2000_node_dag');
  await page.getByRole('tab', { name: 'Platform' }).click();
  await measure('gantt_only');
  await ctx.close();
}

// An edit of a 200-task graph: evaluation (all schedulers' work) + Gantt redraw.
{
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await skipTours(ctx);
  const page = await ctx.newPage();
  await page.goto(URL);
  await byTestId(page, 'makespan').waitFor();
  await load(page, 200, 8);
  const costs = [];
  for (let i = 0; i < 15; i++) {
    // In-page latency: from the click event to the end of the Gantt redraw.
    await page.evaluate(() => {
      window.schedlabStats = {};
      document.querySelector('[data-testid=add-task]').addEventListener('click', () => { window.__clickAt = performance.now(); }, { capture: true, once: true });
    });
    await byTestId(page, 'add-task').click();
    await page.waitForFunction(() => window.schedlabStats && window.schedlabStats.lastDrawMs !== undefined && window.schedlabStats.lastEvalMs !== undefined);
    const s = await page.evaluate(() => ({ ...window.schedlabStats, wall: window.schedlabStats.lastDrawEnd - window.__clickAt }));
    costs.push({ eval: s.lastEvalMs, draw: s.lastDrawMs, wall: s.wall });
  }
  results.edit_200_tasks_eval_ms_median = +median(costs.map((c) => c.eval)).toFixed(2);
  results.edit_200_tasks_draw_ms_median = +median(costs.map((c) => c.draw)).toFixed(2);
  results.edit_200_tasks_eval_plus_draw_ms_median = +median(costs.map((c) => c.eval + c.draw)).toFixed(2);
  results.edit_200_tasks_click_to_gantt_redrawn_ms_median = +median(costs.map((c) => c.wall)).toFixed(2);
  await ctx.close();
}

// The same engine calls natively and in WebAssembly: the job bytes the native bench
// (crates/schedlab-app/benches/native_vs_wasm.rs) wrote and timed, answered here by the
// page's own export (what the background worker runs), on the page's thread, after the
// engine's code has been optimised by Chromium's second tier.
if (process.env.SCHEDLAB_BENCH_JOBS) {
  const { readFileSync, readdirSync, existsSync } = await import('node:fs');
  const dir = process.env.SCHEDLAB_BENCH_JOBS;
  const ctx = await browser.newContext();
  await skipTours(ctx);
  const page = await ctx.newPage();
  await page.goto(URL);
  await byTestId(page, 'makespan').waitFor();
  const rows = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const name = file.replace(/\.json$/, '');
    const bytes = [...readFileSync(`${dir}/${file}`)];
    const times = await page.evaluate((b) => {
      const job = new Uint8Array(b);
      // Chromium compiles WebAssembly twice: a quick baseline first, optimised code for
      // hot functions a few runs later (the first HEFT runs take 40, 34, 18 ms, then 9-11):
      // ten warm-up runs, then nine measured, as criterion warms up natively.
      const out = [];
      for (let i = 0; i < 19; i++) {
        const t0 = performance.now();
        window.wasmBindings.schedlab_worker_serve(job, () => {});
        out.push(performance.now() - t0);
      }
      return out.slice(10);
    }, bytes);
    const wasm = median(times);
    const est = `${process.env.SCHEDLAB_CRITERION}/native_vs_wasm/${name}/new/estimates.json`;
    const native = existsSync(est) ? JSON.parse(readFileSync(est, 'utf8')).median.point_estimate / 1e6 : null;
    rows.push({ name, native_ms: native && +native.toFixed(2), wasm_ms: +wasm.toFixed(2), ratio: native && +(wasm / native).toFixed(2) });
  }
  results.native_vs_wasm = rows;
  await ctx.close();
}

results.wasm_js_gzip_kb = process.env.SCHEDLAB_WASM_JS_GZIP ? +(process.env.SCHEDLAB_WASM_JS_GZIP / 1024).toFixed(0) : null;
await browser.close();
console.log(JSON.stringify(results, null, 2));
