/* replay.c: runs files through the fuzz targets without a fuzzer: the seed corpus and the
 * crash reproducers in CI (any compiler, with sanitizers), or AFL++'s file mode.
 *   usage: replay [-t TARGET] FILE...   (every target unless -t; "replayed N files" on success) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets.h"

/* The whole file in memory (*size bytes), or NULL with a message. */
static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, got = 1;
    int bad = 0;
    while (got > 0 && !bad) {
        if (n == cap) {
            unsigned char *b = realloc(buf, cap = cap ? 2 * cap : 4096);
            bad = !b;
            buf = b ? b : buf;
        }
        if (!bad)
            n += got = fread(buf + n, 1, cap - n, fp);
    }
    bad = bad || ferror(fp);
    fclose(fp);
    if (bad) {
        fprintf(stderr, "%s: cannot read the file\n", path);
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

/* Each file through the chosen targets; a target's broken promise aborts, a sanitizer's
 * report exits non-zero: the status says whether every file passed. */
int main(int argc, char **argv)
{
    const opsin_fuzz_target *only = NULL;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-t") == 0) {
        if (!(only = opsin_fuzz_target_find(argv[2]))) {
            fprintf(stderr, "replay: no target '%s'\n", argv[2]);
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: replay [-t TARGET] FILE...\n");
        return 2;
    }
    for (int i = first; i < argc; i++) {
        fprintf(stderr, "replaying %s\n", argv[i]); /* a sanitizer's report names no input */
        size_t size = 0;
        unsigned char *data = read_file(argv[i], &size);
        if (!data)
            return 2;
        for (size_t k = 0; k < opsin_fuzz_ntargets; k++)
            if (!only || only == &opsin_fuzz_targets[k])
                opsin_fuzz_targets[k].run(data, size);
        free(data);
    }
    printf("replayed %d files through %zu targets\n", argc - first,
           only ? (size_t)1 : opsin_fuzz_ntargets);
    return 0;
}
