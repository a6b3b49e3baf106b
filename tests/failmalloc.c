/* failmalloc.c: an LD_PRELOAD shim for tests/e2e-bounds.sh that makes one allocation fail.
 *
 * FAILMALLOC_AT=K: the K-th allocation (malloc, calloc or realloc, counted from 1) made by the
 * program itself (opsin's code) or by GSL fails with ENOMEM; everything else goes through.
 * FAILMALLOC_COUNT=FILE: nothing fails, and the number of such allocations is written to
 * FILE at exit.  The allocations of SUNDIALS and libconfig are left alone: those libraries use
 * the NULL of a failed allocation, directly or through the C library (strdup), and opsin asks
 * for their memory before calling them (engine/memprobe.c).  opsin must turn every counted
 * failure into "out of memory" and exit 1, or carry on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

/* Address ranges of the objects whose allocations count: the program and GSL. */
static struct {
    uintptr_t lo, hi;
} mine[64];
static int nmine = -1;
static unsigned long counted, fail_at;
static const char *count_file;

static int add_range(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    if (info->dlpi_name[0] && !strstr(info->dlpi_name, "libgsl"))
        return 0; /* neither the program (no name) nor GSL */
    for (int i = 0; i < info->dlpi_phnum && nmine < 64; i++)
        if (info->dlpi_phdr[i].p_type == PT_LOAD) {
            uintptr_t lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
            mine[nmine].lo = lo;
            mine[nmine++].hi = lo + info->dlpi_phdr[i].p_memsz;
        }
    return 0;
}

static void report(void)
{
    FILE *fp = fopen(count_file, "w");
    if (fp) {
        fprintf(fp, "%lu\n", counted);
        fclose(fp);
    }
}

/* Whether this allocation, made from `caller`, is the one to fail. */
static int should_fail(void *caller)
{
    if (nmine < 0) {
        nmine = 0;
        const char *at = getenv("FAILMALLOC_AT");
        fail_at = at ? strtoul(at, NULL, 10) : 0;
        if ((count_file = getenv("FAILMALLOC_COUNT")))
            atexit(report);
        dl_iterate_phdr(add_range, NULL);
    }
    int counts = 0;
    for (int i = 0; i < nmine && !counts; i++)
        counts = (uintptr_t)caller >= mine[i].lo && (uintptr_t)caller < mine[i].hi;
    if (!counts || __atomic_add_fetch(&counted, 1, __ATOMIC_RELAXED) != fail_at)
        return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_realloc(p, n);
}
