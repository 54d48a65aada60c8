/**
 * Benchmark of the explorer in Chromium (not a test: it prints numbers). For depth 10 × width 500 it measures a
 * histogram update, from the control change to the histograms drawn (`data-update-ms`), the worker's share
 * (`data-worker-ms`) and, where the page shows a preview on fewer inputs first, when it appeared (`data-preview-ms`), when the activation changes (weights cached) and when the seed changes (weights drawn
 * again); then the training step time. Run: `npm run bench:explorer` (uses /usr/bin/chromium or INITLAB_CHROMIUM).
 */
import { chromium, type Page } from 'playwright-core';
import { startExplorerServer } from './server.ts';

const CHROMIUM = process.env['INITLAB_CHROMIUM'] ?? '/usr/bin/chromium';
const REPEATS = 6;

async function settled(page: Page, previous: string | null): Promise<string> {
  await page.waitForFunction((old) => document.body.dataset['measuring'] === 'false' && document.body.dataset['measured'] !== old, previous, {
    timeout: 120_000,
  });
  return (await page.evaluate(() => document.body.dataset['measured']))!;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const server = await startExplorerServer({ port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM });
try {
  console.log(`Chromium ${browser.version()}`);
  for (const samples of [1000, 200, 100]) {
    const page = await browser.newPage();
    await page.goto(`${server.url}#act=relu&init=he_normal&depth=10&width=500&samples=${samples}&seed=0`);
    let measured = await settled(page, null);
    const rows: Record<string, { update: number[]; worker: number[]; preview: number[] }> = {
      activation: { update: [], worker: [], preview: [] },
      seed: { update: [], worker: [], preview: [] },
    };
    for (let i = 0; i < REPEATS; i++) {
      for (const [kind, change] of [
        ['activation', () => page.selectOption('#activation', i % 2 === 0 ? 'tanh' : 'relu')],
        ['seed', () => page.click('#new-seed')],
      ] as const) {
        await change();
        measured = await settled(page, measured);
        const [update, worker, preview] = await page.evaluate(() => [
          Number(document.body.dataset['updateMs']),
          Number(document.body.dataset['workerMs']),
          Number(document.body.dataset['previewMs'] ?? Number.NaN),
        ]);
        rows[kind]!.update.push(update!);
        rows[kind]!.worker.push(worker!);
        rows[kind]!.preview.push(preview!);
      }
    }
    for (const [kind, { update, worker, preview }] of Object.entries(rows)) {
      const first = preview.every(Number.isNaN) ? 'no preview' : `preview shown after ${median(preview).toFixed(0)} ms`;
      console.log(
        `depth 10 × width 500, ${samples} samples, ${kind} change: ${first}; histogram update ${median(update).toFixed(0)} ms median (worker ${median(worker).toFixed(0)} ms) over ${REPEATS}`,
      );
    }
    await page.close();
  }
  const page = await browser.newPage();
  await page.goto(`${server.url}#train=he_normal&steps=200&seed=0`);
  await settled(page, null);
  await page.click('#train-start');
  await page.waitForFunction(() => document.body.dataset['training'] === 'done', null, { timeout: 300_000 });
  console.log(`training: ${await page.textContent('#train-status')} — last progress: see below`);
  console.log(`training step (784-100-100-100-100-10, batch 128): ${await page.evaluate(() => document.body.dataset['msPerStep'])} ms per step and net`);
} finally {
  await browser.close();
  await server.close();
}
