import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlobalFonts } from '@napi-rs/canvas';

/**
 * The Korean font of the report's images. The runtime image (node:24-slim) has no font at all, so
 * a chart's Hangul would be drawn as empty boxes ("tofu"): the project ships NanumGothic
 * (assets/fonts/, SIL Open Font License 1.1) and registers it here, once per process.
 *
 * Both faces go under one family with explicit weights: registered without descriptors,
 * @napi-rs/canvas lets the newest face of a family win for every weight (measured with 1.2.1:
 * regular text came out bold).
 */
const REPORT_FONT_FAMILY = 'NanumGothic';

const FACES = [
  { file: 'NanumGothic.ttf', weight: 'normal' },
  { file: 'NanumGothicBold.ttf', weight: 'bold' },
] as const;

/**
 * The directory holding package.json above this file: the project root, both from src/ (vitest)
 * and from dist/ (the build and the image, which ships package.json and assets/ beside dist/).
 */
function projectRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${here}`);
  }
}

let registered = false;

/** Registers the report's font (once per process) and returns its family name. */
export function registerReportFont(): string {
  if (registered) return REPORT_FONT_FAMILY;
  const dir = path.join(projectRoot(), 'assets', 'fonts');
  for (const face of FACES) {
    const file = path.join(dir, face.file);
    if (!GlobalFonts.registerFromPath(file, REPORT_FONT_FAMILY, { weight: face.weight })) {
      throw new Error(`could not load the report font ${file}`);
    }
  }
  registered = true;
  return REPORT_FONT_FAMILY;
}
