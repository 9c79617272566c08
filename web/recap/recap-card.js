// recap-card.js — the share card of a recap: minutes, plays, the arc of its
// months (or weeks), the film it matches, top artists and songs. Written as
// card-layout.js blocks, so the card comes in both sizes, is measured the same
// way as every other card (nothing overlaps, nothing enters the footer band)
// and carries the app's address.
//
//   recapCardBlocks(data) → { theme, blocks, note }: drawCard({ kind: 'blocks', data })
//   data from recapCardData (recap-view.js)

const count = (n, one) => `${Number(n || 0).toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** The recap's card as blocks (card-content.js, kind 'blocks'). */
export function recapCardBlocks(d) {
  // the chart plots the parts that have a mood (a month with no lyrics yet has none)
  const withMood = (d.arc || []).filter((p) => typeof p.valence === 'number' && typeof p.energy === 'number');
  const series = withMood.length > 1 ? { valence: withMood.map((p) => p.valence), energy: withMood.map((p) => p.energy) } : {};
  const unit = d.kind === 'year' ? 'month' : 'week';
  const lists = [
    { title: 'Top artists', more: false, items: (d.artists || []).slice(0, 5).map((a) => ({ main: a })) },
    { title: 'Top songs', more: false, items: (d.songs || []).slice(0, 5).map((s) => ({ main: s })) },
  ].filter((c) => c.items.length);
  return {
    theme: 'recap',
    note: 'Counted in my browser by MoodSpace; nothing uploaded',
    blocks: [
      { type: 'brand', title: 'MoodSpace', subtitle: `My ${d.label} in music` },
      { type: 'headline', text: `${Number(d.minutes || 0).toLocaleString('en')} minutes` },
      { type: 'text', text: `${count(d.plays, 'play')} · ${count(d.songCount, 'song')} · ${count(d.artistCount, 'artist')}`, maxLines: 2 },
      { type: 'chart', series, caption: `the mood of my ${unit}s (${withMood.length} with a mood)` },
      ...(d.film ? [{ type: 'text', text: `My ${d.label} as a film: ${d.film}`, maxLines: 2, color: '#ffcf5c' }] : []),
      ...(lists.length ? [{ type: 'columns', cols: lists }] : []),
    ],
  };
}
