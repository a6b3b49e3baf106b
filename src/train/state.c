/* state.c: writes and reads the trained state of a network, its weights, biases and the
 * synapses' device state, in the text format of state.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/number.h"
#include "train/state.h"

static const char magic[] = "opsin-train-state 1";

/* The header lines that must match the network: sizes, then kind and state size. */
static void header(const opsin_mlp *m, const opsin_syn_type *syn, char *layers, char *kind,
                   size_t len)
{
    const opsin_mlp_spec *s = opsin_mlp_spec_of(m);
    size_t used = (size_t)snprintf(layers, len, "layers ");
    for (size_t i = 0; i < s->nsizes && used < len; i++)
        used += (size_t)snprintf(layers + used, len - used, "%s%zu", i ? "," : "", s->sizes[i]);
    snprintf(kind, len, "synapse %s,%zu", syn->name, syn->per_weight);
}

/* rows lines of cols values each from v. */
static int write_rows(FILE *fp, const double *v, size_t rows, size_t cols)
{
    for (size_t j = 0; j < rows; j++)
        if (opsin_number_write_list(fp, v + j * cols, cols) == EOF || fputc('\n', fp) == EOF)
            return EOF;
    return 0;
}

int opsin_state_write(FILE *fp, const opsin_mlp *m, const opsin_trainer *t,
                      const opsin_syn_type *syn, unsigned long epochs)
{
    char layers[512], kind[512];
    header(m, syn, layers, kind, sizeof layers);
    if (fprintf(fp, "%s\n%s\n%s\nepochs %lu\n", magic, layers, kind, epochs) < 0)
        return EOF;
    for (size_t l = 0; l < opsin_mlp_nlayers(m); l++) {
        const opsin_mlp_layer *L = opsin_mlp_layer_at(m, l);
        size_t n = L->nin * L->nout, k = syn->per_weight;
        if (fprintf(fp, "layer %zu weights\n", l + 1) < 0 ||
            write_rows(fp, L->w, L->nout, L->nin) || fprintf(fp, "layer %zu biases\n", l + 1) < 0 ||
            write_rows(fp, L->b, 1, L->nout))
            return EOF;
        if (!k)
            continue;
        double *st = malloc(n * k * sizeof *st);
        if (!st) {
            errno = ENOMEM;
            return EOF;
        }
        syn->save(opsin_trainer_syn_state(t, l), 0, n, st);
        int rc = fprintf(fp, "layer %zu states\n", l + 1) < 0 ||
                 write_rows(fp, st, L->nout, L->nin * k);
        free(st);
        if (rc)
            return EOF;
    }
    return fputs("end\n", fp) == EOF ? EOF : 0;
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct reader {
    FILE *fp;
    const char *path;
    char *line;
    size_t cap;
    int lineno;
    opsin_diag *d;
} reader;

/* The next line without its newline; NULL at the end of the file. */
static const char *next_line(reader *r)
{
    ssize_t n = getline(&r->line, &r->cap, r->fp);
    if (n < 0)
        return NULL;
    r->lineno++;
    if (n > 0 && r->line[n - 1] == '\n')
        r->line[n - 1] = '\0';
    return r->line;
}

/* The next line, which must read `want`; `what` says what it is in the message. */
static int expect(reader *r, const char *want, const char *what)
{
    const char *got = next_line(r);
    if (got && !strcmp(got, want))
        return OPSIN_OK;
    opsin_clip_buf clip;
    opsin_diag_set(r->d, r->path, got ? r->lineno : r->lineno + 1, "%s%s%s (expected '%s': %s)",
                   got ? "'" : "the file ends here", got ? opsin_clip(got, &clip) : "",
                   got ? "'" : "", want, what);
    return OPSIN_EINVAL;
}

/* rows lines of cols finite numbers each into v, each within [lo, hi]. */
static int read_rows(reader *r, double *v, size_t rows, size_t cols, double lo, double hi,
                     const char *what)
{
    for (size_t j = 0; j < rows; j++) {
        const char *p = next_line(r);
        if (!p) {
            opsin_diag_set(r->d, r->path, r->lineno + 1, "the file ends here (expected row %zu "
                           "of %zu of %s: %zu comma-separated numbers)", j + 1, rows, what, cols);
            return OPSIN_EINVAL;
        }
        for (size_t k = 0; k < cols; k++) {
            char *end;
            double x = strtod(p, &end);
            const char *why = end == p || !isfinite(x) ? "is not a finite number"
                              : x < lo || x > hi ? "is out of range"
                              : k + 1 < cols && *end != ',' ? "is the last of the row"
                              : k + 1 == cols && *end != '\0' ? "is followed by more" : NULL;
            if (why) {
                char range[96] = "";
                if (isfinite(lo) && isfinite(hi))
                    snprintf(range, sizeof range, " from %g to %g", lo, hi);
                opsin_diag_set(r->d, r->path, r->lineno, "%s, row %zu: value %zu %s (expected "
                               "%zu comma-separated numbers%s)", what, j + 1, k + 1, why, cols,
                               range);
                return OPSIN_EINVAL;
            }
            v[j * cols + k] = x;
            p = end + 1;
        }
    }
    return OPSIN_OK;
}

/* Layer l: weights, biases, device states. */
static int read_layer(reader *r, opsin_mlp *m, opsin_trainer *t, const opsin_syn_type *syn,
                      size_t l)
{
    const opsin_mlp_spec *s = opsin_mlp_spec_of(m);
    opsin_mlp_layer *L = opsin_mlp_layer_at(m, l);
    size_t n = L->nin * L->nout, k = syn->per_weight;
    char title[64], what[64];
    snprintf(title, sizeof title, "layer %zu weights", l + 1);
    int rc = expect(r, title, "the weights of the next layer");
    if (!rc)
        rc = read_rows(r, L->w, L->nout, L->nin, s->wmin, s->wmax, title);
    snprintf(title, sizeof title, "layer %zu biases", l + 1);
    if (!rc)
        rc = expect(r, title, "the biases of the layer");
    if (!rc)
        rc = read_rows(r, L->b, 1, L->nout, s->bias ? -INFINITY : 0, s->bias ? INFINITY : 0,
                       title);
    if (rc || !k)
        return rc;
    snprintf(title, sizeof title, "layer %zu states", l + 1);
    snprintf(what, sizeof what, "the device states of the layer");
    double *st = malloc(n * k * sizeof *st);
    if (!st) {
        opsin_diag_oom(r->d, r->path, "reading the device states");
        return OPSIN_ENOMEM;
    }
    rc = expect(r, title, what);
    if (!rc)
        rc = read_rows(r, st, L->nout, L->nin * k, -INFINITY, INFINITY, title);
    if (!rc) {
        opsin_diag inner = {""};
        if (syn->load(opsin_trainer_syn_state(t, l), 0, n, st, L->w, &inner) != OPSIN_OK) {
            opsin_diag_set(r->d, r->path, r->lineno, "%s: %s", title, inner.msg);
            rc = OPSIN_EINVAL;
        }
    }
    free(st);
    return rc;
}

static int read_all(reader *r, opsin_mlp *m, opsin_trainer *t, const opsin_syn_type *syn,
                    unsigned long *epochs)
{
    char layers[512], kind[512];
    header(m, syn, layers, kind, sizeof layers);
    int rc = expect(r, magic, "a state file of opsin train --save");
    if (!rc)
        rc = expect(r, layers, "the layer sizes of the network file");
    if (!rc)
        rc = expect(r, kind, "the synapse kind of the network file, and its state per weight");
    if (rc)
        return rc;
    const char *p = next_line(r);
    char *end;
    if (!p || strncmp(p, "epochs ", 7) != 0 || !(p[7] >= '0' && p[7] <= '9') ||
        (*epochs = strtoul(p + 7, &end, 10), *end != '\0')) {
        opsin_diag_set(r->d, r->path, r->lineno, "no epoch count (expected 'epochs N')");
        return OPSIN_EINVAL;
    }
    for (size_t l = 0; !rc && l < opsin_mlp_nlayers(m); l++)
        rc = read_layer(r, m, t, syn, l);
    return rc ? rc : expect(r, "end", "the end of the last layer");
}

int opsin_state_read(const char *path, opsin_mlp *m, opsin_trainer *t,
                     const opsin_syn_type *syn, unsigned long *epochs, opsin_diag *diag)
{
    reader r = {fopen(path, "r"), path, NULL, 0, 0, diag};
    if (!r.fp) {
        opsin_diag_set(diag, path, 0, "cannot open: %s (expected a state file of opsin train "
                       "--save)", strerror(errno));
        return OPSIN_EIO;
    }
    int rc = read_all(&r, m, t, syn, epochs);
    free(r.line);
    fclose(r.fp);
    return rc;
}
