/* scene_head.c — see scene_head.h. */
#include "scene_head.h"

#include "bow.h"
#include "linalg.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

scene_fit_opts scene_fit_default_opts(void) {
    scene_fit_opts o;
    memset(&o, 0, sizeof o);
    /* chosen on the validation films (`moodspace scenefit --grid`): the weak
     * rows barely move the labelled pairs but keep festive above grieving and
     * the genres apart; the song units add a point of energy pairs; the extra
     * per-word weights overfit (validation pairs fall as training pairs rise).
     * Then (`moodspace scenefit --try`, weights/MODEL.md "Results on scenes"):
     * hand rows centred on their film at 3 (pairs .742/.860 -> .746/.878) and
     * 1024 random word features at 0.03 (-> .750/.889, genre AUCs kept); the
     * pairwise loss, other SIF a, song-unit scales and place weights added
     * nothing beyond the noise of 96 films */
    o.lambda = 3;
    o.w_hand = 1; o.w_place = 1; o.w_paren = 0.3; o.w_genre = 3;
    o.sif_a = 1e-3;
    o.genre_z = 0.75; o.place_z = 1.5; o.paren_z = 1.0;
    o.song_units = 1;
    o.extra_words = 0; o.extra_scale = 1.0;
    o.w_within = 3; o.w_pair = 0; o.pair_k = 1; o.pair_gap = 2;
    o.word_feats = 1024; o.feat_scale = 0.03;
    /* the reader (seq_reader.h): 4 numbers a word for the vocabulary's first
     * 20,000 ids, one int8 scale a column (about 80 KB), measured with
     * `moodspace seqfit --proj 4` against projection 8 (.758/.894 against
     * .758/.900 at 0.75 x head + 0.5 x reader, half the bytes) */
    o.reader = 1; o.reader_vocab = 20000; o.reader_proj = 4;
    return o;
}

void scene_features_free(scene_features *sf) {
    if (!sf) return;
    free(sf->F); free(sf->sif); free(sf->raw);
    free(sf->bag_id); free(sf->bag_tf); free(sf->start); free(sf->df); free(sf->Hs);
    free(sf->phi); free(sf->G);
    free(sf);
}

/* splitmix64: the word features' fixed random draws */
static uint64_t sm64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double sm64_unit(uint64_t *x) { return ((double)(sm64(x) >> 11) + 0.5) / 9007199254740992.0; }

int scene_features_words(scene_features *sf, int ng, char *err, size_t errlen) {
    if (ng <= sf->ng) return 0;
    const int D = sf->dim, V = sf->V;
    double *R = malloc(sizeof(double) * (size_t)ng * D), *c = malloc(sizeof(double) * (size_t)ng);
    float *phi = calloc((size_t)V * ng, sizeof(float)), *G = calloc((size_t)sf->n * ng + 1, sizeof(float));
    if (!R || !c || !phi || !G) {
        free(R); free(c); free(phi); free(G);
        snprintf(err, errlen, "scene features: out of memory");
        return -1;
    }
    for (int j = 0; j < ng; j++) {   /* feature j's draws depend on j only */
        uint64_t st = 0x5eed0000ull + (uint64_t)j;
        for (int p = 0; p < D; p++)
            R[(size_t)j * D + p] = sqrt(-2 * log(sm64_unit(&st))) * cos(6.283185307179586 * sm64_unit(&st));
        c[j] = 2 * sm64_unit(&st) - 1;
    }
    for (int v = 0; v < V; v++) {
        const float *r = sf->raw + (size_t)v * D;
        double nn = 0;
        for (int p = 0; p < D; p++) nn += (double)r[p] * r[p];
        if (nn <= 0) continue;
        nn = sqrt(nn);
        for (int j = 0; j < ng; j++) {
            double z = c[j];
            for (int p = 0; p < D; p++) z += R[(size_t)j * D + p] * r[p] / nn;
            phi[(size_t)v * ng + j] = (float)(sf->sif[v] * (z > 0 ? z : 0));
        }
    }
    for (int i = 0; i < sf->n; i++) {
        float *g = G + (size_t)i * ng;
        for (size_t b = sf->start[i]; b < sf->start[i + 1]; b++) {
            const float *f = phi + (size_t)sf->bag_id[b] * ng;
            for (int j = 0; j < ng; j++) g[j] += sf->bag_tf[b] * f[j];
        }
    }
    free(R); free(c);
    free(sf->phi); free(sf->G);
    sf->phi = phi; sf->G = G; sf->ng = ng;
    return 0;
}

/* The song head's hidden units on every scene (two-head network only). */
static int song_hidden(const sb_corpus *c, const Model *m, scene_features *sf) {
    if (m->n_heads != 2 || m->n_layers != 3 || m->layers[0].spec.type != LAYER_TFIDF_WORDMEAN) return 0;
    const int W = m->layers[0].spec.units, H1 = m->layers[1].spec.units, HC = H1 - 2 * m->n_outputs;
    const float *idf = m->params + m->tensors[0].offset, *W1 = m->params + m->tensors[2].offset;
    const float *b1 = m->params + m->tensors[3].offset;
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)m->seq_len), *idx = malloc(sizeof(int32_t) * ((size_t)m->seq_len + 2));
    float *val = malloc(sizeof(float) * ((size_t)m->seq_len + 2)), *scratch = calloc((size_t)W, sizeof(float));
    sf->hc = HC;
    sf->Hs = malloc(sizeof(float) * (size_t)sf->n * HC + 1);
    if (!ids || !idx || !val || !scratch || !sf->Hs) { free(ids); free(idx); free(val); free(scratch); return -1; }
    for (int i = 0; i < c->n; i++)
        for (int s = 0; s < c->films[i].ss->n_scenes; s++) {
            const char *t = c->films[i].ss->scenes[s].text;
            int n = model_encode(m, t, strlen(t), ids);
            int nz = tfidf_sparse(idx, val, ids, idf, n < 0 ? 0 : n, W, scratch);
            float *h = sf->Hs + (size_t)(c->films[i].first + s) * HC;
            for (int j = 0; j < HC; j++) h[j] = b1[j];
            for (int k = 0; k < nz; k++) {
                const float *row = W1 + (size_t)idx[k] * H1;
                for (int j = 0; j < HC; j++) h[j] += val[k] * row[j];
            }
            for (int j = 0; j < HC; j++) if (h[j] < 0) h[j] = 0;
        }
    free(ids); free(idx); free(val); free(scratch);
    return 0;
}

scene_features *scene_features_build(const sb_corpus *c, const Model *m, const WordVec *wv, double sif_a,
                                     char *err, size_t errlen) {
    const int D = wv->dim, V = vocab_size(m->vocab);
    scene_features *sf = calloc(1, sizeof *sf);
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)m->seq_len);
    if (sf) {
        sf->n = c->n_scenes; sf->dim = D; sf->V = V;
        sf->F = calloc((size_t)c->n_scenes * D + 1, sizeof(float));
        sf->sif = calloc((size_t)V, sizeof(double));
        sf->raw = calloc((size_t)V * D, sizeof(float));
        sf->start = calloc((size_t)c->n_scenes + 1, sizeof(size_t));
        sf->df = calloc((size_t)V, sizeof(long));
    }
    int *count = calloc((size_t)V, sizeof(int));
    size_t bag_n = 0, bag_cap = 0;
    if (!sf || !ids || !count || !sf->F || !sf->sif || !sf->raw || !sf->start || !sf->df || D > 512) {
        free(count);
        scene_features_free(sf); free(ids);
        snprintf(err, errlen, "scene features: out of memory");
        return NULL;
    }
    for (int v = 2; v < V; v++) {
        int j = wordvec_find(wv, vocab_word(m->vocab, v));
        if (j < 0) continue;
        sf->sif[v] = sif_a / (sif_a + (double)wv->count[j] / wv->total);
        memcpy(sf->raw + (size_t)v * D, wv->vec + (size_t)j * D, sizeof(float) * (size_t)D);
    }
    for (int i = 0; i < c->n; i++) {
        const ScriptScenes *ss = c->films[i].ss;
        for (int s = 0; s < ss->n_scenes; s++) {
            const char *t = ss->scenes[s].text;
            int n = model_encode(m, t, strlen(t), ids), known = 0;
            double acc[512] = {0};
            for (int k = 0; k < n; k++) {
                if (ids[k] < 2 || ids[k] >= V) continue;
                known++;
                const float *r = sf->raw + (size_t)ids[k] * D;
                for (int p = 0; p < D; p++) acc[p] += sf->sif[ids[k]] * r[p];
            }
            float *f = sf->F + (size_t)(c->films[i].first + s) * D;
            if (known) for (int p = 0; p < D; p++) f[p] = (float)(acc[p] / known);
            /* the bag: distinct known words with their share of the known words */
            size_t at = bag_n;
            for (int k = 0; k < n; k++) {
                int v = ids[k];
                if (v < 2 || v >= V) continue;
                if (count[v]++ == 0) {
                    if (bag_n == bag_cap) {
                        bag_cap = bag_cap ? bag_cap * 2 : 1u << 20;
                        int32_t *ni = realloc(sf->bag_id, sizeof(int32_t) * bag_cap);
                        float *nt = ni ? realloc(sf->bag_tf, sizeof(float) * bag_cap) : NULL;
                        if (ni) sf->bag_id = ni;
                        if (!nt) { free(count); free(ids); scene_features_free(sf); snprintf(err, errlen, "scene features: out of memory"); return NULL; }
                        sf->bag_tf = nt;
                    }
                    sf->bag_id[bag_n++] = v;
                }
            }
            for (size_t b = at; b < bag_n; b++) {
                int v = sf->bag_id[b];
                sf->bag_tf[b] = (float)count[v] / (float)known;
                sf->df[v]++;
                count[v] = 0;
            }
            sf->start[c->films[i].first + s + 1] = bag_n;
        }
    }
    free(count);
    free(ids);
    if (song_hidden(c, m, sf)) { scene_features_free(sf); snprintf(err, errlen, "scene features: out of memory"); return NULL; }
    return sf;
}

void scene_fit_free(scene_fit *fit) {
    if (!fit) return;
    free(fit->r[0]); free(fit->r[1]);
    fit->r[0] = fit->r[1] = NULL;
    free(fit->Gw[0]); free(fit->Gw[1]);
    fit->Gw[0] = fit->Gw[1] = NULL;
}

/* One weighted row of the ridge problem: a scene, or a film (film >= 0).
 * centre >= 0: a hand row centred on film centre's labelled scenes (y is
 * already centred; the features are centred by fit_space.cm). */
typedef struct { int scene, film; double y, w; int centre; } fit_row;

static int add_row_c(fit_row **rows, int *n, int *cap, int scene, int film, double y, double w, int centre) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        fit_row *nr = realloc(*rows, sizeof **rows * (size_t)*cap);
        if (!nr) return -1;
        *rows = nr;
    }
    (*rows)[(*n)++] = (fit_row){ scene, film, y, w, centre };
    return 0;
}

static int add_row(fit_row **rows, int *n, int *cap, int scene, int film, double y, double w) {
    return add_row_c(rows, n, cap, scene, film, y, w, -1);
}

/* The problem's columns: the D vector features (standardised), an intercept,
 * then the N extra words (tf · TF_SCALE · extra_scale, left sparse). */
#define TF_SCALE 100.0

typedef struct {
    int D, N, P;        /* D: dense features (vectors, then song units) */
    int dv, hc;         /* word-vector dims, song units used (0 or sf->hc) */
    int ng;             /* word features used (after the song units) */
    double song_scale, feat_scale;
    int *col;           /* [V] extra-word column (>= D + 1), or -1 */
    int *word;          /* [N] the word id of each extra column */
    double mu[4096], sd[4096];
    double tf_scale;
    double *cm;         /* [films][D] raw dense mean of each film's labelled scenes (centred rows) */
} fit_space;

/* A row's dense features before standardising: the word-vector mean, then the
 * song head's hidden units (scaled). Film rows: their scenes' mean by words. */
static void raw_dense(const scene_features *sf, const fit_space *sp, const float *film_f, const fit_row *r, double *out) {
    const int DF = sp->dv + sf->hc + sp->ng, g0 = sp->dv + sp->hc;
    if (r->film >= 0) {
        const float *f = film_f + (size_t)r->film * DF;
        for (int p = 0; p < sp->dv; p++) out[p] = f[p];
        for (int j = 0; j < sp->hc; j++) out[sp->dv + j] = f[sp->dv + j] * sp->song_scale;
        for (int j = 0; j < sp->ng; j++) out[g0 + j] = f[sp->dv + sf->hc + j];
        return;
    }
    const float *f = sf->F + (size_t)r->scene * sp->dv;
    for (int p = 0; p < sp->dv; p++) out[p] = f[p];
    for (int j = 0; j < sp->hc; j++) out[sp->dv + j] = sf->Hs[(size_t)r->scene * sf->hc + j] * sp->song_scale;
    for (int j = 0; j < sp->ng; j++) out[g0 + j] = sf->G[(size_t)r->scene * sf->ng + j];
    if (r->centre >= 0)
        for (int p = 0; p < sp->D; p++) out[p] -= sp->cm[(size_t)r->centre * sp->D + p];
}

/* A row's features: dense part x[0..D] (standardised, x[D] = 1), sparse part
 * (cols, vals). Film rows average their scenes' features by words. */
static int row_features(const sb_corpus *c, const scene_features *sf, const fit_space *sp, const float *film_f,
                        const fit_row *r, double *x, int *cols, double *vals, double *film_acc) {
    const int D = sp->D;
    raw_dense(sf, sp, film_f, r, x);
    const int centred = r->centre >= 0;   /* a difference: no mean, no intercept */
    for (int p = 0; p < D; p++) x[p] = (x[p] - (centred ? 0 : sp->mu[p])) / sp->sd[p];
    x[D] = centred ? 0 : 1;
    int nnz = 0;
    if (sp->N == 0) return 0;
    if (r->film < 0) {
        for (size_t b = sf->start[r->scene]; b < sf->start[r->scene + 1]; b++) {
            int col = sp->col[sf->bag_id[b]];
            if (col >= 0) { cols[nnz] = col; vals[nnz++] = sf->bag_tf[b] * sp->tf_scale; }
        }
        return nnz;
    }
    const sb_film *fm = &c->films[r->film];
    double w = 0;
    for (int s = 0; s < fm->ss->n_scenes; s++) {
        double ws = fm->ss->scenes[s].words;
        int i = fm->first + s;
        w += ws;
        for (size_t b = sf->start[i]; b < sf->start[i + 1]; b++) {
            int col = sp->col[sf->bag_id[b]];
            if (col >= 0) film_acc[col - D - 1] += ws * sf->bag_tf[b];
        }
    }
    for (int k = 0; k < sp->N; k++) {
        if (film_acc[k] != 0 && w > 0) { cols[nnz] = D + 1 + k; vals[nnz++] = film_acc[k] / w * sp->tf_scale; }
        film_acc[k] = 0;
    }
    return nnz;
}

/* The N words with the most training-film scenes (ties by id). */
static int pick_words(const scene_features *sf, int N, int *word) {
    int *order = malloc(sizeof(int) * (size_t)sf->V);
    if (!order) return -1;
    int n = 0;
    for (int v = 2; v < sf->V; v++) if (sf->df[v] >= 20) order[n++] = v;
    /* partial selection sort is too slow for 40k: simple insertion into a top-N list */
    int k = 0;
    for (int i = 0; i < n; i++) {
        int v = order[i], j = k < N ? k++ : N;
        if (j == N && sf->df[word[N - 1]] >= sf->df[v]) continue;
        if (j == N) j = N - 1;
        while (j > 0 && sf->df[word[j - 1]] < sf->df[v]) { word[j] = word[j - 1]; j--; }
        word[j] = v;
    }
    free(order);
    return k;
}

/* Film-level mean features (word-weighted, as the film's overall mood):
 * film_f[n][DF], the vector features then the song units. */
static void film_means(const sb_corpus *c, const scene_features *sf, int dv, int ng, int DF, float *film_f) {
    for (int i = 0; i < c->n; i++) {
        const ScriptScenes *ss = c->films[i].ss;
        double w = 0, acc[4096] = {0};
        for (int s = 0; s < ss->n_scenes; s++) {
            double ws = ss->scenes[s].words;
            size_t at = (size_t)(c->films[i].first + s);
            for (int p = 0; p < dv; p++) acc[p] += ws * sf->F[at * dv + p];
            for (int j = 0; j < sf->hc; j++) acc[dv + j] += ws * sf->Hs[at * sf->hc + j];
            for (int j = 0; j < ng; j++) acc[dv + sf->hc + j] += ws * sf->G[at * sf->ng + j];
            w += ws;
        }
        if (w > 0) for (int p = 0; p < DF; p++) film_f[(size_t)i * DF + p] = (float)(acc[p] / w);
    }
}

/* Target t's rows over the training films: hand labels, festive/grieving
 * places, the dropped parentheticals, the films' genres (counts[0..3]).
 * Returns n (rows in *rows), or -1 when out of memory. */
static int collect_rows(const sb_corpus *c, const scene_fit_opts *o, int t, fit_row **rows, int counts[4]) {
    int n = 0, cap = 0, rc = 0;
    for (int i = 0; i < c->n; i++) {
        const sb_film *fm = &c->films[i];
        if (fm->val) continue;                       /* validation films: never fitted on */
        if (o->w_within > 0 && fm->label) {          /* the film's labelled scenes, centred */
            double my = 0;
            int nl = 0;
            for (int s = 0; s < fm->ss->n_scenes; s++)
                if (!isnan(fm->label[2 * s + t])) { my += fm->label[2 * s + t]; nl++; }
            for (int s = 0; s < fm->ss->n_scenes && nl >= 2; s++) {
                float lab = fm->label[2 * s + t];
                if (!isnan(lab)) rc |= add_row_c(rows, &n, &cap, fm->first + s, -1, (lab - my / nl) / 2.0, o->w_within, i);
            }
        }
        for (int s = 0; s < fm->ss->n_scenes; s++) {
            const Scene *sc = &fm->ss->scenes[s];
            int at = fm->first + s;
            float lab = fm->label ? fm->label[2 * s + t] : NAN;
            if (!isnan(lab) && o->w_hand > 0) { rc |= add_row(rows, &n, &cap, at, -1, (lab - 5.0) / 2.0, o->w_hand); counts[0]++; }
            if (sc->words < SB_PLACE_MIN_WORDS) continue;
            int place = sb_place_kind(sc->heading);
            if (place && o->w_place > 0) { rc |= add_row(rows, &n, &cap, at, -1, place * o->place_z, o->w_place); counts[1]++; }
            int hint = fm->hint ? fm->hint[2 * s + t] : 0;
            if (o->w_paren > 0 && hint) {
                rc |= add_row(rows, &n, &cap, at, -1, hint * o->paren_z, o->w_paren);
                counts[2]++;
            }
        }
        if (fm->group[t] && o->w_genre > 0) {
            rc |= add_row(rows, &n, &cap, -1, i, fm->group[t] * o->genre_z, o->w_genre);
            counts[3]++;
        }
    }
    return rc ? -1 : n;
}

/* The vector features' weighted mean and std over the rows into sp (the
 * song units keep std 1: a unit that barely moves must not be blown up).
 * Returns the rows' total weight. dense: room for D + 1. */
static double standardise_rows(const scene_features *sf, fit_space *sp, const float *film_f, const fit_row *rows, int n,
                               double *dense) {
    int D = sp->D, dv = sp->dv;
    double sw = 0;
    memset(sp->mu, 0, sizeof sp->mu); memset(sp->sd, 0, sizeof sp->sd);
    double sl = 0;   /* the level rows' weight: centred rows have no level */
    for (int r = 0; r < n; r++) {
        sw += rows[r].w;
        if (rows[r].centre >= 0) continue;
        raw_dense(sf, sp, film_f, &rows[r], dense);
        sl += rows[r].w;
        for (int p = 0; p < D; p++) sp->mu[p] += rows[r].w * dense[p];
    }
    for (int p = 0; p < D; p++) sp->mu[p] = sl > 0 ? sp->mu[p] / sl : 0;
    int any_level = sl > 0;
    if (!any_level) sl = sw;   /* only centred rows: their spread, around 0 */
    for (int r = 0; r < n; r++) {
        if (any_level && rows[r].centre >= 0) continue;
        raw_dense(sf, sp, film_f, &rows[r], dense);
        for (int p = 0; p < D; p++) { double d = dense[p] - sp->mu[p]; sp->sd[p] += rows[r].w * d * d; }
    }
    for (int p = 0; p < D; p++)
        sp->sd[p] = p < dv ? sqrt(sp->sd[p] / sl) + 1e-12 : p < dv + sp->hc ? 1.0 : (sqrt(sp->sd[p] / sl) + 1e-12) / sp->feat_scale;
    return sw;
}

/* sp->cm: each training film's mean raw dense features over its scenes
 * labelled for target t (the centred rows subtract it). */
static void film_centres(const sb_corpus *c, const scene_features *sf, fit_space *sp, const float *film_f, int t,
                         double *dense) {
    const int D = sp->D;
    memset(sp->cm, 0, sizeof(double) * (size_t)c->n * D);
    for (int i = 0; i < c->n; i++) {
        const sb_film *fm = &c->films[i];
        if (fm->val || !fm->label) continue;
        int nl = 0;
        double *m = sp->cm + (size_t)i * D;
        for (int s = 0; s < fm->ss->n_scenes; s++) {
            if (isnan(fm->label[2 * s + t])) continue;
            fit_row r = { fm->first + s, -1, 0, 0, -1 };
            raw_dense(sf, sp, film_f, &r, dense);
            for (int p = 0; p < D; p++) m[p] += dense[p];
            nl++;
        }
        if (nl) for (int p = 0; p < D; p++) m[p] /= nl;
    }
}

/* The pairwise (RankNet) part of the objective: every pair of a training
 * film's scenes labelled for t at least pair_gap apart, a above b, adds
 * wp · log(1 + exp(−k (x_a − x_b) · β)). */
typedef struct { double *X; int m, P; int *a, *b; int np; double wp, k; } pair_set;

static void pair_set_free(pair_set *ps) { free(ps->X); free(ps->a); free(ps->b); }

static int pair_set_build(const sb_corpus *c, const scene_features *sf, const fit_space *sp, const float *film_f,
                          const scene_fit_opts *o, int t, pair_set *ps) {
    memset(ps, 0, sizeof *ps);
    const int P = ps->P = sp->D + 1;
    int m = 0, np = 0;
    for (int i = 0; i < c->n; i++) {
        const sb_film *fm = &c->films[i];
        if (fm->val || !fm->label) continue;
        for (int a = 0; a < fm->ss->n_scenes; a++) {
            float la = fm->label[2 * a + t];
            if (isnan(la)) continue;
            m++;
            for (int b = 0; b < fm->ss->n_scenes; b++) {
                float lb = fm->label[2 * b + t];
                if (!isnan(lb) && la - lb >= o->pair_gap) np++;
            }
        }
    }
    ps->X = malloc(sizeof(double) * ((size_t)m * P + 1));
    ps->a = malloc(sizeof(int) * ((size_t)np + 1));
    ps->b = malloc(sizeof(int) * ((size_t)np + 1));
    int *row = malloc(sizeof(int) * (size_t)(c->n_scenes + 1));
    if (!ps->X || !ps->a || !ps->b || !row) { free(row); pair_set_free(ps); return -1; }
    m = 0;
    for (int i = 0; i < c->n; i++) {
        const sb_film *fm = &c->films[i];
        if (fm->val || !fm->label) continue;
        for (int s = 0; s < fm->ss->n_scenes; s++) {
            if (isnan(fm->label[2 * s + t])) continue;
            fit_row r = { fm->first + s, -1, 0, 0, -1 };
            row_features(c, sf, sp, film_f, &r, ps->X + (size_t)m * P, NULL, NULL, NULL);
            row[fm->first + s] = m++;
        }
        for (int a = 0; a < fm->ss->n_scenes; a++)
            for (int b = 0; b < fm->ss->n_scenes; b++) {
                float la = fm->label[2 * a + t], lb = fm->label[2 * b + t];
                if (isnan(la) || isnan(lb) || !(la - lb >= o->pair_gap)) continue;
                ps->a[ps->np] = row[fm->first + a];
                ps->b[ps->np++] = row[fm->first + b];
            }
    }
    free(row);
    ps->m = m;
    ps->k = o->pair_k;
    ps->wp = ps->np ? o->w_pair * m / ps->np : 0;
    return 0;
}

/* The objective β'Aβ − 2 q'β + the pairs' loss; with g and H, also its
 * gradient and Hessian (the pairs' part added to 2(Aβ − q) and 2A). */
static double pair_objective(const pair_set *ps, const double *A, const double *q, const double *beta,
                             double *g, double *H, double *d) {
    const int P = ps->P;
    double f = 0;
    for (int p = 0; p < P; p++) {
        double ab = 0;
        for (int r = 0; r < P; r++) ab += A[(size_t)p * P + r] * beta[r];
        f += beta[p] * ab - 2 * q[p] * beta[p];
        if (g) g[p] = 2 * (ab - q[p]);
    }
    if (H) for (size_t e = 0; e < (size_t)P * P; e++) H[e] = 2 * A[e];
    for (int j = 0; j < ps->np; j++) {
        const double *xa = ps->X + (size_t)ps->a[j] * P, *xb = ps->X + (size_t)ps->b[j] * P;
        double z = 0;
        for (int p = 0; p < P; p++) { d[p] = xa[p] - xb[p]; z += d[p] * beta[p]; }
        double mz = ps->k * z;
        f += ps->wp * (mz > 0 ? log1p(exp(-mz)) : -mz + log1p(exp(mz)));
        if (!g) continue;
        double sneg = 1.0 / (1.0 + exp(mz));      /* σ(−mz) */
        double gs = -ps->wp * ps->k * sneg, hs = ps->wp * ps->k * ps->k * sneg * (1 - sneg);
        for (int p = 0; p < P; p++) {
            if (d[p] == 0) continue;
            g[p] += gs * d[p];
            double *Hp = H + (size_t)p * P;
            for (int r = 0; r <= p; r++) Hp[r] += hs * d[p] * d[r];
        }
    }
    if (H)
        for (int p = 0; p < P; p++)
            for (int r = p + 1; r < P; r++) H[(size_t)p * P + r] = H[(size_t)r * P + p];
    return f;
}

/* Newton's method with step halving from beta (the ridge solution), on the
 * ridge rows' quadratic (A, q: the normal equations) plus the pairs. */
static int pair_refine(const pair_set *ps, const double *A, const double *q, double *beta) {
    const int P = ps->P;
    double *g = malloc(sizeof(double) * P), *H = malloc(sizeof(double) * (size_t)P * P);
    double *d = malloc(sizeof(double) * P), *nb = malloc(sizeof(double) * P);
    if (!g || !H || !d || !nb) { free(g); free(H); free(d); free(nb); return -1; }
    int rc = 0;
    for (int it = 0; it < 50; it++) {
        double f = pair_objective(ps, A, q, beta, g, H, d);
        if (la_cholesky_solve(H, g, P)) { rc = -1; break; }
        double step = 1, fn = f, moved = 0;
        for (int h = 0; h < 30; h++, step /= 2) {
            for (int p = 0; p < P; p++) nb[p] = beta[p] - step * g[p];
            fn = pair_objective(ps, A, q, nb, NULL, NULL, d);
            if (fn <= f) break;
        }
        if (fn > f) break;
        for (int p = 0; p < P; p++) { moved = fmax(moved, fabs(nb[p] - beta[p])); beta[p] = nb[p]; }
        if (moved < 1e-7 || f - fn < 1e-10 * fabs(f)) break;
    }
    free(g); free(H); free(d); free(nb);
    return rc;
}

/* Work buffers of the normal equations (scene_fit_run). */
typedef struct { double *A, *x, *dense, *vals, *film_acc; int *cols; } FitWork;

/* The weighted normal equations into W->A, W->x: lambda per row of weight
 * 1, the intercept (column D) barely penalised. */
static void normal_equations(const sb_corpus *c, const scene_features *sf, const fit_space *sp, const float *film_f,
                             const fit_row *rows, int n, double sw, double lambda, FitWork *W) {
    int D = sp->D, P = sp->P;
    memset(W->A, 0, sizeof(double) * (size_t)P * P);
    memset(W->x, 0, sizeof(double) * (size_t)P);
    double scale = (double)n / sw;
    for (int r = 0; r < n; r++) {
        int nnz = row_features(c, sf, sp, film_f, &rows[r], W->dense, W->cols, W->vals, W->film_acc);
        double w = rows[r].w * scale, y = rows[r].y;
        const double *dense = W->dense, *vals = W->vals;
        const int *cols = W->cols;
        for (int p = 0; p <= D; p++) {
            W->x[p] += w * dense[p] * y;
            for (int q = 0; q <= p; q++) W->A[(size_t)p * P + q] += w * dense[p] * dense[q];
        }
        for (int a = 0; a < nnz; a++) {
            W->x[cols[a]] += w * vals[a] * y;
            for (int p = 0; p <= D; p++) W->A[(size_t)cols[a] * P + p] += w * vals[a] * dense[p];
            for (int b = 0; b < nnz; b++)
                if (cols[b] <= cols[a]) W->A[(size_t)cols[a] * P + cols[b]] += w * vals[a] * vals[b];
        }
    }
    for (int p = 0; p < P; p++) {
        for (int q = p + 1; q < P; q++) W->A[(size_t)p * P + q] = W->A[(size_t)q * P + p];
        W->A[(size_t)p * P + p] += p == D ? 1e-6 : lambda;
    }
}

/* Fold the standardisation back into target t's fit: z = b + W · f +
 * U · song units + sum r[w] tf(w). 0, or -1 when out of memory. */
static int fold_back(scene_fit *out, int t, const double *x, const fit_space *sp, const scene_features *sf) {
    int D = sp->D, dv = sp->dv;
    out->b[t] = x[D];
    for (int p = 0; p < dv; p++) { out->W[t][p] = x[p] / sp->sd[p]; out->b[t] -= out->W[t][p] * sp->mu[p]; }
    for (int j = 0; j < sp->hc; j++) {
        out->U[t][j] = x[dv + j] / sp->sd[dv + j] * sp->song_scale;
        out->b[t] -= x[dv + j] / sp->sd[dv + j] * sp->mu[dv + j];
    }
    out->hc = sp->hc;
    out->ng = sp->ng;
    if (sp->ng) {
        const int g0 = dv + sp->hc;
        out->Gw[t] = malloc(sizeof(double) * (size_t)sp->ng);
        if (!out->Gw[t]) return -1;
        for (int j = 0; j < sp->ng; j++) {
            out->Gw[t][j] = x[g0 + j] / sp->sd[g0 + j];
            out->b[t] -= out->Gw[t][j] * sp->mu[g0 + j];
        }
    }
    if (sp->N) {
        out->r[t] = calloc((size_t)sf->V, sizeof(float));
        if (!out->r[t]) return -1;
        for (int k = 0; k < sp->N; k++) out->r[t][sp->word[k]] = (float)(x[D + 1 + k] * sp->tf_scale);
    }
    return 0;
}

/* Steps: the fit's space (features, song units, extra words), the films'
 * mean features, then per target: rows, standardising, the normal
 * equations, the solve, folding back. */
int scene_fit_run(const sb_corpus *c, const scene_features *sf, const scene_fit_opts *o, scene_fit *out,
                  char *err, size_t errlen) {
    const int dv = sf->dim;
    memset(out, 0, sizeof *out);
    if (o->word_feats > sf->ng) {
        snprintf(err, errlen, "scene fit: %d word features asked, %d built (scene_features_words)", o->word_feats, sf->ng);
        return -1;
    }
    fit_space sp;
    memset(&sp, 0, sizeof sp);
    sp.dv = dv;
    sp.hc = o->song_units > 0 ? sf->hc : 0;
    sp.ng = o->word_feats > 0 ? o->word_feats : 0;
    sp.song_scale = o->song_units;
    sp.feat_scale = o->feat_scale > 0 ? o->feat_scale : 1;
    const int DF = dv + sf->hc + sp.ng;
    const int D = sp.D = dv + sp.hc + sp.ng;
    if (D + 1 > 4096) { snprintf(err, errlen, "scene fit: too many features (%d)", D); return -1; }
    sp.tf_scale = TF_SCALE * o->extra_scale;
    if ((o->w_pair > 0 || o->w_within > 0) && o->extra_words > 0) {
        snprintf(err, errlen, "scene fit: the within-film rows and pairs take no extra words");
        return -1;
    }
    sp.col = malloc(sizeof(int) * (size_t)sf->V);
    sp.word = malloc(sizeof(int) * (size_t)(o->extra_words > 0 ? o->extra_words : 1));
    float *film_f = calloc((size_t)c->n * DF + 1, sizeof(float));
    sp.cm = calloc((size_t)c->n * D + 1, sizeof(double));
    if (!sp.col || !sp.word || !film_f || !sp.cm) {
        free(sp.col); free(sp.word); free(film_f); free(sp.cm);
        snprintf(err, errlen, "scene fit: out of memory");
        return -1;
    }
    for (int v = 0; v < sf->V; v++) sp.col[v] = -1;
    if (o->extra_words > 0) {
        sp.N = pick_words(sf, o->extra_words, sp.word);
        for (int k = 0; k < sp.N; k++) sp.col[sp.word[k]] = D + 1 + k;
    }
    sp.P = D + 1 + sp.N;
    film_means(c, sf, dv, sp.ng, DF, film_f);
    const int P = sp.P;
    FitWork W = { malloc(sizeof(double) * (size_t)P * P), malloc(sizeof(double) * (size_t)P),
                  malloc(sizeof(double) * (size_t)(DF + 1)), malloc(sizeof(double) * (size_t)(sp.N + 1)),
                  calloc((size_t)sp.N + 1, sizeof(double)), malloc(sizeof(int) * (size_t)(sp.N + 1)) };
    int rc = W.A && W.x && W.dense && W.vals && W.film_acc && W.cols ? 0 : -1;
    if (rc) snprintf(err, errlen, "scene fit: out of memory");
    for (int t = 0; t < 2 && rc == 0; t++) {
        fit_row *rows = NULL;
        int counts[4] = {0, 0, 0, 0};
        int n = collect_rows(c, o, t, &rows, counts);
        if (n < 10) { free(rows); snprintf(err, errlen, "scene fit: only %d rows", n < 0 ? 0 : n); rc = -1; break; }
        film_centres(c, sf, &sp, film_f, t, W.dense);
        double sw = standardise_rows(sf, &sp, film_f, rows, n, W.dense);
        normal_equations(c, sf, &sp, film_f, rows, n, sw, o->lambda, &W);
        double *A0 = NULL, *q0 = NULL;
        pair_set ps;
        memset(&ps, 0, sizeof ps);
        if (o->w_pair > 0) {
            A0 = malloc(sizeof(double) * (size_t)P * P);
            q0 = malloc(sizeof(double) * (size_t)P);
            if (!A0 || !q0 || pair_set_build(c, sf, &sp, film_f, o, t, &ps)) {
                free(A0); free(q0); free(rows); snprintf(err, errlen, "scene fit: out of memory"); rc = -1; break;
            }
            memcpy(A0, W.A, sizeof(double) * (size_t)P * P);
            memcpy(q0, W.x, sizeof(double) * (size_t)P);
        }
        int bad = la_cholesky_solve(W.A, W.x, P) || (A0 && pair_refine(&ps, A0, q0, W.x));
        free(A0); free(q0); pair_set_free(&ps);
        if (bad) { free(rows); snprintf(err, errlen, "scene fit: singular system"); rc = -1; break; }
        if (fold_back(out, t, W.x, &sp, sf)) { free(rows); snprintf(err, errlen, "scene fit: out of memory"); rc = -1; break; }
        for (int k = 0; k < 4; k++) out->rows[k] += counts[k];
        free(rows);
    }
    free(W.A); free(W.x); free(W.dense); free(W.vals); free(W.film_acc); free(W.cols);
    free(sp.col); free(sp.word); free(film_f); free(sp.cm);
    if (rc) scene_fit_free(out);
    return rc;
}

void scene_fit_predict(const scene_features *sf, const scene_fit *fit, float *pred) {
    for (int i = 0; i < sf->n; i++) {
        const float *f = sf->F + (size_t)i * sf->dim;
        for (int t = 0; t < 2; t++) {
            double z = fit->b[t];
            for (int p = 0; p < sf->dim; p++) z += fit->W[t][p] * f[p];
            if (fit->r[t])
                for (size_t b = sf->start[i]; b < sf->start[i + 1]; b++) z += fit->r[t][sf->bag_id[b]] * sf->bag_tf[b];
            for (int j = 0; j < fit->hc; j++) z += fit->U[t][j] * sf->Hs[(size_t)i * sf->hc + j];
            for (int j = 0; j < fit->ng && fit->Gw[t]; j++) z += fit->Gw[t][j] * sf->G[(size_t)i * sf->ng + j];
            pred[2 * (size_t)i + t] = (float)z;
        }
    }
}

int scene_fit_write(Model *m, const scene_features *sf, const scene_fit *fit, char *err, size_t errlen) {
    if (m->n_heads != 2 || m->n_layers != 3 || m->layers[0].spec.type != LAYER_TFIDF_WORDMEAN) {
        snprintf(err, errlen, "scene fit: expected the two-head network (script_head.h)");
        return -1;
    }
    const int K = m->layers[0].spec.size, V = sf->V, D = sf->dim, O = m->n_outputs;
    const int H1 = m->layers[1].spec.units, HC = H1 - 2 * O;
    float *tab = m->params + m->tensors[1].offset, *b1 = m->params + m->tensors[3].offset;
    float *W2 = m->params + m->tensors[4].offset;
    int idx[2] = { model_output_index(m, "valence"), model_output_index(m, "energy") };
    if (idx[0] < 0 || idx[1] < 0 || idx[0] >= K || idx[1] >= K || m->tensors[1].rows != V) {
        snprintf(err, errlen, "scene fit: the model's script head has no valence/energy columns");
        return -1;
    }
    for (int t = 0; t < 2; t++) {
        int k = idx[t];
        for (int v = 0; v < V; v++) {
            double z = 0;
            for (int p = 0; p < D; p++) z += fit->W[t][p] * sf->raw[(size_t)v * D + p];
            z *= sf->sif[v];
            for (int j = 0; j < fit->ng && fit->Gw[t]; j++) z += fit->Gw[t][j] * sf->phi[(size_t)v * sf->ng + j];
            tab[(size_t)v * K + k] = (float)(z + (fit->r[t] ? fit->r[t][v] : 0));
        }
        b1[HC + 2 * k] = (float)fit->b[t];
        b1[HC + 2 * k + 1] = (float)-fit->b[t];
        /* the song head's hidden units into the script output (0 when unused) */
        for (int j = 0; j < HC; j++) W2[(size_t)j * 2 * O + O + k] = j < fit->hc ? (float)fit->U[t][j] : 0.0f;
    }
    return model_prepare(m, err, errlen);
}
