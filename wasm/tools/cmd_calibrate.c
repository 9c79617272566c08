/* cmd_calibrate.c — `moodspace calibrate`: store the calibration tables
 * (calib.h) in a weights file's meta, without touching its weights.
 *
 *   moodspace calibrate --csv ../shared/data/songs.csv [--catalog weights/catalog.json]
 *                       [--model weights/model.bin] [--out FILE (default: the model)]
 *
 * --csv      songs: the model's predictions on its TRAINING split of the CSV
 *            (dataset.h's fixed split) become meta.calibration.songs
 * --catalog  scenes and segments: the catalog's tables (computed by
 *            `moodspace catalog` from its films' per-scene predictions) are
 *            copied to meta.calibration.scenes and .segments, so the page and a pasted script have
 *            them without the catalog; refused when the catalog was built with
 *            another network (weights hash, weights_file.h)
 * A domain not given keeps what the meta had. The weights bytes are checked
 * to be unchanged and the result to load before the file is replaced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "cJSON.h"
#include "dataset.h"
#include "model.h"
#include "scene_cli.h"
#include "soundtrack.h"
#include "tool_opts.h"
#include "weights_file.h"

#define CHUNK 256

static int song_domain(const Model *m, const char *csv, CalibDomain *d) {
    char err[300];
    ds_dataset *ds = ds_load(csv, err, sizeof err);
    if (!ds) { fprintf(stderr, "moodspace calibrate: %s\n", err); return -1; }
    int *idx = NULL;
    int n = ds_split_indices(ds, DS_TRAIN, &idx);
    int O = m->n_outputs, rc = -1;
    float *pred = n > 0 ? malloc((size_t)n * O * sizeof *pred) : NULL;
    int *ones = n > 0 ? malloc((size_t)n * sizeof *ones) : NULL;
    const char *texts[CHUNK];
    if (n <= 0 || !pred || !ones) { fprintf(stderr, "moodspace calibrate: no training songs in %s\n", csv); goto done; }
    for (int a = 0; a < n; a += CHUNK) {
        int k = n - a < CHUNK ? n - a : CHUNK;
        for (int i = 0; i < k; i++) texts[i] = ds->songs[idx[a + i]].lyrics;
        if (model_predict_texts(m, texts, NULL, k, pred + (size_t)a * O)) { fprintf(stderr, "moodspace calibrate: prediction failed\n"); goto done; }
    }
    for (int i = 0; i < n; i++) ones[i] = 1;
    int lv[] = {1};
    if (calib_build(d, O, (const char *const *)m->output_names, pred, NULL, ones, n, lv, 1, err, sizeof err)) {
        fprintf(stderr, "moodspace calibrate: %s\n", err);
        goto done;
    }
    fprintf(stderr, "calibrate: songs from %d training-split predictions\n", n);
    rc = 0;
done:
    free(pred); free(ones); free(idx);
    ds_free(ds);
    return rc;
}

/* The catalog's "calibration" ({"scenes", "segments"}), checked. */
static cJSON *catalog_tables(const char *path, uint32_t net_fnv) {
    size_t len;
    char *txt = scene_cli_read(path, &len);
    if (!txt) return NULL;
    cJSON *cat = cJSON_Parse(txt);
    free(txt);
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(cat, "version");
    const cJSON *cal = cJSON_GetObjectItemCaseSensitive(cat, "calibration");
    const cJSON *net = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cat, "model"), "net_fnv1a");
    char hex[16];
    snprintf(hex, sizeof hex, "%08x", net_fnv);
    cJSON *out = NULL;
    CalibDomain d;
    char err[200];
    if (!cJSON_IsNumber(ver) || ver->valuedouble < 3 || !cal)
        fprintf(stderr, "moodspace calibrate: %s is not a version-3 catalog with scene calibration (rebuild it: ./build.sh catalog)\n", path);
    else if (!cJSON_IsString(net) || strcmp(net->valuestring, hex))
        fprintf(stderr, "moodspace calibrate: %s was built with another network (weights hash %s, this model %s): rebuild the catalog\n",
                path, cJSON_IsString(net) ? net->valuestring : "?", hex);
    else if (calib_domain_from_cjson(&d, cJSON_GetObjectItemCaseSensitive(cal, "scenes"), err, sizeof err) ||
             calib_domain_from_cjson(&d, cJSON_GetObjectItemCaseSensitive(cal, "segments"), err, sizeof err))
        fprintf(stderr, "moodspace calibrate: %s: %s\n", path, err);
    else
        out = cJSON_Duplicate(cal, 1);
    cJSON_Delete(cat);
    return out;
}

static void calibrate_help(FILE *f) {
    fprintf(f, "usage: moodspace calibrate [--csv SONGS.csv] [--catalog CATALOG.json] [--model M] [--out FILE]\n"
               "Stores the calibration tables (wasm/calib.h) in the model's meta, weights untouched:\n"
               "  --csv      songs: predictions on the CSV's training split\n"
               "  --catalog  scenes and segments: the tables of a catalog (version %d) built with this network\n"
               "  --out      where to write (default: overwrite the model file)\n", CATALOG_FORMAT_VERSION);
}

int cmd_calibrate(int argc, char **argv) {
    const char *csv = NULL, *catalog = NULL, *model_path = NULL, *out = NULL;
    const ToolOpt opts[] = {
        {"--csv", OPT_STR, &csv}, {"--catalog", OPT_STR, &catalog}, {"--model", OPT_STR, &model_path}, {"--out", OPT_STR, &out},
        {NULL, 0, NULL}};
    int st = tool_parse("calibrate", argc, argv, opts, NULL, calibrate_help);
    if (st >= 0) return st;
    if (!csv && !catalog) return tool_usage_error("calibrate", "needs --csv CSV or --catalog FILE (--help)");
    char mpath[4096], err[512];
    if (model_path) snprintf(mpath, sizeof mpath, "%s", model_path);
    else if (model_default_path(mpath, sizeof mpath)) { fprintf(stderr, "moodspace calibrate: model path too long\n"); return 1; }
    if (!out) out = mpath;
    size_t mlen = 0;
    unsigned char *mbytes = (unsigned char *)scene_cli_read(mpath, &mlen);
    if (!mbytes) return 1;
    Model *m = model_load_bytes(mbytes, mlen, err, sizeof err);
    if (!m) { fprintf(stderr, "moodspace calibrate: %s: %s\n", mpath, err); free(mbytes); return 1; }
    int rc = 1;
    unsigned char *nb = NULL;
    size_t nlen = 0;
    char *meta_txt = NULL;
    cJSON *meta = m->meta && m->meta[0] ? cJSON_Parse(m->meta) : NULL;
    if (!meta) meta = cJSON_CreateObject();
    if (!cJSON_IsObject(meta)) { fprintf(stderr, "moodspace calibrate: the model's meta is not a JSON object\n"); goto done; }
    cJSON *cal = cJSON_GetObjectItemCaseSensitive(meta, "calibration");
    if (!cJSON_IsObject(cal)) { cJSON_DeleteItemFromObjectCaseSensitive(meta, "calibration"); cal = cJSON_AddObjectToObject(meta, "calibration"); }
    if (csv) {
        CalibDomain *d = malloc(sizeof *d);
        if (!d || song_domain(m, csv, d)) { free(d); goto done; }
        cJSON_DeleteItemFromObjectCaseSensitive(cal, "songs");
        cJSON_AddItemToObject(cal, "songs", calib_domain_to_cjson(d));
        free(d);
    }
    if (catalog) {
        cJSON *tb = catalog_tables(catalog, weights_file_net_fnv(mbytes, mlen));
        if (!tb) goto done;
        const char *keys[] = {"scenes", "segments", "reference"};
        for (int q = 0; q < 3; q++) {
            cJSON_DeleteItemFromObjectCaseSensitive(cal, keys[q]);
            cJSON_AddItemToObject(cal, keys[q], cJSON_DetachItemFromObjectCaseSensitive(tb, keys[q]));
        }
        cJSON_Delete(tb);
        fprintf(stderr, "calibrate: scenes from %s\n", catalog);
    }
    meta_txt = cJSON_PrintUnformatted(meta);
    if (!meta_txt || weights_file_set_meta(mbytes, mlen, meta_txt, &nb, &nlen, err, sizeof err)) {
        fprintf(stderr, "moodspace calibrate: %s\n", meta_txt ? err : "out of memory");
        goto done;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(nb, 1, nlen, f) != nlen || fclose(f) || rename(tmp, out)) { perror(out); goto done; }
    fprintf(stderr, "calibrate: wrote %s (%zu bytes, weights unchanged)\n", out, nlen);
    rc = 0;
done:
    cJSON_Delete(meta);
    free(meta_txt); free(nb); free(mbytes);
    model_free(m);
    return rc;
}
