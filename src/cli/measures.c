/* measures.c: the --measure option of `opsin run` (see measures.h): the items are parsed by
 * the same code as `opsin sweep`'s (src/protocols/measure_bind.c), the run is recorded while
 * its CSV is written, and the values come out as "measure,value,unit" lines on standard
 * error (after the summary, never in the CSV) or in the --measure-output file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/measures.h"
#include "io/number.h"

int run_measures_begin(run_measures *m, const char *const *specs, size_t n, const char *output,
                       const opsin_circuit *c, const char *circuit_path, const opsin_stimulus *s,
                       const char *stimulus_path, const opsin_run_opts *o)
{
    memset(m, 0, sizeof *m);
    if (n == 0) {
        if (!output)
            return EXIT_OK;
        fprintf(stderr, "opsin run: --measure-output needs --measure (expected e.g. --measure "
                "peak --measure-output m.csv)\n");
        return EXIT_USAGE;
    }
    opsin_measure_scope scope = {c, circuit_path, s, stimulus_path, o->t_end};
    size_t ncsv = o->probes ? o->nprobes : opsin_circuit_nprobes(c);
    opsin_probe *own = malloc((ncsv ? ncsv : 1) * sizeof *own);
    opsin_diag d = {""};
    int rc = own ? OPSIN_OK : OPSIN_ENOMEM;
    for (size_t i = 0; own && i < ncsv; i++)
        own[i] = o->probes ? o->probes[i] : opsin_circuit_probe_at(c, i);
    if (!rc)
        rc = opsin_measure_list_parse(&m->ml, &scope, specs, n, own, ncsv, &d);
    free(own);
    if (!rc && !(m->values = calloc(m->ml.n, sizeof *m->values)))
        rc = OPSIN_ENOMEM;
    if (rc) {
        fprintf(stderr, "opsin run: %s\n", rc == OPSIN_ENOMEM ? "out of memory" : d.msg);
        return opsin_cli_exit_status(rc);
    }
    m->opts = *o;
    m->opts.probes = m->ml.probes;
    m->opts.nprobes = m->ml.nprobes;
    m->opts.watches = m->ml.watches;
    m->opts.nwatches = m->ml.nwatches;
    m->ncsv = ncsv;
    m->output = output;
    return EXIT_OK;
}

const opsin_run_opts *run_measures_opts(run_measures *m, const opsin_run_opts *o)
{
    return m->ml.n ? &m->opts : o;
}

const opsin_sink *run_measures_sink(run_measures *m, const opsin_sink *csv)
{
    if (!m->ml.n)
        return csv;
    opsin_measure_record_init(&m->rec, &m->ml, csv, m->ncsv);
    m->sink = opsin_measure_record_sink(&m->rec);
    return &m->sink;
}

/* The lines: a header, then LABEL,VALUE,UNIT per measure (the value as the CSVs write it). */
static int write_lines(const run_measures *m, FILE *fp)
{
    fprintf(fp, "measure,value,unit\n");
    for (size_t k = 0; k < m->ml.n; k++) {
        fprintf(fp, "%s,", m->ml.items[k].label);
        opsin_number_write(fp, m->values[k]);
        fprintf(fp, ",%s\n", m->ml.items[k].unit);
    }
    return ferror(fp) ? -1 : 0;
}

int run_measures_end(run_measures *m, const opsin_sim *sim, const opsin_stimulus *s)
{
    if (!m->ml.n)
        return EXIT_OK;
    if (m->rec.nomem ||
        opsin_measure_list_eval(&m->ml, &m->rec, s, sim, m->opts.t_end, m->values)) {
        fprintf(stderr, "opsin run: out of memory for the measures\n");
        return EXIT_RUNTIME;
    }
    if (m->output && (cli_out_open(&m->out, m->output) || write_lines(m, m->out.fp))) {
        fprintf(stderr, "opsin run: cannot write %s: %s\n", m->output, strerror(errno));
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int run_measures_commit(run_measures *m)
{
    if (!m->ml.n)
        return 0;
    if (!m->output)
        return write_lines(m, stderr);
    return cli_out_commit(&m->out);
}

void run_measures_free(run_measures *m)
{
    cli_out_discard(&m->out);
    opsin_measure_record_free(&m->rec);
    opsin_measure_list_free(&m->ml);
    free(m->values);
    memset(m, 0, sizeof *m);
}
