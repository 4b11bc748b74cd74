// Long runs off the page's thread: the Streams and Serving labs run in a Web Worker (the
// same wasm module), the page keeps drawing at >= 30 fps, Stop cancels and keeps what is on
// screen, a worker that dies shows its panel and the page goes on, and a panic on the page
// itself shows the panic panel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openLab(lab, ready) {
  const page = await openPage(browser);
  await byTestId(page, `lab-${lab}`).click();
  await byTestId(page, ready).waitFor();
  return page;
}

/** Starts counting animation frames; returns a function giving frames per second so far. */
async function countFrames(page) {
  await page.evaluate(() => {
    window.__frames = 0;
    window.__t0 = performance.now();
    const f = () => { window.__frames++; requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
  return () => page.evaluate(() => window.__frames / ((performance.now() - window.__t0) / 1000));
}

async function setField(page, id, value) {
  await byTestId(page, id).fill(String(value));
  await byTestId(page, id).press('Enter');
}

const idle = (page, bar) => page.waitForFunction((b) => !document.querySelector(`[data-testid=${b}]`), bar, { timeout: 60000 });

test('a long Streams run goes to the worker: the page draws >= 30 fps, and Stop keeps the last result', async () => {
  const page = await openLab('streams', 'mean-flow-0');
  // Random DAG jobs: 2,000 jobs of 200 tasks under four policies (ETF among them) is
  // seconds of simulation (3 s natively).
  await byTestId(page, 'streams-mix').selectOption('dag');
  await idle(page, 'streams-progress');
  await setField(page, 'streams-jobs', 2000);
  await idle(page, 'streams-progress');
  await page.getByLabel('Tasks per DAG job').fill('200');
  await page.getByLabel('Tasks per DAG job').press('Enter');
  await idle(page, 'streams-progress');
  await byTestId(page, 'streams-compare-add').click();
  await idle(page, 'streams-progress');
  const shown = await byTestId(page, 'mean-flow-0').textContent();
  await byTestId(page, 'streams-compare-add').click();
  await byTestId(page, 'streams-progress').waitFor({ timeout: 5000 });
  // Frames while the worker simulates (the page's own work for the edit is done).
  const fps = await countFrames(page);
  await page.waitForTimeout(1000);
  assert.ok(await byTestId(page, 'streams-progress').isVisible(), 'still simulating after a second');
  const rate = await fps();
  assert.ok(rate >= 30, `${rate.toFixed(1)} frames per second while simulating`);
  await shot(page, 'worker-streams-running');
  await byTestId(page, 'streams-progress-stop').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'), null, { timeout: 2000 });
  assert.equal(await byTestId(page, 'mean-flow-0').textContent(), shown, 'the last result stays after Stop');
  // The next edit runs again, to the end.
  await setField(page, 'streams-jobs', 30);
  await page.waitForFunction((old) => {
    const el = document.querySelector('[data-testid=mean-flow-0]');
    return !document.querySelector('[data-testid=streams-progress]') && el && el.textContent !== old;
  }, shown, { timeout: 30000 });
  assert.deepEqual(page.errors, []);
});

test('a large DAG-lab sweep goes to the worker: runs drawn at once, samples after, >= 30 fps, Stop', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'makespan').waitFor();
  await byTestId(page, 'preset-select').selectOption('montage');
  await byTestId(page, 'compare-add').click();
  await byTestId(page, 'compare-add').click();
  await byTestId(page, 'compare-add').click();
  // Four schedulers on montage: the robustness curves alone go to the worker.
  await byTestId(page, 'robustness').waitFor();
  await idle(page, 'dag-progress');
  const samples = page.getByRole('spinbutton', { name: 'Noise samples' });
  await samples.fill('200');
  await samples.press('Enter');
  const table = page.locator('.dag-metrics');
  // σ > 0 on montage with four schedulers and 200 samples: the sweep goes to the worker.
  await byTestId(page, 'noise-sigma').fill('0.3');
  await byTestId(page, 'noise-sigma').press('Enter');
  // The runs drawn are shown while the samples are computed: checked in one frame with the
  // progress bar (read after it, the table raced a quick sweep's end).
  await page.waitForFunction(
    () => document.querySelector('[data-testid=dag-progress]') && /mean: computing…/.test(document.querySelector('.dag-metrics')?.textContent ?? ''),
    null,
    { timeout: 5000, polling: 'raf' },
  );
  const fps = await countFrames(page);
  await page.waitForTimeout(600);
  const rate = await fps();
  await shot(page, 'worker-dag-sweep');
  await idle(page, 'dag-progress');
  assert.ok(rate >= 30, `${rate.toFixed(1)} frames per second while sampling`);
  const done = await table.textContent();
  assert.doesNotMatch(done, /computing/);
  assert.match(done, /\(mean [0-9.]+ ± [0-9.]+\)/);
  await byTestId(page, 'robustness').waitFor();
  // Stop, on a sweep long enough to catch: 3,000 tasks, four schedulers, 200 samples.
  await page.locator('input[type=file]').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(layeredScenario(3000))) });
  await byTestId(page, 'dag-progress').waitFor({ timeout: 20000 });
  await byTestId(page, 'dag-progress-stop').click();
  await idle(page, 'dag-progress');
  // The statistics are marked as not computed, and nothing says "computing…" any more.
  assert.doesNotMatch(await table.textContent(), /computing/);
  assert.match(await table.textContent(), /\(mean: stopped\)/);
  assert.equal(await page.getByText('computing…', { exact: true }).count(), 0, 'no chart waits for curves');
  assert.match(await page.locator('[role=alert]').first().textContent(), /noise samples stopped/);
  assert.deepEqual(page.errors, []);
});

/** A layered random DAG of `n` tasks on 4 CPUs (seeded, so every run is the same). */
function layeredScenario(n) {
  let x = 7;
  const rnd = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  const width = 30;
  const tasks = Array.from({ length: n }, (_, i) => ({ name: `t${i}`, cost: 5 + Math.floor(rnd() * 20) }));
  const edges = [];
  for (let i = width; i < n; i++) {
    const layer = Math.floor(i / width);
    for (let k = 0; k < 2; k++) {
      const from = (layer - 1) * width + Math.floor(rnd() * width);
      if (!edges.some((e) => e.from === `t${from}` && e.to === `t${i}`)) edges.push({ from: `t${from}`, to: `t${i}`, data: Math.floor(rnd() * 10) });
    }
  }
  return {
    version: 1, name: `layered-${n}`, description: 'a large layered graph for the Stop test',
    processors: [1, 2, 3, 4].map((p) => ({ name: `P${p}`, kind: 'cpu' })),
    network: { bandwidth: 1 }, tasks, edges,
  };
}

test('a worker that dies shows its panel; the page and its results stay, and Run again works', async () => {
  const page = await openLab('serving', 'ttft-p50-0');
  const before = await byTestId(page, 'ttft-p50-0').textContent();
  await page.evaluate(() => window.wasmBindings.schedlab_debug_crash_worker());
  const panel = byTestId(page, 'worker-died');
  await panel.waitFor({ timeout: 10000 });
  assert.match(await panel.textContent(), /asked for by schedlab_debug_crash_worker/);
  assert.match(await panel.textContent(), /kept/);
  assert.equal(await byTestId(page, 'ttft-p50-0').textContent(), before, 'results stay on screen');
  await shot(page, 'worker-died');
  await byTestId(page, 'worker-rerun').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=worker-died]')
    && !document.querySelector('[data-testid=serving-progress]'), null, { timeout: 20000 });
  assert.equal(await byTestId(page, 'ttft-p50-0').textContent(), before, 'a fresh worker gives the same numbers');
  assert.deepEqual(page.errors, []);
});

test('a panic on the page itself shows the panic panel', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'makespan').waitFor();
  await page.evaluate(() => { try { window.wasmBindings.schedlab_debug_panic(); } catch (_) {} });
  const panel = byTestId(page, 'panic-panel');
  await panel.waitFor({ timeout: 5000 });
  assert.match(await panel.textContent(), /asked for by schedlab_debug_panic/);
  assert.match(await panel.textContent(), /Your work is saved/);
});
