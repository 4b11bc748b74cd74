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
