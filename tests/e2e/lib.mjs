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

/** A fresh page (its own context: empty storage) that collects console errors. */
export async function openPage(browser, url = URL, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
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
