/**
 * The explorer page in a real browser: Debian's Chromium driven by playwright-core (which never downloads a
 * browser), the built page (dist/explorer) served on 127.0.0.1 on a free port. If Chromium is missing, every test
 * here fails with the command that installs it: they are never skipped.
 *
 * Screenshots of each view go to dist/test-output/explorer/*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { activationsExperiment, initSpec, setupBackend } from '../src/index.ts';
import { loadMnist } from '../src/data/mnist.ts';
import { parseExplorerState } from '../src/explorer/state.ts';
import { TrainingSession } from '../src/explorer/training.ts';
import { EXPLORER_DIR } from '../web/tools/paths.ts';
import { startExplorerServer, type ExplorerServer } from '../web/tools/server.ts';

/** The Chromium the tests drive: `INITLAB_CHROMIUM`, else Debian's. */
const CHROMIUM = process.env['INITLAB_CHROMIUM'] ?? '/usr/bin/chromium';
const OUTPUT = fileURLToPath(new URL('../test-output/explorer/', import.meta.url));
/** Generous: two shared cores, and the first measurement compiles the wasm module. */
const WAIT = 120_000;

let browser: Browser | undefined;
let server: ExplorerServer | undefined;

/** What every test here says when Chromium is missing. */
const MISSING_CHROMIUM =
  `the explorer's browser tests need Chromium at ${CHROMIUM}, which is missing. Install it with ` +
  '`apt-get update && apt-get install -y chromium` (Debian; .ci/run does this), or point INITLAB_CHROMIUM at a Chromium binary.';

/** A page with its console errors and uncaught exceptions collected. */
async function openPage(hash: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  if (!browser) throw new Error(MISSING_CHROMIUM);
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server!.url}#${hash}`);
  await waitForMeasurement(page, null);
  return { page, errors };
}

/** Waits until a measurement newer than `previous` (the body's `data-measured`) has been drawn. */
async function waitForMeasurement(page: Page, previous: string | null): Promise<string> {
  await page.waitForFunction(
    (old) => document.body.dataset['measuring'] === 'false' && document.body.dataset['measured'] !== undefined && document.body.dataset['measured'] !== old,
    previous,
    { timeout: WAIT },
  );
  return (await page.evaluate(() => document.body.dataset['measured']))!;
}

/** Everything the views plot, from the charts' `data-numbers`. */
async function plotted(
  page: Page,
): Promise<{ histograms: { index: number; counts: number[] }[]; depth: Record<string, unknown>; fractions: { saturated: number[]; dead: number[] } }> {
  return page.evaluate(() => {
    const read = (selector: string): unknown[] => [...document.querySelectorAll(selector)].map((e) => JSON.parse(e.getAttribute('data-numbers') ?? 'null'));
    return {
      histograms: read('#histograms svg') as { index: number; counts: number[] }[],
      depth: read('#depth-chart svg')[0] as Record<string, unknown>,
      fractions: read('#fraction-chart svg')[0] as { saturated: number[]; dead: number[] },
    };
  });
}

describe('explorer page in Chromium', () => {
  before(async () => {
    if (!existsSync(CHROMIUM)) return; // every test below then fails with MISSING_CHROMIUM: never skipped
    if (!existsSync(path.join(EXPLORER_DIR, 'index.html'))) throw new Error(`${EXPLORER_DIR} is not built: run \`npm run build\` first`);
    mkdirSync(OUTPUT, { recursive: true });
    server = await startExplorerServer({ port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  test('Chromium is installed', () => {
    assert.ok(existsSync(CHROMIUM), MISSING_CHROMIUM);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('loads with no console errors, on the wasm backend, and labels every control', async (t) => {
    const { page, errors } = await openPage('');
    t.diagnostic(`Chromium ${browser!.version()}`);
    assert.deepEqual(errors, []);
    assert.match((await page.textContent('#backend')) ?? '', /backend: wasm/);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, button')]
        .filter((e) => {
          const labels = (e as HTMLInputElement).labels;
          return !(labels && labels.length > 0) && !e.getAttribute('aria-label') && !(e.textContent ?? '').trim();
        })
        .map((e) => e.id || e.outerHTML.slice(0, 60)),
    );
    assert.deepEqual(unlabelled, []);
    const numbers = await plotted(page);
    assert.equal(numbers.histograms.length, 5);
    await page.screenshot({ path: path.join(OUTPUT, 'laptop.png') });
    await page.screenshot({ path: path.join(OUTPUT, 'laptop-full.png'), fullPage: true });
    await page.locator('#histograms').screenshot({ path: path.join(OUTPUT, 'view-histograms.png') });
    await page.locator('#depth-chart').screenshot({ path: path.join(OUTPUT, 'view-depth.png') });
    await page.locator('#fraction-chart').screenshot({ path: path.join(OUTPUT, 'view-fractions.png') });
    await page.locator('#claims').screenshot({ path: path.join(OUTPUT, 'view-claims.png') });
    await page.close();
  });

  test('changing each control changes the plotted numbers', async () => {
    const { page, errors } = await openPage('act=tanh&init=glorot_normal&depth=4&width=60&samples=200&seed=3');
    let measured = (await page.evaluate(() => document.body.dataset['measured']))!;
    let before = JSON.stringify(await plotted(page));
    const changes: [string, () => Promise<unknown>][] = [
      ['activation', () => page.selectOption('#activation', 'gelu')],
      ['initializer', () => page.selectOption('#init-name', 'he_uniform')],
      ['initializer option', () => page.selectOption('#opt-nonlinearity', 'linear')],
      ['depth', () => page.fill('#depth-number', '6').then(() => page.press('#depth-number', 'Tab'))],
      ['width', () => page.fill('#width-number', '80').then(() => page.press('#width-number', 'Tab'))],
      ['samples', () => page.fill('#samples', '150').then(() => page.press('#samples', 'Tab'))],
      ['seed', () => page.click('#new-seed')],
      ['input distribution', () => page.selectOption('#input', 'pixels')],
    ];
    for (const [name, change] of changes) {
      await change();
      measured = await waitForMeasurement(page, measured);
      const after = JSON.stringify(await plotted(page));
      assert.notEqual(after, before, `changing the ${name} did not change the plotted numbers`);
      before = after;
    }
    const state = parseExplorerState(new URL(page.url()).hash).state;
    assert.deepEqual(
      { act: state.activation, init: state.init, depth: state.depth, width: state.width, samples: state.samples, seed: state.seed, input: state.input },
      { act: 'gelu', init: initSpec('he_uniform:nonlinearity=linear'), depth: 6, width: 80, samples: 150, seed: 4, input: 'pixels' },
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a URL's numbers equal the Node lab's activations experiment bit for bit", async () => {
    for (const hash of [
      'act=relu&init=he_normal&depth=4&width=64&samples=200&seed=7',
      'act=tanh&init=normal:std=0.5&depth=3&width=50&samples=120&seed=11&input=uniform',
    ]) {
      const { page } = await openPage(hash);
      const browserNumbers = await plotted(page);
      await page.close();
      const state = parseExplorerState(hash).state;
      await setupBackend('wasm');
      const result = await activationsExperiment.run({
        ...activationsExperiment.defaults(false, state.seed),
        activation: state.activation,
        init: state.init,
        depth: state.depth,
        width: state.width,
        samples: state.samples,
        input: state.input,
      });
      const layers = 'layers' in result ? result.layers : [];
      assert.deepEqual(
        browserNumbers.histograms,
        layers.map((l) => ({ index: l.index, counts: l.histogram.counts })),
        `${hash}: histogram counts`,
      );
      assert.deepEqual(
        browserNumbers.depth['activationStd'],
        layers.map((l) => l.std),
        `${hash}: stds`,
      );
      assert.deepEqual(
        browserNumbers.fractions.saturated,
        layers.map((l) => l.saturated),
        `${hash}: saturated fractions`,
      );
      assert.deepEqual(
        browserNumbers.fractions.dead,
        layers.map((l) => l.dead),
        `${hash}: dead fractions`,
      );
    }
  });

  test('a slow setting shows a preview on 100 inputs first, then the full histograms', async () => {
    if (!browser) throw new Error(MISSING_CHROMIUM);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Whenever the status line announces a preview, record how many values each histogram then counts.
    await page.addInitScript(() => {
      const seen: { status: string; caption: string; totals: number[] }[] = [];
      (window as unknown as { previews: typeof seen }).previews = seen;
      document.addEventListener('DOMContentLoaded', () => {
        const status = document.getElementById('status')!;
        new MutationObserver(() => {
          const text = status.textContent ?? '';
          if (!text.startsWith('Preview')) return;
          const totals = [...document.querySelectorAll('#histograms svg')].map((svg) =>
            (JSON.parse(svg.getAttribute('data-numbers') ?? '{"counts":[]}') as { counts: number[] }).counts.reduce((a, b) => a + b, 0),
          );
          seen.push({ status: text, caption: document.getElementById('histograms-caption')?.textContent ?? '', totals });
        }).observe(status, { childList: true, characterData: true, subtree: true });
      });
    });
    await page.goto(`${server!.url}#act=tanh&init=glorot_normal&depth=10&width=500&samples=1000&seed=3`);
    // A look at the page while it shows the preview (about 0.35 s), then at the full measurement.
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Preview') === true, null, { timeout: WAIT, polling: 10 });
    await page.screenshot({ path: path.join(OUTPUT, 'preview.png') });
    await waitForMeasurement(page, null);
    await page.screenshot({ path: path.join(OUTPUT, 'preview-then-full.png') });
    const previews = await page.evaluate(() => (window as unknown as { previews: { status: string; caption: string; totals: number[] }[] }).previews);
    assert.equal(previews.length, 1, JSON.stringify(previews));
    assert.match(previews[0]!.status, /^Preview from 100 of the 1000 inputs \(\d+ ms\); the full measurement follows\.$/);
    assert.deepEqual(previews[0]!.totals, Array(10).fill(100 * 500), 'the preview counts 100 inputs × 500 units per layer');
    assert.match(previews[0]!.caption, / for 100 inputs × 500 units,/, 'the caption gives the preview’s inputs');
    assert.match((await page.textContent('#histograms-caption')) ?? '', / for 1000 inputs × 500 units,/);
    const final = await plotted(page);
    assert.deepEqual(
      final.histograms.map((h) => h.counts.reduce((a, b) => a + b, 0)),
      Array(10).fill(1000 * 500),
      'the final histograms count all 1000 inputs',
    );
    const [previewMs, updateMs] = await page.evaluate(() => [Number(document.body.dataset['previewMs']), Number(document.body.dataset['updateMs'])]);
    assert.ok(previewMs > 0 && previewMs < updateMs, `preview after ${previewMs} ms, full after ${updateMs} ms`);
    assert.doesNotMatch((await page.textContent('#status')) ?? '', /Preview/);
    await page.close();
  });

  test('training a few steps lowers the loss, with the lab’s losses, and can be stopped', async () => {
    const steps = 40;
    const { page, errors } = await openPage(`act=relu&init=he_normal&train=he_normal&train=normal:std=0.01&steps=${steps}&lr=0.05&seed=0`);
    await page.click('#train-start');
    await page.waitForFunction(() => document.body.dataset['training'] === 'done', null, { timeout: WAIT });
    const { losses } = JSON.parse((await page.getAttribute('#loss-chart svg', 'data-numbers'))!) as { losses: number[][] };
    assert.equal(losses.length, 2);
    assert.equal(losses[0]!.length, steps);
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const he = losses[0]!;
    assert.ok(mean(he.slice(-10)) < mean(he.slice(0, 10)) - 0.3, `He loss went from ${mean(he.slice(0, 10))} to ${mean(he.slice(-10))}`);
    await page.locator('#training-section').screenshot({ path: path.join(OUTPUT, 'view-training.png') });
    // The same runs in Node, on the same backend and seed, give the same losses.
    await setupBackend('wasm');
    const state = parseExplorerState(new URL(page.url()).hash).state;
    const session = new TrainingSession({ inits: state.train, activation: state.trainActivation, seed: state.seed, lr: state.lr, steps }, loadMnist());
    try {
      while (!session.done) session.advance(5);
      assert.deepEqual(losses, session.losses);
    } finally {
      session.dispose();
    }
    // Stop.
    await page.fill('#steps', '5000');
    await page.press('#steps', 'Tab');
    await page.click('#train-start');
    await page.waitForFunction(() => Number((document.getElementById('train-progress') as HTMLProgressElement).value) >= 10, null, { timeout: WAIT });
    await page.click('#train-stop');
    await page.waitForFunction(() => document.body.dataset['training'] === 'stopped', null, { timeout: WAIT });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a phone-sized viewport shows every section without horizontal scrolling', async () => {
    const { page, errors } = await openPage('act=relu&init=glorot_normal&depth=8&width=100&samples=300&seed=0', { width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
    await page.screenshot({ path: path.join(OUTPUT, 'phone.png') });
    await page.screenshot({ path: path.join(OUTPUT, 'phone-full.png'), fullPage: true });
    await page.locator('#views').screenshot({ path: path.join(OUTPUT, 'phone-views.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
