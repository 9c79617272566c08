/* cmd_seqfit.c — `moodspace seqfit`: the measured experiment of a reader of
 * word order for scenes (seq_reader.h). Fits today's linear script head on
 * the dev films' training part exactly as `moodspace scenefit` does
 * (scene_head.h, its defaults), then trains a small convolutional reader over
 * the scenes' word vectors on the same training films' hand labels, and prints
 * the dev scene benchmark (scene_bench.h) on the validation films for
 *     the linear head alone,
 *     the reader (alone when it learnt the labels, the default, and blended
 *     with the linear head; or added to the linear head when it learnt its
 *     residual, --residual),
 * one line per epoch (validation films only) and final lines with every
 * split, read through the reader folded into an int8 word table as it would
 * ship (one int8 scale a word here; the shipped block has one a column,
 * model_reader.h); then its size and reading time. Nothing is written: the
 * experiment measures readers; `moodspace train` trains and ships one
 * (sr_train_attach); the figures are in README, "A reader of word order (shipped)".
 *
 *   moodspace seqfit --model weights/model.bin --wordvec build/wordvec.bin
 *                    --genres genres_dev.json --scene-labels labels/scenes.json
 *                    [--scripts DIR] [--filters F] [--width K] [--max-len T]
 *                    [--epochs N] [--batch FILMS] [--lr LR] [--decay WD]
 *                    [--dropout P] [--mse W] [--pair W] [--pair-scale S]
 *                    [--residual] [--oof FOLDS] [--seed S] [--eval-every N]
 *                    [--proj P] [--vocab N] [--table-input] [--table-out PATH] [--ensemble N]
 *                    [--w-place W] [--w-paren W] [--avg-from EPOCH]
 *                    [--label-films PCT]
 */
#include "scene_head.h"
#include "seq_reader.h"
#include "tool_opts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f) {
    fprintf(f, "usage: moodspace seqfit --model PATH --wordvec FILE --genres genres_dev.json\n"
               "                        --scene-labels labels/scenes.json [--scripts DIR]\n"
               "                        [--filters F] [--width K] [--max-len T] [--epochs N] [--batch FILMS]\n"
               "                        [--lr LR] [--decay WD] [--dropout P] [--mse W] [--pair W] [--pair-scale S]\n"
               "                        [--residual] [--oof FOLDS] [--seed S] [--eval-every N]\n"
               "                        [--proj P] [--vocab N] [--table-input] [--table-out PATH] [--ensemble N]\n"
               "                        [--w-place W] [--w-paren W] [--avg-from EPOCH] [--label-films PCT]\n"
               "Trains a small convolutional reader of word order (seq_reader.h) on the dev films'\n"
               "training part and prints the dev scene benchmark on the validation films, beside\n"
               "today's linear script head fitted on the same films. The reader learns the labels\n"
               "(defaults: the shippable form measured best, seq_reader.h); --residual: it learns\n"
               "the linear head's residual and is added to it.\n"
               "--oof K: the residual of training films is taken from K linear fits that each left\n"
               "their film out (the head's residual on films it has not seen).\n"
               "--proj P: a learnt projection of each word vector to P numbers first (what would ship,\n"
               "folded into a table of P numbers a word); --vocab N: read only the vocabulary's first\n"
               "N words (default 20000, 0: all); --table-input: read the model's own script-head word table instead of the\n"
               "word vectors (no new numbers per word to ship). --table-out PATH: write the folded\n"
               "int8 reader's bytes (to measure them; no format reads it). --ensemble N: N readers\n"
               "(seeds S, S+1, ...), their mean. The final lines read the int8-folded readers.\n"
               "--w-place W, --w-paren W: also the weak rows the linear head uses (festive/grieving\n"
               "headings, dropped parentheticals), this weight a row. --avg-from E: keep the mean of\n"
               "the weights at the end of epochs E..N (one net, one table).\n"
               "--label-films PCT: keep the hand labels of about PCT %% of the training films only (a\n"
               "hash of the film's name; the learning curve: films, not scenes); validation keeps all.\n");
}

/* The learning curve: drop the hand labels of the training films outside the
 * first pct % by a hash of their name (FNV-1a 32 with its own salt, so the
 * kept films are not tied to the validation rule). Returns the films kept. */
static int keep_label_films(sb_corpus *c, int pct) {
    int kept = 0;
    for (int i = 0; i < c->n; i++) {
        sb_film *f = &c->films[i];
        if (f->val || !f->label) continue;
        uint32_t h = 0x811c9dc5u;
        for (const unsigned char *p = (const unsigned char *)"curve:"; *p; p++) { h ^= *p; h *= 0x01000193u; }
        for (const unsigned char *p = (const unsigned char *)f->name; *p; p++) { h ^= *p; h *= 0x01000193u; }
        if ((int)(h % 100) < pct) { kept++; continue; }
        for (int s = 0; s < 2 * f->ss->n_scenes; s++) {
            if (!isnan(f->label[s]) && s % 2 == 0) c->n_labelled--;
            f->label[s] = NAN;
        }
    }
    return kept;
}

static void line(const char *what, const sb_result *r, int all) {
    printf("%-40s val pairs %.3f %.3f  places %.3f %.3f  auc %.3f %.3f", what, r->labelled[SB_VAL].acc[0],
           r->labelled[SB_VAL].acc[1], r->places[SB_VAL].acc[0], r->places[SB_VAL].acc[1], r->auc[SB_VAL][0], r->auc[SB_VAL][1]);
    if (all)
        printf(" | train pairs %.3f %.3f places %.3f %.3f auc %.3f %.3f", r->labelled[SB_TRAIN].acc[0],
               r->labelled[SB_TRAIN].acc[1], r->places[SB_TRAIN].acc[0], r->places[SB_TRAIN].acc[1], r->auc[SB_TRAIN][0],
               r->auc[SB_TRAIN][1]);
    printf("\n");
    fflush(stdout);
}

typedef struct {
    const sb_corpus *c;
    const sr_data *d;
    const float *lin;       /* [n][2] the linear head, z units */
    float *pred, *seq;      /* [n][2] work */
    const sr_opts *o;
    int eval_every;
    double t0;
} run_ctx;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The reader on the scenes of the validation films (val_only) or all films;
 * final score: lin + alpha · reader (alpha 0 = lin), or the reader alone. */
static int read_scenes(const run_ctx *x, const sr_net *net, int val_only) {
    sr_work w;
    if (sr_work_init(&w, net, x->d->max_len)) return -1;
    for (int i = 0; i < x->c->n; i++) {
        const sb_film *f = &x->c->films[i];
        for (int s = 0; s < f->ss->n_scenes; s++) {
            size_t at = (size_t)(f->first + s);
            if (val_only && !f->val) { x->seq[2 * at] = x->seq[2 * at + 1] = 0; continue; }
            sr_predict_scene(net, x->d, (int)at, &w, x->seq + 2 * at);
        }
    }
    sr_work_free(&w);
    return 0;
}

/* The linear head's scores of the training films, each read by a fit that did
 * not see its film (folds of the training films by corpus order): the residual
 * the reader learns is then the one it will meet on films the head never saw.
 * Validation films keep full (their rows are never trained on). 0 or -1. */
static int out_of_fold(sb_corpus *c, const scene_features *sf, const scene_fit_opts *so, int folds, const float *full,
                       float *oof, char *err, size_t errlen) {
    float *tmp = malloc(sizeof(float) * 2 * (size_t)c->n_scenes + 1);
    int *fold = malloc(sizeof(int) * (size_t)c->n + 1), rc = tmp && fold ? 0 : -1;
    if (rc) snprintf(err, errlen, "out of memory");
    memcpy(oof, full, sizeof(float) * 2 * (size_t)c->n_scenes);
    for (int i = 0, j = 0; fold && i < c->n; i++) fold[i] = c->films[i].val ? -1 : j++ % folds;
    for (int k = 0; k < folds && rc == 0; k++) {
        scene_fit fit;
        memset(&fit, 0, sizeof fit);
        for (int i = 0; i < c->n; i++) c->films[i].val = fold[i] != -1 && fold[i] != k ? 0 : 1;
        rc = scene_fit_run(c, sf, so, &fit, err, errlen);
        if (rc == 0) scene_fit_predict(sf, &fit, tmp);
        for (int i = 0; rc == 0 && i < c->n; i++)
            if (fold[i] == k)
                memcpy(oof + 2 * (size_t)c->films[i].first, tmp + 2 * (size_t)c->films[i].first,
                       sizeof(float) * 2 * (size_t)c->films[i].ss->n_scenes);
        scene_fit_free(&fit);
    }
    for (int i = 0; fold && i < c->n; i++) c->films[i].val = sb_film_is_val(c->films[i].name);
    free(tmp); free(fold);
    return rc;
}

/* --table-out: the folded reader as it would sit in a weights file, to measure
 * its bytes (gzip it): per word it reads, its P int8 numbers and a float32
 * scale; then the net's float32 parameters. Not a format anything reads. */
static void write_table(const char *path, const sr_data *d, const sr_data *fd, const sr_net *fnet) {
    FILE *f = fopen(path, "wb");
    if (!f) { fprintf(stderr, "moodspace seqfit: cannot write %s\n", path); return; }
    for (int v = 2; v < fd->V; v++) {
        int any = 0;
        for (int p = 0; p < d->dim && !any; p++) any = d->vec[(size_t)v * d->dim + p] != 0;
        if (!any) continue;
        const float *row = fd->vec + (size_t)v * fd->dim;
        float mx = 0;
        for (int p = 0; p < fd->dim; p++) mx = fmaxf(mx, fabsf(row[p]));
        float scale = mx > 0 ? mx / 127.0f : 1.0f;
        for (int p = 0; p < fd->dim; p++) fputc((signed char)lrintf(row[p] / scale) & 0xff, f);
        fwrite(&scale, sizeof scale, 1, f);
    }
    fwrite(fnet->p, sizeof(float), (size_t)fnet->n_params, f);
    fclose(f);
}

/* A full screenplay: the dev film with the most scenes, read by the folded
 * reader alone (tokenised ids already in d), one thread. */
static void largest_film_time(const run_ctx *x, const sr_data *fd, const sr_net *fnet) {
    const sb_film *big = NULL;
    for (int i = 0; i < x->c->n; i++)
        if (!big || x->c->films[i].ss->n_scenes > big->ss->n_scenes) big = &x->c->films[i];
    sr_work w;
    if (!big || sr_work_init(&w, fnet, fd->max_len)) return;
    size_t words = 0;
    double t = now();
    float out[2];
    for (int s = 0; s < big->ss->n_scenes; s++) {
        sr_predict_scene(fnet, fd, big->first + s, &w, out);
        words += fd->start[big->first + s + 1] - fd->start[big->first + s];
    }
    printf("a full screenplay: %s, %d scenes, %zu words read: %.1f ms for the folded reader (1 thread, native)\n", big->name,
           big->ss->n_scenes, words, (now() - t) * 1e3);
    sr_work_free(&w);
}

static void combine(const run_ctx *x, double alpha_lin, double alpha_seq) {
    for (size_t i = 0; i < 2 * (size_t)x->c->n_scenes; i++) x->pred[i] = (float)(alpha_lin * x->lin[i] + alpha_seq * x->seq[i]);
}

static void on_epoch(int epoch, double loss, const sr_net *net, void *ctx) {
    run_ctx *x = ctx;
    fprintf(stderr, "moodspace seqfit: epoch %d  train loss %.4f  %.0f s\n", epoch, loss, now() - x->t0);
    if (x->eval_every <= 0 || epoch % x->eval_every || read_scenes(x, net, 1)) return;
    char what[80];
    combine(x, x->o->residual ? 1 : 0, 1);
    sb_result r = sb_score(x->c, x->pred);
    snprintf(what, sizeof what, "epoch %d %s", epoch, x->o->residual ? "linear + reader" : "reader alone");
    line(what, &r, 0);
}

typedef struct {
    size_t bytes;    /* what the folded readers would add to the weights file */
    double read_s;   /* their reading time over every scene */
} reader_cost;

/* One reader folded as it would ship: its table's bytes, every scene read into x->seq, timed. */
static int read_folded(run_ctx *x, const sr_net *net, int first, const char *table_out, reader_cost *cost) {
    const sr_data *d = x->d;
    sr_data *fd = NULL;
    sr_net fnet;
    if (sr_fold(net, d, 1, &fd, &fnet)) return -1;
    for (int v = 2; v < fd->V; v++) {   /* each reader has a table of its own (its own projection) */
        int any = 0;
        for (int p = 0; p < d->dim && !any; p++) any = d->vec[(size_t)v * d->dim + p] != 0;   /* a word it reads */
        if (any) cost->bytes += (size_t)fd->dim + 4;   /* int8 row + its float scale */
    }
    if (first && table_out) write_table(table_out, d, fd, &fnet);
    cost->bytes += sizeof(float) * (size_t)fnet.n_params;
    x->d = fd;
    double t1 = now();
    int rc = read_scenes(x, &fnet, 0);
    cost->read_s += now() - t1;
    if (first && rc == 0) largest_film_time(x, fd, &fnet);
    x->d = d;
    sr_data_free(fd);
    sr_net_free(&fnet);
    return rc;
}

/* The ensemble's readers, each trained from its own seed and read folded; x->seq = their mean. */
static int train_readers(run_ctx *x, const float *base, int ensemble, int vocab_max, const char *table_out, reader_cost *cost) {
    const sr_opts *o = x->o;
    const sr_data *d = x->d;
    const sb_corpus *c = x->c;
    size_t n2 = 2 * (size_t)c->n_scenes;
    float *sum = calloc(n2 + 2, sizeof(float));
    char err[512];
    if (!sum) { fprintf(stderr, "moodspace seqfit: out of memory\n"); return -1; }
    for (int k = 0; k < ensemble; k++) {
        sr_opts ok = *o;
        ok.seed = o->seed + (uint64_t)k;
        sr_net net;
        memset(&net, 0, sizeof net);
        if (sr_net_init(&net, d->dim, o->proj, o->filters, o->width, ok.seed)) { fprintf(stderr, "moodspace seqfit: out of memory\n"); free(sum); return -1; }
        printf("reader %d of %d: %d words, projection %d, conv %d x %d relu, max+mean pool, dropout %.2f, dense 2 (%d parameters); %s; "
               "mse %g pair %g (scale %g) place %g paren %g; weights averaged from epoch %d (0: not averaged); adam lr %g decay %g, batch %d films, %d epochs, max %d words, seed %d\n",
               k + 1, ensemble, vocab_max > 0 ? vocab_max : d->V, o->proj, o->filters, o->width, o->dropout, net.n_params,
               o->residual ? "learns the linear head's residual" : "learns the labels", o->w_mse, o->w_pair, o->pair_scale, o->w_place, o->w_paren, o->avg_from, o->lr,
               o->weight_decay, o->batch, o->epochs, o->max_len, (int)ok.seed);
        int rc = sr_train(&net, d, c, base, &ok, on_epoch, x, err, sizeof err);
        if (rc) fprintf(stderr, "moodspace seqfit: %s\n", err);
        else if ((rc = read_folded(x, &net, k == 0, table_out, cost))) fprintf(stderr, "moodspace seqfit: out of memory\n");
        sr_net_free(&net);
        if (rc) { free(sum); return -1; }
        for (size_t i = 0; i < n2; i++) sum[i] += x->seq[i];
        if (ensemble > 1) {
            char what[80];
            combine(x, o->residual ? 1 : 0, 1);
            sb_result rk = sb_score(c, x->pred);
            snprintf(what, sizeof what, "reader %d alone, folded int8%s", k + 1, o->residual ? " (+ linear)" : "");
            line(what, &rk, 1);
        }
    }
    for (size_t i = 0; i < n2; i++) x->seq[i] = sum[i] / (float)ensemble;
    free(sum);
    return 0;
}

/* The final lines: the reader (or the readers' mean) alone and blended with the linear head. */
static void print_finals(run_ctx *x, int ensemble) {
    const sb_corpus *c = x->c;
    sb_result r;
    char what[120];
    if (x->o->residual) {
        static const double alphas[] = { 0.5, 1, 1.5 };
        for (size_t a = 0; a < sizeof alphas / sizeof *alphas; a++) {
            combine(x, 1, alphas[a]);
            r = sb_score(c, x->pred);
            snprintf(what, sizeof what, "final: linear + %.1f x reader%s", alphas[a], ensemble > 1 ? "s' mean" : "");
            line(what, &r, 1);
        }
        return;
    }
    static const double alphas[] = { 0.25, 0.5, 1 };
    combine(x, 0, 1);
    r = sb_score(c, x->pred);
    line(ensemble > 1 ? "final: readers' mean alone" : "final: reader alone", &r, 1);
    for (size_t a = 0; a < sizeof alphas / sizeof *alphas; a++) {
        combine(x, 1 - alphas[a] / 2, alphas[a]);
        r = sb_score(c, x->pred);
        snprintf(what, sizeof what, "final: %.3f x linear + %.2f x reader%s", 1 - alphas[a] / 2, alphas[a], ensemble > 1 ? "s' mean" : "");
        line(what, &r, 1);
    }
}

int cmd_seqfit(int argc, char **argv) {
    const char *model_path = NULL, *wordvec = NULL, *genres = NULL, *labels = NULL, *scripts = NULL, *table_out = NULL;
    sr_opts o = sr_default_opts();
    int residual = 0, eval_every = 1, seed = (int)o.seed, folds = 0, vocab_max = 20000, table_input = 0, ensemble = 1, label_pct = 100;
    const ToolOpt opts[] = {
        {"--model", OPT_STR, &model_path}, {"--wordvec", OPT_STR, &wordvec}, {"--genres", OPT_STR, &genres},
        {"--scene-labels", OPT_STR, &labels}, {"--scripts", OPT_STR, &scripts},
        {"--filters", OPT_INT, &o.filters}, {"--width", OPT_INT, &o.width}, {"--max-len", OPT_INT, &o.max_len},
        {"--epochs", OPT_INT, &o.epochs}, {"--batch", OPT_INT, &o.batch}, {"--lr", OPT_DOUBLE, &o.lr},
        {"--decay", OPT_DOUBLE, &o.weight_decay}, {"--dropout", OPT_DOUBLE, &o.dropout}, {"--mse", OPT_DOUBLE, &o.w_mse},
        {"--pair", OPT_DOUBLE, &o.w_pair}, {"--pair-scale", OPT_DOUBLE, &o.pair_scale},
        {"--residual", OPT_FLAG, &residual}, {"--seed", OPT_INT, &seed}, {"--eval-every", OPT_INT, &eval_every},
        {"--oof", OPT_INT, &folds}, {"--proj", OPT_INT, &o.proj}, {"--vocab", OPT_INT, &vocab_max},
        {"--table-input", OPT_FLAG, &table_input}, {"--table-out", OPT_STR, &table_out},
        {"--ensemble", OPT_INT, &ensemble}, {"--w-place", OPT_DOUBLE, &o.w_place}, {"--w-paren", OPT_DOUBLE, &o.w_paren},
        {"--avg-from", OPT_INT, &o.avg_from}, {"--label-films", OPT_INT, &label_pct},
        {NULL, 0, NULL}};
    int st = tool_parse("seqfit", argc, argv, opts, NULL, usage);
    if (st >= 0) return st;
    if (!model_path || !wordvec || !genres || !labels)
        return tool_usage_error("seqfit", "needs --model, --wordvec, --genres and --scene-labels (--help)");
    if (o.filters < 1 || o.filters > 512 || o.width < 1 || o.width > 16 || o.max_len < 1 || o.epochs < 0 || o.batch < 1 ||
        !(o.lr > 0) || !(o.dropout >= 0 && o.dropout < 1) || !(o.w_mse >= 0) || !(o.w_pair >= 0) || !(o.w_place >= 0) || !(o.w_paren >= 0) || o.w_mse + o.w_pair <= 0 || ensemble < 1 || ensemble > 16 ||
        o.proj < 0 || o.proj > 512 || vocab_max < 0 || folds < 0 || folds == 1 || folds > 20 || o.avg_from < 0 || label_pct < 0 || label_pct > 100)
        return tool_usage_error("seqfit", "--filters 1..512, --width 1..16, --max-len >= 1, --batch >= 1, --lr > 0, --dropout in [0, 1), --mse/--pair >= 0 and not both 0, --ensemble 1..16, --proj 0..512, --vocab >= 0, --oof 0 or 2..20, --avg-from >= 0");
    o.residual = residual;
    o.seed = (uint64_t)seed;
    char err[512];
    double t0 = now();
    scene_fit_opts so = scene_fit_default_opts();
    Model *m = model_load_file(model_path, err, sizeof err);
    WordVec *wv = m ? wordvec_load(wordvec, err, sizeof err) : NULL;
    /* the linear head it is compared with is the shipped one, word features included */
    scene_inputs in;
    memset(&in, 0, sizeof in);
    if (wv) scene_inputs_load(&in, m, wv, genres, labels, scripts, so.sif_a, so.word_feats, err, sizeof err);
    sb_labels *l = in.l;
    sb_corpus *c = in.c;
    scene_features *sf = in.sf;
    sr_data *d = sf ? sr_data_build(c, m, table_input ? NULL : wv, o.max_len, vocab_max, err, sizeof err) : NULL;
    size_t n2 = c ? 2 * (size_t)c->n_scenes + 2 : 2;
    float *oof = NULL, *lin = malloc(sizeof(float) * n2), *pred = malloc(sizeof(float) * n2), *seq = calloc(n2, sizeof(float));
    scene_fit fit;
    memset(&fit, 0, sizeof fit);
    int status = 1;
    if (!d || !lin || !pred || !seq) { fprintf(stderr, "moodspace seqfit: %s\n", d ? "out of memory" : err); goto done; }
    sb_attach_labels(c, l);
    if (label_pct < 100)
        fprintf(stderr, "moodspace seqfit: --label-films %d: hand labels kept on %d training films\n", label_pct, keep_label_films(c, label_pct));
    size_t tokens = d->start[d->n];
    fprintf(stderr, "moodspace seqfit: %d dev films, %d scenes (%.1f words read per scene), %d labels matched (%d not), %.0f s\n",
            c->n, c->n_scenes, (double)tokens / (c->n_scenes ? c->n_scenes : 1), c->n_labelled, c->n_unmatched, now() - t0);
    if (scene_fit_run(c, sf, &so, &fit, err, sizeof err)) { fprintf(stderr, "moodspace seqfit: %s\n", err); goto done; }
    scene_fit_predict(sf, &fit, lin);
    sb_result r0 = sb_score(c, lin);
    line("linear script head (scenefit defaults)", &r0, 1);
    float *base = lin;
    if (folds >= 2) {
        base = oof = malloc(sizeof(float) * n2);
        if (!oof || out_of_fold(c, sf, &so, folds, lin, oof, err, sizeof err)) { fprintf(stderr, "moodspace seqfit: %s\n", oof ? err : "out of memory"); goto done; }
        sb_result ro = sb_score(c, oof);
        line("linear head, out of fold on training", &ro, 1);
    }
    run_ctx x = { c, d, lin, pred, seq, &o, eval_every, t0 };
    reader_cost cost = { 0, 0 };
    if (train_readers(&x, base, ensemble, vocab_max, table_out, &cost)) goto done;
    print_finals(&x, ensemble);
    printf("(final lines: the readers folded into an int8 table of %d numbers a word, as they would ship)\n", o.proj ? o.proj : d->dim);
    printf("shipped size: about %zu bytes (int8 rows + a float32 scale for each word read, float32 nets); "
           "reading: %.3f ms per scene for the %d reader(s), 1 thread (%d scenes); whole run %.0f s\n",
           cost.bytes, cost.read_s / (c->n_scenes ? c->n_scenes : 1) * 1e3, ensemble, c->n_scenes, now() - t0);
    status = 0;
done:
    scene_fit_free(&fit);
    free(lin); free(oof); free(pred); free(seq);
    sr_data_free(d); scene_inputs_free(&in); wordvec_free(wv); model_free(m);
    return status;
}
