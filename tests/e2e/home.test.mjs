// The site loads, mounts the Rust app, shows the engine version and every scheduler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, byTestId } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the page mounts and lists the registry without console errors', async () => {
  const page = await openPage(browser);
  await byTestId(page, 'scheduler-list').waitFor();
  const version = await byTestId(page, 'engine-version').textContent();
  assert.match(version, /^\d+\.\d+\.\d+$/);
  const ids = await page.locator('[data-testid="scheduler-row"] td:first-child').allTextContents();
  for (const id of ['heft', 'cpop', 'peft', 'etf', 'mct', 'met', 'olb', 'minmin', 'maxmin', 'sufferage', 'random']) {
    assert.ok(ids.includes(id), `${id} missing from ${ids}`);
  }
  await shot(page, 'home');
  assert.deepEqual(page.errors, []);
});

test('the site works from a sub-path (relative URLs)', async () => {
  const html = await (await fetch(new globalThis.URL('index.html', process.env.SCHEDLAB_URL ?? 'http://127.0.0.1:8080/'))).text();
  assert.doesNotMatch(html, /(src|href)="\/[^/]/, 'absolute asset URLs break sub-path hosting');
});
