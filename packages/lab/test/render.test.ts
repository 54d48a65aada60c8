import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fontFiles, svgToPng, vegaLiteToSvg, type VegaLiteSpec } from '../src/plot/render.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const barSpec: VegaLiteSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 240,
  height: 160,
  data: {
    values: [
      { init: 'std 0.01', accuracy: 0.11 },
      { init: 'xavier', accuracy: 0.9 },
      { init: 'he', accuracy: 0.93 },
    ],
  },
  mark: 'bar',
  encoding: {
    x: { field: 'init', type: 'nominal', title: 'initializer' },
    y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy' },
  },
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

test('vegaLiteToSvg renders one bar mark per datum with axis titles', async () => {
  const svg = await vegaLiteToSvg(barSpec);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const bars = svg.match(/<g class="mark-rect role-mark marks"[^>]*>(.*?)<\/g>/);
  assert.ok(bars, 'a rect mark group');
  assert.equal(bars[1]!.match(/<path /g)?.length, 3);
  assert.match(svg, />initializer</);
  assert.match(svg, />test accuracy</);
  assert.match(svg, />xavier</);
});

test('svgToPng writes a PNG of the requested width, keeping the aspect ratio', async () => {
  const svg = await vegaLiteToSvg(barSpec);
  const png = svgToPng(svg, { width: 600 });
  assert.deepEqual(Array.from(png.subarray(0, 8)), PNG_SIGNATURE);
  const size = pngSize(png);
  assert.equal(size.width, 600);
  const svgWidth = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
  const svgHeight = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
  assert.ok(Math.abs(size.height - (600 * svgHeight) / svgWidth) <= 1);
  assert.deepEqual(pngSize(svgToPng(svg)).width, Math.ceil(svgWidth));
  assert.throws(() => svgToPng(svg, { width: 0 }), RangeError);
});

test('text reaches the PNG (needs a sans-serif font such as Debian fonts-dejavu-core)', () => {
  const fonts = fontFiles();
  assert.ok(fonts.files.length > 0, 'no DejaVu/Liberation Sans font found: install the Debian package fonts-dejavu-core');
  const page = (text: string): string =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="white"/>` +
    `<text x="10" y="40" font-family="sans-serif" font-size="30">${text}</text></svg>`;
  const withText = svgToPng(page('He 0.93'));
  const blank = svgToPng(page(''));
  assert.notDeepEqual(withText, blank, 'the PNG with text is identical to the blank one: no font was used');
});
