#include "err.h"

#include <stdarg.h>
#include <stdio.h>

#include "cJSON.h"
#include "utf8.h"

void ms_seterr(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    /* a message longer than the buffer is cut on a character boundary */
    if (n >= (int)errlen) err[utf8_cut(err, errlen - 1, errlen - 1)] = 0;
}

char *ms_error_json(const char *msg) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "error", msg ? msg : "unknown error");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}
