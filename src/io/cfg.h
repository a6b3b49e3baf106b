/* cfg.h: typed, line-aware reading of libconfig settings shared by the circuit and stimulus
 * readers.  Every failing call fills diag with "FILE:LINE: message (expected ...)". */
#ifndef OPSIN_CFG_H
#define OPSIN_CFG_H

#include <libconfig.h>

#include "core.h"
#include "io/table.h"

/* Fills diag with "FILE:LINE: message" for setting s: FILE is the file s was read from (an
 * @include'd one, or `file`), LINE its line. */
void opsin_diag_at(opsin_diag *d, const char *file, const config_setting_t *s, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

/* Reads and parses a libconfig file; on failure fills diag (unreadable file or syntax). */
int opsin_cfg_read(config_t *cfg, const char *path, opsin_diag *d);

/* Calls visit for every file the libconfig file at path @includes, directly or through
 * others, in the order libconfig reads them (the path as opened; a loop or a file that is not
 * there ends the walk quietly: reading the file says why). */
void opsin_cfg_includes(const char *path, void (*visit)(void *ctx, const char *path),
                        void *ctx);

/* Parses libconfig text held in memory; `name` stands for the file in messages. */
int opsin_cfg_read_string(config_t *cfg, const char *text, const char *name, opsin_diag *d);

/* After parsing into cfg the text (or, text NULL, the file at path): finds the integer
 * literals libconfig stored wrapped (see intlit.c), for opsin_cfg_int_value; ENOMEM. */
int opsin_cfg_track_ints(config_t *cfg, const char *text, const char *path);
/* The value an integer setting has in its file (libconfig 1.5 wraps 4000000000 to a
 * negative int). */
double opsin_cfg_int_value(const config_setting_t *s);

/* Number (int, float or a string with a unit of SI unit `unit`); "open" -> +inf when
 * allow_open. */
int opsin_cfg_number(const config_setting_t *s, const char *unit, int allow_open, double *out,
                     const char *file, opsin_diag *d);


/* A parameter: a number as above, then checked against the definition's bounds. */
int opsin_cfg_param(const config_setting_t *s, const opsin_param_def *pd, double *out,
                    const char *file, opsin_diag *d);

/* The same, and a warning in w ("FILE:LINE: warning: ...") when the value lies far outside
 * the definition's usual range (opsin_param_usual). */
int opsin_cfg_param_warn(const config_setting_t *s, const opsin_param_def *pd, double *out,
                         const char *file, opsin_warnings *w, opsin_diag *d);

/* Required or optional string member of a group (*out = NULL when optional and absent). */
int opsin_cfg_string(const config_setting_t *group, const char *name, int required,
                     const char **out, const char *file, opsin_diag *d);

/* Fails on a member whose name is not in the NULL-terminated list `allowed`. */
int opsin_cfg_known_keys(const config_setting_t *group, const char *const *allowed,
                         const char *what, const char *file, opsin_diag *d);

/* A boolean member (true or false). */
int opsin_cfg_bool(const config_setting_t *s, int *out, const char *file, opsin_diag *d);

/* Checks an id: 1 to OPSIN_ID_MAX - 1 characters, none of them '.', ',', '=', blanks or one
 * of `extra` ("bad id 'ID' (expected ...)" at s). */
int opsin_cfg_id(const char *id, const char *extra, const config_setting_t *s, const char *file,
                 opsin_diag *d);

/* name relative to the directory of `file` (as libconfig takes an @include), into buf; an
 * absolute name as it is. */
const char *opsin_cfg_relative(const char *file, const char *name, char *buf, size_t len);

/* Opens the CSV file named by string setting s of `file` (relative to its directory), its
 * path into path (len bytes); a file that cannot be opened is reported at s. */
int opsin_cfg_csv_open(const config_setting_t *s, const char *file, opsin_csv *r, char *path,
                       size_t len, opsin_diag *d);

/* Reads the optional list setting `list` of groups (a `what` each, `example` one of them in
 * messages) into a fresh array *items of zeroed elements of `size` bytes, one `read` call per
 * group; *n counts the elements handed to `read` (so that a failure frees them all). */
typedef int (*opsin_cfg_item_fn)(const config_setting_t *g, void *item, void *ctx,
                                 opsin_diag *d);
int opsin_cfg_list(const config_setting_t *list, const char *file, const char *what,
                   const char *example, size_t size, void **items, size_t *n,
                   opsin_cfg_item_fn read, void *ctx, opsin_diag *d);

/* A quantity of definition pd that may vary over a population's members: a plain value
 * (OPSIN_DIST_CONST, checked and warned about as opsin_cfg_param_warn does) or a group
 * { dist = "uniform"; min; max; } | { dist = "normal"; mean; sd; } | { dist = "linear";
 * from; to; }, every end and mean within pd's bounds (named NAME.min, ...), sd >= 0 and
 * min <= max. */
int opsin_cfg_dist(const config_setting_t *s, const opsin_param_def *pd, opsin_dist *out,
                   const char *file, opsin_warnings *w, opsin_diag *d);

/* Reads the optional top-level t_end (s) of a circuit or stimulus file; 0 when absent. */
int opsin_read_t_end(const config_t *cfg, const char *file, double *t_end, opsin_diag *d);

/* ---- shared by circuit.c and array.c ---- */

/* Sets id, model, line and default parameters of a fresh component definition. */
int opsin_compdef_init(opsin_compdef *cd, const char *id, const opsin_model *m, int line);
/* Reads the members of g (except the NULL-terminated `skip` names) as parameters of cd's
 * model; a reference parameter (lif `input`) goes to *input_name, or is an error when
 * input_name is NULL.  Values far outside their usual range add warnings to w. */
int opsin_params_read(const config_setting_t *g, const char *file, opsin_compdef *cd,
                      const char *const *skip, const char **input_name, opsin_warnings *w,
                      opsin_diag *d);
/* Required parameters present and the model's cross-checks pass.  A failed cross-check is
 * "WHAT 'ID': why", WHAT "component" or, with _as, what cd stands for ("the device synapses
 * of projection"): the message is composed here, never patched afterwards. */
int opsin_params_check(opsin_compdef *cd, const char *file, opsin_diag *d);
int opsin_params_check_as(opsin_compdef *cd, const char *file, const char *what, opsin_diag *d);
/* Reads `materials` and then `arrays`, appending the cells to c->comps. */
int opsin_materials_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d);
int opsin_arrays_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d);

/* The model named by member `model` of group g (required); NULL with "unknown model ..."
 * (expected the list of models). */
const opsin_model *opsin_cfg_model(const config_setting_t *g, const char *file, opsin_diag *d);

/* ---- networks (net_read.c) ---- */

/* Reads `populations`, then `projections` (after the components, materials and arrays, whose
 * ids a population may not take). */
int opsin_populations_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d);
int opsin_projections_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d);
/* The `device` group g of projection pj (engine/devsyn.c) into pj->dev. */
int opsin_devsyn_read(const config_setting_t *g, opsin_circuit *c, opsin_projdef *pj,
                      opsin_diag *d);
/* "all_to_all", ... for an enum opsin_proj_rule. */
const char *opsin_proj_rule_name(int rule);
/* "delta", "exp" or "cond" for an enum opsin_syn_kind. */
const char *opsin_synapse_name(int synapse);
/* The definition of a weight onto synapses of kind `synapse`: V (delta), A (exp) or S (cond,
 * at least 0), and an example value ("0.1 mV", ...). */
opsin_param_def opsin_weight_def(int synapse);
const char *opsin_weight_example(int synapse);
/* A weight, value or distribution, onto population `pop` of synapse kind `synapse`; a value
 * of the other kind's unit is refused with the reason. */
int opsin_weight_read(const config_setting_t *s, int synapse, const char *pop, opsin_dist *out,
                      const char *file, opsin_warnings *w, opsin_diag *d);
/* E_rev (V) of group g, an input (`what`: "projection a -> b", "spike source 'x'") into
 * population `pop` of synapse kind `synapse`: required into cond synapses, refused into the
 * others (*out = 0 there). */
int opsin_e_rev_read(const config_setting_t *g, int synapse, const char *pop, const char *what,
                     double *out, const char *file, opsin_warnings *w, opsin_diag *d);

/* Reads `spike_sources` of a stimulus file into st (after its sources, whose ids they
 * share), against the populations of c. */
int opsin_spikesrcs_read(const config_setting_t *list, opsin_stimulus *st,
                         const opsin_circuit *c, opsin_diag *d);

/* Line of a setting, or of its parent when libconfig has none. */
int opsin_cfg_line(const config_setting_t *s);

#endif
