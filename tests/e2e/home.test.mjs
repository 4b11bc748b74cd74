// The site loads, mounts the Rust app, shows the engine version and every scheduler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId, shareLink, URL } from './lib.mjs';

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

test('each lab has a guided tour on the first visit: it points at each control, can be skipped, and stays dismissed', async () => {
  const page = await openPage(browser, URL, { width: 1280, height: 800 }, true);
  const card = byTestId(page, 'tour');
  await card.waitFor();
  // Every step's control exists and is the one outlined.
  for (let i = 1; ; i++) {
    const count = await card.locator('.tour-count').textContent();
    const [, at, of] = count.match(/(\d+) of (\d+)/).map(Number);
    assert.equal(at, i);
    await page.waitForFunction(() => document.querySelectorAll('[data-tour]').length === 1);
    assert.ok(await page.locator('[data-tour]').isVisible(), `step ${i}'s control is on screen`);
    if (i === 2) assert.equal(await page.locator('[data-tour]').getAttribute('data-testid'), 'scheduler-select');
    if (at === of) break;
    await byTestId(page, 'tour-next').click();
    await page.waitForFunction((n) => document.querySelector('.tour-count')?.textContent.includes(`${n} of`), i + 1);
  }
  await byTestId(page, 'tour-back').click();
  await page.waitForFunction(() => document.querySelector('.tour-count')?.textContent.includes('4 of'));
  assert.match(await card.locator('.tour-count').textContent(), /4 of 5/);
  // The keyboard stays on Back (refocused once the card is redrawn).
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'tour-back');
  // Edits and playback while the tour is open leave it where it is.
  await byTestId(page, 'seed').fill('7');
  await byTestId(page, 'seed').press('Enter');
  await byTestId(page, 'play').click();
  await page.waitForTimeout(400);
  assert.match(await card.locator('.tour-count').textContent(), /4 of 5/);
  await shot(page, 'tour-dag');
  await byTestId(page, 'tour-skip').click();
  await card.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelectorAll('[data-tour]').length === 0);
  // The Streams lab's own tour on its first visit; Done dismisses it.
  await byTestId(page, 'lab-streams').click();
  await card.waitFor();
  assert.match(await byTestId(page, 'tour-text').textContent(), /SRPT/);
  for (let i = 2; i <= 4; i++) {
    await byTestId(page, 'tour-next').click();
    await page.waitForFunction((n) => document.querySelector('.tour-count')?.textContent.includes(`${n} of`), i);
  }
  assert.equal(await byTestId(page, 'tour-next').textContent(), 'Done');
  await byTestId(page, 'tour-next').click();
  await card.waitFor({ state: 'detached' });
  // Not again after a reload, in either lab; the header's Tour button starts it over.
  await page.reload();
  await byTestId(page, 'mean-flow-0').waitFor();
  await byTestId(page, 'lab-dag').click();
  await byTestId(page, 'makespan').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await card.count(), 0);
  await byTestId(page, 'tour-start').click();
  await card.waitFor();
  assert.match(await card.locator('.tour-count').textContent(), /1 of 5/);
  // A lab not visited yet still has its tour after the reload; Skip by keyboard.
  await byTestId(page, 'lab-serving').click();
  await page.waitForFunction(() => /1 of 4/.test(document.querySelector('[data-testid=tour]')?.textContent ?? ''));
  await byTestId(page, 'tour-skip').focus();
  await page.keyboard.press('Enter');
  await card.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelectorAll('[data-tour]').length === 0);
  assert.deepEqual(page.errors, []);
  // On a phone the card stays inside the screen.
  const phone = await openPage(browser, URL, { width: 390, height: 800 }, true);
  await byTestId(phone, 'tour').waitFor();
  await byTestId(phone, 'tour-next').click();
  const box = await byTestId(phone, 'tour').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
  await shot(phone, 'tour-phone');
  assert.deepEqual(phone.errors, []);
});

test('a page opened from a shared link shows no tour (the Tour button still does)', async () => {
  const first = await openPage(browser);
  const link = await shareLink(first);
  const page = await openPage(browser, link, { width: 1280, height: 800 }, true);
  await byTestId(page, 'makespan').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await byTestId(page, 'tour').count(), 0);
  await byTestId(page, 'tour-start').click();
  await byTestId(page, 'tour').waitFor();
  assert.deepEqual(page.errors, []);
});
