/* scene_bench.c — the dev scene benchmark (see scene_bench.h). */
#include "scene_bench.h"

#include "baselines.h"
#include "scene_cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *const sb_split_names[SB_NSPLITS] = { "train", "validation", "all" };

int sb_film_is_val(const char *film) {
    uint32_t h = 0x811c9dc5u;
    for (const unsigned char *p = (const unsigned char *)film; *p; p++) { h ^= *p; h *= 0x01000193u; }
    return h % 5 == 0;
}

/* ---- words of a heading or a parenthetical ------------------------------------------ */

static int in_list(const char *w, const char *const *list) {
    for (int i = 0; list[i]; i++) if (!strcmp(w, list[i])) return 1;
    return 0;
}

/* Calls fn on each lower-cased ASCII word of s[0..n) (letters only). */
static void each_word(const char *s, size_t n, void (*fn)(const char *w, void *ctx), void *ctx) {
    char w[32];
    size_t k = 0;
    for (size_t i = 0; i <= n; i++) {
        int c = i < n ? (unsigned char)s[i] : 0;
        if (isalpha(c) && c < 128) { if (k < sizeof w - 1) w[k++] = (char)tolower(c); continue; }
        if (k) { w[k] = 0; fn(w, ctx); k = 0; }
    }
}

static const char *const festive_words[] = { "party", "wedding", "nightclub", "disco", "concert", "carnival",
    "ballroom", "prom", "circus", "fairground", "festival", NULL };
static const char *const grieving_words[] = { "funeral", "cemetery", "graveyard", "graveside", "morgue", "crypt",
    "mausoleum", "mortuary", "burial", NULL };

static void place_word(const char *w, void *ctx) {
    int *kind = ctx;
    if (in_list(w, festive_words)) kind[0] = 1;
    if (in_list(w, grieving_words)) kind[1] = 1;
}

int sb_place_kind(const char *heading) {
    int kind[2] = {0, 0};
    each_word(heading, strlen(heading), place_word, kind);
    return kind[0] == kind[1] ? 0 : kind[0] ? 1 : -1;
}

/* Cues in parentheticals, by what they say of the scene. */
static const char *const paren_dark[] = { "crying", "cries", "sobbing", "sobs", "weeping", "weeps", "tearful",
    "tears", "grieving", "devastated", "horrified", "terrified", "anguished", NULL };
static const char *const paren_bright[] = { "laughing", "laughs", "giggling", "giggles", "chuckling", "chuckles",
    "smiling", "smiles", "grinning", "grins", "happily", "delighted", "beaming", "amused", NULL };
static const char *const paren_loud[] = { "screaming", "screams", "shouting", "shouts", "yelling", "yells",
    "shrieking", "shrieks", "panicked", "frantic", "frantically", "bellowing", "roaring", NULL };
static const char *const paren_quiet[] = { "whispering", "whispers", "whispered", "softly", "quietly", "gently",
    "murmuring", "murmurs", "sleepily", "calmly", "hushed", NULL };

static void paren_word(const char *w, void *ctx) {
    int *h = ctx;   /* dark, bright, loud, quiet */
    h[0] += in_list(w, paren_dark);
    h[1] += in_list(w, paren_bright);
    h[2] += in_list(w, paren_loud);
    h[3] += in_list(w, paren_quiet);
}

int sb_paren_hints(const char *text, size_t len, int first, int last, int hint[2]) {
    int h[4] = {0, 0, 0, 0};
    int line = 1;
    size_t i = 0;
    while (i < len && line < first) { if (text[i++] == '\n') line++; }
    while (i < len && line <= last) {
        size_t e = i;
        while (e < len && text[e] != '\n') e++;
        size_t a = i, b = e;
        while (a < b && isspace((unsigned char)text[a])) a++;
        while (b > a && isspace((unsigned char)text[b - 1])) b--;
        /* a parenthetical line: "(crying)", or its first / last line */
        if (b > a && (text[a] == '(' || text[b - 1] == ')') && b - a < 80) {
            const char *open = memchr(text + a, '(', b - a);
            if (open) each_word(open, (size_t)(text + b - open), paren_word, h);
        }
        i = e + 1;
        line++;
    }
    hint[SB_VALENCE] = h[1] - h[0];
    hint[SB_ENERGY] = h[2] - h[3];
    return h[0] + h[1] + h[2] + h[3];
}

/* ---- labels -------------------------------------------------------------------------- */

void sb_labels_free(sb_labels *l) {
    if (!l) return;
    for (int i = 0; i < l->n; i++) { free(l->items[i].film); free(l->items[i].heading); }
    free(l->items);
    free(l);
}

/* The mean of a number or an array of numbers in 1..9; NAN when malformed. */
static float label_mean(const cJSON *v, int *n) {
    *n = 0;
    if (cJSON_IsNumber(v)) { *n = 1; return v->valuedouble >= 1 && v->valuedouble <= 9 ? (float)v->valuedouble : NAN; }
    if (!cJSON_IsArray(v)) return NAN;
    double s = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, v) {
        if (!cJSON_IsNumber(x) || x->valuedouble < 1 || x->valuedouble > 9) return NAN;
        s += x->valuedouble; (*n)++;
    }
    return *n ? (float)(s / *n) : NAN;
}

sb_labels *sb_labels_load(const char *path, char *err, size_t errlen) {
    size_t len = 0;
    char *text = scene_cli_read(path, &len);
    if (!text) { snprintf(err, errlen, "%s: cannot read the scene labels", path); return NULL; }
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    const cJSON *scenes = root ? cJSON_GetObjectItemCaseSensitive(root, "scenes") : NULL;
    if (!cJSON_IsArray(scenes)) {
        snprintf(err, errlen, "%s: expected {\"scenes\": [{\"film\", \"index\", \"heading\", \"valence\", \"energy\"}, ...]}", path);
        cJSON_Delete(root);
        return NULL;
    }
    sb_labels *l = calloc(1, sizeof *l);
    int n = cJSON_GetArraySize(scenes);
    if (l) l->items = calloc((size_t)(n ? n : 1), sizeof *l->items);
    if (!l || !l->items) { free(l); cJSON_Delete(root); snprintf(err, errlen, "out of memory"); return NULL; }
    const cJSON *s;
    int k = 0;
    cJSON_ArrayForEach(s, scenes) {
        k++;
        const cJSON *film = cJSON_GetObjectItemCaseSensitive(s, "film");
        const cJSON *index = cJSON_GetObjectItemCaseSensitive(s, "index");
        const cJSON *heading = cJSON_GetObjectItemCaseSensitive(s, "heading");
        int nv = 0, ne = 0;
        float v = label_mean(cJSON_GetObjectItemCaseSensitive(s, "valence"), &nv);
        float e = label_mean(cJSON_GetObjectItemCaseSensitive(s, "energy"), &ne);
        if (!cJSON_IsString(film) || !cJSON_IsNumber(index) || index->valuedouble < 0 || isnan(v) || isnan(e) ||
            nv != ne) {
            snprintf(err, errlen, "%s: scene %d: needs \"film\", \"index\" >= 0 and \"valence\"/\"energy\" in 1..9", path, k);
            sb_labels_free(l); cJSON_Delete(root);
            return NULL;
        }
        sb_label *x = &l->items[l->n++];
        x->film = strdup(film->valuestring);
        x->heading = strdup(cJSON_IsString(heading) ? heading->valuestring : "");
        x->index = (int)index->valuedouble;
        x->y[SB_VALENCE] = v; x->y[SB_ENERGY] = e;
        x->n_labellers = nv;
    }
    cJSON_Delete(root);
    return l;
}

/* ---- the corpus of dev films --------------------------------------------------------- */

void sb_corpus_free(sb_corpus *c) {
    if (!c) return;
    for (int i = 0; i < c->n; i++) {
        free(c->films[i].name);
        scene_free(c->films[i].ss);
        free(c->films[i].label);
        free(c->films[i].hint);
    }
    free(c->films);
    free(c);
}

/* Each scene's parenthetical cues, in one pass over the file's lines. */
static signed char *film_hints(const ScriptScenes *ss, const char *t, size_t len) {
    signed char *hint = calloc(2 * (size_t)ss->n_scenes + 1, 1);
    if (!hint) return NULL;
    size_t i = 0;
    int line = 1;
    for (int s = 0; s < ss->n_scenes; s++) {
        const Scene *sc = &ss->scenes[s];
        if (sc->start_line < line) { i = 0; line = 1; }   /* out of order: start again */
        while (i < len && line < sc->start_line) { if (t[i++] == '\n') line++; }
        int h[2];
        if (sb_paren_hints(t + i, len - i, 1, sc->end_line - line + 1, h)) {
            hint[2 * s] = (signed char)(h[0] > 0 ? 1 : h[0] < 0 ? -1 : 0);
            hint[2 * s + 1] = (signed char)(h[1] > 0 ? 1 : h[1] < 0 ? -1 : 0);
        }
    }
    return hint;
}

typedef struct {
    const ev_genres *g;
    const char *dir;
    sb_film *out;      /* [g->n], ss NULL when missing */
    pthread_mutex_t mu;
    int next;
} load_job;

static void *load_worker(void *arg) {
    load_job *J = arg;
    for (;;) {
        pthread_mutex_lock(&J->mu);
        int i = J->next++;
        pthread_mutex_unlock(&J->mu);
        if (i >= J->g->n) break;
        const ev_film_label *l = &J->g->films[i];
        size_t plen = strlen(J->dir) + strlen(l->name) + 8;
        char *path = malloc(plen);
        if (!path) continue;
        snprintf(path, plen, "%s/%s.txt", J->dir, l->name);
        if (access(path, R_OK) == 0) {
            size_t len = 0;
            char *text = scene_cli_read(path, &len);
            SceneOpts so = scene_default_opts();
            ScriptScenes *ss = text ? scene_cli_parse_text("moodspace eval", path, text, len, &so) : NULL;
            /* the parentheticals are read now: the text itself is not kept */
            if (ss && ss->n_scenes > 0) { J->out[i].ss = ss; J->out[i].hint = film_hints(ss, text, len); }
            else scene_free(ss);
            free(text);
        }
        free(path);
    }
    return NULL;
}

sb_corpus *sb_corpus_load(const ev_genres *g, const char *scripts_dir, int threads, char *err, size_t errlen) {
    if (threads < 1) threads = 1;
    if (threads > 8) threads = 8;
    load_job J = { g, scripts_dir, calloc((size_t)g->n + 1, sizeof(sb_film)), PTHREAD_MUTEX_INITIALIZER, 0 };
    sb_corpus *c = calloc(1, sizeof *c);
    if (!J.out || !c) { free(J.out); free(c); snprintf(err, errlen, "out of memory"); return NULL; }
    pthread_t th[8];
    int started[8] = {0};
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&th[t], NULL, load_worker, &J) == 0;
    load_worker(&J);
    for (int t = 1; t < threads; t++) if (started[t]) pthread_join(th[t], NULL);
    c->films = J.out;
    for (int i = 0; i < g->n; i++) {
        if (!J.out[i].ss) continue;
        sb_film f = J.out[i];
        f.name = strdup(g->films[i].name);
        f.val = sb_film_is_val(f.name);
        for (int t = 0; t < EV_FILM_NTESTS; t++)
            f.group[t] = ev_film_group(t, (const char *const *)g->films[i].genres, g->films[i].n_genres);
        f.first = c->n_scenes;
        f.label = malloc(sizeof(float) * 2 * (size_t)f.ss->n_scenes);
        for (int s = 0; f.label && s < 2 * f.ss->n_scenes; s++) f.label[s] = NAN;
        c->n_scenes += f.ss->n_scenes;
        c->films[c->n++] = f;
    }
    if (c->n == 0) { sb_corpus_free(c); snprintf(err, errlen, "%s: none of the %d dev films has a readable script", scripts_dir, g->n); return NULL; }
    return c;
}

void sb_attach_labels(sb_corpus *c, const sb_labels *l) {
    c->n_labelled = c->n_unmatched = 0;
    for (int i = 0; i < l->n; i++) {
        const sb_label *x = &l->items[i];
        sb_film *f = NULL;
        for (int j = 0; j < c->n && !f; j++) if (!strcmp(c->films[j].name, x->film)) f = &c->films[j];
        if (!f || !f->label || x->index >= f->ss->n_scenes || strcmp(f->ss->scenes[x->index].heading, x->heading)) {
            c->n_unmatched++;
            continue;
        }
        f->label[2 * x->index + SB_VALENCE] = x->y[SB_VALENCE];
        f->label[2 * x->index + SB_ENERGY] = x->y[SB_ENERGY];
        c->n_labelled++;
    }
}

float *sb_predict_model(const sb_corpus *c, const Model *m) {
    int iv = model_output_index(m, "valence"), ie = model_output_index(m, "energy"), O = m->n_outputs;
    float *pred = malloc(sizeof(float) * 2 * (size_t)(c->n_scenes ? c->n_scenes : 1));
    if (iv < 0 || ie < 0 || !pred) { free(pred); return NULL; }
    for (int i = 0; i < c->n; i++) {
        const ScriptScenes *ss = c->films[i].ss;
        const char **texts = malloc(sizeof *texts * (size_t)ss->n_scenes);
        float *out = malloc(sizeof(float) * (size_t)O * ss->n_scenes);
        int rc = texts && out ? 0 : -1;
        for (int s = 0; rc == 0 && s < ss->n_scenes; s++) texts[s] = ss->scenes[s].text;
        if (rc == 0) rc = model_predict_texts_domain(m, MODEL_SCRIPT, texts, NULL, ss->n_scenes, out);
        for (int s = 0; rc == 0 && s < ss->n_scenes; s++) {
            pred[2 * (size_t)(c->films[i].first + s) + SB_VALENCE] = out[(size_t)s * O + iv];
            pred[2 * (size_t)(c->films[i].first + s) + SB_ENERGY] = out[(size_t)s * O + ie];
        }
        free(texts); free(out);
        if (rc) { free(pred); return NULL; }
    }
    return pred;
}

/* ---- measures ------------------------------------------------------------------------ */

static void add_pair(sb_pairs *p, int t, double hi, double lo) {
    p->acc[t] += hi > lo ? 1.0 : hi < lo ? 0.0 : 0.5;
    p->pairs[t]++;
}

sb_result sb_score(const sb_corpus *c, const float *pred) {
    sb_result r;
    memset(&r, 0, sizeof r);
    double *pos[SB_NSPLITS][2], *neg[SB_NSPLITS][2];
    for (int s = 0; s < SB_NSPLITS; s++)
        for (int t = 0; t < 2; t++) {
            pos[s][t] = malloc(sizeof(double) * (size_t)(c->n + 1));
            neg[s][t] = malloc(sizeof(double) * (size_t)(c->n + 1));
        }
    for (int i = 0; i < c->n; i++) {
        const sb_film *f = &c->films[i];
        const ScriptScenes *ss = f->ss;
        const float *p = pred + 2 * (size_t)f->first;
        int splits[2] = { f->val ? SB_VAL : SB_TRAIN, SB_ALL };
        for (int a = 0; a < ss->n_scenes; a++)
            for (int b = 0; b < ss->n_scenes; b++) {
                if (a == b) continue;
                for (int t = 0; t < 2 && f->label; t++) {
                    float la = f->label[2 * a + t], lb = f->label[2 * b + t];
                    if (isnan(la) || isnan(lb) || !(la - lb >= SB_MIN_GAP)) continue;
                    for (int k = 0; k < 2; k++) add_pair(&r.labelled[splits[k]], t, p[2 * a + t], p[2 * b + t]);
                }
                const Scene *sa = &ss->scenes[a], *sb = &ss->scenes[b];
                if (sa->words < SB_PLACE_MIN_WORDS || sb->words < SB_PLACE_MIN_WORDS) continue;
                if (sb_place_kind(sa->heading) != 1 || sb_place_kind(sb->heading) != -1) continue;
                for (int t = 0; t < 2; t++)
                    for (int k = 0; k < 2; k++) add_pair(&r.places[splits[k]], t, p[2 * a + t], p[2 * b + t]);
            }
        /* the film's overall mood: word-weighted mean, as the arc's overall */
        double m[2] = {0, 0}, w = 0;
        for (int s = 0; s < ss->n_scenes; s++) {
            double ws = ss->scenes[s].words;
            w += ws;
            for (int t = 0; t < 2; t++) m[t] += ws * p[2 * s + t];
        }
        for (int t = 0; t < 2; t++) {
            if (w <= 0 || f->group[t] == 0) continue;
            for (int k = 0; k < 2; k++) {
                int sp = splits[k];
                int *n = &r.auc_n[sp][t][f->group[t] > 0 ? 0 : 1];
                (f->group[t] > 0 ? pos : neg)[sp][t][(*n)++] = m[t] / w;
            }
        }
    }
    for (int s = 0; s < SB_NSPLITS; s++)
        for (int t = 0; t < 2; t++) {
            if (r.labelled[s].pairs[t]) r.labelled[s].acc[t] /= r.labelled[s].pairs[t];
            else r.labelled[s].acc[t] = NAN;
            if (r.places[s].pairs[t]) r.places[s].acc[t] /= r.places[s].pairs[t];
            else r.places[s].acc[t] = NAN;
            r.auc[s][t] = ev_auc(pos[s][t], r.auc_n[s][t][0], neg[s][t], r.auc_n[s][t][1]);
            free(pos[s][t]); free(neg[s][t]);
        }
    return r;
}

/* ---- output -------------------------------------------------------------------------- */

static void cell(FILE *out, double v) {
    if (isnan(v)) fprintf(out, " — |");
    else fprintf(out, " %.3f |", v);
}

float *sb_predict_lexicon(const sb_corpus *c, const char *lexicon_path, char *err, size_t errlen) {
    bl_lexicon *lx = bl_lexicon_load(lexicon_path, err, errlen);
    float *pred = lx ? malloc(sizeof(float) * 2 * (size_t)(c->n_scenes ? c->n_scenes : 1)) : NULL;
    if (lx && !pred) snprintf(err, errlen, "out of memory");
    for (int i = 0; pred && i < c->n; i++)
        for (int s = 0; s < c->films[i].ss->n_scenes; s++) {
            const char *t = c->films[i].ss->scenes[s].text;
            double sum[3] = {0, 0, 0};
            long words = 0, known = bl_lexicon_accumulate(lx, t, strlen(t), sum, &words);
            float *p = pred + 2 * (size_t)(c->films[i].first + s);
            p[SB_VALENCE] = known ? (float)(sum[0] / known) : 0.5f;
            p[SB_ENERGY] = known ? (float)(sum[1] / known) : 0.5f;
        }
    bl_lexicon_free(lx);
    return pred;
}

static void print_header(FILE *out) {
    fprintf(out, "| scored by | labelled pairs: valence | energy | places: valence | energy | genre AUC: valence | energy |\n");
    fprintf(out, "|---|---:|---:|---:|---:|---:|---:|\n");
}

static void print_row(FILE *out, const char *name, const sb_result *r, int split) {
    fprintf(out, "| %s |", name);
    for (int t = 0; t < 2; t++) cell(out, r->labelled[split].acc[t]);
    for (int t = 0; t < 2; t++) cell(out, r->places[split].acc[t]);
    for (int t = 0; t < 2; t++) cell(out, r->auc[split][t]);
    fprintf(out, "\n");
}

void sb_print_markdown(FILE *out, const sb_corpus *c, const char *const *names, const sb_result *res, int n,
                       const char *command) {
    static const int order[3] = { SB_VAL, SB_TRAIN, SB_ALL };
    for (int k = 0; k < 3 && n > 0; k++) {
        int sp = order[k], nf = 0;
        for (int i = 0; i < c->n; i++) nf += sp == SB_ALL || c->films[i].val == (sp == SB_VAL);
        const sb_result *r0 = &res[0];
        fprintf(out, "\n**%s dev films** (%d films; labelled pairs: %d valence, %d energy; places: %d pairs; genre AUC: %d > %d films valence, %d > %d energy)\n\n",
                sp == SB_VAL ? "Validation" : sp == SB_TRAIN ? "Training" : "All", nf,
                r0->labelled[sp].pairs[0], r0->labelled[sp].pairs[1], r0->places[sp].pairs[0],
                r0->auc_n[sp][0][0], r0->auc_n[sp][0][1], r0->auc_n[sp][1][0], r0->auc_n[sp][1][1]);
        print_header(out);
        for (int i = 0; i < n; i++) print_row(out, names[i], &res[i], sp);
    }
    fprintf(out, "\n- %d hand-labelled scenes of %d dev films matched the parse (labels/scenes.json, labels/GUIDELINE.md).\n", c->n_labelled, c->n);
    fprintf(out, "- Labelled pairs: within each film, every pair of hand-labelled scenes whose labels differ by at least %.0f points on the 1–9 scale; the share the model orders the same way (ties half).\n", SB_MIN_GAP);
    fprintf(out, "- Places: within each film, every pair of a festive scene (party, wedding, nightclub, disco, concert, carnival, ballroom, prom, circus, fairground, festival in the heading) and a grieving one (funeral, cemetery, graveyard, graveside, morgue, crypt, mausoleum, mortuary, burial), bodies of at least %d words, read without the heading: the share where the festive one is brighter (valence) and more energetic (energy).\n", SB_PLACE_MIN_WORDS);
    fprintf(out, "- Genre AUC: Comedy > Horror/Thriller for valence, Action > Drama for energy (eval.h), on the films' word-weighted mean scene prediction.\n");
    fprintf(out, "- Validation: the dev films whose name hashes to the validation fifth (labels/split.mjs); the script head is fitted on the training films' rows only, so the training tables flatter it. The other films (the held-back genre half) are never read for labels or tuning.\n");
    if (command) fprintf(out, "- Reproduce: `%s`\n", command);
}

static double round4(double v) { return round(v * 1e4) / 1e4; }

cJSON *sb_result_json(const sb_result *r) {
    cJSON *o = cJSON_CreateObject();
    static const char *const names[2] = { "valence", "energy" };
    for (int s = 0; s < SB_NSPLITS; s++) {
        cJSON *x = cJSON_AddObjectToObject(o, sb_split_names[s]);
        for (int t = 0; t < 2; t++) {
            char key[48];
            snprintf(key, sizeof key, "labelled_%s", names[t]);
            if (isnan(r->labelled[s].acc[t])) cJSON_AddNullToObject(x, key); else cJSON_AddNumberToObject(x, key, round4(r->labelled[s].acc[t]));
            snprintf(key, sizeof key, "labelled_%s_pairs", names[t]);
            cJSON_AddNumberToObject(x, key, r->labelled[s].pairs[t]);
            snprintf(key, sizeof key, "places_%s", names[t]);
            if (isnan(r->places[s].acc[t])) cJSON_AddNullToObject(x, key); else cJSON_AddNumberToObject(x, key, round4(r->places[s].acc[t]));
            snprintf(key, sizeof key, "places_%s_pairs", names[t]);
            cJSON_AddNumberToObject(x, key, r->places[s].pairs[t]);
            snprintf(key, sizeof key, "genre_auc_%s", names[t]);
            if (isnan(r->auc[s][t])) cJSON_AddNullToObject(x, key); else cJSON_AddNumberToObject(x, key, round4(r->auc[s][t]));
        }
    }
    return o;
}
