import { createCanvas } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartItem,
  type ChartType,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Title,
} from 'chart.js';
import type { MonthlyReport } from '../monthly-report.js';
import { registerReportFont } from './report-fonts.js';
import { monthTitle, stateLabel } from './report-labels.js';

/**
 * The monthly report's charts as PNG images, drawn by chart.js on @napi-rs/canvas (Skia, a
 * prebuilt binary: no system libraries, no browser). 1200×600: legible in a Slack preview and an
 * e-mail, and twice the width most mail clients show, so it stays sharp on a high-density screen.
 *
 * chart.js without a DOM runs on its basic platform: no resize observers, no device pixel ratio
 * (1), so `responsive: false` and the canvas's own size decide the image. With `animation: false`
 * the chart is drawn completely inside its constructor; the PNG is encoded off the main thread.
 */

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
);

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 600;
const NO_ACTIVITY_TEXT = '활동 없음';

const COLORS = {
  blue: '#2563eb',
  green: '#16a34a',
  red: '#dc2626',
  amber: '#d97706',
  grey: '#6b7280',
  text: '#111827',
};

const STATE_COLORS: Readonly<Record<string, string>> = {
  completed: COLORS.green,
  no_show: COLORS.red,
  cancelled: COLORS.grey,
  withdrawn: COLORS.grey,
  rejected: COLORS.grey,
  declined: COLORS.grey,
};

export interface ChartImage {
  name: string;
  png: Buffer;
  width: number;
  height: number;
}

/**
 * The plugins every chart has: a white background (chart.js clears to transparent, which a PNG
 * viewer shows as black or a checkerboard) and, for a chart with nothing to show, `활동 없음` in
 * the middle of its (axis-less) plot area.
 */
function chartPlugins<T extends ChartType>(hasData: boolean, family: string): Plugin<T>[] {
  const whiteBackground: Plugin<T> = {
    id: 'whiteBackground',
    beforeDraw: (chart) => {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
  const noActivityNotice: Plugin<T> = {
    id: 'noActivityNotice',
    afterDraw: (chart) => {
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.font = `bold 40px ${family}`;
      ctx.fillStyle = COLORS.grey;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(
        NO_ACTIVITY_TEXT,
        (chartArea.left + chartArea.right) / 2,
        (chartArea.top + chartArea.bottom) / 2,
      );
      ctx.restore();
    },
  };
  return hasData ? [whiteBackground] : [whiteBackground, noActivityNotice];
}

/** What one chart needs besides its data: where it goes, its title, whether it has anything. */
interface ChartFrame {
  name: string;
  title: string;
  /** False when there is nothing to draw: the chart shows its title and `활동 없음` only. */
  hasData: boolean;
  family: string;
}

/** The options every chart shares: fixed size, no animation, the Korean font, a titled top. */
function commonOptions(frame: ChartFrame, legend: boolean) {
  const { family, hasData } = frame;
  return {
    responsive: false,
    animation: false as const,
    devicePixelRatio: 1,
    layout: { padding: 16 },
    plugins: {
      title: {
        display: true,
        text: frame.title,
        font: { family, size: 24, weight: 'bold' as const },
        color: COLORS.text,
        padding: { top: 4, bottom: 16 },
      },
      legend: {
        display: hasData && legend,
        labels: { font: { family, size: 14 }, color: COLORS.text },
      },
    },
  };
}

/** An axis in the report's font, with a title; hidden along with the data of an empty chart. */
function axis(frame: ChartFrame, title: string) {
  return {
    display: frame.hasData,
    ticks: { font: { family: frame.family, size: 14 }, color: COLORS.text },
    title: {
      display: true,
      text: title,
      font: { family: frame.family, size: 15 },
      color: COLORS.text,
    },
  };
}

async function render<T extends ChartType>(
  frame: ChartFrame,
  config: ChartConfiguration<T, (number | null)[], string>,
): Promise<ChartImage> {
  const canvas = createCanvas(CHART_WIDTH, CHART_HEIGHT);
  // chart.js types its item as a DOM context; @napi-rs/canvas implements the same interface.
  const chart = new Chart(canvas.getContext('2d') as unknown as ChartItem, {
    ...config,
    data: frame.hasData ? config.data : { labels: [], datasets: [] },
  });
  try {
    return {
      name: frame.name,
      png: await canvas.encode('png'),
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
    };
  } finally {
    // Only after encoding: destroying a chart clears its canvas.
    chart.destroy();
  }
}

function dailyChart(report: MonthlyReport, month: string, family: string): Promise<ChartImage> {
  const { daily } = report;
  const frame: ChartFrame = {
    name: 'daily.png',
    title: `${month} 일별 활동`,
    hasData:
      !report.empty && daily.some((d) => d.shiftsStarting + d.assignmentsCompleted + d.noShows > 0),
    family,
  };
  const line = (label: string, color: string, data: number[]) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: 3,
  });
  const yAxis = axis(frame, '건수');
  return render<'line'>(frame, {
    type: 'line',
    data: {
      // The day of the month: the title names the month.
      labels: daily.map((d) => String(Number(d.day.slice(8, 10)))),
      datasets: [
        line(
          '시작한 근무',
          COLORS.blue,
          daily.map((d) => d.shiftsStarting),
        ),
        line(
          '완료된 배정',
          COLORS.green,
          daily.map((d) => d.assignmentsCompleted),
        ),
        line(
          '노쇼',
          COLORS.red,
          daily.map((d) => d.noShows),
        ),
      ],
    },
    options: {
      ...commonOptions(frame, true),
      scales: {
        x: axis(frame, '일'),
        y: { ...yAxis, beginAtZero: true, ticks: { ...yAxis.ticks, precision: 0 } },
      },
    },
    plugins: chartPlugins(frame.hasData, family),
  });
}

function statesChart(report: MonthlyReport, month: string, family: string): Promise<ChartImage> {
  const states = report.assignmentsByState;
  const frame: ChartFrame = {
    name: 'assignments-by-state.png',
    title: `${month} 배정 상태별 건수`,
    hasData: !report.empty && states.some((s) => s.count > 0),
    family,
  };
  const yAxis = axis(frame, '건수');
  return render<'bar'>(frame, {
    type: 'bar',
    data: {
      labels: states.map((s) => stateLabel(s.state)),
      datasets: [
        {
          label: '배정 건수',
          data: states.map((s) => s.count),
          backgroundColor: states.map((s) => STATE_COLORS[s.state] ?? COLORS.blue),
        },
      ],
    },
    options: {
      ...commonOptions(frame, false),
      scales: {
        x: axis(frame, '배정 상태'),
        y: { ...yAxis, beginAtZero: true, ticks: { ...yAxis.ticks, precision: 0 } },
      },
    },
    plugins: chartPlugins(frame.hasData, family),
  });
}

/** Shifts on the bottom axis, the fill rate (0–100%) on its own axis at the top. */
function regionsChart(report: MonthlyReport, month: string, family: string): Promise<ChartImage> {
  const regions = report.byRegion;
  const frame: ChartFrame = {
    name: 'regions.png',
    title: `${month} 시/도별 근무와 충원율`,
    hasData: !report.empty && regions.length > 0,
    family,
  };
  const shiftsAxis = axis(frame, '근무 수');
  const rateAxis = axis(frame, '충원율');
  return render<'bar'>(frame, {
    type: 'bar',
    data: {
      labels: regions.map((r) => r.name),
      datasets: [
        {
          label: '근무 수',
          data: regions.map((r) => r.shifts),
          backgroundColor: COLORS.blue,
          xAxisID: 'x',
        },
        {
          label: '충원율',
          data: regions.map((r) => r.fillRate),
          backgroundColor: COLORS.amber,
          xAxisID: 'rate',
        },
      ],
    },
    options: {
      ...commonOptions(frame, true),
      indexAxis: 'y',
      scales: {
        x: {
          ...shiftsAxis,
          position: 'bottom',
          beginAtZero: true,
          ticks: { ...shiftsAxis.ticks, precision: 0 },
        },
        rate: {
          ...rateAxis,
          type: 'linear',
          position: 'top',
          min: 0,
          max: 1,
          grid: { drawOnChartArea: false },
          ticks: {
            ...rateAxis.ticks,
            callback: (value) => `${Math.round(Number(value) * 100)}%`,
          },
        },
        y: axis(frame, '시/도'),
      },
    },
    plugins: chartPlugins(frame.hasData, family),
  });
}

export async function renderCharts(report: MonthlyReport): Promise<ChartImage[]> {
  const family = registerReportFont();
  const month = monthTitle(report.month);
  return Promise.all([
    dailyChart(report, month, family),
    statesChart(report, month, family),
    regionsChart(report, month, family),
  ]);
}
