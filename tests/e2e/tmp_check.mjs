import { launch, openPage, byTestId } from './lib.mjs';
const URL = process.env.SCHEDLAB_URL;
const browser = await launch();
const out = '/tmp/shots';
for (const [w, h] of [[1400, 900], [390, 844]]) {
  // DAG lab: sigma change; the playhead at the end follows the new end.
  const page = await openPage(browser, URL, { width: w, height: h });
  await byTestId(page, 'makespan').waitFor();
  const t0 = await byTestId(page, 'playhead').textContent();
  await byTestId(page, 'noise-sigma').fill('0.3');
  await byTestId(page, 'noise-sigma').press('Enter');
  await page.waitForTimeout(800);
  const t1 = await byTestId(page, 'playhead').textContent();
  console.log(w, 'DAG playhead before/after sigma:', t0, '|', t1);
  await page.screenshot({ path: `${out}/dag-${w}.png`, fullPage: true });
  // Keyboard: Tab to the play button and press Enter, then End.
  await byTestId(page, 'play').focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  console.log(w, 'play by keyboard ->', await byTestId(page, 'play').getAttribute('aria-label'));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  console.log(w, 'End ->', await byTestId(page, 'playhead').textContent());
  // Serving lab: the real conversation trace, 10,000 of its 12,031 requests.
  await byTestId(page, 'lab-serving').click();
  const t = Date.now();
  await byTestId(page, 'serving-trace-input').setInputFiles('/work/shared/data/mooncake/conversation_trace.jsonl');
  await byTestId(page, 'serving-trace').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=serving-progress]'), null, { timeout: 120000 });
  console.log(w, 'serving trace:', await byTestId(page, 'serving-trace').textContent(), 'run done in', Date.now() - t, 'ms');
  console.log(w, 'ttft p50:', await byTestId(page, 'ttft-p50-0').textContent());
  await page.screenshot({ path: `${out}/serving-${w}.png`, fullPage: true });
  // Streams lab, DS3: train 3 iterations, pause, resume.
  await byTestId(page, 'lab-streams').click();
  await byTestId(page, 'streams-mix').selectOption('ds3');
  await byTestId(page, 'train-iterations').fill('3');
  await byTestId(page, 'train-iterations').press('Enter');
  await byTestId(page, 'train-start').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=train-status]').dataset.status === 'done', null, { timeout: 120000 });
  console.log(w, 'train:', await byTestId(page, 'train-status').textContent());
  await page.screenshot({ path: `${out}/streams-${w}.png`, fullPage: true });
  console.log(w, 'errors:', JSON.stringify(page.errors));
}
await browser.close();
