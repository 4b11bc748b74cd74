// The Serving lab in real Chromium: DualMap against round robin on shared prefixes, an
// instance added during playback, a real Mooncake trace uploaded, links and bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId, canvasInk, canvasFrame, shareLink } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openServing(url) {
  const page = await openPage(browser, url);
  if (!url) await byTestId(page, 'lab-serving').click();
  await byTestId(page, 'serving-gantt').waitFor();
  await byTestId(page, 'ttft-p50-0').waitFor();
  await page.waitForTimeout(200);
  return page;
}
const cell = async (page, id) => (await byTestId(page, id).textContent()).trim();
const num = async (page, id) => parseFloat(await cell(page, id));

test('DualMap keeps shared prefixes on their instances, round robin scatters them', async () => {
  const page = await openServing();
  assert.ok(await canvasInk(page, 'serving-gantt') > 5000, 'DualMap Gantt drawn');
  assert.ok(await canvasInk(page, 'serving-gantt-1') > 5000, 'round robin Gantt drawn');
  assert.ok(await num(page, 'hit-0') > await num(page, 'hit-1') + 0.1, 'DualMap finds more cached tokens');
  assert.ok(await num(page, 'ttft-p50-0') < await num(page, 'ttft-p50-1'), 'and a lower median TTFT');
  for (const id of ['serving-ttft', 'serving-tpot', 'serving-per-instance', 'serving-cache']) {
    assert.ok(await canvasInk(page, id) > 2000, `${id} drawn`);
  }
  // Playback animates the Gantt and the charts.
  await byTestId(page, 'serving-play').click();
  await page.waitForTimeout(300);
  const f1 = await canvasFrame(page, 'serving-gantt');
  const h1 = await canvasFrame(page, 'serving-ttft');
  await page.waitForTimeout(500);
  assert.notEqual(f1, await canvasFrame(page, 'serving-gantt'));
  assert.notEqual(h1, await canvasFrame(page, 'serving-ttft'));
  await byTestId(page, 'serving-play').click();
  await shot(page, 'serving-dualmap-rr');
  assert.deepEqual(page.errors, []);
});

test('add an instance during playback: a fifth row, and few prefixes move', async () => {
  const page = await openServing();
  const rowsBefore = (await byTestId(page, 'serving-gantt').evaluate((c) => c.height));
  await byTestId(page, 'serving-scrub').evaluate((el) => { el.value = String(Number(el.max) / 3); el.dispatchEvent(new Event('input', { bubbles: true })); });
  await byTestId(page, 'serving-add-instance').click();
  await byTestId(page, 'serving-scale-event').waitFor();
  assert.match(await byTestId(page, 'serving-scale-event').textContent(), /add an instance at/);
  await page.waitForFunction(() => document.querySelector('[data-testid=remapped-0]')?.textContent !== '—');
  const remapped = await num(page, 'remapped-0');
  assert.ok(remapped > 0, 'some prefixes move to the new instance');
  assert.equal(await cell(page, 'remapped-1'), '—', 'round robin has no prefix map');
  assert.ok((await byTestId(page, 'serving-gantt').evaluate((c) => c.height)) > rowsBefore, 'a new row');
  // The scaling event is in the link.
  const link = await shareLink(page);
  const fresh = await openServing(link);
  assert.equal(await num(fresh, 'remapped-0'), remapped);
  await shot(page, 'serving-scaled');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
});

test('a real Mooncake trace uploads; bad traces and settings get a banner and lose nothing', async () => {
  const page = await openServing();
  const file = new globalThis.URL('../../../shared/data/mooncake/synthetic_trace.jsonl', import.meta.url).pathname;
  await byTestId(page, 'serving-trace-input').setInputFiles(file);
  await byTestId(page, 'serving-trace').waitFor();
  assert.match(await byTestId(page, 'serving-trace').textContent(), /3993 requests/);
  // The trace's own arrival rate, before any rate scale.
  assert.match(await byTestId(page, 'serving-trace').textContent(), /3993 requests over [\d.,]+ s, [\d.]+ req\/s at rate scale 1/);
  assert.ok(Number(await byTestId(page, 'serving-trace').getAttribute('data-rate')) > 0);
  await page.waitForTimeout(500);
  const p50 = await cell(page, 'ttft-p50-0');
  await byTestId(page, 'serving-trace-input').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/json', buffer: Buffer.from('{"timestamp": 1, "input_length": 5, "output_length": 1, "hash_ids": [1]}\n{"timestamp": "soon"}\n') });
  await byTestId(page, 'error-banner').waitFor();
  assert.match(await byTestId(page, 'error-banner').textContent(), /bad.jsonl:2/);
  assert.match(await byTestId(page, 'serving-trace').textContent(), /3993 requests/);
  assert.equal(await cell(page, 'ttft-p50-0'), p50);
  await byTestId(page, 'serving-instances').fill('0');
  await byTestId(page, 'serving-instances').press('Enter');
  await page.waitForFunction(() => /instances/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  assert.equal(await cell(page, 'ttft-p50-0'), p50, 'the last good result stays');
  const [download] = await Promise.all([page.waitForEvent('download'), (async () => {
    await page.locator('details.menu summary').click();
    await byTestId(page, 'serving-export-csv').click();
  })()]);
  assert.equal(download.suggestedFilename(), 'serving-metrics.csv');
  // Every request, exact: its TTFTs give back the table's median for the first router.
  const [requests] = await Promise.all([page.waitForEvent('download'), (async () => {
    if (!(await byTestId(page, 'serving-export-requests').isVisible())) await page.locator('details.menu summary').click();
    await byTestId(page, 'serving-export-requests').click();
  })()]);
  assert.equal(requests.suggestedFilename(), 'serving-requests.csv');
  const fs = await import('node:fs/promises');
  const rows = (await fs.readFile(await requests.path(), 'utf8')).trim().split('\n').map((l) => l.split(','));
  assert.equal(rows[0][10], 'ttft_ms');
  const first = rows.slice(1).filter((r) => r[0] === rows[1][0]).map((r) => Number(r[10])).sort((a, b) => a - b);
  const median = first[Math.round((first.length - 1) * 0.5)];
  assert.equal(median.toFixed(1), p50, `${median} vs the table's ${p50}`);
  assert.deepEqual(page.errors, []);
});

test('iteration-level instances: chunked prefill cuts the TPOT tail, the TPOT SLO sets goodput, bad values are refused', async () => {
  const page = await openServing();
  const tpot = await num(page, 'tpot-p50-0');
  assert.ok(tpot > 0, 'TPOT next to TTFT');
  const goodput = await num(page, 'goodput-0');
  assert.ok(goodput > 0);
  // The TPOT column's p99 is the next cell: read the row's cells by position.
  const p99 = async () => parseFloat((await byTestId(page, 'tpot-p50-0').evaluate((td) => td.nextElementSibling.textContent)).trim());
  const fcfsTail = await p99();
  await byTestId(page, 'serving-batching').selectOption('chunked');
  await page.waitForFunction((old) => document.querySelector('[data-testid=tpot-p50-0]')?.textContent.trim() !== old, String(tpot.toFixed(1)));
  const chunkedTail = await p99();
  assert.ok(chunkedTail < fcfsTail, `chunked TPOT p99 ${chunkedTail} vs whole prompts first ${fcfsTail}`);
  // A 1 ms TPOT SLO leaves only one-token replies in the goodput; the link carries both
  // settings.
  const chunkedGoodput = await num(page, 'goodput-0');
  await byTestId(page, 'serving-tpot-slo').fill('1');
  await byTestId(page, 'serving-tpot-slo').press('Enter');
  await page.waitForFunction((g) => parseFloat(document.querySelector('[data-testid=goodput-0]')?.textContent) < g / 10, chunkedGoodput);
  const tight = await num(page, 'goodput-0');
  const fresh = await openServing(await shareLink(page));
  assert.equal(await byTestId(fresh, 'serving-batching').inputValue(), 'chunked');
  assert.equal(await num(fresh, 'goodput-0'), tight);
  // KV memory too small for the longest request: refused with its number, the run kept.
  const before = await cell(page, 'ttft-p50-0');
  await byTestId(page, 'serving-kv').fill('2');
  await byTestId(page, 'serving-kv').press('Enter');
  await page.waitForFunction(() => /KV blocks/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  assert.equal(await cell(page, 'ttft-p50-0'), before, 'the last good result stays');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
});

test('the shared transport bar: step through requests, restart, keys; canvases follow a resize', async () => {
  const page = await openServing();
  const at = async () => (await cell(page, 'serving-playhead')).replace(/^t = /, '');
  await byTestId(page, 'serving-restart').click();
  assert.match(await at(), /^0 s \//);
  await byTestId(page, 'serving-step').click();
  const first = await at();
  assert.doesNotMatch(first, /^0 s \//, 'Next › moves to the first arrival after 0');
  await byTestId(page, 'serving-step').click();
  await byTestId(page, 'serving-step-back').click();
  assert.equal(await at(), first, '‹ Prev goes back to it');
  // On the bar, End jumps to the end and Home back to the start.
  await byTestId(page, 'serving-play').focus();
  await page.keyboard.press('End');
  const [now, total] = (await at()).split(' / ');
  assert.equal(now, total, 'End: the playhead at the end');
  await page.keyboard.press('Home');
  assert.match(await at(), /^0 s \//);
  // A narrower window redraws the Gantt at the new width.
  const w1 = await byTestId(page, 'serving-gantt').evaluate((c) => c.width);
  await page.setViewportSize({ width: 700, height: 800 });
  await page.waitForTimeout(300);
  const w2 = await byTestId(page, 'serving-gantt').evaluate((c) => c.width);
  assert.ok(w2 < w1, `canvas redrawn narrower (${w1} → ${w2})`);
  assert.deepEqual(page.errors, []);
});

test('worst case: a short request sequence where round robin loses to cache affinity opens with its ratio', async () => {
  const page = await openServing();
  await byTestId(page, 'serving-router').selectOption('round_robin');
  await byTestId(page, 'serving-router-1').selectOption('cache_aware');
  await byTestId(page, 'serving-instances').fill('2');
  await byTestId(page, 'serving-instances').press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-testid=serving-progress]'));
  await byTestId(page, 'serving-adversary-panel-toggle').click();
  const t0 = Date.now();
  await byTestId(page, 'serving-adversary-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=serving-adversary-run]')?.textContent === 'Done', null, { timeout: 90_000 });
  console.log(`serving adversary: 4,000 steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const ratio = Number(await byTestId(page, 'serving-adversary-status').getAttribute('data-ratio'));
  assert.ok(ratio > 1.2, String(ratio));
  await byTestId(page, 'serving-adversary-open').click();
  await byTestId(page, 'serving-trace').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=serving-progress]'));
  await page.waitForTimeout(200);
  const shown = (await num(page, 'ttft-mean-0')) / (await num(page, 'ttft-mean-1'));
  assert.ok(Math.abs(shown - ratio) < 0.02 * ratio, `${shown} on screen (rounded), ${ratio} found`);
  await shot(page, 'serving-worst-case');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('capacity view: every router measured in the background, its capacity marked against the target, stale after a change, Stop', async () => {
  const page = await openServing();
  await byTestId(page, 'serving-capacity-panel-toggle').click();
  const run = byTestId(page, 'serving-capacity-run');
  assert.equal((await run.textContent()).trim(), 'Measure capacity');
  // By keyboard: the button is a real button in the panel.
  await run.focus();
  await page.keyboard.press('Enter');
  await byTestId(page, 'serving-capacity-progress').waitFor();
  // The page keeps drawing while the worker searches: playback moves the Gantt.
  await byTestId(page, 'serving-play').click();
  const f1 = await canvasFrame(page, 'serving-gantt');
  await page.waitForTimeout(300);
  assert.notEqual(f1, await canvasFrame(page, 'serving-gantt'), 'the Gantt animates during the search');
  await byTestId(page, 'serving-play').click();
  await byTestId(page, 'capacity-table').waitFor({ timeout: 60_000 });
  await byTestId(page, 'serving-capacity-progress').waitFor({ state: 'detached' });
  const rates = [await num(page, 'capacity-rate-0'), await num(page, 'capacity-rate-1')];
  assert.ok(rates.every((r) => r > 0), `capacities ${rates}`);
  const rows = await byTestId(page, 'capacity-table').locator('tbody tr').allTextContents();
  assert.equal(rows.length, 2);
  assert.ok(rows.some((r) => r.includes('1.00')), 'the best router at 1.00');
  // Two charts: a line and a dashed capacity mark per router, the 90 % target level.
  for (const id of ['capacity-attainment', 'capacity-goodput']) {
    assert.equal(await byTestId(page, id).locator('polyline').count(), 2, id);
    assert.equal(await byTestId(page, id).locator('line.mark').count(), 2, id);
  }
  assert.match(await byTestId(page, 'capacity-attainment').textContent(), /target 90 %/);
  assert.equal(await byTestId(page, 'capacity-stale').count(), 0);
  // A stricter target: the old result says it is stale until measured again, and the new
  // capacities are no higher.
  await byTestId(page, 'serving-capacity-target').fill('0.99');
  await byTestId(page, 'serving-capacity-target').press('Enter');
  await byTestId(page, 'capacity-stale').waitFor();
  await byTestId(page, 'serving-capacity-run').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=capacity-stale]') && document.querySelector('[data-testid=capacity-table]'), null, { timeout: 60_000 });
  assert.match(await byTestId(page, 'capacity-attainment').textContent(), /target 99 %/);
  // The focus stayed on the panel's button through the redraws (Stop, then Measure): Enter
  // measures again without searching for it.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'serving-capacity-run');
  assert.ok(await num(page, 'capacity-rate-0') <= rates[0] && await num(page, 'capacity-rate-1') <= rates[1]);
  // Stop: the search ends, the last result stays (20,000 requests: a search of seconds).
  const kept = await cell(page, 'capacity-rate-0');
  await byTestId(page, 'serving-requests').fill('20000');
  await byTestId(page, 'serving-requests').press('Enter');
  await byTestId(page, 'serving-capacity-run').click();
  await byTestId(page, 'serving-capacity-progress').waitFor();
  await byTestId(page, 'serving-capacity-run').click();
  await byTestId(page, 'serving-capacity-progress').waitFor({ state: 'detached' });
  assert.equal(await cell(page, 'capacity-rate-0'), kept);
  await page.waitForTimeout(500);
  assert.equal(await cell(page, 'capacity-rate-0'), kept, 'a stopped search never lands');
  // A bad target is refused with the banner.
  await byTestId(page, 'serving-capacity-target').fill('1.5');
  await byTestId(page, 'serving-capacity-target').press('Enter');
  await page.waitForFunction(() => /capacity target/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  await shot(page, 'serving-capacity');
  assert.deepEqual(page.errors, []);
});
