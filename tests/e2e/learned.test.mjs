// The learned policy in real Chromium: it is in both labs' pickers, the Train panel
// fine-tunes it without freezing the page (the curve draws, pause/resume), "use this
// policy" runs the trained weights, they travel in the link, and a bad weights file gives
// a banner and keeps the policy in use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId, canvasInk, canvasFrame, shareLink } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const meanFlow = async (page, i) => Number((await byTestId(page, `mean-flow-${i}`).textContent()).trim());
const idle = (page) => page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));

test('learned is a scheduler in the DAG lab and plans the preset', async () => {
  const page = await openPage(browser);
  const options = await byTestId(page, 'scheduler-select').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(options.includes('learned'), options.join(','));
  await byTestId(page, 'scheduler-select').selectOption('learned');
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=makespan]')?.textContent ?? ''));
  assert.ok(await canvasInk(page, 'gantt') > 2000, 'the learned plan is drawn');
  assert.deepEqual(page.errors, []);
});

test('the Train panel fine-tunes the policy in the background, and the trained weights run and travel in the link', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'lab-streams').click();
  // On single jobs the lab says where the learned policy trains, and takes you there.
  assert.match(await byTestId(page, 'train-pointer').textContent(), /trains here, in the page: choose a DAG mix \(DS3\) under Mix/);
  await byTestId(page, 'streams-mix').selectOption('ds3');
  await byTestId(page, 'train-panel').waitFor();
  await byTestId(page, 'streams-policy').selectOption('learned');
  await idle(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-row-0]')?.textContent.startsWith('learned'));
  const shipped = await meanFlow(page, 0);
  assert.match(await byTestId(page, 'train-weights').textContent(), /shipped/);

  await byTestId(page, 'train-iterations').fill('40');
  await byTestId(page, 'train-iterations').press('Enter');
  await byTestId(page, 'train-start').click();
  // The page keeps drawing frames while it trains.
  const frames = await page.evaluate(() => new Promise((done) => {
    let n = 0;
    const t0 = performance.now();
    const tick = () => { n++; if (performance.now() - t0 < 1000) requestAnimationFrame(tick); else done(n); };
    requestAnimationFrame(tick);
  }));
  // Training runs in the background worker: the page draws at full rate.
  assert.ok(frames >= 30, `${frames} frames in the first second of training`);
  const t0 = Date.now();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=train-status]').dataset.points) >= 3, null, { timeout: 60000 });
  console.log(`two training iterations in the worker: ${Date.now() - t0} ms`);
  // Pause holds the curve; resume goes on.
  await byTestId(page, 'train-pause').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=train-status]').dataset.status === 'paused');
  const held = await byTestId(page, 'train-status').getAttribute('data-points');
  await page.waitForTimeout(600);
  assert.equal(await byTestId(page, 'train-status').getAttribute('data-points'), held);
  const drawn = await canvasFrame(page, 'train-curve');
  assert.ok(await canvasInk(page, 'train-curve') > 2000, 'the learning curve is drawn');
  await byTestId(page, 'train-pause').click();
  // Training has a worker of its own: the lab's runs (two here, the jobs changed and put
  // back) do not stop it.
  const jobs = await byTestId(page, 'streams-jobs').inputValue();
  for (const v of [String(Number(jobs) + 10), jobs]) {
    await byTestId(page, 'streams-jobs').fill(v);
    await byTestId(page, 'streams-jobs').press('Enter');
    await idle(page);
  }
  assert.match(await byTestId(page, 'train-status').getAttribute('data-status'), /^(running|done)$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=train-status]').dataset.status === 'done', null, { timeout: 120000 });
  assert.equal(await byTestId(page, 'train-status').getAttribute('data-points'), '41');
  assert.notEqual(await canvasFrame(page, 'train-curve'), drawn, 'the curve grew');
  assert.match(await byTestId(page, 'train-status').textContent(), /heft_rt \d/);
  // This run's iterations, as asked, and the best weights on validation (what Use takes).
  assert.match(await byTestId(page, 'train-status').textContent(), /^iteration 40 of 40: validation mean latency [\d.]+ \(start [\d.]+, best [\d.]+ at iteration \d+;/);
  await shot(page, 'learned-train');

  // Use it: the learned column runs the new weights; the link carries them.
  await byTestId(page, 'train-use').click();
  await page.waitForFunction(() => /trained or loaded/.test(document.querySelector('[data-testid=train-weights]').textContent));
  await idle(page);
  await page.waitForTimeout(200);
  const tuned = await meanFlow(page, 0);
  assert.ok(Number.isFinite(tuned) && tuned > 0);
  const link = await shareLink(page);
  const fresh = await openPage(browser, link);
  await byTestId(fresh, 'mean-flow-0').waitFor();
  await fresh.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  assert.equal(await meanFlow(fresh, 0), tuned);
  assert.match(await byTestId(fresh, 'train-weights').textContent(), /trained or loaded/);

  // Download the weights; a broken file gives a banner and the weights in use stay.
  const [download] = await Promise.all([fresh.waitForEvent('download'), byTestId(fresh, 'train-download').click()]);
  assert.equal(download.suggestedFilename(), 'learned-policy.json');
  await byTestId(fresh, 'train-upload').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"schedlab-learned-policy","version":1') });
  await byTestId(fresh, 'error-banner').waitFor();
  assert.match(await byTestId(fresh, 'error-banner').textContent(), /bad.json/);
  assert.match(await byTestId(fresh, 'train-weights').textContent(), /trained or loaded/);
  // Back to the shipped weights: the shipped number comes back.
  await byTestId(fresh, 'train-reset').click();
  await fresh.waitForFunction(() => /shipped/.test(document.querySelector('[data-testid=train-weights]').textContent));
  await fresh.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  await fresh.waitForTimeout(200);
  assert.equal(await meanFlow(fresh, 0), shipped);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
});
