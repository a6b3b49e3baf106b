/* check_arrays.c: arrays of devices: expansion, materials and maps, array targets, the
 * conductance map, optical energy, and that unlit cells cost no integration. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

/* Two materials: a visible-light absorber and a wide-gap one that 623 nm cannot excite. */
static const char materials[] =
    "materials = (\n"
    " { id = \"narrow\"; model = \"phototrap\"; G0 = \"1 nS\"; G_T = \"100 nS\"; Eg = 1.5;\n"
    "   sigma = 1e-22; tau_r = \"10 ms\"; tau_c = \"20 ms\"; area = \"100 um2\"; },\n"
    " { id = \"wide\"; model = \"phototrap\"; G0 = \"1 nS\"; G_T = \"100 nS\"; Eg = 3.6;\n"
    "   sigma = 1e-22; tau_r = \"10 ms\"; tau_c = \"20 ms\"; area = \"100 um2\"; });\n";

static const char red_all[] =
    "sources = ({ id = \"red\"; kind = \"optical\"; wavelength = \"623 nm\"; targets = [\"A\"];\n"
    "  start = \"0.1 s\"; width = \"0.1 s\"; period = \"0.2 s\"; count = 5;\n"
    "  irradiance = \"65 mW/cm2\"; });\n";

/* The first output of every cell at t_end (row by row). */
typedef struct map_rows {
    double v[64];
    size_t n;
} map_rows;

static void run_map(const char *circuit, const char *stim, double t_end, map_rows *m,
                    opsin_stats *st)
{
    const char *cp = tu_write_temp(0, circuit), *sp = tu_write_temp(1, stim);
    tu_run_map(cp, sp, t_end, t_end, m->v, 64, &m->n, st);
    remove(cp);
    remove(sp);
}

/* A 4x4 map of two materials under red light: only the narrow-gap cells respond, and all of
 * them alike (no noise configured). */
START_TEST(test_material_map)
{
    char circuit[2048];
    snprintf(circuit, sizeof circuit,
             "%sarrays = ({ id = \"A\"; rows = 4; cols = 4;\n"
             "  map = [\"NWWN\", \"NNWN\", \"NWNN\", \"NWWN\"]; legend = { N = \"narrow\"; W = \"wide\"; }; });\n",
             materials);
    map_rows m;
    opsin_stats st;
    run_map(circuit, red_all, 1.0, &m, &st);
    ck_assert_uint_eq(m.n, 16);
    static const char map[] = "NWWNNNWNNWNNNWWN";
    double narrow = -1;
    for (size_t i = 0; i < 16; i++) {
        if (map[i] == 'W') {
            ck_assert_msg(fabs(m.v[i] - 1e-9) < 1e-3 * 1e-9, "wide cell %zu: %g", i, m.v[i]);
        } else {
            ck_assert_msg(m.v[i] > 1.05e-9, "narrow cell %zu did not respond: %g", i, m.v[i]);
            if (narrow < 0)
                narrow = m.v[i];
            ck_assert(m.v[i] == narrow); /* identical cells, identical bits */
        }
    }
    ck_assert_uint_eq(st.islands, 16);
}
END_TEST

/* Cells that no event reaches are never integrated: the steps of a 4x4 array with one lit
 * cell equal those of that cell alone. */
START_TEST(test_unlit_cells_cost_nothing)
{
    char one[1024], many[1024];
    snprintf(one, sizeof one, "%sarrays = ({ id = \"A\"; rows = 1; cols = 1; material = \"narrow\"; });\n",
             materials);
    snprintf(many, sizeof many, "%sarrays = ({ id = \"A\"; rows = 4; cols = 4; material = \"narrow\"; });\n",
             materials);
    static const char lit_one[] =
        "sources = ({ id = \"red\"; kind = \"optical\"; wavelength = \"623 nm\"; targets = [\"A_0_0\"];\n"
        "  start = \"0.1 s\"; width = \"0.1 s\"; period = \"0.2 s\"; count = 5;\n"
        "  irradiance = \"65 mW/cm2\"; });\n";
    map_rows a, b;
    opsin_stats sa, sb;
    run_map(one, lit_one, 1.0, &a, &sa);
    run_map(many, lit_one, 1.0, &b, &sb);
    ck_assert_uint_eq(sa.steps, sb.steps);
    ck_assert(a.v[0] == b.v[0]);
    for (size_t i = 1; i < 16; i++)
        ck_assert(b.v[i] == 1e-9);
}
END_TEST

/* Optical energy = irradiance x area x width, summed over pulses and targets. */
START_TEST(test_optical_energy)
{
    char circuit[1024];
    snprintf(circuit, sizeof circuit, "%sarrays = ({ id = \"A\"; rows = 2; cols = 2; material = \"narrow\"; });\n",
             materials);
    trace tr;
    tu_run(&tr, circuit, red_all, 1.2, 0.1, NULL, NULL);
    double want = 650.0 * 100e-12 * 0.1 * 5 * 4; /* W/m2 x m2 x s x pulses x cells */
    ck_assert_uint_eq(tr.nenergy, 1);
    ck_assert_msg(fabs(tr.energy[0] - want) < 1e-9 * want, "%.12g vs %.12g", tr.energy[0], want);
    tu_free(&tr);
}
END_TEST

/* The same seed gives the same noisy cells; another seed, other values. */
START_TEST(test_variability_seeded)
{
    char circuit[1024];
    snprintf(circuit, sizeof circuit, "%sarrays = ({ id = \"A\"; rows = 4; cols = 4; material = \"narrow\";\n"
             "  d2d = 0.2; noise_w = 0.1; });\n", materials);
    map_rows a, b;
    opsin_stats st;
    run_map(circuit, red_all, 1.0, &a, &st);
    run_map(circuit, red_all, 1.0, &b, &st);
    for (size_t i = 0; i < 16; i++)
        ck_assert(a.v[i] == b.v[i]);
    double lo = INFINITY, hi = 0; /* conductance written, G - G0 */
    for (size_t i = 0; i < 16; i++) {
        lo = fmin(lo, a.v[i] - 1e-9);
        hi = fmax(hi, a.v[i] - 1e-9);
    }
    ck_assert_msg(lo > 0 && hi > 1.2 * lo, "device-to-device spread too small: %g .. %g", lo, hi);
}
END_TEST

static Suite *arrays_suite(void)
{
    Suite *s = suite_create("arrays");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_material_map);
    tcase_add_test(tc, test_unlit_cells_cost_nothing);
    tcase_add_test(tc, test_optical_energy);
    tcase_add_test(tc, test_variability_seeded);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(arrays_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
