// Shared helpers for the end-to-end tests: a headless Chromium (Debian's, through
// playwright-core), a page that records console errors, and screenshots under target/.
import { chromium } from 'playwright-core';
import path from 'node:path';

export const URL = process.env.SCHEDLAB_URL ?? 'http://127.0.0.1:8080/';
const SHOTS = process.env.SCHEDLAB_SHOTS ?? 'target/e2e-screenshots';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Marks every lab's guided tour as seen in `context`, so that no tour card covers what a
 * test clicks (the tour's own test opens pages without it). */
export async function skipTours(context) {
  await context.addInitScript(() => {
    for (const lab of ['Dag', 'Streams', 'Serving']) localStorage.setItem(`schedlab.tour.${lab}`, '1');
  });
}

/** A fresh page (its own context: empty storage but the tours seen) that collects console
 * errors; `tours` keeps the first visit's tours. */
export async function openPage(browser, url = URL, viewport = { width: 1280, height: 800 }, tours = false) {
  const context = await browser.newContext({ viewport });
  if (!tours) await skipTours(context);
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

/** The page's URL once the autosave has written a state newer than `before` (the URL then
 * holds still for 400 ms): links are compressed asynchronously after a 120 ms debounce. */
export async function settledUrl(page, before) {
  await page.waitForFunction((b) => location.href !== b, before);
  let last = page.url();
  for (;;) {
    await page.waitForTimeout(400);
    if (page.url() === last) return last;
    last = page.url();
  }
}

/** Clicks Share and returns the link it copies (the browser compresses it asynchronously:
 * the field is cleared first and read once it holds the new link). */
export async function shareLink(page) {
  await byTestId(page, 'share-url').evaluate((el) => { el.value = ''; });
  await byTestId(page, 'share-link').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="share-url"]')?.value.includes('#s1.'));
  return byTestId(page, 'share-url').inputValue();
}

/** Number of pixels of a canvas that differ from its top-left (background) pixel. */
export async function canvasInk(page, testid) {
  return page.locator(`[data-testid="${testid}"]`).evaluate((c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) n++;
    }
    return n;
  });
}

/** A canvas's pixels as a data URL (to compare two frames). */
export async function canvasFrame(page, testid) {
  return page.locator(`[data-testid="${testid}"]`).evaluate((c) => c.toDataURL());
}

export async function makespan(page) {
  return (await byTestId(page, 'makespan').textContent()).trim();
}

/** Drags with the mouse from one element to another (press, move in steps, release). */
export async function dragTo(page, from, to) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}
