/* netfile.c: reads the network file of `opsin train` (netfile.h; the keys, their defaults and
 * units in man/opsin-network.5) and prepares its data in the order dataset.h gives:
 * read -> class filter -> first K -> crop -> scale -> binarise.  Every key is checked where it
 * stands, with its line; the layer sizes are checked against the prepared images and classes
 * last, since only then are both known. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"
#include "train/netfile.h"

static const char *const top_keys[] = {"layers", "hidden", "output", "loss", "bias", "init",
                                       "weights", "dataset", "training", "synapse", "seed",
                                       NULL};
static const char *const data_keys[] = {"train", "test", "classes", "nclasses", "crop",
                                        "scale", "binarise", "pixel_max", "train_images",
                                        "test_images", NULL};
static const char *const source_keys[] = {"images", "labels", "csv", NULL};
static const char *const training_keys[] = {"epochs", "batch", "optimiser", "rate", "momentum",
                                            "beta1", "beta2", "epsilon", NULL};

/* ---- typed keys with their lines --------------------------------------------------------- */

/* Member `name` of g as a number within pd's bounds; *out keeps its default when absent. */
static int key_number(const config_setting_t *g, const opsin_param_def *pd, double *out,
                      const char *file, opsin_diag *d)
{
    const config_setting_t *s = g ? config_setting_get_member(g, pd->name) : NULL;
    return s ? opsin_cfg_param(s, pd, out, file, d) : OPSIN_OK;
}

/* A count key from lo to hi (a whole number); *out keeps its default when absent. */
static int key_count(const config_setting_t *g, const char *name, double lo, double hi,
                     size_t *out, const char *file, opsin_diag *d)
{
    opsin_param_def pd = {name, "", 0, lo, hi, 0, 0, OPSIN_P_INTEGER, ""};
    double v = (double)*out;
    int rc = key_number(g, &pd, &v, file, d);
    if (!rc)
        *out = (size_t)v;
    return rc;
}

/* Member `name` of g, one of the n strings names[] (its index into *out); *out keeps its
 * default when absent. */
static int key_choice(const config_setting_t *g, const char *name, const char *const *names,
                      int n, int *out, const char *file, opsin_diag *d)
{
    const char *text;
    int rc = g ? opsin_cfg_string(g, name, 0, &text, file, d) : OPSIN_OK;
    if (rc || !g || !text)
        return rc;
    for (int k = 0; k < n; k++)
        if (!strcmp(text, names[k])) {
            *out = k;
            return OPSIN_OK;
        }
    char list[256] = "";
    size_t used = 0;
    for (int k = 0; k < n; k++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"",
                                 k == 0 ? "" : k == n - 1 ? " or " : ", ", names[k]);
    opsin_clip_buf clip;
    opsin_diag_at(d, file, config_setting_get_member(g, name), "%s '%s' is unknown (expected %s)",
                  name, opsin_clip(text, &clip), list);
    return OPSIN_EINVAL;
}

/* A group member (NULL when absent); anything else there is an error. */
static int key_group(const config_setting_t *g, const char *name, const char *example,
                     const config_setting_t **out, const char *file, opsin_diag *d)
{
    const config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;
    *out = s;
    if (!s || config_setting_is_group(s))
        return OPSIN_OK;
    opsin_diag_at(d, file, s, "%s must be a group (expected %s = { %s };)", name, name, example);
    return OPSIN_EINVAL;
}

/* Setting s as an array or list of n (lo .. hi elements) numbers into v. */
static int number_list(const config_setting_t *s, size_t lo, size_t hi, const char *example,
                       double *v, size_t *n, const char *file, opsin_diag *d)
{
    const char *name = config_setting_name(s);
    int len = config_setting_is_aggregate(s) && !config_setting_is_group(s)
                  ? config_setting_length(s) : -1;
    if (len < (int)lo || len > (int)hi) {
        char count[64];
        snprintf(count, sizeof count, lo == hi ? "%zu" : "%zu to %zu", lo, hi);
        opsin_diag_at(d, file, s, "%s must be a list of %s numbers (expected %s = %s;)", name,
                      count, name, example);
        return OPSIN_EINVAL;
    }
    for (int i = 0; i < len; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        int t = config_setting_type(e);
        if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64 && t != CONFIG_TYPE_FLOAT) {
            opsin_diag_at(d, file, s, "%s: element %d is not a number (expected %s = %s;)",
                          name, i + 1, name, example);
            return OPSIN_EINVAL;
        }
        v[i] = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(e) : opsin_cfg_int_value(e);
    }
    *n = (size_t)len;
    return OPSIN_OK;
}

/* ---- the network ------------------------------------------------------------------------- */

static int read_layers(const config_setting_t *root, opsin_netfile *nf, const char *file,
                       opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(root, "layers");
    double v[OPSIN_MLP_MAX_LAYERS + 1];
    size_t n;
    if (!s) {
        opsin_diag_at(d, file, root, "missing 'layers' (expected layers = [400, 100, 10];, the "
                      "input, hidden and output sizes)");
        return OPSIN_EINVAL;
    }
    int rc = number_list(s, 2, OPSIN_MLP_MAX_LAYERS + 1, "[400, 100, 10]", v, &n, file, d);
    for (size_t i = 0; !rc && i < n; i++) {
        if (!(v[i] >= 1 && v[i] <= 1e6 && v[i] == floor(v[i]))) {
            opsin_diag_at(d, file, s, "layers: size %zu is %g (expected a whole number from 1 "
                          "to 1e+06)", i + 1, v[i]);
            return OPSIN_EINVAL;
        }
        nf->sizes[i] = (size_t)v[i];
    }
    nf->mlp.nsizes = n;
    nf->mlp.sizes = nf->sizes;
    return rc;
}

static const char *const act_names[] = {"sigmoid", "relu", "softmax"}; /* enum opsin_act */
static const char *const loss_names[] = {"xent", "mse"};               /* enum opsin_loss */
static const char *const init_names[] = {"uniform", "xavier"};         /* enum opsin_init */

/* Activations, loss, bias, initial weights and their range. */
static int read_network(const config_setting_t *root, opsin_netfile *nf, const char *file,
                        opsin_diag *d)
{
    opsin_mlp_spec *m = &nf->mlp;
    int hidden = OPSIN_ACT_SIGMOID, output = OPSIN_ACT_SIGMOID, init = OPSIN_INIT_UNIFORM;
    int rc = key_choice(root, "hidden", act_names, 2, &hidden, file, d);
    if (!rc)
        rc = key_choice(root, "output", act_names, 3, &output, file, d);
    int loss = output == OPSIN_ACT_SOFTMAX ? OPSIN_LOSS_XENT : OPSIN_LOSS_MSE;
    if (!rc)
        rc = key_choice(root, "loss", loss_names, 2, &loss, file, d);
    if (!rc)
        rc = key_choice(root, "init", init_names, 2, &init, file, d);
    if (rc)
        return rc;
    if (loss == OPSIN_LOSS_XENT && output == OPSIN_ACT_RELU) {
        opsin_diag_at(d, file, config_setting_get_member(root, "loss"), "loss \"xent\" needs "
                      "outputs in (0, 1), which a relu output does not give (expected output = "
                      "\"softmax\" or \"sigmoid\", or loss = \"mse\")");
        return OPSIN_EINVAL;
    }
    m->hidden = (opsin_act)hidden;
    m->output = (opsin_act)output;
    m->loss = (opsin_loss)loss;
    m->init = (opsin_init)init;
    const config_setting_t *s = config_setting_get_member(root, "bias");
    if (s && (rc = opsin_cfg_bool(s, &m->bias, file, d)))
        return rc;
    if ((s = config_setting_get_member(root, "weights"))) {
        double v[2];
        size_t n;
        if ((rc = number_list(s, 2, 2, "[-1, 1]", v, &n, file, d)))
            return rc;
        if (!(isfinite(v[0]) && isfinite(v[1]) && v[0] < v[1])) {
            opsin_diag_at(d, file, s, "weights = [%g, %g] is no range (expected [wmin, wmax] "
                          "with wmin < wmax, e.g. [-1, 1])", v[0], v[1]);
            return OPSIN_EINVAL;
        }
        m->wmin = v[0];
        m->wmax = v[1];
    }
    size_t seed = 1;
    if ((rc = key_count(root, "seed", 1, 4294967295.0, &seed, file, d)))
        return rc;
    nf->seed = m->seed = seed;
    return OPSIN_OK;
}

static const char *const opt_names[] = {"sgd", "momentum", "adam"}; /* enum opsin_opt_kind */

/* The training group: epochs, batch, optimiser and its constants, rates. */
static int read_training(const config_setting_t *root, opsin_netfile *nf, const char *file,
                         opsin_diag *d)
{
    const config_setting_t *g;
    int rc = key_group(root, "training", "epochs = 1; rate = 0.1;", &g, file, d);
    if (rc || (g && (rc = opsin_cfg_known_keys(g, training_keys, "training key", file, d))))
        return rc;
    opsin_optim_spec *o = &nf->optim;
    int kind = OPSIN_OPT_SGD;
    nf->epochs = 1;
    if ((rc = key_count(g, "epochs", 0, 1e6, &nf->epochs, file, d)) ||
        (rc = key_count(g, "batch", 1, 1e5, &nf->mlp.max_batch, file, d)) ||
        (rc = key_choice(g, "optimiser", opt_names, 3, &kind, file, d)))
        return rc;
    o->kind = (opsin_opt_kind)kind;
    static const opsin_param_def mu = {"momentum", "", 0.9, 0, 1, 0, 0, 0, ""};
    static const opsin_param_def b1 = {"beta1", "", 0.9, 0, 1, 0, 0, 0, ""};
    static const opsin_param_def b2 = {"beta2", "", 0.999, 0, 1, 0, 0, 0, ""};
    static const opsin_param_def eps = {"epsilon", "", 1e-8, 0, 1, 0, 0, OPSIN_P_MIN_OPEN, ""};
    if ((rc = key_number(g, &mu, &o->momentum, file, d)) ||
        (rc = key_number(g, &b1, &o->beta1, file, d)) ||
        (rc = key_number(g, &b2, &o->beta2, file, d)) ||
        (rc = key_number(g, &eps, &o->eps, file, d)))
        return rc;
    const opsin_param_def *ones[] = {&mu, &b1, &b2};
    const double vals[] = {o->momentum, o->beta1, o->beta2};
    for (int k = 0; k < 3; k++)
        if (vals[k] >= 1) {
            opsin_diag_at(d, file, config_setting_get_member(g, ones[k]->name), "%s = %g is "
                          "out of range (expected from 0 to below 1)", ones[k]->name, vals[k]);
            return OPSIN_EINVAL;
        }
    /* the rate: a number, or one per weight layer */
    static const double default_rate[] = {0.1, 0.01, 0.001}; /* by optimiser */
    size_t nw = nf->mlp.nsizes - 1;
    const config_setting_t *s = g ? config_setting_get_member(g, "rate") : NULL;
    o->lr = nf->lr;
    o->nlr = 1;
    nf->lr[0] = default_rate[kind];
    if (s && config_setting_is_scalar(s)) {
        static const opsin_param_def rate = {"rate", "", 0.1, 0, INFINITY, 0, 0,
                                             OPSIN_P_MIN_OPEN, ""};
        return opsin_cfg_param(s, &rate, &nf->lr[0], file, d);
    }
    if (s) {
        char example[64];
        snprintf(example, sizeof example, "0.1, or a list of %zu rates, one per weight layer",
                 nw);
        if ((rc = number_list(s, nw, nw, example, nf->lr, &o->nlr, file, d)))
            return rc;
        for (size_t l = 0; l < nw; l++)
            if (!(nf->lr[l] > 0 && isfinite(nf->lr[l]))) {
                opsin_diag_at(d, file, s, "rate: the rate of weight layer %zu is %g (expected a "
                              "finite rate > 0)", l + 1, nf->lr[l]);
                return OPSIN_EINVAL;
            }
    }
    return OPSIN_OK;
}

/* ---- the data ---------------------------------------------------------------------------- */

/* How one data set is read, and the file's line of each step. */
typedef struct data_plan {
    opsin_dataset_read_opts ro;
    int classes[256];
    size_t nclasses_list; /* 0: no filter */
    const config_setting_t *classes_at, *crop_at, *binarise_at;
    size_t crop;
    double threshold;
    int binarise;
} data_plan;

static const char *const scale_names[] = {"unit", "symmetric", "none"};

/* The keys shared by the training and the test set. */
static int read_plan(const config_setting_t *g, data_plan *p, const char *file, opsin_diag *d)
{
    int scale = OPSIN_SCALE_UNIT, rc;
    size_t ncl = 10;
    static const opsin_param_def pixel_max = {"pixel_max", "", 255, 0, INFINITY, 0, 0,
                                              OPSIN_P_MIN_OPEN, ""};
    p->ro = opsin_dataset_read_defaults();
    if ((rc = key_choice(g, "scale", scale_names, 3, &scale, file, d)) ||
        (rc = key_count(g, "nclasses", 2, 256, &ncl, file, d)) ||
        (rc = key_count(g, "crop", 1, 1e4, &p->crop, file, d)) ||
        (rc = key_number(g, &pixel_max, &p->ro.pixel_max, file, d)))
        return rc;
    p->ro.scale = (enum opsin_dataset_scale)scale;
    p->ro.nclasses = ncl;
    p->crop_at = config_setting_get_member(g, "crop");
    if ((p->binarise_at = config_setting_get_member(g, "binarise"))) {
        p->binarise = 1;
        if ((rc = opsin_cfg_number(p->binarise_at, "", 0, &p->threshold, file, d)))
            return rc;
    }
    if ((p->classes_at = config_setting_get_member(g, "classes"))) {
        double v[256];
        if ((rc = number_list(p->classes_at, 1, 256, "[0, 2, 4, 6]", v, &p->nclasses_list,
                              file, d)))
            return rc;
        for (size_t k = 0; k < p->nclasses_list; k++) {
            if (!(v[k] >= 0 && v[k] < 256 && v[k] == floor(v[k]))) {
                opsin_diag_at(d, file, p->classes_at, "classes: %g is not a label (expected "
                              "whole numbers from 0 to %zu)", v[k], ncl - 1);
                return OPSIN_EINVAL;
            }
            p->classes[k] = (int)v[k];
        }
    }
    return OPSIN_OK;
}

/* Reads one data set (group `which` of dataset g: IDX images + labels, or csv), keeping the
 * first `first` images after the class filter (0: all), and prepares it as p says. */
static int read_set(const config_setting_t *g, const char *which, const data_plan *p,
                    size_t first, opsin_dataset **out, opsin_wsyn_inputs *inputs,
                    const char *file, opsin_diag *d)
{
    const config_setting_t *s;
    int rc = key_group(g, which, "images = \"train-images-idx3-ubyte.gz\"; labels = "
                       "\"train-labels-idx1-ubyte.gz\";", &s, file, d);
    if (rc)
        return rc;
    if (!s) {
        opsin_diag_at(d, file, g, "dataset needs '%s' (expected %s = { images = \"...\"; "
                      "labels = \"...\"; }; or %s = { csv = \"...\"; };)", which, which, which);
        return OPSIN_EINVAL;
    }
    const char *images, *labels, *csv;
    if ((rc = opsin_cfg_known_keys(s, source_keys, "data file key", file, d)) ||
        (rc = opsin_cfg_string(s, "images", 0, &images, file, d)) ||
        (rc = opsin_cfg_string(s, "labels", 0, &labels, file, d)) ||
        (rc = opsin_cfg_string(s, "csv", 0, &csv, file, d)))
        return rc;
    if (csv ? images || labels : !images || !labels) {
        opsin_diag_at(d, file, s, "dataset.%s names %s (expected images and labels, the IDX "
                      "pair, or csv alone)", which, csv ? "csv and IDX files" :
                      images ? "images without labels" : labels ? "labels without images" :
                      "no file");
        return OPSIN_EINVAL;
    }
    opsin_dataset_read_opts ro = p->ro;
    ro.max_images = p->nclasses_list ? 0 : first; /* a filter needs every image read */
    char pi[4096], pl[4096];
    opsin_dataset *ds = NULL;
    const char *fi = opsin_cfg_relative(file, csv ? csv : images, pi, sizeof pi);
    const char *fl = csv ? NULL : opsin_cfg_relative(file, labels, pl, sizeof pl);
    opsin_wsyn_input_add(inputs, fi, 0);
    opsin_wsyn_input_add(inputs, fl, 0);
    rc = csv ? opsin_dataset_read_csv(fi, &ro, &ds, d)
             : opsin_dataset_read_idx(fi, fl, &ro, &ds, d);
    if (rc)
        return rc;
    if (p->nclasses_list)
        rc = opsin_dataset_filter(ds, p->classes, p->nclasses_list, file,
                                  opsin_cfg_line(p->classes_at), d);
    if (!rc)
        opsin_dataset_first(ds, first);
    if (!rc && p->crop_at)
        rc = opsin_dataset_crop(ds, p->crop, file, opsin_cfg_line(p->crop_at), d);
    if (!rc && p->binarise)
        rc = opsin_dataset_binarise(ds, p->threshold, file, opsin_cfg_line(p->binarise_at), d);
    if (rc) {
        opsin_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return OPSIN_OK;
}

static int read_data(const config_setting_t *root, opsin_netfile *nf, const char *file,
                     opsin_diag *d)
{
    const config_setting_t *g;
    int rc = key_group(root, "dataset", "train = { ... }; test = { ... };", &g, file, d);
    if (rc)
        return rc;
    if (!g) {
        opsin_diag_at(d, file, root, "missing 'dataset' (expected dataset = { train = { images "
                      "= \"...\"; labels = \"...\"; }; test = { ... }; };)");
        return OPSIN_EINVAL;
    }
    data_plan p = {0};
    size_t ntrain = 0, ntest = 0;
    if ((rc = opsin_cfg_known_keys(g, data_keys, "dataset key", file, d)) ||
        (rc = read_plan(g, &p, file, d)) ||
        (rc = key_count(g, "train_images", 0, 1e9, &ntrain, file, d)) ||
        (rc = key_count(g, "test_images", 0, 1e9, &ntest, file, d)) ||
        (rc = read_set(g, "train", &p, ntrain, &nf->train, &nf->inputs, file, d)) ||
        (rc = read_set(g, "test", &p, ntest, &nf->test, &nf->inputs, file, d)))
        return rc;
    nf->nclasses = p.nclasses_list ? p.nclasses_list : p.ro.nclasses;
    for (size_t k = 0; k < nf->nclasses; k++)
        nf->classes[k] = p.nclasses_list ? p.classes[k] : (int)k;
    return OPSIN_OK;
}

/* The data sets, classes and data files of network file from (read with the same dataset
 * keys), shared by nf. */
static void share_data(opsin_netfile *nf, const opsin_netfile *from)
{
    nf->train = from->train;
    nf->test = from->test;
    nf->shared_data = 1;
    nf->nclasses = from->nclasses;
    memcpy(nf->classes, from->classes, sizeof nf->classes);
    for (size_t i = 0; i < from->inputs.n; i++)
        opsin_wsyn_input_add(&nf->inputs, from->inputs.path[i], from->inputs.config[i]);
}

/* The first layer against the pixels of both sets, the last against the classes. */
static int check_shape(const config_setting_t *root, const opsin_netfile *nf, const char *file,
                       opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(root, "layers");
    const opsin_dataset *sets[] = {nf->train, nf->test};
    const char *names[] = {"training", "test"};
    for (int k = 0; k < 2; k++) {
        size_t px = sets[k]->rows * sets[k]->cols;
        if (px != nf->sizes[0]) {
            opsin_diag_at(d, file, s, "the first layer has %zu inputs, but the %s images have "
                          "%zu x %zu = %zu pixels (expected %zu inputs, one per pixel after "
                          "the crop)", nf->sizes[0], names[k], sets[k]->rows, sets[k]->cols, px,
                          px);
            return OPSIN_EINVAL;
        }
    }
    size_t last = nf->sizes[nf->mlp.nsizes - 1];
    if (last != nf->nclasses) {
        opsin_diag_at(d, file, s, "the last layer has %zu outputs, but the data have %zu "
                      "classes (expected %zu outputs, one per class)", last, nf->nclasses,
                      nf->nclasses);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* ---- the synapse ------------------------------------------------------------------------- */

static int read_synapse(const config_setting_t *root, opsin_netfile *nf,
                        const opsin_wsyn_ctx *ctx, opsin_diag *d)
{
    const config_setting_t *g;
    const char *kind = "ideal";
    int rc = key_group(root, "synapse", "kind = \"ideal\";", &g, ctx->file, d);
    if (rc || (g && (rc = opsin_cfg_string(g, "kind", 1, &kind, ctx->file, d))))
        return rc;
    if (!(nf->kind = opsin_wsyn_find(kind))) {
        opsin_clip_buf clip;
        opsin_diag_at(d, ctx->file, config_setting_get_member(g, "kind"), "unknown synapse kind "
                      "'%s' (expected one of: %s)", opsin_clip(kind, &clip), opsin_wsyn_names());
        return OPSIN_EINVAL;
    }
    if (ctx->nset && nf->kind->type == &opsin_syn_ideal) {
        opsin_diag_set(d, NULL, 0, "--set %s: no key of the network file, and the ideal "
                       "synapse takes no settings (expected a key such as training.rate=0.05, "
                       "or a synapse kind that takes it)", ctx->set[0]);
        return OPSIN_EINVAL;
    }
    if (!g) /* the default, ideal, has no keys */
        return OPSIN_OK;
    return nf->kind->read(g, ctx, &nf->syn_params, d);
}

/* ---- --set NAME=VALUE on the file's own keys --------------------------------------------- */

/* Whether NAME of a --set belongs to the file: its first part is a top-level key (synapse
 * included: synapse.NL=3 edits the synapse group; a circuit component called `synapse`
 * cannot be set from the command line). */
static int own_key(const char *set)
{
    size_t n = strcspn(set, ".=");
    for (const char *const *k = top_keys; *k; k++)
        if (strlen(*k) == n && !strncmp(*k, set, n))
            return 1;
    return 0;
}

/* The type a --set value takes in the file: its own, but a float for an integer literal
 * libconfig 1.5 stored wrapped (4294967298 as 2), so that the key's range check sees the
 * number written (intlit.c). */
static int value_type(const config_setting_t *v)
{
    int t = config_setting_type(v);
    if ((t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) &&
        opsin_cfg_int_value(v) != (double)config_setting_get_int64(v))
        return CONFIG_TYPE_FLOAT;
    return t;
}

/* Copies the value of scalar or array/list src into dst (made of value_type(src); NULL when
 * it could not be made); -1 for a group, which a --set value cannot be. */
static int copy_value(config_setting_t *dst, const config_setting_t *src)
{
    if (dst && config_setting_type(dst) == CONFIG_TYPE_FLOAT &&
        config_setting_type(src) != CONFIG_TYPE_FLOAT) /* a wrapped integer literal */
        return !config_setting_set_float(dst, opsin_cfg_int_value(src));
    switch (dst ? config_setting_type(src) : CONFIG_TYPE_GROUP) {
    case CONFIG_TYPE_INT: return !config_setting_set_int(dst, config_setting_get_int(src));
    case CONFIG_TYPE_INT64: return !config_setting_set_int64(dst, config_setting_get_int64(src));
    case CONFIG_TYPE_FLOAT: return !config_setting_set_float(dst, config_setting_get_float(src));
    case CONFIG_TYPE_BOOL: return !config_setting_set_bool(dst, config_setting_get_bool(src));
    case CONFIG_TYPE_STRING:
        return !config_setting_set_string(dst, config_setting_get_string(src));
    case CONFIG_TYPE_GROUP: return -1;
    default:
        for (int i = 0; i < config_setting_length(src); i++) {
            const config_setting_t *e = config_setting_get_elem(src, (unsigned)i);
            if (copy_value(config_setting_add(dst, NULL, value_type(e)), e))
                return -1;
        }
        return 0;
    }
}

/* The key NAME of a --set NAME=VALUE in the file: its groups (made when missing), the key
 * itself replaced by an empty one of the value's type; NULL with the diag filled. */
static config_setting_t *set_target(config_t *cfg, const char *set, char *path, int type,
                                    opsin_diag *d)
{
    config_setting_t *g = config_root_setting(cfg);
    for (char *part = path, *dot;; part = dot + 1) {
        if ((dot = strchr(part, '.')))
            *dot = '\0';
        config_setting_t *m = config_setting_get_member(g, part);
        if (!dot && m)
            config_setting_remove(g, part);
        if (!dot || !m)
            m = config_setting_add(g, part, dot ? CONFIG_TYPE_GROUP : type);
        if (!m || (dot && !config_setting_is_group(m))) {
            opsin_diag_set(d, NULL, 0, "--set %s: '%s' is %s (expected a key of the network "
                           "file, e.g. training.rate)", set, part, m ? "no group" : "no key");
            return NULL;
        }
        if (!dot)
            return m;
        g = m;
    }
}

/* Applies one --set NAME=VALUE to the file's key NAME. */
static int apply_set(config_t *cfg, const char *set, opsin_diag *d)
{
    const char *eq = strchr(set, '=');
    char path[256], text[1024];
    if (!eq || eq == set || (size_t)(eq - set) >= sizeof path) {
        opsin_diag_set(d, NULL, 0, "--set %s: no NAME=VALUE (expected e.g. --set "
                       "training.rate=0.05)", set);
        return OPSIN_EINVAL;
    }
    snprintf(path, sizeof path, "%.*s", (int)(eq - set), set);
    snprintf(text, sizeof text, "v = %s;", eq + 1);
    config_t val;
    config_init(&val);
    const config_setting_t *v = config_read_string(&val, text) == CONFIG_TRUE &&
                                        opsin_cfg_track_ints(&val, text, NULL) == OPSIN_OK
                                    ? config_lookup(&val, "v") : NULL;
    config_setting_t *key = NULL;
    int rc = OPSIN_OK;
    if (v && !config_setting_is_group(v) &&
        !(key = set_target(cfg, set, path, value_type(v), d))) {
        rc = OPSIN_EINVAL; /* set_target said why */
    } else if (!v || config_setting_is_group(v) || copy_value(key, v)) {
        opsin_diag_set(d, NULL, 0, "--set %s: '%s' is no value of a network file key (expected "
                       "a number, a \"string\" in its quotes as in --set 'hidden=\"relu\"', "
                       "true/false or a list such as [0.1, 0.05])", set, eq + 1);
        rc = OPSIN_EINVAL;
    }
    config_destroy(&val);
    return rc;
}

/* ---- the file ---------------------------------------------------------------------------- */

static int read_all(opsin_netfile *nf, const char *path, const opsin_netfile_opts *o,
                    opsin_diag *d)
{
    int rc = opsin_cfg_read(&nf->cfg, path, d);
    if (rc)
        return rc;
    const char *kind_set[64];
    size_t nkind = 0;
    for (size_t i = 0; i < o->nset; i++)
        if (own_key(o->set[i]))
            rc = rc ? rc : apply_set(&nf->cfg, o->set[i], d);
        else if (nkind < sizeof kind_set / sizeof kind_set[0])
            kind_set[nkind++] = o->set[i];
    const config_setting_t *root = config_root_setting(&nf->cfg);
    opsin_wsyn_ctx ctx = {path, nkind, kind_set, 0, o->jobs > 0 ? o->jobs : 1, o->warnings,
                          o->check, &nf->inputs};
    nf->mlp = opsin_mlp_default_spec();
    nf->optim = opsin_optim_default_spec();
    if (rc || (rc = opsin_cfg_known_keys(root, top_keys, "key", path, d)) ||
        (rc = read_layers(root, nf, path, d)) || (rc = read_network(root, nf, path, d)) ||
        (rc = read_training(root, nf, path, d)))
        return rc;
    ctx.seed = nf->seed;
    /* the data before the synapse: a device kind may run its device for seconds */
    if (o->data)
        share_data(nf, o->data);
    else if ((rc = read_data(root, nf, path, d)))
        return rc;
    if ((rc = check_shape(root, nf, path, d)))
        return rc;
    return read_synapse(root, nf, &ctx, d);
}

int opsin_netfile_read(const char *path, const opsin_netfile_opts *o, opsin_netfile **out,
                       opsin_diag *diag)
{
    opsin_netfile *nf = calloc(1, sizeof *nf);
    if (!nf) {
        opsin_diag_oom(diag, path, "reading the network file");
        return OPSIN_ENOMEM;
    }
    config_init(&nf->cfg);
    int rc = read_all(nf, path, o, diag);
    if (rc) {
        opsin_netfile_free(nf);
        return rc;
    }
    *out = nf;
    return OPSIN_OK;
}

void opsin_netfile_free(opsin_netfile *nf)
{
    if (!nf)
        return;
    if (nf->kind && nf->kind->free_params && nf->syn_params)
        nf->kind->free_params(nf->syn_params);
    if (!nf->shared_data) {
        opsin_dataset_free(nf->train);
        opsin_dataset_free(nf->test);
    }
    config_destroy(&nf->cfg);
    free(nf);
}
