/* check_partial.c: the partial file of a pool job (protocols/partial.h) and the pool's first
 * index: rows written as emitted read back as the same doubles, statuses and messages; a run
 * cut after K rows (a torn row after them) and resumed emits what an uninterrupted run emits,
 * runs only the missing jobs and leaves the same file; another key, a malformed row, a file
 * of another kind or size are refused with the line that is wrong. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "protocols/partial.h"
#include "protocols/pool.h"

enum { N = 30, W = 2, FAILING = 7 };

static const char KEY[] = "command test\noption a=1\n";

/* Jobs: row i = {i^2, 1/(i+1)} (not decimals: the text must carry every bit); job FAILING
 * fails (its row nan).  What is emitted is recorded in order. */
typedef struct toy {
    size_t runs;
    size_t nemitted, first_emitted;
    double rows[N][W];
    int status[N];
    char msg[N][64];
} toy;

static int toy_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    toy *t = ctx;
    double *r = row;
    __atomic_add_fetch(&t->runs, 1, __ATOMIC_SEQ_CST);
    r[0] = (double)(i * i);
    r[1] = 1.0 / (double)(i + 1);
    if (i == FAILING) {
        r[0] = r[1] = NAN;
        opsin_diag_set(d, NULL, 0, "job %zu failed, as it should", i);
        return OPSIN_ESOLVER;
    }
    return OPSIN_OK;
}

static int toy_emit(void *ctx, size_t i, void *row, int status, const opsin_diag *d)
{
    toy *t = ctx;
    if (t->nemitted == 0)
        t->first_emitted = i;
    ck_assert_uint_eq(i, t->first_emitted + t->nemitted);
    memcpy(t->rows[i], row, sizeof t->rows[i]);
    t->status[i] = status;
    snprintf(t->msg[i], sizeof t->msg[i], "%s", status ? d->msg : "");
    t->nemitted++;
    return OPSIN_OK;
}

static opsin_pool_job toy_job(toy *t)
{
    memset(t, 0, sizeof *t);
    opsin_pool_job job = {N, W * sizeof(double), toy_run, toy_emit, t, 0, NULL, NULL, 0};
    return job;
}

/* A fresh path for a partial file (the file itself removed). */
static void temp_path(char *path, size_t len)
{
    snprintf(path, len, "/tmp/check_partial.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(path);
}

/* The whole file as a string (malloc'd). */
static char *slurp(const char *path, long *len)
{
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    fseek(fp, 0, SEEK_END);
    *len = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)*len + 1);
    ck_assert_int_eq(fread(s, 1, (size_t)*len, fp), (size_t)*len);
    s[*len] = '\0';
    fclose(fp);
    return s;
}

static void spill(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(fwrite(text, 1, len, fp), len);
    fclose(fp);
}

/* An uninterrupted run with a partial file: what it emitted in ref, the file in *file. */
static char *full_run(const char *path, toy *ref, long *len)
{
    opsin_pool_job job = toy_job(ref);
    opsin_partial p = {.path = path, .key = KEY};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_partial_pool_run(&job, 3, &p, &d), OPSIN_OK);
    ck_assert_uint_eq(ref->nemitted, N);
    opsin_partial_free(&p);
    return slurp(path, len);
}

START_TEST(test_read_back)
{
    char path[64];
    toy ref;
    long len;
    temp_path(path, sizeof path);
    char *file = full_run(path, &ref, &len);
    ck_assert(strncmp(file, "opsin partial 1\ncommand test\noption a=1\nrows 30 2\n0 0 0,1\n",
                      56) == 0);
    opsin_partial p = {.path = path, .key = KEY};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_partial_read(&p, &d), OPSIN_OK);
    ck_assert(p.restored && !p.torn);
    ck_assert_uint_eq(p.nrows, N);
    ck_assert_uint_eq(p.width, W);
    ck_assert_int_eq(p.keep, len);
    for (size_t i = 0; i < N; i++) {
        if (i == FAILING) {
            ck_assert(isnan(p.vals[i * W]) && isnan(p.vals[i * W + 1]));
            ck_assert_int_eq(p.status[i], OPSIN_ESOLVER);
            ck_assert_str_eq(p.msg[i], "job 7 failed, as it should");
        } else {
            ck_assert(memcmp(&p.vals[i * W], ref.rows[i], sizeof ref.rows[i]) == 0);
            ck_assert_int_eq(p.status[i], 0);
            ck_assert_ptr_null(p.msg[i]);
        }
    }
    opsin_partial_free(&p);
    free(file);
    unlink(path);
}
END_TEST

/* Cut after k whole rows, plus `torn` bytes of the next one: resumed, the same emits, only
 * the missing runs, the same file. */
static void resume_after(size_t k, size_t torn)
{
    char path[64];
    toy ref, t;
    long len;
    temp_path(path, sizeof path);
    char *file = full_run(path, &ref, &len);
    const char *cut = file;
    for (size_t l = 0; l < 4 + k; l++) /* the header's 4 lines, then k rows */
        cut = strchr(cut, '\n') + 1;
    spill(path, file, (size_t)(cut - file) + torn);
    opsin_partial p = {.path = path, .key = KEY};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_partial_read(&p, &d), OPSIN_OK);
    ck_assert_uint_eq(p.nrows, k);
    ck_assert_int_eq(p.torn, torn > 0);
    opsin_pool_job job = toy_job(&t);
    ck_assert_int_eq(opsin_partial_pool_run(&job, 2, &p, &d), OPSIN_OK);
    ck_assert_uint_eq(t.runs, N - k);
    ck_assert_uint_eq(t.nemitted, N);
    ck_assert_uint_eq(t.first_emitted, 0);
    for (size_t i = 0; i < N; i++) {
        ck_assert(memcmp(t.rows[i], ref.rows[i], sizeof ref.rows[i]) == 0);
        ck_assert_int_eq(t.status[i], ref.status[i]);
        ck_assert_str_eq(t.msg[i], ref.msg[i]);
    }
    long len2;
    char *again = slurp(path, &len2);
    ck_assert_int_eq(len2, len);
    ck_assert(memcmp(again, file, (size_t)len) == 0);
    opsin_partial_free(&p);
    free(again);
    free(file);
    unlink(path);
}

START_TEST(test_resume)
{
    resume_after(0, 0);
    resume_after(3, 0);
    resume_after(3, 4);
    resume_after(FAILING + 1, 2); /* the failed row restored with its status and message */
    resume_after(N - 1, 1);
    resume_after(N, 0);           /* nothing left to run */
}
END_TEST

/* The first 2 rows of a file; each case replaces a line and expects the message. */
static void refused(const char *text, const char *key, const char *want)
{
    char path[64];
    temp_path(path, sizeof path);
    spill(path, text, strlen(text));
    opsin_partial p = {.path = path, .key = key};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_partial_read(&p, &d), OPSIN_EINVAL);
    char full[160];
    snprintf(full, sizeof full, "%s:%s", path, want);
    ck_assert_msg(strncmp(d.msg, full, strlen(full)) == 0, "'%s' (expected '%s...')", d.msg,
                  full);
    ck_assert_ptr_nonnull(strstr(d.msg, "(expected"));
    opsin_partial_free(&p);
    unlink(path);
}

START_TEST(test_refused)
{
    const char *good = "opsin partial 1\ncommand test\noption a=1\nrows 3 2\n0 0 1,2\n";
    refused(good, "command test\noption a=2\n",
            "3: written by another run: it has 'option a=1' where this run has 'option a=2'");
    refused(good, "command test\n",
            "3: written by another run: it has 'option a=1' where this run has ''");
    refused(good, "command test\noption a=1\noption b=1\n",
            "4: written by another run: it has '' where this run has 'option b=1'");
    refused("opsin partial 2\ncommand test\n", KEY, "1: not a partial file of opsin");
    refused("opsin partial 1\ncommand test\noption a=1\nrows 3 2\n0 0 1,2\n2 0 1,2\n1 0 1,2\n",
            KEY, "6: malformed row (expected row 1");
    refused("opsin partial 1\ncommand test\noption a=1\nrows 3 2\n0 0 1,x\n1 0 1,2\n", KEY,
            "5: malformed row");
    refused("opsin partial 1\ncommand test\noption a=1\nrows 3 2\n0 0 1\n", KEY,
            "5: malformed row");
    refused("opsin partial 1\ncommand test\noption a=1\nrows 1 2\n0 0 1,2\n1 0 1,2\n", KEY,
            "6: more rows than the 1");
    refused("opsin partial 1\ncommand test\noption a=1\nrows x 2\n", KEY, "4: malformed line");
}
END_TEST

/* A file of another size of job is refused by the run, nothing emitted; a torn header is a
 * new file. */
START_TEST(test_other_job)
{
    char path[64];
    toy t;
    temp_path(path, sizeof path);
    const char *text = "opsin partial 1\ncommand test\noption a=1\nrows 30 3\n0 0 1,2,3\n";
    spill(path, text, strlen(text));
    opsin_partial p = {.path = path, .key = KEY};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_partial_read(&p, &d), OPSIN_OK);
    opsin_pool_job job = toy_job(&t);
    ck_assert_int_eq(opsin_partial_pool_run(&job, 2, &p, &d), OPSIN_EINVAL);
    ck_assert_uint_eq(t.runs + t.nemitted, 0);
    ck_assert_ptr_nonnull(strstr(d.msg, "30 rows of 3 values, this run has 30 of 2"));
    opsin_partial_free(&p);
    spill(path, "opsin partial 1\ncommand te", 26);
    opsin_partial q = {.path = path, .key = KEY};
    ck_assert_int_eq(opsin_partial_read(&q, &d), OPSIN_OK);
    ck_assert(!q.restored);
    ck_assert_int_eq(opsin_partial_pool_run(&job, 2, &q, &d), OPSIN_OK);
    ck_assert_uint_eq(t.runs, N);
    opsin_partial_free(&q);
    unlink(path);
}
END_TEST

/* The pool alone from a first index: only jobs first .. n-1 run and are emitted. */
START_TEST(test_pool_first)
{
    for (unsigned threads = 1; threads <= 3; threads++) {
        toy t;
        opsin_pool_job job = toy_job(&t);
        job.first = 10;
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_pool_run(&job, threads, &d), OPSIN_OK);
        ck_assert_uint_eq(t.runs, N - 10);
        ck_assert_uint_eq(t.nemitted, N - 10);
        ck_assert_uint_eq(t.first_emitted, 10);
        job.first = N + 5; /* beyond the end: nothing */
        t.runs = t.nemitted = 0;
        ck_assert_int_eq(opsin_pool_run(&job, threads, &d), OPSIN_OK);
        ck_assert_uint_eq(t.runs + t.nemitted, 0);
    }
}
END_TEST

static Suite *partial_suite(void)
{
    Suite *s = suite_create("partial");
    TCase *tc = tcase_create("partial");
    tcase_add_test(tc, test_read_back);
    tcase_add_test(tc, test_resume);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_other_job);
    tcase_add_test(tc, test_pool_first);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(partial_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
