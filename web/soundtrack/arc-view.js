// arc-view.js — the Soundtrack view's mood arc: a chart and a table of the
// same numbers, from one filmSoundtrack result (wasm/soundtrack.h):
// per-scene percentiles among catalog scenes (points), their smoothed curve
// (lines), each segment's mean of those scene percentiles (dashed steps, on
// the same scale as the curves) and the chosen songs' percentiles among songs
// (diamonds); the table gives each segment's percentile among catalog
// segments, the scale the songs are matched on. Only the metrics the
// metrics table shows (web/metrics.js: not tempo or liveness, flat for every
// film), in its colours. On a phone the legend names the metrics only and
// the axis title is short, so the plot keeps most of the canvas.
//
//   const view = arcView();
//   view.draw({ title, result, songOf, weights })   songOf(segment) → the song shown for it, or null;
//                                                    weights: the scenes' weights (segment means)
//   view.chart() → the Chart.js instance on screen (tests, console)
import { arcSummary } from './arc-summary.js';
import { pctText } from './why.js';
import { $, el, orderMetrics, afterPaint } from '../ui.js';
import { colorOf, metric, shownMetricNames } from '../metrics.js';
import { sceneSpan } from '../film/segment-label.js';

// metrics drawn and tabled (percentiles, 0–100)
const chartMetrics = () => orderMetrics(shownMetricNames());
const NARROW = 600;   // px of chart width below which the legend and axis title are compact

/** Each segment's weighted mean of its scenes' percentiles (the curves' scale). */
export function segmentSteps(scenes, segs, m, weights = null) {
  return scenes.map((_, i) => {
    const g = segs.find((s) => i >= s.first_scene && i <= s.last_scene);
    if (!g) return null;
    let sum = 0; let sw = 0;
    for (let k = g.first_scene; k <= g.last_scene; k++) {
      const v = scenes[k]?.pct?.[m]; const w = weights?.[k] > 0 ? weights[k] : 1;
      if (typeof v === 'number') { sum += w * v; sw += w; }
    }
    return sw ? sum / sw : null;
  });
}

export function arcView() {
  let chart = null;
  let drawing = 0;   // only the latest of overlapping draws draws
  $('arc-table-link').addEventListener('click', () => { $('arc-table-wrap').open = true; });   // the link lands on an open table

  async function draw({ title, result: res, songOf, weights = null }) {
    const turn = ++drawing;
    const segs = res.segments || [];
    const withSongs = segs.some((g) => songOf(g));
    const metrics = chartMetrics().filter((m) => typeof res.overall?.pct?.[m] === 'number');
    const tableMetrics = metrics;
    $('arc-table').caption.textContent = `Mood per segment of the film, as its percentile among catalog segments${withSongs ? ' (and the song’s among songs)' : ''}`;
    $('arc-table').tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'Segment' }), el('th', { scope: 'col', text: 'Scenes' }),
      ...tableMetrics.map((m) => el('th', { scope: 'col', text: metric(m).label })), ...(withSongs ? [el('th', { scope: 'col', text: 'Song' })] : [])));
    $('arc-table').tBodies[0].replaceChildren(...segs.map((g, i) => el('tr', {},
      el('th', { scope: 'row', text: String(i + 1) }),
      el('td', { text: sceneSpan(g.first_scene, g.last_scene) }),
      ...tableMetrics.map((m) => el('td', { class: 'num', text: withSongs ? `${pctText(g.pct[m])} · song ${pctText(g.song_pct?.[m])}` : pctText(g.pct[m]) })),
      ...(withSongs ? [el('td', { text: songOf(g) ? `${songOf(g).title} — ${songOf(g).artist}` : '' })] : []))));
    // the chart's accessible name carries the data; the table has every number
    $('arc-chart').setAttribute('aria-label', `${arcSummary(title, segs.map((g) => ({ metrics: g.pct || {} })), metrics.slice(0, 3))} (percentiles among catalog segments.) Every segment's numbers are in the table "Mood arc as a table" below the chart.`);
    try {
      const { Chart } = await import('./chart-setup.js');
      // the chart once what came with it (the film, its table, the songs) is on screen: building
      // it takes tens of milliseconds, and its box keeps its size meanwhile (nothing moves)
      await afterPaint();
      if (turn !== drawing) return;
      const scenes = res.scenes || [];
      const labels = scenes.map((_, i) => String(i + 1));
      const datasets = [];
      for (const m of metrics) {
        datasets.push({ type: 'line', label: metric(m).label, metric: m, data: scenes.map((x) => x.smooth_pct?.[m] ?? null), borderColor: colorOf(m), backgroundColor: colorOf(m),
          pointRadius: scenes.length <= 40 ? 3 : 0, borderWidth: 2, tension: 0.2 });
        datasets.push({ type: 'scatter', label: `${m}, each scene`, data: scenes.map((x, i) => ({ x: String(i + 1), y: x.pct?.[m] ?? null })),
          pointRadius: 1.5, borderColor: colorOf(m), backgroundColor: colorOf(m), showLine: false, hidden: scenes.length > 40 });
      }
      for (const m of ['energy', 'valence'].filter((x) => metrics.includes(x))) {
        const steps = segmentSteps(scenes, segs, m, weights);
        datasets.push({ type: 'line', label: `${m}, segment mean`, data: steps, borderColor: colorOf(m), borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, stepped: true });
        if (withSongs) {
          datasets.push({ type: 'scatter', label: `chosen songs (${m})`, pointRadius: 7, pointStyle: 'rectRot', borderColor: '#111', backgroundColor: colorOf(m),
            data: segs.map((g) => ({ x: String(Math.round((g.first_scene + g.last_scene) / 2) + 1), y: g.song_pct?.[m] ?? null })),
            songTitles: segs.map((g) => (songOf(g) ? `${songOf(g).title} — ${songOf(g).artist}` : '')) });
        }
      }
      if (chart) chart.destroy();
      const narrow = ($('arc-chart').closest('figure')?.clientWidth || 800) < NARROW;
      chart = new Chart($('arc-chart'), {
        data: { labels, datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          scales: { x: { title: { display: true, text: 'scene' }, ticks: { maxTicksLimit: narrow ? 8 : 20 } },
            y: { min: 0, max: 100, ticks: { stepSize: 25 }, title: { display: true, text: narrow ? 'percentile' : 'percentile among catalog scenes' } } },
          plugins: {
            // the legend names the metrics (one entry each); the caption says what dashes and diamonds are
            legend: { labels: { filter: (item, data) => !!data.datasets[item.datasetIndex]?.metric, boxWidth: narrow ? 12 : 30, font: { size: narrow ? 11 : 12 } } },
            tooltip: { callbacks: { afterLabel: (c) => c.dataset.songTitles?.[c.dataIndex] || '' } },
          },
        },
      });
    } catch (e) {
      console.error('chart failed', e);
    }
  }
  return { draw, chart: () => chart };
}
