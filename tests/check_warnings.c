/* check_warnings.c: the warning channel: values far outside their usual range (with the unit
 * they probably lacked), and runs in which a source, a drive or a probe does nothing, kept by
 * the circuit, the stimulus and the simulation for the caller to print. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "testutil.h"

/* The warning lines of a circuit, a stimulus or a sim, joined by newlines. */
static void joined(const char *(*at)(const void *, size_t), const void *obj, char *buf,
                   size_t len)
{
    const char *line;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; (line = at(obj, i)) && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s\n", line);
}

static const char *circuit_at(const void *c, size_t i)
{
    return opsin_circuit_warning(c, i);
}

static const char *stimulus_at(const void *s, size_t i)
{
    return opsin_stimulus_warning(s, i);
}

static const char *sim_at(const void *s, size_t i)
{
    return opsin_sim_warning(s, i);
}

/* ---- usual ranges ------------------------------------------------------------------------ */

/* A plain number is SI: C_m = 100 is 100 F, a warning at its line with the prefix that fits;
 * copies keep the warning; a sensible file has none. */
START_TEST(test_circuit_plain_number)
{
    opsin_circuit *c = tu_circuit("# a neuron\n"
                                    "components = ({ id = \"n\"; model = \"lif\";\n"
                                    "  C_m = 100; G_L = \"10 nS\"; });\n");
    ck_assert_uint_eq(opsin_circuit_nwarnings(c), 1);
    const char *w = opsin_circuit_warning(c, 0), *colon = strchr(w, ':');
    ck_assert_str_eq(colon, ":3: warning: C_m = 100 F is far outside the usual 1 pF .. 10 uF: "
                            "did you mean \"100 pF\"?");
    ck_assert_ptr_null(opsin_circuit_warning(c, 1));
    opsin_circuit *copy = NULL;
    ck_assert_int_eq(opsin_circuit_copy(c, &copy), OPSIN_OK);
    ck_assert_uint_eq(opsin_circuit_nwarnings(copy), 1);
    ck_assert_str_eq(opsin_circuit_warning(copy, 0), w);
    opsin_circuit_free(copy);
    opsin_circuit_free(c);
    c = tu_circuit("components = ({ id = \"n\"; model = \"lif\"; C_m = \"100 pF\"; });\n");
    ck_assert_uint_eq(opsin_circuit_nwarnings(c), 0);
    opsin_circuit_free(c);
}
END_TEST

/* --set goes through the same check; its warning says where it came from. */
START_TEST(test_set_warns)
{
    opsin_circuit *c = tu_circuit("components = ({ id = \"syn\"; model = \"supercap\"; });\n");
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_circuit_assign(c, "syn.R_d=1e15", &d), OPSIN_OK);
    ck_assert_int_eq(opsin_circuit_assign(c, "syn.R_reg=7kohm", &d), OPSIN_OK);
    ck_assert_int_eq(opsin_circuit_assign(c, "syn.C1=1e5", &d), OPSIN_OK);
    char all[2048];
    joined(circuit_at, c, all, sizeof all);
    ck_assert_str_eq(all, "warning: --set syn.R_d = 1e+15 ohm is far outside the usual 1 mohm .. "
                          "1 Gohm (expected a value in that range, with its unit)\n"
                          "warning: --set syn.C1 = 100000 F is far outside the usual 1 nF .. 1 F: "
                          "did you mean \"100000 nF\"?\n");
    opsin_circuit_free(c);
}
END_TEST

/* Stimulus levels by their kind's range: 20 A of current, a wavelength of 445 m. */
START_TEST(test_stimulus_levels)
{
    opsin_circuit *c = tu_circuit("components = ({ id = \"syn\"; model = \"supercap\"; },\n"
                                    "  { id = \"dev\"; model = \"phototrap\"; });\n");
    opsin_stimulus *s = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_stimulus_parse(
                      "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"];\n"
                      "  start = \"1 ms\"; width = \"1 ms\"; amplitude = 20; },\n"
                      "  { id = \"L\"; kind = \"optical\"; targets = [\"dev\"];\n"
                      "  wavelength = 445; start = 0; width = \"1 ms\"; irradiance = 10; });\n",
                      "stim", c, &s, &d) == OPSIN_OK, "%s", d.msg);
    char all[2048];
    joined(stimulus_at, s, all, sizeof all);
    ck_assert_str_eq(all, "stim:2: warning: amplitude = 20 A is far outside the usual 1 pA .. "
                          "10 mA in magnitude: did you mean \"20 uA\"?\n"
                          "stim:4: warning: wavelength = 445 m is far outside the usual 100 nm "
                          ".. 10 um: did you mean \"445 nm\"?\n");
    opsin_stimulus *copy = NULL;
    ck_assert_int_eq(opsin_stimulus_copy(s, &copy), OPSIN_OK);
    ck_assert_uint_eq(opsin_stimulus_nwarnings(copy), 2);
    opsin_stimulus_free(copy);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}
END_TEST

/* Every model parameter with a usual range: its default inside it; a value 1e4 times above
 * (or below) warns and the spelling it suggests parses back into the range; a value at either
 * end, 0 and open do not warn. */
START_TEST(test_every_range)
{
    size_t ranged = 0, suggested = 0;
    for (size_t m = 0; m < opsin_model_count(); m++) {
        const opsin_model *md = opsin_model_at(m);
        for (size_t k = 0; k < md->nparams; k++) {
            const opsin_param_def *pd = &md->params[k];
            char msg[640];
            if (!(pd->hi > 0))
                continue;
            ranged++;
            ck_assert_msg(pd->lo >= 0 && pd->lo < pd->hi, "%s.%s", md->name, pd->name);
            ck_assert_msg(pd->def == 0 || !isfinite(pd->def) ||
                          (fabs(pd->def) >= pd->lo && fabs(pd->def) <= pd->hi),
                          "%s.%s: default %g outside %g .. %g", md->name, pd->name, pd->def,
                          pd->lo, pd->hi);
            ck_assert_int_eq(opsin_param_usual(pd, pd->hi, pd->hi, msg, sizeof msg), 0);
            ck_assert_int_eq(opsin_param_usual(pd, 0, 0, msg, sizeof msg), 0);
            ck_assert_int_eq(opsin_param_usual(pd, INFINITY, 0, msg, sizeof msg), 0);
            if (pd->lo > 0)
                ck_assert_int_eq(opsin_param_usual(pd, pd->lo, pd->lo, msg, sizeof msg), 0);
            /* far above, far below, and a plain 100 where that is implausible */
            double cases[3] = {pd->hi * 1e4, pd->lo > 0 ? pd->lo * 1e-4 : 0,
                               100 > pd->hi * 1e3 ? 100 : 0};
            for (size_t i = 0; i < 3; i++) {
                double v = cases[i], back;
                if (v == 0)
                    continue;
                ck_assert_msg(opsin_param_usual(pd, v, v, msg, sizeof msg) == 1, "%s.%s = %g",
                              md->name, pd->name, v);
                ck_assert_msg(strncmp(msg, pd->name, strlen(pd->name)) == 0, "%s", msg);
                const char *fix = strstr(msg, "did you mean \"");
                if (!fix)
                    continue;
                char text[64];
                opsin_diag d;
                snprintf(text, sizeof text, "%.*s", (int)strcspn(fix + 14, "\""), fix + 14);
                ck_assert_msg(opsin_units_parse(text, pd->unit, &back, &d) == OPSIN_OK,
                              "%s: %s", msg, d.msg);
                ck_assert_msg(back >= pd->lo && back <= pd->hi, "%s: %g", msg, back);
                suggested++;
            }
        }
    }
    ck_assert_uint_ge(ranged, 30);
    ck_assert_uint_ge(suggested, 20);
}
END_TEST

/* Formatting and suggesting: the prefix that leaves 1 to 999, and the spelling nearest the
 * typical value. */
START_TEST(test_units_spelling)
{
    char buf[64];
    opsin_units_format(1e-12, "F", buf, sizeof buf);
    ck_assert_str_eq(buf, "1 pF");
    opsin_units_format(7000, "ohm", buf, sizeof buf);
    ck_assert_str_eq(buf, "7 kohm");
    opsin_units_format(1e-14, "m2", buf, sizeof buf); /* m2 takes no prefix */
    ck_assert_str_eq(buf, "1e-14 m2");
    ck_assert_int_eq(opsin_units_suggest(100, "F", 1e-12, 1e-5, 1e-10, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "100 pF");
    ck_assert_int_eq(opsin_units_suggest(100, "F", 1e-12, 1e-5, 1e-7, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "100 nF");
    ck_assert_int_eq(opsin_units_suggest(100, "m2", 1e-14, 1e-2, 1e-10, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "100 um2");
    ck_assert_int_eq(opsin_units_suggest(5, "1/(V s)", 1e-12, 1, 1e-3, buf, sizeof buf), -1);
}
END_TEST

/* ---- runs that do nothing -------------------------------------------------------------- */

/* The warnings of a run of circuit and stimulus text to t_end, joined; the run must succeed. */
static void run_warnings(const char *circuit, const char *stimulus, double t_end, char *buf,
                         size_t len)
{
    opsin_circuit *c = tu_circuit(circuit);
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    opsin_diag d = {""};
    if (stimulus)
        ck_assert_msg(opsin_stimulus_parse(stimulus, "stim", c, &s, &d) == OPSIN_OK, "%s",
                      d.msg);
    opsin_run_opts o = opsin_run_opts_default(c, s);
    o.t_end = t_end;
    ck_assert_msg(opsin_sim_new(c, s, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    opsin_sink sink = {NULL, NULL, NULL, NULL, NULL};
    ck_assert_msg(opsin_sim_run(sim, &sink, &d) == OPSIN_OK, "%s", d.msg);
    joined(sim_at, sim, buf, len);
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}

static const char supercap[] = "components = ({ id = \"syn\"; model = \"supercap\"; });\n";

/* No stimulus, no connections, nothing moves: said once, with the still probe. */
START_TEST(test_nothing_drives)
{
    char w[2048];
    run_warnings(supercap, NULL, 1e-3, w, sizeof w);
    ck_assert_str_eq(w, "warning: nothing drives 'syn' (supercap): no stimulus file and no "
                        "connections, so only the initial state evolves\n"
                        "warning: probe 'syn.v' stays at 0 V for the whole run\n");
}
END_TEST

/* A neuron that fires by itself (E_L above V_th) needs no drive: no warning at all. */
START_TEST(test_oscillator_is_not_idle)
{
    char w[2048];
    run_warnings("components = ({ id = \"n\"; model = \"lif\"; E_L = \"1 V\"; });\n", NULL, 0.1,
                 w, sizeof w);
    ck_assert_str_eq(w, "");
}
END_TEST

/* Of two devices, the one no drive reaches stays where it is: expected while the other moves,
 * so nothing is said; a device reached through `input` is not a bystander. */
START_TEST(test_bystander)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"a\"];\n"
        "  start = \"1 ms\"; width = \"1 ms\"; amplitude = \"1 mA\"; });\n";
    char w[2048];
    run_warnings("components = ({ id = \"a\"; model = \"supercap\"; },\n"
                 "  { id = \"b\"; model = \"supercap\"; });\n", stim, 10e-3, w, sizeof w);
    ck_assert_str_eq(w, "");
    run_warnings("components = ({ id = \"a\"; model = \"supercap\"; },\n"
                 "  { id = \"n\"; model = \"lif\"; input = \"a\"; G_in = \"1 nS\"; });\n"
                 "probes = [\"a.v\", \"n.I_syn\", \"n.V\"];\n", stim, 10e-3, w, sizeof w);
    ck_assert_str_eq(w, "");
    run_warnings("components = ({ id = \"a\"; model = \"supercap\"; },\n"
                 "  { id = \"n\"; model = \"lif\"; input = \"a\"; });\n"
                 "probes = [\"a.v\", \"n.V\"];\n", stim, 10e-3, w, sizeof w);
    ck_assert_str_eq(w, "warning: probe 'n.V' stays at 0 V for the whole run\n");
}
END_TEST

/* Pulses that all start after t_end do nothing, and the probe shows it. */
START_TEST(test_pulses_after_end)
{
    char w[2048];
    run_warnings(supercap,
                 "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"];\n"
                 "  start = \"20 ms\"; width = \"1 ms\"; amplitude = \"1 mA\"; });\n",
                 10e-3, w, sizeof w);
    ck_assert_str_eq(w, "warning: source 'I' does nothing in this run: its first pulse starts "
                        "at 0.02 s, at or after t_end = 0.01 s\n"
                        "warning: probe 'syn.v' stays at 0 V for the whole run\n");
}
END_TEST

/* All-zero pulses drive nothing. */
START_TEST(test_zero_amplitude)
{
    char w[2048];
    run_warnings(supercap,
                 "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"];\n"
                 "  start = \"1 ms\"; width = \"1 ms\"; amplitude = 0; });\n",
                 10e-3, w, sizeof w);
    ck_assert_msg(strstr(w, "warning: source 'I' does nothing in this run: every pulse before "
                            "t_end has amplitude 0\n") == w, "%s", w);
}
END_TEST

static const char gate[] =
    "sources = ({ id = \"gate\"; kind = \"voltage\"; targets = [\"dev\"];\n"
    "  start = \"1 ms\"; width = \"1 ms\"; amplitude = \"5 V\"; });\n";

/* A gate pulse on a phototrap with no erase, depression or write path: the model's hook says
 * why; with an erase path the same pulse acts and nothing is said about it. */
START_TEST(test_phototrap_gate)
{
    char w[2048];
    run_warnings("components = ({ id = \"dev\"; model = \"phototrap\"; x0 = 0.5; });\n", gate,
                 10e-3, w, sizeof w);
    ck_assert_str_eq(w, "warning: source 'gate' changes nothing in 'dev' (phototrap): k_e = k_d "
                        "= k_p = 0: no erase, depression or electrical write path\n"
                        "warning: probe 'dev.G' stays at 51 nS for the whole run\n");
    run_warnings("components = ({ id = \"dev\"; model = \"phototrap\"; x0 = 0.5;\n"
                 "  k_e = 100; V_e = \"10 V\"; });\n", gate, 10e-3, w, sizeof w);
    ck_assert_str_eq(w, "warning: source 'gate' changes nothing in 'dev' (phototrap): its "
                        "voltage, 0 V .. 5 V, reaches no path (erase above V_e = 10 V)\n"
                        "warning: probe 'dev.G' stays at 51 nS for the whole run\n");
    run_warnings("components = ({ id = \"dev\"; model = \"phototrap\"; x0 = 0.5;\n"
                 "  k_e = 100; V_e = \"1 V\"; });\n", gate, 10e-3, w, sizeof w);
    ck_assert_str_eq(w, "");
}
END_TEST

/* Light on a phototrap that neither writes nor resets. */
START_TEST(test_phototrap_dark)
{
    char w[2048];
    run_warnings("components = ({ id = \"dev\"; model = \"phototrap\"; sigma = 0; });\n",
                 "sources = ({ id = \"L\"; kind = \"optical\"; targets = [\"dev\"];\n"
                 "  wavelength = \"445 nm\"; start = \"1 ms\"; width = \"1 ms\";\n"
                 "  irradiance = \"1 mW/cm2\"; });\n", 10e-3, w, sizeof w);
    ck_assert_msg(strstr(w, "warning: source 'L' changes nothing in 'dev' (phototrap): sigma = 0 "
                            "and sigma_reset = 0: light neither writes nor resets it\n") == w,
                  "%s", w);
}
END_TEST

/* A preset that works says nothing, and the row estimate is what the run writes (no spikes,
 * and 1001 grid steps put no sample on an edge at 1, 2, 11 or 12 ms). */
START_TEST(test_working_run_is_silent)
{
    opsin_circuit *c = NULL;
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_circuit_load(SRCDIR "/circuits/fmes.cfg", &c, &d), OPSIN_OK);
    ck_assert_int_eq(opsin_stimulus_load(SRCDIR "/stimuli/fmes-ppf.cfg", c, &s, &d), OPSIN_OK);
    opsin_run_opts o = opsin_run_opts_default(c, s);
    o.dt_out = 0.03 / 1001;
    ck_assert_int_eq(opsin_sim_new(c, s, &o, &sim, &d), OPSIN_OK);
    double estimate = opsin_sim_rows_estimate(sim);
    opsin_sink sink = {NULL, NULL, NULL, NULL, NULL};
    ck_assert_int_eq(opsin_sim_run(sim, &sink, &d), OPSIN_OK);
    opsin_stats st;
    opsin_sim_stats(sim, &st);
    ck_assert_uint_eq(opsin_sim_nwarnings(sim), 0);
    ck_assert_double_eq(estimate, (double)st.rows);
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}
END_TEST

static Suite *warnings_suite(void)
{
    Suite *s = suite_create("warnings");
    TCase *tc = tcase_create("usual");
    tcase_add_test(tc, test_circuit_plain_number);
    tcase_add_test(tc, test_set_warns);
    tcase_add_test(tc, test_stimulus_levels);
    tcase_add_test(tc, test_every_range);
    tcase_add_test(tc, test_units_spelling);
    suite_add_tcase(s, tc);
    tc = tcase_create("idle");
    tcase_add_test(tc, test_nothing_drives);
    tcase_add_test(tc, test_oscillator_is_not_idle);
    tcase_add_test(tc, test_bystander);
    tcase_add_test(tc, test_pulses_after_end);
    tcase_add_test(tc, test_zero_amplitude);
    tcase_add_test(tc, test_phototrap_gate);
    tcase_add_test(tc, test_phototrap_dark);
    tcase_add_test(tc, test_working_run_is_silent);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(warnings_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
