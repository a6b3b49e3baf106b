/* targets.c: the fuzz targets: the circuit and stimulus readers, units, value specs, CSV tables,
 * training datasets (IDX and CSV), trained states of opsin train --load. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core.h"
#include "io/table.h"
#include "train/dataset.h"
#include "train/netfile.h"
#include "train/state.h"
#include "targets.h"

/* What targets keep between inputs: built on first use, released at exit so that leak
 * checkers see only what an input leaked. */
static struct {
    opsin_circuit *circuits[2]; /* the stimulus target's fixed circuits */
    FILE *null;                 /* where printers write */
    char csv[64];               /* the table target's file ("" until made) */
    int csv_fd;
    char labels[64];            /* the dataset target's label file ("" until made) */
    int labels_fd;
    char netdir[64];            /* the network target's directory ("" until made) */
} kept = {.csv_fd = -1, .labels_fd = -1};

/* Releases what the targets kept (see keep_until_exit). */
static void release_kept(void)
{
    for (size_t i = 0; i < 2; i++)
        opsin_circuit_free(kept.circuits[i]);
    if (kept.null)
        fclose(kept.null);
    if (kept.csv_fd >= 0) {
        close(kept.csv_fd);
        unlink(kept.csv);
    }
    if (kept.labels_fd >= 0) {
        close(kept.labels_fd);
        unlink(kept.labels);
    }
    if (kept.netdir[0]) {
        char f[96];
        snprintf(f, sizeof f, "%s/net.cfg", kept.netdir);
        unlink(f);
        snprintf(f, sizeof f, "%s/d.csv", kept.netdir);
        unlink(f);
        rmdir(kept.netdir);
        kept.netdir[0] = '\0';
    }
    memset(kept.circuits, 0, sizeof kept.circuits);
    kept.null = NULL;
    kept.csv_fd = kept.labels_fd = -1;
}

/* Called before keeping anything: what is kept is released at exit, before leak checkers
 * look (their own exit handlers were registered earlier, so they run later). */
static void keep_until_exit(void)
{
    static int registered;
    if (!registered++)
        atexit(release_kept);
}

/* A broken promise of a parser: the fuzzer must stop here, with the reason. */
static void fail(const char *target, const char *what, const char *msg)
{
    fprintf(stderr, "opsin fuzz target %s: %s%s%s\n", target, what, msg ? ": " : "",
            msg ? msg : "");
    abort();
}

/* A failing parse must return a parser's status and explain itself as documented: a
 * message that starts with `prefix` (when given) and says what was expected. */
static void check_failure(const char *target, int rc, const opsin_diag *d, const char *prefix)
{
    if (rc != OPSIN_EIO && rc != OPSIN_EPARSE && rc != OPSIN_EINVAL && rc != OPSIN_ENOMEM)
        fail(target, "a status no parser returns", opsin_strerror(rc));
    if (rc == OPSIN_ENOMEM)
        return;
    if (!d->msg[0])
        fail(target, "failure without a message", NULL);
    if (prefix && strncmp(d->msg, prefix, strlen(prefix)) != 0)
        fail(target, "message does not start with the input's name", d->msg);
    if (!strstr(d->msg, "(expected"))
        fail(target, "message does not say what was expected", d->msg);
}

/* A reader's outcome as promised: a failure as check_failure says, with no result; a
 * success with one.  1 when there is a result to check further. */
static int check_outcome(const char *target, int rc, const opsin_diag *d, const char *name,
                         const void *result)
{
    if (rc) {
        check_failure(target, rc, d, name);
        if (result)
            fail(target, "a failed parse set its result", NULL);
        return 0;
    }
    if (!result)
        fail(target, "success without a result", NULL);
    return 1;
}

/* The bytes as a C string; NULL for text with @include, which would read files of the
 * machine instead of the input (libconfig resolves it against the working directory). */
static char *text_of(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    for (const char *p = text; (p = strchr(p, '@')); p++)
        if (strncasecmp(p, "@include", 8) == 0) {
            free(text);
            return NULL;
        }
    return text;
}

/* /dev/null, for the printers: they format every value a parse let through. */
static FILE *null_file(void)
{
    if (!kept.null) {
        keep_until_exit();
        if (!(kept.null = fopen("/dev/null", "w")))
            fail("(all)", "cannot open /dev/null", NULL);
    }
    return kept.null;
}

/* A parsed circuit is whole: it has probes, prints, and copies. */
static void check_circuit(const opsin_circuit *c)
{
    if (opsin_circuit_nprobes(c) == 0)
        fail("circuit", "a parsed circuit without probes", NULL);
    opsin_circuit_print(c, null_file());
    opsin_circuit *copy = NULL;
    if (opsin_circuit_copy(c, &copy) != OPSIN_OK)
        fail("circuit", "a parsed circuit does not copy", NULL);
    opsin_circuit_free(copy);
}

/* Circuit files: the text is the whole file (libconfig, then every check of the reader). */
static void fuzz_circuit(const uint8_t *data, size_t size)
{
    char *text = text_of(data, size);
    if (!text)
        return;
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    int rc = opsin_circuit_parse(text, "fuzz.cfg", &c, &d);
    if (check_outcome("circuit", rc, &d, "fuzz.cfg", c)) {
        check_circuit(c);
        opsin_circuit_free(c);
    }
    free(text);
}

/* The ids the presets' stimuli target, twice: `syn` a supercap (current), then a phototrap
 * (light and gate voltage), as `pair` (pair STDP synapse, then phototrap).  Every model and
 * an array are there. */
static const char *const fixed_circuits[2] = {
    "materials = ( { id = \"m\"; model = \"phototrap\"; } );\n"
    "components = ( { id = \"pre\"; model = \"lif\"; }, { id = \"syn\"; model = \"supercap\"; },\n"
    "  { id = \"post\"; model = \"lif\"; input = \"syn\"; G_in = \"100 nS\"; },\n"
    "  { id = \"lem\"; model = \"phototrap\"; }, { id = \"pen\"; model = \"phototrap\"; },\n"
    "  { id = \"s15\"; model = \"phototrap\"; }, { id = \"pair\"; model = \"pairstdp\"; } );\n"
    "arrays = ( { id = \"A\"; rows = 2; cols = 2; material = \"m\"; } );\n"
    "connections = ( { from = \"pre\"; to = \"syn\"; kind = \"current\";\n"
    "  amplitude = \"1 mA\"; width = \"1 ms\"; } );\n",
    "materials = ( { id = \"m\"; model = \"phototrap\"; } );\n"
    "components = ( { id = \"pre\"; model = \"lif\"; }, { id = \"syn\"; model = \"phototrap\"; },\n"
    "  { id = \"post\"; model = \"lif\"; }, { id = \"lem\"; model = \"phototrap\"; },\n"
    "  { id = \"pen\"; model = \"phototrap\"; }, { id = \"s15\"; model = \"phototrap\"; },\n"
    "  { id = \"iwo\"; model = \"phototrap\"; }, { id = \"pair\"; model = \"phototrap\"; } );\n"
    "arrays = ( { id = \"A\"; rows = 2; cols = 2; material = \"m\"; } );\n"
    "connections = ( { from = \"pre\"; to = \"post\"; kind = \"current\";\n"
    "  amplitude = \"1 nA\"; width = \"1 ms\"; } );\n",
};

/* The fixed circuits, parsed once: a stimulus is read against a circuit. */
static opsin_circuit *fixed_circuit(size_t i)
{
    if (!kept.circuits[0]) {
        keep_until_exit();
        for (size_t k = 0; k < 2; k++) {
            opsin_diag d = {""};
            if (opsin_circuit_parse(fixed_circuits[k], "fixed.cfg", &kept.circuits[k], &d))
                fail("stimulus", "the fixed circuit does not parse", d.msg);
        }
    }
    return kept.circuits[i];
}

/* A parsed stimulus prints, copies and gives run options. */
static void check_stimulus(const opsin_circuit *c, const opsin_stimulus *s)
{
    opsin_stimulus_print(s, null_file());
    opsin_stimulus *copy = NULL;
    if (opsin_stimulus_copy(s, &copy) != OPSIN_OK)
        fail("stimulus", "a parsed stimulus does not copy", NULL);
    opsin_stimulus_free(copy);
    opsin_run_opts o = opsin_run_opts_default(c, s);
    if (!(o.t_end >= 0) || isinf(o.t_end))
        fail("stimulus", "t_end is not a finite time", NULL);
}

/* Stimulus files, read against both fixed circuits: their checks depend on the targets. */
static void fuzz_stimulus(const uint8_t *data, size_t size)
{
    char *text = text_of(data, size);
    if (!text)
        return;
    for (size_t i = 0; i < 2; i++) {
        opsin_circuit *c = fixed_circuit(i);
        opsin_stimulus *s = NULL;
        opsin_diag d = {""};
        int rc = opsin_stimulus_parse(text, "fuzz-stim.cfg", c, &s, &d);
        if (check_outcome("stimulus", rc, &d, "fuzz-stim.cfg", s)) {
            check_stimulus(c, s);
            opsin_stimulus_free(s);
        }
    }
    free(text);
}

/* Quantities the unit and value parsers are asked for: prefixed, bare, compound, none. */
static const char *const si_units[] = {"s", "ohm", "W/m2", "S", "F", "m2", "1/(V s)", ""};
#define NSI (sizeof si_units / sizeof si_units[0])

/* Value strings with units, as files and options hold them, for several quantities. */
static void fuzz_units(const uint8_t *data, size_t size)
{
    char *text = text_of(data, size);
    if (!text)
        return;
    for (size_t i = 0; i < NSI; i++) {
        double v = NAN;
        opsin_diag d = {""};
        int rc = opsin_units_parse(text, si_units[i], &v, &d);
        if (rc)
            check_failure("units", rc, &d, NULL);
        else if (!isfinite(v))
            fail("units", "a value parsed to a number that is not finite", text);
    }
    free(text);
}

/* Parsed values: at least one, each finite, or +inf where "open" is allowed. */
static void check_values(const double *v, size_t n, int allow_open, const char *spec)
{
    if (n == 0 || !v)
        fail("values", "success without values", spec);
    for (size_t k = 0; k < n; k++)
        if (!isfinite(v[k]) && !(allow_open && v[k] == INFINITY))
            fail("values", "a value that is neither finite nor open", spec);
}

/* Value specs of the command line (lists, ranges), with and without "open". */
static void fuzz_values(const uint8_t *data, size_t size)
{
    char *text = text_of(data, size);
    if (!text)
        return;
    for (size_t i = 0; i < NSI; i++) {
        int allow_open = i % 2;
        double *v = NULL;
        size_t n = 0;
        opsin_diag d = {""};
        int rc = opsin_values_parse(text, si_units[i], allow_open, &v, &n, &d);
        if (rc)
            check_failure("values", rc, &d, "'");
        else
            check_values(v, n, allow_open, text);
        free(v);
    }
    free(text);
}

/* A temporary file (made on first use, kept till exit) rewritten with each input: the
 * readers take a path. */
static const char *temp_file(char *path, size_t len, int *fd, const uint8_t *data,
                             size_t size)
{
    if (*fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, len, "%.40s/opsin-fuzz-XXXXXX", dir ? dir : "/tmp");
        keep_until_exit();
        if ((*fd = mkstemp(path)) < 0)
            fail("table", "cannot make a temporary file", path);
    }
    if (ftruncate(*fd, 0) != 0 || (size && pwrite(*fd, data, size, 0) != (ssize_t)size))
        fail("table", "cannot write the temporary file", path);
    return path;
}

/* The table target's file (the dataset target's CSV and image file too). */
static const char *csv_file(const uint8_t *data, size_t size)
{
    return temp_file(kept.csv, sizeof kept.csv, &kept.csv_fd, data, size);
}

/* A table read: rows in file order, every cell a finite number or an allowed empty one. */
static void check_table(const opsin_table *t, const opsin_table_want *want)
{
    for (size_t r = 0; r < t->nrows; r++) {
        if (r && t->line[r] <= t->line[r - 1])
            fail("table", "rows out of file order", NULL);
        for (size_t k = 0; k < t->ncols; k++)
            if (!isfinite(t->v[k][r]) && !(want[k].optional_cells && isnan(t->v[k][r])))
                fail("table", "a cell that is not a finite number", t->header[k]);
    }
}

/* The two ways opsin fit asks for columns: by position, and by name with an optional one. */
static const opsin_table_want by_position[] = {{NULL, 0, 0}, {NULL, 1, 0}};
static const opsin_table_want by_name[] = {{"P", 0, 0}, {"G_LTP", 1, 0}, {"G_LTD", 2, 1}};

/* Measured CSV files of opsin fit, both ways of choosing columns. */
static void fuzz_table(const uint8_t *data, size_t size)
{
    const char *path = csv_file(data, size);
    const opsin_table_want *wants[2] = {by_position, by_name};
    const size_t nwants[2] = {2, 3};
    for (size_t i = 0; i < 2; i++) {
        opsin_table t;
        opsin_diag d = {""};
        int rc = opsin_table_read(path, wants[i], nwants[i], &t, &d);
        if (rc) {
            check_failure("table", rc, &d, path);
            continue;
        }
        check_table(&t, wants[i]);
        opsin_table_free(&t);
    }
}

/* A dataset read: at least one image, labels in range, pixels in [lo, hi]; the
 * preprocessing steps keep that true. */
static void check_dataset(opsin_dataset *ds)
{
    if (ds->n == 0 || ds->rows == 0 || ds->cols == 0 || ds->nclasses == 0)
        fail("dataset", "success without images, pixels or classes", NULL);
    for (size_t k = 0; k < ds->n; k++)
        if (ds->label[k] < 0 || (size_t)ds->label[k] >= ds->nclasses)
            fail("dataset", "a label out of range", NULL);
    for (size_t i = 0; i < ds->n * ds->rows * ds->cols; i++)
        if (!(ds->x[i] >= ds->lo && ds->x[i] <= ds->hi))
            fail("dataset", "a pixel outside [lo, hi]", NULL);
    const int first[1] = {ds->label[0]};
    opsin_diag d = {""};
    if (opsin_dataset_filter(ds, first, 1, "fuzz", 1, &d) == OPSIN_EINVAL ||
        opsin_dataset_crop(ds, 1, "fuzz", 1, &d) == OPSIN_EINVAL)
        fail("dataset", "a step refused a valid argument", d.msg);
    opsin_dataset_shuffle(ds, 1);
    if (ds->n == 0 || ds->nclasses != 1 || ds->rows != 1 || ds->label[ds->n - 1] != 0)
        fail("dataset", "the filter or crop kept the wrong images", NULL);
}

/* One read's outcome: its promises, then the dataset's. */
static void dataset_outcome(int rc, opsin_dataset *ds, const opsin_diag *d, const char *path)
{
    if (check_outcome("dataset", rc, d, path, ds)) {
        check_dataset(ds);
        opsin_dataset_free(ds);
    }
}

/* Training data: the input as a CSV file (square images, then 3 x 3 and at most 4), and as
 * an IDX image file labelled by its own first pixels (as many as its count says, when it
 * has them) under a label header of that count. */
static void fuzz_dataset(const uint8_t *data, size_t size)
{
    const char *path = csv_file(data, size);
    for (size_t i = 0; i < 2; i++) {
        opsin_dataset_read_opts o = opsin_dataset_read_defaults();
        o.rows = o.cols = 3 * i;
        o.max_images = 4 * i;
        opsin_dataset *ds = NULL;
        opsin_diag d = {""};
        int rc = opsin_dataset_read_csv(path, &o, &ds, &d);
        dataset_outcome(rc, ds, &d, path);
    }
    uint8_t *lab = malloc(size + 8);
    if (!lab)
        return;
    memcpy(lab, "\0\0\x08\x01", 4);
    size_t n = 4;
    for (size_t i = 4; i < 8; i++)
        lab[n++] = i < size ? data[i] : 0;
    size_t count = (size_t)lab[4] << 24 | (size_t)lab[5] << 16 | (size_t)lab[6] << 8 | lab[7];
    for (size_t i = 16; i < size && i - 16 < count; i++)
        lab[n++] = data[i];
    const char *lpath = temp_file(kept.labels, sizeof kept.labels, &kept.labels_fd, lab, n);
    free(lab);
    for (size_t i = 0; i < 2; i++) {
        opsin_dataset_read_opts o = opsin_dataset_read_defaults();
        o.nclasses = 10 * i;
        opsin_dataset *ds = NULL;
        opsin_diag d = {""};
        int rc = opsin_dataset_read_idx(path, lpath, &o, &ds, &d);
        if (rc && strncmp(d.msg, lpath, strlen(lpath)) == 0)
            dataset_outcome(rc, ds, &d, lpath);
        else
            dataset_outcome(rc, ds, &d, path);
    }
}

/* Trained states (opsin train --load) into a 3-2-2 network of ideal synapses: a failure as
 * promised; a success leaves every weight within the range and every bias finite. */
static void fuzz_state(const uint8_t *data, size_t size)
{
    static const size_t sizes[] = {3, 2, 2};
    const char *path = csv_file(data, size);
    opsin_mlp_spec s = opsin_mlp_default_spec();
    s.nsizes = 3;
    s.sizes = sizes;
    opsin_optim_spec os = opsin_optim_default_spec();
    double lr = 0.1;
    os.nlr = 1;
    os.lr = &lr;
    opsin_mlp *m = NULL;
    opsin_trainer *t = NULL;
    opsin_diag d = {""};
    if (opsin_mlp_new(&s, &m, &d) != OPSIN_OK ||
        opsin_trainer_new(m, &os, &opsin_syn_ideal, NULL, 1, &t, &d) != OPSIN_OK)
        fail("state", "cannot make the network", d.msg);
    unsigned long epochs;
    int rc = opsin_state_read(path, m, t, &opsin_syn_ideal, &epochs, &d);
    if (rc)
        check_failure("state", rc, &d, path);
    for (size_t l = 0; !rc && l < 2; l++) {
        const opsin_mlp_layer *L = opsin_mlp_layer_at(m, l);
        for (size_t k = 0; k < L->nin * L->nout; k++)
            if (!(L->w[k] >= -1 && L->w[k] <= 1))
                fail("state", "a weight outside the range", NULL);
        for (size_t k = 0; k < L->nout; k++)
            if (!isfinite(L->b[k]))
                fail("state", "a bias that is not finite", NULL);
    }
    opsin_trainer_free(t);
    opsin_mlp_free(m);
}

/* The network target's directory, made once: the input goes to net.cfg beside d.csv, a data
 * set of four 2 x 2 images of two classes, which the input can name as "d.csv". */
static const char *net_dir(void)
{
    if (!kept.netdir[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(kept.netdir, sizeof kept.netdir, "%.40s/opsin-fuzz-XXXXXX", dir ? dir : "/tmp");
        keep_until_exit();
        if (!mkdtemp(kept.netdir))
            fail("network", "cannot make a temporary directory", kept.netdir);
        char f[96];
        snprintf(f, sizeof f, "%s/d.csv", kept.netdir);
        FILE *fp = fopen(f, "w");
        if (!fp || fputs("0,0,0,255,255\n1,255,255,0,0\n0,0,9,250,255\n1,250,255,9,0\n", fp) < 0 ||
            fclose(fp) != 0)
            fail("network", "cannot write the data set", f);
    }
    return kept.netdir;
}

/* Network files of opsin train (no @include and no absolute name, which would read the
 * machine's files instead of the input): a failure as promised; a success holds a network
 * whose layers fit the data and a synapse kind. */
static void fuzz_network(const uint8_t *data, size_t size)
{
    char *text = text_of(data, size);
    if (!text)
        return;
    if (strstr(text, "\"/")) {
        free(text);
        return;
    }
    char path[96];
    snprintf(path, sizeof path, "%s/net.cfg", net_dir());
    FILE *fp = fopen(path, "w");
    if (!fp || fwrite(text, 1, size, fp) != size || fclose(fp) != 0)
        fail("network", "cannot write the network file", path);
    free(text);
    opsin_netfile_opts o = {0};
    o.jobs = 1;
    opsin_netfile *nf = NULL;
    opsin_diag d = {""};
    int rc = opsin_netfile_read(path, &o, &nf, &d);
    if (check_outcome("network", rc, &d, NULL, nf)) {
        if (!nf->kind || nf->mlp.nsizes < 2 || nf->mlp.sizes[nf->mlp.nsizes - 1] != nf->nclasses ||
            nf->mlp.sizes[0] != nf->train->rows * nf->train->cols)
            fail("network", "a network that does not fit its data", NULL);
        opsin_netfile_free(nf);
    }
}

const opsin_fuzz_target opsin_fuzz_targets[] = {
    {"circuit", fuzz_circuit}, {"stimulus", fuzz_stimulus}, {"units", fuzz_units},
    {"values", fuzz_values},   {"table", fuzz_table},       {"dataset", fuzz_dataset},
    {"state", fuzz_state},     {"network", fuzz_network},
};
const size_t opsin_fuzz_ntargets = sizeof opsin_fuzz_targets / sizeof opsin_fuzz_targets[0];

/* Looked up by name: the drivers choose targets by name (compile time or command line). */
const opsin_fuzz_target *opsin_fuzz_target_find(const char *name)
{
    for (size_t i = 0; i < opsin_fuzz_ntargets; i++)
        if (strcmp(opsin_fuzz_targets[i].name, name) == 0)
            return &opsin_fuzz_targets[i];
    return NULL;
}
