/* weights_file.h — byte-level edits of a weights file (model.h's format)
 * that leave every weight byte as it was (native tools only).
 *
 * The meta JSON is the 4th field (u32 length at byte 12, then the text);
 * everything after it up to the trailing checksum is the network itself. */
#ifndef MOODSPACE_WEIGHTS_FILE_H
#define MOODSPACE_WEIGHTS_FILE_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a 32 of the bytes after the meta and before the checksum: the same
 * for two files that differ only in meta (`calibrate` rewrites meta, so the
 * catalog records this, not the whole file's hash). 0 when too short. */
uint32_t weights_file_net_fnv(const unsigned char *buf, size_t len);

/* A copy of the file with its meta replaced by `meta` and the checksum
 * recomputed; *out malloc'd. Checks afterwards that the bytes after the meta
 * are unchanged and that the result loads (model_load_bytes). 0, or -1 +
 * message. */
int weights_file_set_meta(const unsigned char *buf, size_t len, const char *meta,
                          unsigned char **out, size_t *out_len, char *err, size_t errlen);

#endif
