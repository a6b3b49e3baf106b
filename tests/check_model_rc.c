/* check_model_rc.c: a model added by one file (tests/model_rc.c) and one registry line
 * (OPSIN_EXTRA_MODELS, tests/Makefile.inc) is a full model: in the catalogue with its
 * parameters, parsed, validated and probed from its tables, run against its closed form.
 * Also: the registry's tables are consistent, the spiking predicate, and SUNDIALS's own
 * message reaching the diagnostic (not stderr) when the integrator fails. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "testutil.h"

#define REL 1e-6 /* closed-form agreement required of every model */

static const char rc_circuit[] =
    "components = ({ id = \"c\"; model = \"rc\"; C = \"1 nF\"; R = \"1 Mohm\"; E = \"-65 mV\"; });\n"
    "probes = [\"c.V\", \"c.i_R\", \"c.pulses\"];\nsolver = { rtol = 1e-10; };\n";
static const char rc_stimulus[] =
    "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"c\"]; start = \"1 ms\";\n"
    "  width = \"5 ms\"; amplitude = \"20 nA\"; });\n";

/* Loads circuit text; the status, with the message in d. */
static int load_text(const char *text, opsin_circuit **c, opsin_diag *d)
{
    const char *path = tu_write_temp(0, text);
    int rc = opsin_circuit_load(path, c, d);
    unlink(path);
    return rc;
}

/* The catalogue line of parameter `name` in a model's description, or NULL. */
static const char *param_line(const char *text, const char *name)
{
    char want[64];
    snprintf(want, sizeof want, "\n  %s ", name);
    const char *p = strstr(strstr(text, "\nparameters:"), want);
    return p ? p + 1 : NULL;
}

/* The model is listed last and described with every parameter's unit, default and meaning. */
START_TEST(test_catalogue)
{
    size_t n = opsin_model_count();
    ck_assert_str_eq(opsin_model_name(n - 1), "rc");
    ck_assert_ptr_nonnull(opsin_model_find("lif"));
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    ck_assert_int_eq(opsin_model_describe("rc", fp), OPSIN_OK);
    fclose(fp);
    ck_assert_ptr_nonnull(strstr(text, "rc: test model: linear RC membrane"));
    static const char *const want[][4] = {{"C", "F", "1e-09", "membrane capacitance"},
                                          {"R", "ohm", "1e+06", "membrane resistance"},
                                          {"E", "V", "0", "resting potential"}};
    for (size_t i = 0; i < 3; i++) {
        const char *line = param_line(text, want[i][0]);
        char name[32], unit[32], def[32];
        ck_assert_msg(line && sscanf(line, "%31s %31s %31s", name, unit, def) == 3, "%s", text);
        ck_assert_str_eq(unit, want[i][1]);
        ck_assert_str_eq(def, want[i][2]);
        ck_assert_ptr_nonnull(strstr(line, want[i][3]));
    }
    ck_assert_ptr_nonnull(strstr(text, "pulses"));
    ck_assert_ptr_nonnull(strstr(text, "drive accepted: current"));
    free(text);
}
END_TEST

/* V = E + I R (1 - exp(-(t - t0)/tau)) in the pulse, exponential return after it; the pulse
 * count kept in the model's private state; the source's energy I int V dt. */
START_TEST(test_closed_form)
{
    const double C = 1e-9, R = 1e6, E = -65e-3, I = 20e-9, t0 = 1e-3, w = 5e-3, tau = R * C;
    const double v_end = I * R * (1 - exp(-w / tau));
    trace tr;
    tu_run(&tr, rc_circuit, rc_stimulus, 12e-3, 0.05e-3, NULL, NULL);
    ck_assert_uint_eq(tr.ncols, 3);
    size_t checked = 0;
    for (size_t i = 0; i < tr.nrows; i++) {
        double t = tr.t[i], v = tr.v[3 * i], want = E;
        if (i + 1 < tr.nrows && tr.t[i + 1] == t)
            continue; /* left side of an edge: the right side is checked */
        if (t > t0 + w)
            want = E + v_end * exp(-(t - t0 - w) / tau);
        else if (t > t0)
            want = E + I * R * (1 - exp(-(t - t0) / tau));
        ck_assert_msg(fabs(v - want) <= REL * fabs(want), "t=%g: %.12g vs %.12g", t, v, want);
        ck_assert_double_eq_tol(tr.v[3 * i + 1], (v - E) / R, 1e-12 * I);
        checked++;
    }
    ck_assert_uint_gt(checked, 200);
    ck_assert_double_eq(tu_before(&tr, 2, t0), 0.0);
    ck_assert_double_eq(tu_at(&tr, 2, t0), 1.0);
    ck_assert_double_eq(tu_at(&tr, 2, 12e-3), 1.0);
    double energy = I * (E * w + I * R * (w - tau * (1 - exp(-w / tau))));
    ck_assert_uint_eq(tr.nenergy, 1);
    ck_assert_msg(fabs(tr.energy[0] - energy) <= REL * fabs(energy), "%.12g vs %.12g",
                  tr.energy[0], energy);
    tu_free(&tr);
}
END_TEST

/* Parsing and validation come from the parameter table; probes from the output table; the
 * model does not spike, so it cannot drive a connection. */
static const struct {
    const char *circuit, *msg;
} refused[] = {
    {"components = ({ id = \"c\"; model = \"rc\"; R = -1; });\n", "R = -1 ohm is out of range (expected > 0 ohm)"},
    {"components = ({ id = \"c\"; model = \"rc\"; C = 0; });\n", "C = 0 F is out of range (expected > 0 F)"},
    {"components = ({ id = \"c\"; model = \"rc\"; Q = 1; });\n", "'Q'"},
    {"components = ({ id = \"c\"; model = \"rc\"; });\nprobes = [\"c.I\"];\n",
     "component 'c' (model rc) has no output 'I' (expected one of: V, i_R, pulses)"},
    {"components = ({ id = \"a\"; model = \"rc\"; }, { id = \"b\"; model = \"rc\"; });\n"
     "connections = ({ from = \"a\"; to = \"b\"; amplitude = \"1 nA\"; width = \"1 ms\"; });\n",
     "does not spike"},
};

START_TEST(test_tables_validate)
{
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    ck_assert_int_eq(load_text(refused[_i].circuit, &c, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, refused[_i].msg), "%s", d.msg);
}
END_TEST

/* A good circuit: units of the probes from the output table, defaults from the parameters. */
START_TEST(test_tables_accept)
{
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    ck_assert_msg(load_text(rc_circuit, &c, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_str_eq(opsin_circuit_output_unit(c, "c.i_R"), "A");
    ck_assert_str_eq(opsin_circuit_output_unit(c, "c."), "V");
    ck_assert_int_eq(opsin_circuit_set(c, "c.R", "2 kohm", &d), OPSIN_OK);
    ck_assert_double_eq(c->comps[0].p[opsin_model_param_index(c->comps[0].model, "R")], 2e3);
    opsin_circuit_free(c);
}
END_TEST

/* One predicate decides who spikes. */
START_TEST(test_spikes)
{
    ck_assert_int_eq(opsin_model_spikes(opsin_model_find("lif")), 1);
    ck_assert_int_eq(opsin_model_spikes(opsin_model_find("supercap")), 0);
    ck_assert_int_eq(opsin_model_spikes(opsin_model_find("rc")), 0);
}
END_TEST

/* What the engine relies on, for every registered model: names unique, the functions it
 * calls present, root functions together with their handler. */
START_TEST(test_registry_consistent)
{
    for (size_t i = 0; i < opsin_model_count(); i++) {
        const opsin_model *m = opsin_model_at(i);
        ck_assert_msg(m->name[0] && opsin_model_find(m->name) == m, "model %zu", i);
        ck_assert_msg(m->summary && m->equations && m->params && m->nstates && m->states &&
                      m->noutputs && m->outputs, "%s: tables", m->name);
        ck_assert_msg(m->init && m->rhs && m->output, "%s: functions", m->name);
        ck_assert_msg((m->nroots > 0) == (m->roots != NULL) &&
                      (m->nroots > 0) == (m->on_root != NULL) &&
                      (m->on_root != NULL) == (m->on_wake != NULL), "%s: roots", m->name);
        ck_assert_msg(m->port == OPSIN_PORT_NONE || m->port_value, "%s: port", m->name);
        for (size_t k = 0; k < m->nparams; k++)
            ck_assert_int_eq(opsin_model_param_index(m, m->params[k].name), (int)k);
        for (size_t k = 0; k < m->noutputs; k++)
            ck_assert_int_eq(opsin_model_output_index(m, m->outputs[k].name), (int)k);
    }
}
END_TEST

/* An infinite derivative at a restart: ESOLVER naming the island's component, with SUNDIALS's
 * own message in the diagnostic, and nothing printed by SUNDIALS on stderr. */
START_TEST(test_solver_failure_message)
{
    static const char circuit[] =
        "components = ({ id = \"c\"; model = \"rc\"; C = 1e-300; });\n";
    static const char stimulus[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"c\"]; start = \"1 ms\";\n"
        "  width = \"1 ms\"; amplitude = 1e300; });\n";
    opsin_circuit *c = NULL;
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    opsin_diag d = {""};
    ck_assert_msg(load_text(circuit, &c, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_stimulus_parse(stimulus, "stim", c, &s, &d) == OPSIN_OK, "%s", d.msg);
    opsin_run_opts o = opsin_run_opts_default(c, s);
    o.t_end = 5e-3;
    ck_assert_msg(opsin_sim_new(c, s, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    FILE *err = tmpfile();
    int saved = dup(STDERR_FILENO);
    ck_assert(err && saved >= 0 && dup2(fileno(err), STDERR_FILENO) >= 0);
    opsin_sink sink = {NULL, NULL, NULL, NULL, NULL};
    int rc = opsin_sim_run(sim, &sink, &d);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    ck_assert_int_eq(rc, OPSIN_ESOLVER);
    ck_assert_msg(strstr(d.msg, "integrator failure in the island of 'c' (rc) at t = 0.001 s "
                             "(CVode, flag ") && strstr(d.msg, ", CVode: "), "%s", d.msg);
    ck_assert_int_eq(fseek(err, 0, SEEK_END), 0);
    ck_assert_int_eq(ftell(err), 0);
    fclose(err);
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}
END_TEST

static Suite *model_rc_suite(void)
{
    Suite *s = suite_create("model_rc");
    TCase *tc = tcase_create("rc");
    tcase_add_test(tc, test_catalogue);
    tcase_add_test(tc, test_closed_form);
    tcase_add_loop_test(tc, test_tables_validate, 0, (int)OPSIN_COUNT(refused));
    tcase_add_test(tc, test_tables_accept);
    tcase_add_test(tc, test_spikes);
    tcase_add_test(tc, test_registry_consistent);
    tcase_add_test(tc, test_solver_failure_message);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(model_rc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
