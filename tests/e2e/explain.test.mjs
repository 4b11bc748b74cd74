// The DAG lab's explain panel (issue 12): HEFT's ranks and decisions on the paper example.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const text = (page, id) => byTestId(page, id).textContent();

test('explain HEFT: rank 108 for n1, finishes 14/16/9 with P3 chosen, a stepper in rank order', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await byTestId(page, 'scheduler-select').selectOption('heft');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  // Closed by default: nothing recorded, no tables.
  assert.equal(await byTestId(page, 'rank-table').count(), 0);
  // The Gantt's pixel on processor row `p` at time `t` (80 on the axis, 3 rows).
  const pixel = (p, t) => byTestId(page, 'gantt').evaluate((c, [p, t]) => {
    const x = Math.round(48 + (t / 80) * (c.width - 60));
    const y = Math.round(8 + ((c.height - 34) / 3) * (p + 0.5));
    return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data).join(',');
  }, [p, t]);
  const plain = [await pixel(0, 3), await pixel(1, 3), await pixel(0, 15)];
  await byTestId(page, 'explain-panel-toggle').click();
  await byTestId(page, 'rank-table').waitFor();
  assert.match(await byTestId(page, 'explain-panel').textContent(), /rank_u\(i\) = w̄\(i\)/);
  const first = await byTestId(page, 'rank-row-0').locator('td').allTextContents();
  assert.deepEqual(first.slice(0, 4), ['1', 'n1', '108', '108']);
  assert.equal(await byTestId(page, 'rank-table').locator('tbody tr').count(), 10);
  // The first decision: n1 on every processor, the earliest finish (P3) marked.
  const finishes = [];
  for (let i = 0; i < 3; i++) finishes.push(await text(page, `decision-finish-${i}`));
  assert.deepEqual(finishes, ['14', '16', '9']);
  assert.match(await byTestId(page, 'decision-row-2').getAttribute('class'), /winner/);
  assert.match(await text(page, 'decision-row-2'), /P3/);
  assert.match(await text(page, 'decision-summary'), /n1 \(priority 108\) goes to P3: 0 – 9/);
  assert.equal(await text(page, 'decision-step'), 'Decision 1 of 10');
  assert.equal(await byTestId(page, 'decision-prev').isDisabled(), true);
  // Next decision: HEFT's second-highest rank (n3), selected in the task graph.
  await byTestId(page, 'decision-next').click();
  assert.equal(await text(page, 'decision-step'), 'Decision 2 of 10');
  assert.match(await text(page, 'decision-summary'), /n3 \(priority 80\)/);
  const sel = await page.locator('[data-testid="dag-node"][data-name="n3"]').getAttribute('class');
  assert.match(sel, /selected/);
  // Ghost bars: where n1 could have gone (P1 until 14, P2 until 16) while it is the decision
  // shown; nothing runs there at t = 3, so the rows change colour only by the ghosts.
  await byTestId(page, 'decision-prev').click();
  await page.waitForFunction((p) => {
    const c = document.querySelector('[data-testid=gantt]');
    const x = Math.round(48 + (3 / 80) * (c.width - 60));
    const y = Math.round(8 + ((c.height - 34) / 3) * 0.5);
    return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data).join(',') !== p;
  }, plain[0]);
  assert.notEqual(await pixel(1, 3), plain[1], 'a ghost on P2 too');
  // Not past a candidate's finish: P1's ghost ends at 14.
  assert.equal(await pixel(0, 15), plain[2]);
  // Closed, the panel leaves no ghost behind (n1 stays selected).
  await byTestId(page, 'explain-panel-toggle').click();
  await page.waitForFunction(async (p) => {
    const c = document.querySelector('[data-testid=gantt]');
    const x = Math.round(48 + (3 / 80) * (c.width - 60));
    const y = Math.round(8 + ((c.height - 34) / 3) * 0.5);
    return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data).join(',') === p;
  }, plain[0]);
  await byTestId(page, 'explain-panel-toggle').click();
  await byTestId(page, 'rank-table').waitFor();
  await byTestId(page, 'decision-next').click();
  assert.match(await byTestId(page, 'rank-row-1').getAttribute('class'), /selected/);
  await shot(page, 'explain-heft');
  // Sort by task name: n1, n10, n2, …; the current decision's row stays marked.
  await byTestId(page, 'rank-table').locator('th button', { hasText: 'task' }).click();
  const names = await byTestId(page, 'rank-table').locator('tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(names.slice(0, 3), ['n1', 'n10', 'n2']);
  assert.match(await byTestId(page, 'rank-row-3').getAttribute('class'), /selected/, 'n3 stays the current decision');
  // Again: the other way round.
  await byTestId(page, 'rank-table').locator('th button', { hasText: 'task' }).click();
  const back = await byTestId(page, 'rank-table').locator('tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(back.slice(0, 3), ['n9', 'n8', 'n7']);
  // By keyboard: the stepper keeps the focus while the panel redraws.
  await byTestId(page, 'decision-next').focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  assert.equal(await text(page, 'decision-step'), 'Decision 3 of 10');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'decision-next');
  // MinMin: the completion-time matrix it compared; the chosen task's row is marked and it
  // has the smallest soonest finish.
  await byTestId(page, 'scheduler-select').selectOption('minmin');
  await byTestId(page, 'score-table').waitFor();
  const rows = await byTestId(page, 'score-table').locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ winner: tr.classList.contains('winner'), cells: [...tr.cells].map((td) => td.textContent) })));
  const soonest = rows.map((r) => Number(r.cells[4]));
  const win = rows.find((r) => r.winner);
  assert.ok(win, JSON.stringify(rows));
  assert.equal(Number(win.cells[4]), Math.min(...soonest));
  assert.match(await text(page, 'decision-summary'), new RegExp(`${win.cells[0]} goes to`));
  // CPOP: its critical path and processor.
  await byTestId(page, 'scheduler-select').selectOption('cpop');
  await page.waitForFunction(() => /Critical path: n1 → n2 → n9 → n10 on P2/.test(document.querySelector('[data-testid=explain-panel]')?.textContent ?? ''));
  assert.deepEqual(page.errors, []);
});

test('explain a route: DualMap looked at two instances and says why; round robin at one', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'lab-serving').click();
  await byTestId(page, 'serving-row-1').waitFor();
  await byTestId(page, 'route-explain-toggle').click();
  await byTestId(page, 'route-table').waitFor();
  const step = await text(page, 'route-step');
  const [, n] = step.match(/Decision 1 of (\d+)/);
  assert.ok(Number(n) >= 600, step);
  assert.match(await text(page, 'route-summary'), /^Request 0 arrived at 0.0 ms .* to I\d — affinity/);
  assert.equal(await byTestId(page, 'route-table').locator('tbody tr').count(), 2);
  assert.equal(await byTestId(page, 'route-table').locator('tr.winner').count(), 1);
  // The decision in force at the playhead (at the end: the last one).
  await byTestId(page, 'route-at').click();
  assert.equal(await text(page, 'route-step'), `Decision ${n} of ${n}`);
  // Round robin: one instance looked at, in turn.
  await byTestId(page, 'route-router-1').click();
  await byTestId(page, 'route-prev').waitFor();
  assert.match(await text(page, 'route-summary'), /next in turn/);
  assert.equal(await byTestId(page, 'route-table').locator('tbody tr').count(), 1);
  await shot(page, 'explain-route');
  assert.deepEqual(page.errors, []);
});

test('be the scheduler: a task that is not ready is refused; following HEFT ends at 80', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  await byTestId(page, 'manual-panel-toggle').click();
  await byTestId(page, 'manual-task-n7').click();
  assert.equal(await text(page, 'manual-message'), 'n7 is not ready: it waits for n3');
  await byTestId(page, 'manual-hint').click();
  for (let i = 0; i < 10; i++) {
    const hint = await text(page, 'manual-heft');
    const [, task, proc] = hint.match(/HEFT would place (\S+) .* on (\S+), where/);
    await byTestId(page, `manual-task-${task}`).click();
    await byTestId(page, `manual-proc-${proc}`).click();
    if (i < 9) assert.match(await text(page, 'manual-progress'), new RegExp(`^${i + 1} of 10 tasks placed`));
  }
  assert.match(await text(page, 'manual-result'), /your makespan is 80; HEFT's is 80 .* no schedule can beat 41/);
  assert.equal(await byTestId(page, 'manual-gantt').locator('.bar').count(), 10);
  await shot(page, 'be-the-scheduler');
  // Undo takes the last move back.
  await byTestId(page, 'manual-undo').click();
  assert.match(await text(page, 'manual-progress'), /^9 of 10 tasks placed/);
  assert.deepEqual(page.errors, []);
});
