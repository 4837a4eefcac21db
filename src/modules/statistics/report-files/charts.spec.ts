import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, renderCharts } from './charts.js';
import { emptyMonthlyReport, monthlyReport } from './report-files.test-kit.js';
import { registerReportFont } from './report-fonts.js';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Dark pixels ("ink") in a box of RGBA pixels: each channel below 160 of 255. */
function inkIn(data: Uint8ClampedArray, box: Box, rowWidth: number): number {
  let ink = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const i = (y * rowWidth + x) * 4;
      if ((data[i] ?? 255) < 160 && (data[i + 1] ?? 255) < 160 && (data[i + 2] ?? 255) < 160) {
        ink++;
      }
    }
  }
  return ink;
}

/** A PNG decoded, as its size and the ink in a box of it. */
async function decode(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return {
    width: image.width,
    height: image.height,
    inkIn: (box: Box) => inkIn(data, box, image.width),
  };
}

/** `text` in black on white, 32px, in `family`: the ink it leaves. */
function inkOfText(text: string, family: string): number {
  const canvas = createCanvas(400, 80);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 400, 80);
  ctx.fillStyle = '#000000';
  ctx.font = `32px "${family}"`;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 10, 40);
  return inkIn(ctx.getImageData(0, 0, 400, 80).data, { x: 0, y: 0, width: 400, height: 80 }, 400);
}

/** The band at the top of a chart where chart.js puts the title, around the centre. */
const TITLE_BAND: Box = { x: 300, y: 0, width: 600, height: 55 };
/** The middle of the plot area, where an empty chart says 활동 없음. */
const CENTRE: Box = { x: 450, y: 250, width: 300, height: 140 };

async function chartsByName(report = monthlyReport({ regions: 17, businesses: 20 })) {
  return new Map((await renderCharts(report)).map((c) => [c.name, c]));
}

describe('renderCharts', () => {
  it('renders daily, assignments-by-state and regions charts as 1200×600 PNGs for a 30-day month', async () => {
    const charts = await renderCharts(monthlyReport({ regions: 17, businesses: 20 }));

    expect(charts.map((c) => c.name)).toEqual([
      'daily.png',
      'assignments-by-state.png',
      'regions.png',
    ]);
    for (const chart of charts) {
      const image = await decode(chart.png);
      expect({ width: image.width, height: image.height }, chart.name).toEqual({
        width: 1200,
        height: 600,
      });
      expect({ width: chart.width, height: chart.height }).toEqual({
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
      });
    }
  });

  it('draws each chart on white with its title in ink at the top', async () => {
    for (const chart of (await chartsByName()).values()) {
      const image = await decode(chart.png);
      // White corner: chart.js alone would leave it transparent (decoded as 0,0,0,0: ink).
      expect(image.inkIn({ x: 0, y: 0, width: 10, height: 10 }), chart.name).toBe(0);
      expect(image.inkIn(TITLE_BAND), chart.name).toBeGreaterThan(300);
    }
  });

  it('still draws every chart of an empty month, saying 활동 없음 where the data would be', async () => {
    const empty = await chartsByName(emptyMonthlyReport());

    expect([...empty.keys()]).toEqual(['daily.png', 'assignments-by-state.png', 'regions.png']);
    for (const chart of empty.values()) {
      const image = await decode(chart.png);
      expect({ width: image.width, height: image.height }).toEqual({ width: 1200, height: 600 });
      expect(image.inkIn(TITLE_BAND), chart.name).toBeGreaterThan(300);
      // Axes, grid and legend are hidden: the only ink in the middle is the notice.
      expect(image.inkIn(CENTRE), chart.name).toBeGreaterThan(300);
    }
  });

  it('draws Korean text with the bundled font rather than as tofu boxes', () => {
    // The charts' own registration path: assets/fonts found from this module's location (it
    // throws when a face cannot be loaded).
    const family = registerReportFont();
    // Characters no font has (the Private Use Area) come out as empty boxes ("tofu"), or nothing,
    // whatever fonts the machine has; Hangul in the bundled family must come out as glyphs, a
    // clearly different amount of ink. (A family that does not exist is no baseline: it falls
    // back to the system's Korean font where there is one, as on CI, which installs one for the
    // browser tests' screenshots.)
    const nanum = inkOfText('일별 활동', family);
    const tofu = inkOfText('\uE000\uE001 \uE002\uE003', family);

    expect(nanum).toBeGreaterThan(500);
    expect(Math.abs(nanum - tofu) / Math.max(nanum, tofu)).toBeGreaterThan(0.2);
  });
});
