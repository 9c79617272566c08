// catalog-url.js — where the film catalog is, from the page: alone in its module so the
// engine's client (engine/engine-client.js, in the page's first script) names it without
// loading the catalog's readers (film-catalog.js re-exports it).
export const CATALOG_URL = './catalog.json';
