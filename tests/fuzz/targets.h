/* targets.h: the fuzz targets of opsin's parsers, shared by the libFuzzer and replay drivers. */
#ifndef OPSIN_FUZZ_TARGETS_H
#define OPSIN_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* One target: feeds `size` bytes to a parser and checks what the parser promises about its
 * result; a broken promise prints the reason and aborts (the fuzzer's crash). */
typedef struct opsin_fuzz_target {
    const char *name;
    void (*run)(const uint8_t *data, size_t size);
} opsin_fuzz_target;

/* circuit, stimulus, units, values, table, dataset. */
extern const opsin_fuzz_target opsin_fuzz_targets[];
extern const size_t opsin_fuzz_ntargets;

/* The target called `name`, or NULL. */
const opsin_fuzz_target *opsin_fuzz_target_find(const char *name);

#endif
