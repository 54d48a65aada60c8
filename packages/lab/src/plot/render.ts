/**
 * Headless rendering of the lab's figures: Vega-Lite spec → Vega → SVG string (no browser, no canvas), and
 * SVG → PNG with resvg.
 *
 * Text in the PNG needs a font file on the machine: resvg does not ship one. {@link fontFiles} finds DejaVu Sans
 * (Debian package `fonts-dejavu-core`) or Liberation Sans and maps the CSS generic `sans-serif` (Vega's default
 * font) to it; without any font, the PNG is drawn with no text at all (the SVG is unaffected).
 */
import { existsSync } from 'node:fs';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Vega-Lite specification (the JSON the web page can reuse as is). */
export type VegaLiteSpec = TopLevelSpec;

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Width of the PNG in pixels (the height keeps the aspect ratio); default: the SVG's own width. */
  readonly width?: number;
  /** Background color behind transparent areas (CSS color); default: transparent (Vega-Lite paints white). */
  readonly background?: string;
}

/** Sans-serif fonts tried, in order, with the family name resvg should use for them. */
const FONT_CANDIDATES: readonly { readonly file: string; readonly family: string }[] = [
  { file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', family: 'DejaVu Sans' },
  { file: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', family: 'DejaVu Sans' },
  { file: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', family: 'Liberation Sans' },
  { file: '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf', family: 'Liberation Sans' },
];

/**
 * The sans-serif font files found on this machine and the family they provide (DejaVu Sans first), or an empty
 * list and null when there is none (then PNGs have no text: install `fonts-dejavu-core`).
 */
export function fontFiles(): { files: string[]; family: string | null } {
  const found = FONT_CANDIDATES.filter((c) => existsSync(c.file));
  return { files: found.map((c) => c.file), family: found[0]?.family ?? null };
}

/**
 * Compiles a Vega-Lite spec and renders it headless to an SVG document (Vega View with renderer `'none'`, then
 * `toSVG()`). Data must be inline (`data: {values: [...]}`): nothing is fetched.
 */
export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec);
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterizes an SVG document to PNG bytes with resvg, using the fonts of {@link fontFiles} for `sans-serif`
 * (and the system's other fonts through fontconfig paths).
 *
 * @throws RangeError for a width that is not a positive integer; resvg's Error for malformed SVG.
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const { width, background } = options;
  if (width !== undefined && (!Number.isInteger(width) || width < 1)) {
    throw new RangeError(`width must be a positive integer, got ${width}`);
  }
  const fonts = fontFiles();
  const renderOptions: ResvgRenderOptions = {
    font: {
      loadSystemFonts: true,
      fontFiles: fonts.files,
      ...(fonts.family ? { defaultFontFamily: fonts.family, sansSerifFamily: fonts.family } : {}),
    },
    fitTo: width === undefined ? { mode: 'original' } : { mode: 'width', value: width },
    ...(background ? { background } : {}),
    logLevel: 'off',
  };
  const png = new Resvg(svg, renderOptions).render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
