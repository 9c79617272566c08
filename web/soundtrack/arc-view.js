// arc-view.js — the Soundtrack view's mood arc: a chart and a table of the
// same numbers, from one filmSoundtrack result (wasm/soundtrack.h):
// per-scene percentiles (points), their smoothed curve (lines), and each
// segment's percentile (the table's rows, drawn as steps) with the chosen
// song's (diamonds). The metrics, their names and colours are the metrics
// table's (web/metrics.js).
//
//   const view = arcView();
//   view.draw({ title, result, songOf })   songOf(segment) → the song shown for it, or null
import { arcSummary } from './arc-summary.js';
import { pctText } from './why.js';
import { $, el, orderMetrics } from '../ui.js';
import { colorOf, unitMetricNames } from '../metrics.js';

// metrics drawn on the chart (percentiles, 0–100); the table adds tempo
const chartMetrics = () => orderMetrics(unitMetricNames());

export function arcView() {
  let chart = null;
  let drawing = 0;   // only the latest of overlapping draws draws
  $('arc-table-link').addEventListener('click', () => { $('arc-table-wrap').open = true; });   // the link lands on an open table

  async function draw({ title, result: res, songOf }) {
    const turn = ++drawing;
    const segs = res.segments || [];
    const withSongs = segs.some((g) => songOf(g));
    const metrics = chartMetrics().filter((m) => typeof res.overall?.pct?.[m] === 'number');
    const tableMetrics = metrics.concat(typeof res.overall?.pct?.tempo === 'number' ? ['tempo'] : []);
    $('arc-table').tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'Segment' }), el('th', { scope: 'col', text: 'Scenes' }),
      ...tableMetrics.map((m) => el('th', { scope: 'col', text: `${m} (percentile)` })), ...(withSongs ? [el('th', { scope: 'col', text: 'Song' })] : [])));
    $('arc-table').tBodies[0].replaceChildren(...segs.map((g, i) => el('tr', {},
      el('th', { scope: 'row', text: String(i + 1) }),
      el('td', { text: `${g.first_scene + 1}–${g.last_scene + 1}` }),
      ...tableMetrics.map((m) => el('td', { class: 'num', text: withSongs ? `${pctText(g.pct[m])} · song ${pctText(g.song_pct?.[m])}` : pctText(g.pct[m]) })),
      ...(withSongs ? [el('td', { text: songOf(g) ? `${songOf(g).title} — ${songOf(g).artist}` : '' })] : []))));
    // the chart's accessible name carries the data; the table has every number
    $('arc-chart').setAttribute('aria-label', `${arcSummary(title, segs.map((g) => ({ metrics: g.pct || {} })), metrics.slice(0, 3))} (percentiles among catalog segments.) Every segment's numbers are in the table "Mood arc as a table" below the chart.`);
    try {
      const { Chart } = await import('./chart-setup.js');
      if (turn !== drawing) return;
      const scenes = res.scenes || [];
      const labels = scenes.map((_, i) => String(i + 1));
      const datasets = [];
      for (const m of metrics) {
        datasets.push({ type: 'line', label: m, data: scenes.map((x) => x.smooth_pct?.[m] ?? null), borderColor: colorOf(m), backgroundColor: colorOf(m),
          pointRadius: scenes.length <= 40 ? 3 : 0, borderWidth: 2, tension: 0.2 });
        datasets.push({ type: 'scatter', label: `${m}, each scene`, data: scenes.map((x, i) => ({ x: String(i + 1), y: x.pct?.[m] ?? null })),
          pointRadius: 1.5, borderColor: colorOf(m), backgroundColor: colorOf(m), showLine: false, hidden: scenes.length > 40 });
      }
      for (const m of ['energy', 'valence'].filter((x) => metrics.includes(x))) {
        const steps = scenes.map((_, i) => { const g = segs.find((s) => i >= s.first_scene && i <= s.last_scene); return g ? g.pct[m] : null; });
        datasets.push({ type: 'line', label: `${m}, segment (table)`, data: steps, borderColor: colorOf(m), borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, stepped: true });
        if (withSongs) {
          datasets.push({ type: 'scatter', label: `chosen songs (${m})`, pointRadius: 7, pointStyle: 'rectRot', borderColor: '#111', backgroundColor: colorOf(m),
            data: segs.map((g) => ({ x: String(Math.round((g.first_scene + g.last_scene) / 2) + 1), y: g.song_pct?.[m] ?? null })),
            songTitles: segs.map((g) => (songOf(g) ? `${songOf(g).title} — ${songOf(g).artist}` : '')) });
        }
      }
      if (chart) chart.destroy();
      chart = new Chart($('arc-chart'), {
        data: { labels, datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          scales: { x: { title: { display: true, text: 'scene' } },
            y: { min: 0, max: 100, title: { display: true, text: 'percentile among catalog scenes (0 = lowest)' } } },
          plugins: { tooltip: { callbacks: { afterLabel: (c) => c.dataset.songTitles?.[c.dataIndex] || '' } } },
        },
      });
    } catch (e) {
      console.error('chart failed', e);
    }
  }
  return { draw };
}
