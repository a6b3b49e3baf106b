/* measures.h: the --measure option of `opsin run` (measures.c): the measures of
 * src/protocols/measure.h over the one run, reported as "measure,value,unit" lines. */
#ifndef OPSIN_CLI_MEASURES_H
#define OPSIN_CLI_MEASURES_H

#include <stddef.h>

#include "cli/output.h"
#include "opsin.h"
#include "protocols/measure.h"

typedef struct run_measures {
    opsin_measure_list ml;
    opsin_measure_record rec;
    opsin_run_opts opts;   /* the run's options, recording the measures' probes too */
    opsin_sink sink;       /* the record's sink */
    size_t ncsv;           /* the run's own columns: the CSV gets these only */
    double *values;
    const char *output;    /* --measure-output FILE, or NULL: standard error */
    cli_out out;
} run_measures;

/* Parses the --measure lists (n of them; none: nothing is measured) against the loaded files
 * before anything is written; the run records o's probes then the measures' own.  An exit
 * status, after one line "opsin run: --measure ...: why" on standard error.  Free with
 * run_measures_free whatever it returns. */
int run_measures_begin(run_measures *m, const char *const *specs, size_t n, const char *output,
                       const opsin_circuit *c, const char *circuit_path, const opsin_stimulus *s,
                       const char *stimulus_path, const opsin_run_opts *o);

/* The options to run with and the sink to run into (the record, passing the run's own
 * columns, spikes and maps on to csv); o and csv themselves when nothing is measured. */
const opsin_run_opts *run_measures_opts(run_measures *m, const opsin_run_opts *o);
const opsin_sink *run_measures_sink(run_measures *m, const opsin_sink *csv);

/* After a successful run: the measures, written to --measure-output's temporary file.  An
 * exit status (1 with a message when out of memory or the file cannot be written). */
int run_measures_end(run_measures *m, const opsin_sim *sim, const opsin_stimulus *s);

/* Renames --measure-output into place, or prints the lines on standard error; -1 on a
 * failed write. */
int run_measures_commit(run_measures *m);

void run_measures_free(run_measures *m);

#endif
