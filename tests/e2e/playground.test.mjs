// The teacher's and the researcher's journeys through the playground, in real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId, canvasInk, canvasFrame, makespan, dragTo, URL, shareLink, settledUrl } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const node = (page, name) => page.locator(`[data-testid="dag-node"][data-name="${name}"]`);
const handle = (page, name) => node(page, name).locator('[data-testid="dag-handle"]');

test('HEFT on the paper example: makespan 80, a drawn Gantt, an animation that moves', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await byTestId(page, 'scheduler-select').selectOption('heft');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  assert.equal(await makespan(page), '80');
  assert.ok(await canvasInk(page, 'gantt') > 5000, 'the Gantt canvas is drawn');
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 10);

  // Play: the playhead moves and the picture changes frame to frame.
  await byTestId(page, 'play').click();
  await page.waitForTimeout(400);
  const f1 = await canvasFrame(page, 'gantt');
  const t1 = await byTestId(page, 'playhead').textContent();
  await page.waitForTimeout(600);
  const f2 = await canvasFrame(page, 'gantt');
  const t2 = await byTestId(page, 'playhead').textContent();
  assert.notEqual(t1, t2, 'the playhead advances');
  assert.notEqual(f1, f2, 'the Gantt redraws as it plays');
  // The DAG lights up in step: some task is finished or running mid-way.
  const classes = await page.locator('[data-testid="dag-node"]').evaluateAll((ns) => ns.map((n) => n.getAttribute('class')));
  assert.ok(classes.some((c) => c.includes('finished') || c.includes('running')), classes.join());
  await shot(page, 'playing');
  await byTestId(page, 'play').click(); // pause
  // Step to the next event, and hover a bar for its details.
  await byTestId(page, 'step').click();
  const box = await byTestId(page, 'gantt').boundingBox();
  await page.mouse.move(box.x + box.width * 0.12, box.y + 8 + ((box.height - 34) / 3) * 2.5);
  await page.locator('.tooltip').waitFor({ timeout: 2000 });
  assert.match(await page.locator('.tooltip').textContent(), /n\d+ on P\d/);
  assert.deepEqual(page.errors, []);
});

test('build a small DAG by clicking, refuse a cycle, delete, undo and redo', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  // Two new tasks, then connect n10 -> t11 -> t12 by dragging from the handles.
  await byTestId(page, 'add-task').click();
  await byTestId(page, 'add-task').click();
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 12);
  await byTestId(page, 'tidy').click();
  await page.waitForTimeout(150); // let the view settle after the layout
  await dragTo(page, handle(page, 'n10'), node(page, 't11'));
  await dragTo(page, handle(page, 't11'), node(page, 't12'));
  assert.equal(await page.locator('[data-testid="dag-edge"]').count(), 17);
  // The new tasks cost 10 everywhere: n10 then t11 then t12 add 20 to HEFT's 80.
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '100');
  // Set the new edge's data volume in the side panel (it is selected after connecting).
  await byTestId(page, 'edge-data').fill('5');
  await byTestId(page, 'edge-data').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '100');
  // A cycle is refused at once, with the cycle named.
  await dragTo(page, handle(page, 't12'), node(page, 'n1'));
  const banner = byTestId(page, 'error-banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /refused: t12 -> n1 would close the cycle n1 -> .* -> t12 -> n1/);
  assert.equal(await page.locator('[data-testid="dag-edge"]').count(), 17);
  await shot(page, 'cycle-refused');
  // Edit a cost in the inspector.
  await node(page, 't12').click();
  await byTestId(page, 'cost-0').fill('30');
  await byTestId(page, 'cost-0').press('Enter');
  // Delete a task with the Delete key, then undo and redo with the keyboard.
  await node(page, 't12').click();
  await page.keyboard.press('Delete');
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 11);
  await page.keyboard.press('Control+z');
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 12);
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 11);
  // Select an edge and delete it.
  await page.locator('[data-testid="dag-edge"][data-from="n10"][data-to="t11"] line.hit').click({ force: true });
  await page.keyboard.press('Delete');
  assert.equal(await page.locator('[data-testid="dag-edge"]').count(), 15);
  // Double-click on empty space adds a task.
  const svg = await byTestId(page, 'dag-editor').boundingBox();
  await page.mouse.dblclick(svg.x + 12, svg.y + svg.height - 12);
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 12);
  assert.deepEqual(page.errors, []);
});

test('noise: σ changes the numbers, plan outlines appear, the distribution is drawn', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  const before = await canvasFrame(page, 'gantt');
  await byTestId(page, 'noise-sigma').fill('0.3');
  await byTestId(page, 'noise-sigma').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent !== '80');
  assert.notEqual(await makespan(page), '80');
  assert.notEqual(await canvasFrame(page, 'gantt'), before);
  await byTestId(page, 'histogram').waitFor();
  assert.ok(await canvasInk(page, 'histogram') > 2000, 'the histogram is drawn');
  // Same seed, same numbers; a new seed, other numbers.
  const m1 = await makespan(page);
  await byTestId(page, 'new-seed').click();
  await page.waitForFunction((m) => document.querySelector('[data-testid=makespan]')?.textContent !== m, m1);
  await shot(page, 'noise');
  assert.deepEqual(page.errors, []);
});

test('compare mode: several schedulers side by side with a robustness chart', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  await byTestId(page, 'compare-add').click();
  await byTestId(page, 'scheduler-select-1').selectOption('cpop');
  await byTestId(page, 'compare-add').click();
  await byTestId(page, 'scheduler-select-2').selectOption('peft');
  await byTestId(page, 'gantt-2').waitFor();
  const header = await page.locator('.metrics thead').textContent();
  assert.match(header, /heft.*cpop.*peft/);
  assert.match(await page.locator('.metrics tbody tr').first().textContent(), /80.*86/);
  await byTestId(page, 'robustness').waitFor();
  await page.waitForFunction(() => !document.querySelector('.charts .hint'));
  assert.ok(await canvasInk(page, 'robustness') > 2000, 'the robustness chart is drawn');
  for (const id of ['gantt', 'gantt-1', 'gantt-2']) assert.ok(await canvasInk(page, id) > 3000, id);
  await shot(page, 'compare');
  assert.deepEqual(page.errors, []);
});

test('copy link, open it in a fresh page: the same view and numbers', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('gaussian-elimination');
  await byTestId(page, 'scheduler-select').selectOption('peft');
  await byTestId(page, 'noise-sigma').fill('0.2');
  await byTestId(page, 'noise-sigma').press('Enter');
  await page.waitForTimeout(300);
  const m = await makespan(page);
  const link = await shareLink(page);
  assert.match(link, /#s1\./);
  const fresh = await openPage(browser, link);
  await byTestId(fresh, 'makespan').waitFor();
  await fresh.waitForFunction((m) => document.querySelector('[data-testid=makespan]')?.textContent === m, m, { timeout: 5000 });
  assert.equal(await byTestId(fresh, 'scheduler-select').inputValue(), 'peft');
  assert.equal(await byTestId(fresh, 'noise-sigma').inputValue(), '0.2');
  assert.equal(await fresh.locator('[data-testid="dag-node"]').count(), 35);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
});

test('a broken or truncated link shows the banner and keeps the last good state', async () => {
  const page = await openPage(browser);
  const first = page.url();
  await byTestId(page, 'preset-select').selectOption('fft');
  const good = await settledUrl(page, first);
  // Truncated version of a real link, in the same browser profile (the autosave is there).
  await page.goto(good.slice(0, good.length - 40));
  await page.reload();
  await byTestId(page, 'error-banner').waitFor();
  assert.match(await byTestId(page, 'error-banner').textContent(), /Could not open this link/);
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 39, 'the FFT work is still there');
  await shot(page, 'broken-link');
  // A future-version link.
  const future = await openPage(browser, new globalThis.URL('#s9.abc', URL).href);
  await byTestId(future, 'error-banner').waitFor();
  assert.match(await byTestId(future, 'error-banner').textContent(), /newer schedlab/);
  await byTestId(future, 'makespan').waitFor();
});

test('reload keeps work', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForTimeout(300);
  const before = page.url();
  await byTestId(page, 'add-task').click();
  await byTestId(page, 'add-task').click();
  await settledUrl(page, before);
  await page.reload();
  await byTestId(page, 'makespan').waitFor();
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 12);
  assert.deepEqual(page.errors, []);
});

test('import a real WfCommons file by the file picker, edit the platform, export', async () => {
  const page = await openPage(browser);
  const file = new globalThis.URL('../../../shared/data/wfcommons/blast-chameleon-small-001.json', import.meta.url).pathname;
  await page.locator('input[type=file]').setInputFiles(file);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dag-node]').length === 43);
  await page.getByRole('tab', { name: 'Platform' }).click();
  const before = await page.locator('[data-testid=platform-editor] table:not(.links) tbody tr').count();
  await byTestId(page, 'add-processor').click();
  assert.equal(await page.locator('[data-testid=platform-editor] table:not(.links) tbody tr').count(), before + 1);
  const [download] = await Promise.all([page.waitForEvent('download'), (async () => {
    await page.locator('details.menu summary').click();
    await page.getByRole('button', { name: 'Metrics (CSV)' }).click();
  })()]);
  assert.equal(download.suggestedFilename(), 'metrics.csv');
  // A malformed file: a clear banner, nothing lost.
  await page.locator('input[type=file]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "tasks": [') });
  await byTestId(page, 'error-banner').waitFor();
  assert.match(await byTestId(page, 'error-banner').textContent(), /Could not import bad.json/);
  await page.getByRole('tab', { name: 'Task graph' }).click();
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 43);
  assert.deepEqual(page.errors, []);
});

test('dark mode follows the system preference', async () => {
  const ctx = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(URL);
  await byTestId(page, 'makespan').waitFor();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(13, 17, 23)');
  await page.waitForTimeout(300);
  await shot(page, 'dark');
  await ctx.close();
});

test('keyboard: tasks take focus and Delete removes them; per-pair bandwidths matter', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  await node(page, 'n9').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-name')), 'n10', 'Tab moves to the next task');
  await byTestId(page, 'inspector').waitFor();
  await page.keyboard.press('Delete');
  assert.equal(await page.locator('[data-testid="dag-node"]').count(), 9);
  await page.keyboard.press('Control+z');
  await page.getByRole('tab', { name: 'Platform' }).click();
  const cell = page.getByLabel('bandwidth P1 to P2');
  await cell.fill('0.01');
  await cell.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent !== '80');
  await cell.fill('');
  await cell.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  await shot(page, 'platform');
  assert.deepEqual(page.errors, []);
});
