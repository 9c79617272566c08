/* api_internal.h — what the three files of the engine's C ABI share
 * (api.c, api_script.c, api_film.c; the calls themselves are listed in
 * api.h): the table of loaded models and the request/answer helpers.
 * Not part of the interface: nothing outside those files includes it. */
#ifndef MOODSPACE_API_INTERNAL_H
#define MOODSPACE_API_INTERNAL_H
#include "cJSON.h"
#include "calib.h"
#include "match.h"
#include "model.h"

#define MS_MAX_MODELS 16

/* One loaded model with what the calls derive from it once. */
typedef struct {
    Model *model;
    cJSON *header;        /* model_header_object without the meta's calibration: info's fixed part */
    MatchSpace space;     /* the model's outputs as a matching space */
    int space_ok;         /* 0 when the model's outputs cannot be matched on */
    char space_err[128];
    Calib *calib;         /* meta's calibration tables, NULL when absent (calib_err says why) */
    char calib_err[200];
} Slot;

/* The slot of handle h (1..MS_MAX_MODELS), NULL when no model is loaded there. */
Slot *api_slot(int h);

/* A request as the engine reads it: *owned is NULL and the text is json
 * itself when json is valid UTF-8 (or NULL); otherwise *owned is a copy
 * with every invalid sequence replaced by U+FFFD, and that copy is the
 * text (the caller frees *owned). -1 when the copy cannot be allocated. */
int api_request_text(const char *json, char **owned, const char **text);

/* cJSON_Parse of a request read as api_request_text reads it; NULL when
 * json is NULL, not JSON, or memory ran out. */
cJSON *api_parse(const char *json);

/* {"error": msg} as a string to return (msg's invalid UTF-8 replaced). */
char *api_err(const char *msg);

/* o printed unformatted and deleted; {"error": "out of memory"} when o is
 * NULL or cannot be printed. */
char *api_take(cJSON *o);

#endif
