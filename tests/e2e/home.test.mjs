// The site loads, mounts the Rust app, shows the engine version and every scheduler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId, URL } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the page mounts and lists the registry and the presets', async () => {
  const t0 = Date.now();
  const page = await openPage(browser);
  await byTestId(page, 'makespan').waitFor();
  const firstRenderMs = Date.now() - t0;
  // Budgets are measured by perf.mjs (cargo xtask bench --web), not asserted here.
  console.log(`first render (to the first makespan): ${firstRenderMs} ms`);
  const version = await byTestId(page, 'engine-version').textContent();
  assert.match(version, /^\d+\.\d+\.\d+$/);
  const ids = await byTestId(page, 'scheduler-select').locator('option').evaluateAll((os) => os.map((o) => o.value));
  for (const id of ['heft', 'cpop', 'peft', 'etf', 'mct', 'met', 'olb', 'minmin', 'maxmin', 'sufferage', 'random']) {
    assert.ok(ids.includes(id), `${id} missing from ${ids}`);
  }
  const presets = await byTestId(page, 'preset-select').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(presets.sort(), ['ds3-wifi-rx', 'ds3-wifi-tx', 'fft', 'gaussian-elimination', 'montage', 'stg-rand50', 'topcuoglu2002']);
  await shot(page, 'home');
  assert.deepEqual(page.errors, []);
});

test('the site works from a sub-path (relative URLs)', async () => {
  const html = await (await fetch(new globalThis.URL('index.html', URL))).text();
  assert.doesNotMatch(html, /(src|href)="\/[^/]/, 'absolute asset URLs break sub-path hosting');
});

test('presets other than the default are fetched when chosen; a failed fetch keeps the work', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'makespan').waitFor();
  const fetched = [];
  page.on('request', (r) => { if (r.url().includes('/presets/')) fetched.push(r.url().split('/').pop()); });
  await byTestId(page, 'preset-select').selectOption('montage');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dag-node]').length === 103, null, { timeout: 10000 });
  assert.deepEqual(fetched, ['montage.json']);
  // A preset that cannot be fetched: the banner names it, the montage stays.
  await page.route('**/presets/fft.json', (r) => r.fulfill({ status: 404, body: 'gone' }));
  await byTestId(page, 'preset-select').selectOption('fft');
  const banner = byTestId(page, 'error-banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /preset fft: cannot load presets\/fft\.json: HTTP 404/);
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 103);
  // Chromium logs the refused request itself; nothing else may be logged.
  assert.deepEqual(page.errors.filter((e) => !e.includes('404')), []);
});

test('the HEFT-under-noise card opens the Streams lab where HEFT-RT\'s plan breaks and ETF holds', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'makespan').waitFor();
  await byTestId(page, 'preset-card-heft-under-noise').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-row-1]')?.textContent.startsWith('etf:2'));
  await page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  await page.waitForTimeout(200);
  assert.match(await byTestId(page, 'streams-row-0').textContent(), /^heft_rt/);
  const flow = async (i) => Number(await byTestId(page, `mean-flow-${i}`).textContent());
  // The card's numbers (the native test checks them against the engine).
  assert.equal(Math.round(await flow(0)), 280);
  assert.equal(Math.round(await flow(1)), 219);
  assert.equal(await byTestId(page, 'streams-exec-noise').inputValue(), '0.5');
  await shot(page, 'preset-heft-under-noise');
  assert.deepEqual(page.errors, []);
});
