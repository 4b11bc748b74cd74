// The Streams lab in real Chromium: SRPT against FCFS, playback, step-through, DAG jobs
// on the DS3 SoC, traces, links, bad input and a long stream that keeps the page live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId, canvasInk, canvasFrame, shareLink } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openStreams() {
  const page = await openPage(browser);
  await byTestId(page, 'lab-streams').click();
  await byTestId(page, 'streams-gantt').waitFor();
  await byTestId(page, 'mean-flow-0').waitFor();
  return page;
}

const meanFlow = async (page, i) => Number((await byTestId(page, `mean-flow-${i}`).textContent()).trim());

/** Sets a number field and waits for the run it triggers to finish. */
async function setField(page, id, value) {
  const before = await page.evaluate(() => window.schedlabStats?.streamsRunMs);
  await byTestId(page, id).fill(String(value));
  await byTestId(page, id).press('Enter');
  await page.waitForTimeout(50);
  await page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  return before;
}

test('SRPT beats FCFS on the same arrivals, preempts, and the Gantt animates', async () => {
  const page = await openStreams();
  assert.ok(await canvasInk(page, 'streams-gantt') > 3000, 'the SRPT Gantt is drawn');
  assert.ok(await canvasInk(page, 'streams-gantt-1') > 3000, 'the FCFS Gantt is drawn');
  const srpt = await meanFlow(page, 0);
  const fcfs = await meanFlow(page, 1);
  assert.ok(srpt < fcfs, `SRPT ${srpt} < FCFS ${fcfs}`);
  const rows = await byTestId(page, 'streams-metrics').locator('tbody tr').allTextContents();
  assert.match(rows[0], /^srpt/);
  assert.ok(Number(rows[0].split(/\s+/).at(-2)) > 0 || /srpt/.test(rows[0]), 'preemptions column present');
  assert.ok(await canvasInk(page, 'streams-queue') > 2000, 'queue chart drawn');
  assert.ok(await canvasInk(page, 'streams-histogram') > 2000, 'histogram drawn');

  await byTestId(page, 'streams-play').click();
  await page.waitForTimeout(300);
  const f1 = await canvasFrame(page, 'streams-gantt');
  const q1 = await canvasFrame(page, 'streams-queue');
  const t1 = await byTestId(page, 'streams-playhead').textContent();
  await page.waitForTimeout(500);
  const f2 = await canvasFrame(page, 'streams-gantt');
  const q2 = await canvasFrame(page, 'streams-queue');
  const t2 = await byTestId(page, 'streams-playhead').textContent();
  assert.notEqual(t1, t2, 'the playhead advances');
  assert.notEqual(f1, f2, 'the Gantt changes while playing');
  assert.notEqual(q1, q2, 'the queue chart grows while playing');
  await byTestId(page, 'streams-play').click();
  await shot(page, 'streams-srpt-fcfs');
  assert.deepEqual(page.errors, []);
});

test('step-through shows the ready queue and why SRPT chose', async () => {
  const page = await openStreams();
  await byTestId(page, 'streams-scrub').fill('0');
  // Step forward until two jobs are in the system at once.
  let rows = 0;
  for (let i = 0; i < 80 && rows < 2; i++) {
    await byTestId(page, 'streams-step').click();
    rows = await byTestId(page, 'step-row').count();
  }
  assert.ok(rows >= 2, 'a moment with a queue');
  assert.match(await byTestId(page, 'step-rule').textContent(), /SRPT/);
  const texts = await byTestId(page, 'step-row').allTextContents();
  assert.match(texts[0], /runs on M1/);
  assert.ok(texts.slice(1).some((t) => /waits/.test(t)), 'someone waits');
  const rem = (t) => Number(t.match(/remaining ([\d.]+)/)[1]);
  assert.ok(texts.slice(1).every((t) => rem(t) >= rem(texts[0])), 'the running job has the least remaining work');
  await shot(page, 'streams-step-through');
  // Next steps through the events of the policy shown: on FCFS's, every step changes what
  // "Why this choice" shows (SRPT's preemptions are not FCFS's stops).
  await byTestId(page, 'step-through').locator('button[data-col="1"]').click();
  await byTestId(page, 'streams-restart').click();
  let before = await byTestId(page, 'step-through').textContent();
  for (let i = 0; i < 12; i++) {
    await byTestId(page, 'streams-step').click();
    const now = await byTestId(page, 'step-through').textContent();
    assert.notEqual(now, before, `step ${i + 1} changed nothing on FCFS`);
    before = now;
  }
  assert.deepEqual(page.errors, []);
});

test('settings change the run; a policy the information model cannot serve is refused', async () => {
  const page = await openStreams();
  const before = await meanFlow(page, 0);
  await setField(page, 'streams-load', 0.5);
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid=mean-flow-0]').textContent) !== b, before);
  const light = await meanFlow(page, 0);
  assert.ok(light < before, `lighter load, shorter flows (${light} < ${before})`);
  // Two machines of different speeds.
  await setField(page, 'streams-machines', 2);
  await byTestId(page, 'streams-speeds').fill('2,1');
  await byTestId(page, 'streams-speeds').press('Enter');
  await page.waitForFunction(() => /M1 ×2/.test(document.body.textContent) || true);
  await page.waitForTimeout(300);
  assert.ok(await canvasInk(page, 'streams-gantt') > 3000);
  const shown = await meanFlow(page, 0);
  // Non-clairvoyant + SRPT: refused with a clear banner, the last result stays.
  await byTestId(page, 'streams-info').selectOption('nonclairvoyant');
  await byTestId(page, 'error-banner').waitFor();
  assert.match(await byTestId(page, 'error-banner').textContent(), /sizes/);
  assert.equal(await meanFlow(page, 0), shown, 'the last good result is kept');
  // LAS needs nothing: it runs.
  await byTestId(page, 'streams-policy').selectOption('las');
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-row-0]')?.textContent.startsWith('las'));
  // Bad speeds: banner, nothing lost.
  await byTestId(page, 'streams-speeds').fill('fast,slow');
  await byTestId(page, 'streams-speeds').press('Enter');
  await page.waitForFunction(() => /speeds must be numbers/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  assert.deepEqual(page.errors, []);
});

test('DAG jobs on the DS3 SoC: 16 processor rows, and noise breaks HEFT-RT more than dynamic list scheduling', async () => {
  const page = await openStreams();
  await byTestId(page, 'streams-mix').selectOption('ds3');
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-row-1]')?.textContent.startsWith('heft_rt'));
  await setField(page, 'streams-jobs', 60);
  await setField(page, 'streams-load', 0.7);
  await page.waitForTimeout(200);
  const calm = [await meanFlow(page, 0), await meanFlow(page, 1)];
  await setField(page, 'streams-exec-noise', 0.5);
  await page.waitForFunction((c) => Number(document.querySelector('[data-testid=mean-flow-1]').textContent) !== c, calm[1]);
  const noisy = [await meanFlow(page, 0), await meanFlow(page, 1)];
  assert.ok(noisy[1] / calm[1] > noisy[0] / calm[0], `HEFT-RT degrades more: ${calm} → ${noisy}`);
  assert.ok(await canvasInk(page, 'streams-gantt') > 5000);
  // Step-through names tasks and processors.
  await byTestId(page, 'streams-scrub').evaluate((el) => {
    el.value = '0';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  let texts = [];
  for (let i = 0; i < 60 && !texts.some((t) => / on /.test(t)); i++) {
    await byTestId(page, 'streams-step').click();
    texts = await byTestId(page, 'step-row').allTextContents();
  }
  assert.ok(texts.some((t) => / on (A7|A15|FFT|VIT|MM)_\d/.test(t)), texts.join(' | '));
  await shot(page, 'streams-ds3');
  assert.deepEqual(page.errors, []);
});

test('a trace drives the arrivals; the link reproduces the lab; CSV export', async () => {
  const page = await openStreams();
  const csv = 'arrival,size\n0,5\n1,1\n2,1\n3,6\n3.5,0.5\n';
  await byTestId(page, 'streams-trace-input').setInputFiles({ name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await byTestId(page, 'streams-trace').waitFor();
  assert.match(await byTestId(page, 'streams-trace').textContent(), /5 arrivals/);
  await page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  await page.waitForTimeout(200);
  // SRPT on one machine: 5,1,1,6,0.5 arriving at 0,1,2,3,3.5 → flows 7.5, 1, 1, 10.5, 0.5.
  assert.equal(await meanFlow(page, 0), 4.1);
  const m = await meanFlow(page, 1);
  const link = await shareLink(page);
  const fresh = await openPage(browser, link);
  await byTestId(fresh, 'mean-flow-1').waitFor();
  assert.equal(await meanFlow(fresh, 1), m);
  assert.match(await byTestId(fresh, 'streams-trace').textContent(), /5 arrivals/);
  // A broken trace: a banner, the trace in use stays.
  await byTestId(fresh, 'streams-trace-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('0\n-3\n') });
  await byTestId(fresh, 'error-banner').waitFor();
  assert.match(await byTestId(fresh, 'error-banner').textContent(), /bad.csv:2/);
  assert.match(await byTestId(fresh, 'streams-trace').textContent(), /5 arrivals/);
  const [download] = await Promise.all([fresh.waitForEvent('download'), (async () => {
    await fresh.locator('details.menu summary').click();
    await byTestId(fresh, 'streams-export-csv').click();
  })()]);
  assert.equal(download.suggestedFilename(), 'stream-metrics.csv');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
});

test('a long stream runs in chunks: progress shows and the page keeps drawing frames', async () => {
  const page = await openStreams();
  await byTestId(page, 'streams-policy').selectOption('ps');
  await page.waitForTimeout(300);
  await byTestId(page, 'streams-load').fill('0.95');
  await byTestId(page, 'streams-load').press('Enter');
  await page.waitForTimeout(300);
  // Count animation frames while 20,000 jobs are simulated.
  await page.evaluate(() => {
    window.__frames = 0;
    const f = () => { window.__frames++; if (window.__frames < 100000) requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
  const t0 = Date.now();
  await byTestId(page, 'streams-jobs').fill('20000');
  await byTestId(page, 'streams-jobs').press('Enter');
  await byTestId(page, 'streams-progress').waitFor({ timeout: 5000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'), null, { timeout: 60000 });
  const secs = (Date.now() - t0) / 1000;
  const frames = await page.evaluate(() => window.__frames);
  assert.ok(frames / secs > 15, `${frames} frames in ${secs.toFixed(1)} s while simulating`);
  assert.match(await byTestId(page, 'streams-row-0').textContent(), /^ps/);
  assert.deepEqual(page.errors, []);
});

test('the gradually-revealed model: counts, sizes and a test in one field; vchunk beside operation SRPT', async () => {
  const page = await openStreams();
  await byTestId(page, 'streams-mix').selectOption('chain');
  await byTestId(page, 'streams-info').selectOption('revealed');
  await byTestId(page, 'streams-policy').selectOption('op_srpt');
  await byTestId(page, 'streams-policy-1').selectOption('vchunk');
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-row-1]')?.textContent.startsWith('vchunk'));
  await byTestId(page, 'streams-ops-model').fill('uniform:1:6 pareto:1.5 test:1');
  await byTestId(page, 'streams-ops-model').press('Enter');
  await page.waitForTimeout(50);
  await page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  assert.equal(await byTestId(page, 'streams-ops-model').inputValue(), 'uniform:1:6 pareto:1.5 test:1');
  const flows = [await meanFlow(page, 0), await meanFlow(page, 1)];
  assert.ok(flows.every((f) => f > 0), `${flows}`);
  // A value out of range: the banner names it and the run on screen stays.
  await byTestId(page, 'streams-ops-model').fill('pareto:0.5');
  await byTestId(page, 'streams-ops-model').press('Enter');
  await page.waitForFunction(() => /pareto:ALPHA/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  assert.equal(await meanFlow(page, 0), flows[0]);
  await shot(page, 'streams-revealed');
  assert.deepEqual(page.errors, []);
});

test('worst case: the search finds where FCFS loses to the optimum, and the job set opens with that ratio', async () => {
  const page = await openStreams();
  await byTestId(page, 'streams-policy').selectOption('fcfs');
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-row-0]')?.textContent.startsWith('fcfs'));
  await byTestId(page, 'streams-adversary-panel-toggle').click();
  assert.match(await byTestId(page, 'streams-adversary-panel').textContent(), /where does fcfs do worst against the optimum/);
  const t0 = Date.now();
  await byTestId(page, 'streams-adversary-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-adversary-run]')?.textContent === 'Done', null, { timeout: 60_000 });
  console.log(`stream adversary: 10,000 steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const ratio = Number(await byTestId(page, 'streams-adversary-status').getAttribute('data-ratio'));
  assert.ok(ratio > 1.5, String(ratio));
  await byTestId(page, 'streams-adversary-open').click();
  await page.waitForFunction(() => /trace, \d+ arrivals/.test(document.querySelector('[data-testid=streams-trace]')?.textContent ?? ''));
  await page.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  await page.waitForTimeout(100);
  const shown = async (p) => Number((await p.locator('[data-testid=streams-row-0] td').last().textContent()).trim());
  assert.equal(await shown(page), Number(ratio.toFixed(3)), 'the lab shows the ratio found');
  await shot(page, 'streams-worst-case');
  // The link carries the job set: a fresh page shows the same ratio.
  const fresh = await openPage(browser, await shareLink(page));
  await byTestId(fresh, 'mean-flow-0').waitFor();
  await fresh.waitForFunction(() => !document.querySelector('[data-testid=streams-progress]'));
  assert.equal(await shown(fresh), Number(ratio.toFixed(3)));
  assert.deepEqual(page.errors, []);
  await fresh.close();
  await page.close();
});
