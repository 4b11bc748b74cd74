// Classroom details (issue 13): Space plays, file pickers by keyboard, the headline says
// what it is, numbers rounded on screen and exact in data-value, no "inf" playhead, tables
// inside the viewport on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, shot, byTestId, dragTo, makespan, canvasFrame } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('Space plays and pauses; the playhead reads as the end, never inf', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  assert.equal(await byTestId(page, 'playhead').textContent(), 't = 80 / 80');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('[data-testid=play]')?.textContent === 'Pause');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('[data-testid=play]')?.textContent.includes('Play'));
  // Space in a field types, it does not play.
  await byTestId(page, 'seed').focus();
  await page.keyboard.press('Space');
  assert.match(await byTestId(page, 'play').textContent(), /Play/);
  assert.deepEqual(page.errors, []);
});

test('Import… is reachable by Tab and shows where the focus is', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'makespan').waitFor();
  let found = false;
  for (let i = 0; i < 25 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.type === 'file');
  }
  assert.ok(found, 'Tab reaches the file input');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement.closest('label')).outlineStyle);
  assert.equal(outline, 'solid');
});

test('under noise the headline names the run drawn and the mean ± std of the samples', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  await byTestId(page, 'noise-sigma').fill('0.3');
  await byTestId(page, 'noise-sigma').press('Enter');
  await page.waitForFunction(() => /mean over 20 samples \d+(\.\d+)? ± \d/.test(document.querySelector('.headline')?.textContent ?? ''));
  const headline = await page.locator('.headline').textContent();
  assert.match(headline, /Makespan of the run drawn \(seed \d+\)/);
  const shown = await byTestId(page, 'makespan').textContent();
  const exact = Number(await byTestId(page, 'makespan').getAttribute('data-value'));
  assert.ok(shown.length <= 9, `rounded for reading: ${shown}`);
  assert.ok(Math.abs(Number(shown) - exact) < 1e-4);
  // The playhead followed the new end (not left at 80).
  const t = await byTestId(page, 'playhead').textContent();
  const [, at, end] = t.match(/t = ([\d.]+) \/ ([\d.]+)/);
  assert.equal(at, end, t);
  assert.deepEqual(page.errors, []);
});

test('on a phone no table is wider than the viewport', async () => {
  for (const lab of ['dag', 'streams', 'serving']) {
    const page = await openPage(browser, undefined, { width: 390, height: 844 });
    await byTestId(page, 'makespan').waitFor();
    if (lab !== 'dag') {
      await byTestId(page, `lab-${lab}`).click();
      await page.waitForTimeout(1500);
    } else {
      await byTestId(page, 'explain-panel-toggle').click();
      await byTestId(page, 'rank-table').waitFor();
    }
    // A wide table scrolls inside its box: the box stays within the viewport.
    const wide = await page.evaluate(() => [...document.querySelectorAll('table')]
      .map((t) => {
        let box = t;
        for (let e = t.parentElement; e; e = e.parentElement) {
          if (getComputedStyle(e).overflowX === 'auto') { box = e; break; }
        }
        return box.getBoundingClientRect().right;
      })
      .filter((right) => right > window.innerWidth + 1).length);
    const page_w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(page_w <= 391, `${lab}: the page is ${page_w} px wide`);
    assert.equal(wide, 0, `${lab}: tables wider than the viewport`);
    await shot(page, `phone-${lab}`);
    await page.close();
  }
});

test('the textbook table typed in gives the textbook waiting and turnaround times per job', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'lab-streams').click();
  await byTestId(page, 'streams-row-1').waitFor();
  await byTestId(page, 'streams-typed-toggle').click();
  await byTestId(page, 'streams-jobs-text').fill('Process,Arrival,Burst\nP1,0,8\nP2,1,4\nP3,2,9\nP4,3,5');
  await byTestId(page, 'streams-jobs-use').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=streams-trace]')?.textContent.includes('4 arrivals'));
  await byTestId(page, 'streams-per-job-toggle').click();
  await byTestId(page, 'jobs-table').waitFor();
  const col = async (id) => {
    const out = [];
    for (let i = 0; i < 5; i++) out.push(await byTestId(page, `${id}-${i}`).textContent());
    return out;
  };
  // SRPT (shortest remaining time first): waiting 9, 0, 15, 2 (mean 6.5), turnaround mean 13.
  await page.waitForFunction(() => document.querySelector('[data-testid=job-waiting-0]')?.textContent === '9');
  assert.deepEqual(await col('job-waiting'), ['9', '0', '15', '2', '6.5']);
  assert.deepEqual(await col('job-turnaround'), ['17', '4', '24', '7', '13']);
  assert.match(await byTestId(page, 'job-row-0').textContent(), /^P1/);
  // FCFS: waiting 0, 7, 10, 18 (mean 8.75).
  await byTestId(page, 'jobs-policy-1').click();
  assert.deepEqual(await col('job-waiting'), ['0', '7', '10', '18', '8.75']);
  // A bad line is refused with its line number; the jobs stay.
  await byTestId(page, 'streams-jobs-text').fill('P1,0,8\nP2,one,4');
  await byTestId(page, 'streams-jobs-use').click();
  assert.match(await byTestId(page, 'error-banner').textContent(), /typed jobs:2: /);
  assert.match(await byTestId(page, 'streams-trace').textContent(), /4 arrivals/);
  await shot(page, 'streams-per-job');
  assert.deepEqual(page.errors, []);
});

test('after a trace upload the Serving playhead follows the run to its new end', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'lab-serving').click();
  await byTestId(page, 'serving-row-1').waitFor();
  const before = await byTestId(page, 'serving-playhead').textContent();
  const file = new globalThis.URL('../../../shared/data/mooncake/synthetic_trace.jsonl', import.meta.url).pathname;
  await byTestId(page, 'serving-trace-input').setInputFiles(file);
  await page.waitForFunction((b) => {
    const t = document.querySelector('[data-testid=serving-playhead]')?.textContent ?? '';
    const m = t.match(/t = ([\d.]+) s \/ ([\d.]+) s/);
    return t !== b && m && m[1] === m[2];
  }, before, { timeout: 30000 });
  const [, at, end] = (await byTestId(page, 'serving-playhead').textContent()).match(/t = ([\d.]+) s \/ ([\d.]+) s/);
  assert.equal(at, end);
  assert.ok(Number(end) > 100, `the trace's end, not the synthetic run's: ${end}`);
  assert.deepEqual(page.errors, []);
});

test('the whole conversation trace runs in the Serving lab', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'lab-serving').click();
  await byTestId(page, 'serving-row-1').waitFor();
  const file = new globalThis.URL('../../../shared/data/mooncake/conversation_trace.jsonl', import.meta.url).pathname;
  await byTestId(page, 'serving-trace-input').setInputFiles(file);
  await page.waitForFunction(() => /12031 requests/.test(document.querySelector('[data-testid=serving-trace]')?.textContent ?? ''), null, { timeout: 30000 });
  // The run finishes in the worker and the playhead follows to the trace's end.
  await page.waitForFunction(() => {
    const m = (document.querySelector('[data-testid=serving-playhead]')?.textContent ?? '').match(/t = ([\d.]+) s \/ ([\d.]+) s/);
    return m && m[1] === m[2] && Number(m[2]) > 900;
  }, null, { timeout: 60000 });
  assert.equal(await byTestId(page, 'error-banner').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('a teacher types her example: a blank graph, a pasted cost matrix, edges with the data set once', async () => {
  const page = await openPage(browser);
  const node = (name) => page.locator(`[data-testid="dag-node"][data-name="${name}"]`);
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  // Blank: no task left, the lab says what to do, nothing breaks.
  await byTestId(page, 'new-graph-toggle').click();
  await byTestId(page, 'new-tasks').fill('0');
  await byTestId(page, 'new-processors').fill('2');
  await byTestId(page, 'new-create').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dag-node]').length === 0);
  assert.match(await page.locator('.metrics.error').textContent(), /the task graph is empty: add at least one task/);
  // The costs pasted as a spreadsheet copies them: the rows become the tasks.
  await byTestId(page, 'cost-matrix-toggle').click();
  await byTestId(page, 'cost-matrix-text').fill('task\tP1\tP2\na\t3\t5\nb\t4\t2\n');
  await byTestId(page, 'cost-matrix-use').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dag-node]').length === 2);
  // Independent, HEFT puts a on P1 (3) and b on P2 (2): makespan 3.
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '3');
  // Edges carry the data set once: a -> b with 10 makes b wait on P1 (3 + 4 = 7 < 3 + 10 + 2).
  await byTestId(page, 'new-edge-data').fill('10');
  await byTestId(page, 'new-edge-data').press('Enter');
  await page.waitForTimeout(300); // the editor fits the new graph first
  await node('a').scrollIntoViewIfNeeded();
  await dragTo(page, node('a').locator('[data-testid="dag-handle"]'), node('b'));
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '7');
  // The table shows the costs as they are now, exactly; a bad cell is refused in place.
  assert.equal(await byTestId(page, 'cost-matrix-text').inputValue(), 'task\tP1\tP2\na\t3\t5\nb\t4\t2\n');
  await byTestId(page, 'cost-matrix-text').fill('task\tP1\tP2\na\t3\t5\nb\t4\t-2\n');
  await byTestId(page, 'cost-matrix-use').click();
  await page.waitForFunction(() => /row 2, column 2: '-2' is not a cost/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  assert.equal(await makespan(page), '7', 'the last good graph stays');
  await shot(page, 'blank-graph-typed');
  // Undo goes back through the edits to the paper's graph.
  for (let i = 0; i < 4; i++) await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('presentation mode: larger text and a 1.5× Gantt; Fit shows a 103-task graph whole', async () => {
  const page = await openPage(browser);
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.metrics td')).fontSize));
  const small = await size();
  await byTestId(page, 'present').click();
  assert.equal(await byTestId(page, 'present').getAttribute('aria-pressed'), 'true');
  assert.ok(await size() >= small * 1.4, `text ${small} → ${await size()} px`);
  // The Gantt is drawn at 1/1.5 of its width in pixels and shown stretched: labels 1.5×.
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=gantt]');
    return Math.abs(c.width * 1.5 - c.clientWidth) <= 2;
  });
  await shot(page, 'presentation-mode');
  await byTestId(page, 'present').click();
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=gantt]');
    return c.width === c.clientWidth;
  });
  // Montage (103 tasks) opens whole inside the editor.
  await byTestId(page, 'preset-select').selectOption('montage');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dag-node]').length === 103);
  await page.waitForTimeout(300);
  const inside = await page.evaluate(() => {
    const box = document.querySelector('.dag-svg').getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid=dag-node] .body')].filter((n) => {
      const r = n.getBoundingClientRect();
      return r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    }).length;
  });
  assert.equal(inside, 103, 'every task of the montage graph is in view');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('tasks are connected by keyboard: C on one task, C on the next; a cycle is refused', async () => {
  const page = await openPage(browser);
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  const node = (name) => page.locator(`[data-testid="dag-node"][data-name="${name}"]`);
  await byTestId(page, 'add-task').click();
  await node('n10').focus();
  await page.keyboard.press('c');
  assert.match(await page.locator('.notice').textContent(), /Connecting: select the task it feeds/);
  await node('t11').focus();
  await page.keyboard.press('c');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dag-edge]').length === 16);
  // t11 (cost 10) now waits for n10: HEFT's 80 plus 10.
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '90');
  await node('t11').focus();
  await page.keyboard.press('c');
  await node('n1').focus();
  await page.keyboard.press('c');
  await page.waitForFunction(() => /would close the cycle/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  assert.equal(await page.locator('[data-testid=dag-edge]').count(), 16);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('editing the platform by keyboard: Tab after a change lands on the next field, a refused value shows the kept one', async () => {
  const page = await openPage(browser);
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  await page.getByRole('tab', { name: 'Platform' }).click();
  await byTestId(page, 'proc-name-0').fill('CPU1');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-testid=proc-name-0]')?.value === 'CPU1');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'proc-kind-0', 'the focus went on');
  await byTestId(page, 'proc-speed-1').fill('0');
  await byTestId(page, 'proc-speed-1').press('Enter');
  await page.waitForFunction(() => /speed/.test(document.querySelector('[data-testid=error-banner]')?.textContent ?? ''));
  assert.equal(await byTestId(page, 'proc-speed-1').inputValue(), '1', 'the speed kept');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'proc-speed-1');
  assert.equal(await makespan(page), '80');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('zoom and pan: the Gantt zooms around the playhead or the pointer, drags, and hovers stay true', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  const gantt = byTestId(page, 'gantt');
  const whole = await canvasFrame(page, 'gantt');
  // Twice "+" around the playhead (at the end, 80): the window is [60, 80].
  await byTestId(page, 'zoom-in').click();
  await byTestId(page, 'zoom-in').click();
  await page.waitForFunction((w) => document.querySelector('[data-testid=gantt]').toDataURL() !== w, whole);
  assert.equal(await gantt.getAttribute('data-zoomed'), '1');
  // Every hover across the zoomed axis names a bar that runs at the time under the pointer
  // (the axis spans 48 px of labels to 12 px before the edge).
  const box = await gantt.boundingBox();
  const timeAt = (x) => 60 + (x - 48) / (box.width - 60) * 20;
  let checked = 0;
  for (let x = 60; x < box.width - 20; x += 37) {
    for (const y of [25, 55, 85]) {
      await page.mouse.move(box.x + x, box.y + y);
      const tip = page.locator('.tooltip');
      if (!(await tip.count())) continue;
      const m = (await tip.textContent()).match(/runs ([\d.]+) – ([\d.]+)/);
      const t = timeAt(x);
      assert.ok(m && t >= Number(m[1]) - 0.2 && t <= Number(m[2]) + 0.2, `${t} in ${m}`);
      checked++;
    }
  }
  assert.ok(checked >= 3, `hovered ${checked} bars`);
  // Dragging pans to earlier times; Fit shows the whole run again, pixel for pixel.
  const zoomed = await canvasFrame(page, 'gantt');
  await page.mouse.move(box.x + 200, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 400, box.y + 40, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction((w) => document.querySelector('[data-testid=gantt]').toDataURL() !== w, zoomed);
  await byTestId(page, 'zoom-fit').click();
  await page.waitForFunction((w) => document.querySelector('[data-testid=gantt]').toDataURL() === w, whole);
  // Ctrl + wheel over the chart zooms around the pointer; a double click undoes it.
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -120);
  await page.keyboard.up('Control');
  await page.waitForFunction(() => document.querySelector('[data-testid=gantt]').dataset.zoomed === '1');
  await gantt.dblclick();
  await page.waitForFunction((w) => document.querySelector('[data-testid=gantt]').toDataURL() === w, whole);
  // The keyboard: "+" on the transport bar zooms, "0" shows the whole run.
  await byTestId(page, 'restart').focus();
  await page.keyboard.press('+');
  await page.waitForFunction(() => document.querySelector('[data-testid=gantt]').dataset.zoomed === '1');
  await shot(page, 'dag-zoomed');
  await page.keyboard.press('0');
  await page.waitForFunction(() => document.querySelector('[data-testid=gantt]').dataset.zoomed === '0');
  // The other labs' Gantts zoom the same way.
  for (const [lab, prefix, id] of [['streams', 'streams-', 'streams-gantt'], ['serving', 'serving-', 'serving-gantt']]) {
    await byTestId(page, `lab-${lab}`).click();
    await byTestId(page, id).waitFor();
    await page.waitForTimeout(300);
    const before = await canvasFrame(page, id);
    await byTestId(page, `${prefix}zoom-in`).click();
    await page.waitForFunction(([i, w]) => document.querySelector(`[data-testid=${i}]`).toDataURL() !== w, [id, before]);
    await shot(page, `${lab}-zoomed`);
  }
  assert.deepEqual(page.errors, []);
});

test('Export › Gantt (SVG) writes the whole schedule as a standalone SVG', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'preset-select').selectOption('topcuoglu2002');
  await page.waitForFunction(() => document.querySelector('[data-testid=makespan]')?.textContent === '80');
  await page.locator('details.menu summary').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('details.menu button', { hasText: 'Gantt (SVG)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'gantt-heft.svg');
  const svg = readFileSync(await download.path(), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (let i = 1; i <= 10; i++) assert.match(svg, new RegExp(`>n${i}</text>`));
  // It renders on its own: every task's bar is there, P1 to P3 labelled.
  const view = await browser.newPage({ viewport: { width: 1240, height: 240 } });
  // Well-formed XML (the browser's strict SVG parser finds no error).
  assert.equal(await page.evaluate((t) => new DOMParser().parseFromString(t, 'image/svg+xml').querySelector('parsererror') === null, svg), true);
  await view.setContent(`<body style="margin:0">${svg}</body>`);
  assert.equal(await view.locator('svg rect').count() >= 10 + 2, true);
  assert.deepEqual(await view.locator('svg text').filter({ hasText: /^P\d$/ }).allTextContents(), ['P1', 'P2', 'P3']);
  await shot(view, 'gantt-export-svg');
  await view.close();
  assert.deepEqual(page.errors, []);
});
