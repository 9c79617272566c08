// playlist.js — "Save to Spotify": opt-in, a private playlist by default.
//
//   savePlaylist({ name, description, isPublic, uris }, { fetcher }) →
//     { id, url, added, skipped }
//
// POST /v1/me/playlists { name, public, description }, then
// POST /v1/playlists/{id}/items { uris } in chunks of at most 100 URIs,
// all through the web-app's one Spotify funnel (spotifyFetch: retries,
// 429, token refresh). The older /users/{id}/playlists and
// /playlists/{id}/tracks endpoints are gone for new apps and never used.

export const CHUNK = 100;

export class PlaylistError extends Error {
  constructor(message, { playlist = null, added = 0 } = {}) {
    super(message); this.name = 'PlaylistError'; this.playlist = playlist; this.added = added;
  }
}

/** Split a list into chunks of at most n. */
export function chunks(list, n = CHUNK) {
  const out = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

export async function savePlaylist({ name, description = '', isPublic = false, uris }, { fetcher }) {
  const good = [...new Set((uris || []).filter((u) => typeof u === 'string' && /^spotify:track:[A-Za-z0-9]{22}$/.test(u)))];
  const skipped = (uris || []).length - good.length;
  if (!good.length) throw new PlaylistError('None of these songs has a Spotify track id, so there is nothing to save.');
  const title = String(name || '').trim().slice(0, 100) || 'MoodSpace soundtrack';
  const created = await fetcher('/me/playlists', {
    method: 'POST',
    body: { name: title, public: !!isPublic, description: String(description).slice(0, 300) },
  });
  const id = typeof created?.id === 'string' ? created.id : '';
  if (!/^[A-Za-z0-9]+$/.test(id)) throw new PlaylistError('Spotify did not return the new playlist.');
  const url = typeof created?.external_urls?.spotify === 'string' && /^https:\/\//.test(created.external_urls.spotify)
    ? created.external_urls.spotify : `https://open.spotify.com/playlist/${id}`;
  let added = 0;
  for (const part of chunks(good)) {
    try {
      await fetcher(`/playlists/${encodeURIComponent(id)}/items`, { method: 'POST', body: { uris: part } });
    } catch (e) {
      throw new PlaylistError(`The playlist was created but only ${added} of ${good.length} songs were added: ${e.message || e}`,
        { playlist: { id, url }, added });
    }
    added += part.length;
  }
  return { id, url, added, skipped };
}
