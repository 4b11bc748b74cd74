// The page and `schedlab open` agree: each fixture link (tests/fixtures/links/*.txt, one
// per lab) opened in Chromium shows the numbers of tests/fixtures/links/expected.json,
// which the native test crates/schedlab-cli/tests/open.rs checks `schedlab open` against.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, shot, byTestId, URL } from './lib.mjs';

const FIX = new globalThis.URL('../fixtures/links/', import.meta.url);
const link = (lab) => readFileSync(new globalThis.URL(`${lab}.txt`, FIX), 'utf8').trim();
const expected = JSON.parse(readFileSync(new globalThis.URL('expected.json', FIX), 'utf8'));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const at = (lab) => `${URL.replace(/#.*$/, '')}#${link(lab)}`;
const num = async (page, id) => Number((await byTestId(page, id).textContent()).trim());

test('the DAG lab link shows the makespan schedlab open prints', async () => {
  const page = await openPage(browser, at('dag'));
  await byTestId(page, 'makespan').waitFor();
  // HEFT is the link's first scheduler: the headline is its shown run, rounded for reading,
  // and exact in data-value.
  assert.equal(Number(await byTestId(page, 'makespan').getAttribute('data-value')), expected.dag.heft.makespan);
  const shown = await byTestId(page, 'makespan').textContent();
  assert.ok(shown.length <= 12 && Math.abs(Number(shown) - expected.dag.heft.makespan) < 1e-4, shown);
  assert.equal(await byTestId(page, 'error-banner').count(), 0);
  await shot(page, 'link-dag');
  assert.deepEqual(page.errors, []);
});

test('the Streams lab link shows the flow times schedlab open prints', async () => {
  const page = await openPage(browser, at('streams'));
  await byTestId(page, 'mean-flow-1').waitFor();
  // The table rounds to 3 decimals for reading; the files keep the exact numbers.
  assert.equal(await num(page, 'mean-flow-0'), Number(expected.streams.srpt.mean_flow_time.toFixed(3)));
  assert.equal(await num(page, 'mean-flow-1'), Number(expected.streams.fcfs.mean_flow_time.toFixed(3)));
  assert.deepEqual(page.errors, []);
});

test('the Serving lab link shows the TTFTs schedlab open prints', async () => {
  const page = await openPage(browser, at('serving'));
  await byTestId(page, 'ttft-p50-1').waitFor();
  assert.equal(await num(page, 'ttft-p50-0'), Number(expected.serving.dualmap.ttft_p50_ms.toFixed(1)));
  assert.equal(await num(page, 'ttft-p50-1'), Number(expected.serving.round_robin.ttft_p50_ms.toFixed(1)));
  assert.deepEqual(page.errors, []);
});
