/* libfuzzer.c: the libFuzzer entry point of one target, named when compiling
 * (-DOPSIN_FUZZ_TARGET=circuit); AFL++ takes it too (afl-clang-fast -fsanitize=fuzzer). */
#include <stdio.h>
#include <stdlib.h>

#include "targets.h"

#define OPSIN_STR_(x) #x
#define OPSIN_STR(x) OPSIN_STR_(x)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input through the compiled-in target; a target with another name is a build error
 * that must not pass as a fuzzer that tests nothing. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const opsin_fuzz_target *t;
    if (!t && !(t = opsin_fuzz_target_find(OPSIN_STR(OPSIN_FUZZ_TARGET)))) {
        fprintf(stderr, "no fuzz target '%s'\n", OPSIN_STR(OPSIN_FUZZ_TARGET));
        abort();
    }
    t->run(data, size);
    return 0;
}
