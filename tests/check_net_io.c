/* check_net_io.c: the network parts of circuit and stimulus files, parsed from text:
 * populations (sizes, numbering, distributions in SI), projections (rules, weights, delays,
 * pair lists), probes of members and rates, spike sources (target ranges, spike lists), the
 * copies, and bad inputs with their exact one-line messages. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "opsin.h"

/* A directory of its own for the CSV files of one test, removed with its files. */
static char dir[64];

static void dir_make(void)
{
    snprintf(dir, sizeof dir, "/tmp/opsin-netio-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Writes text to DIR/name and returns the path (static buffer per slot 0/1). */
static const char *dir_file(int slot, const char *name, const char *text)
{
    static char path[2][128];
    snprintf(path[slot], sizeof path[slot], "%s/%s", dir, name);
    FILE *fp = fopen(path[slot], "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    return path[slot];
}

static void dir_remove(const char *const *names)
{
    char path[128];
    for (; *names; names++) {
        snprintf(path, sizeof path, "%s/%s", dir, *names);
        unlink(path);
    }
    rmdir(dir);
}

static opsin_circuit *parse_ok(const char *text, const char *name)
{
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_circuit_parse(text, name, &c, &d) == OPSIN_OK, "%s", d.msg);
    return c;
}

static opsin_stimulus *stim_ok(const char *text, const char *name, const opsin_circuit *c)
{
    opsin_stimulus *s = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_stimulus_parse(text, name, c, &s, &d) == OPSIN_OK, "%s", d.msg);
    return s;
}

/* The circuit text fails with exactly `want`, and returns nothing. */
static void circuit_fails(const char *text, const char *name, const char *want)
{
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    int rc = opsin_circuit_parse(text, name, &c, &d);
    ck_assert_ptr_null(c);
    ck_assert_msg(rc != OPSIN_OK, "parsed: %s", text);
    ck_assert_str_eq(d.msg, want);
}

static void stimulus_fails(const char *text, const opsin_circuit *c, const char *want)
{
    opsin_stimulus *s = NULL;
    opsin_diag d = {""};
    int rc = opsin_stimulus_parse(text, "stim.cfg", c, &s, &d);
    ck_assert_ptr_null(s);
    ck_assert_msg(rc != OPSIN_OK, "parsed: %s", text);
    ck_assert_str_eq(d.msg, want);
}

/* Two populations of lif, one with delta and one with exp synapses. */
#define TWO_POPS                                                                             \
    "populations = (\n"                                                                      \
    "  { id = \"exc\"; model = \"lif\"; size = 8000; C_m = \"250 pF\"; G_L = \"12.5 nS\";\n"  \
    "    V_th = \"20 mV\"; V_reset = \"10 mV\"; t_ref = \"2 ms\";\n"                          \
    "    G_in = { dist = \"uniform\"; min = \"5 nS\"; max = \"160 nS\"; };\n"                 \
    "    E_L = { dist = \"normal\"; mean = \"-1 mV\"; sd = \"0.5 mV\"; };\n"                  \
    "    V_in = { dist = \"linear\"; from = \"0 V\"; to = \"2 V\"; }; },\n"                   \
    "  { id = \"inh\"; model = \"lif\"; size = 2000; synapse = \"exp\"; tau_syn = \"5 ms\";\n"\
    "    V_th = \"20 mV\"; V_reset = 0.01; }\n"                                              \
    ");\n"

static int param(const opsin_popdef *pd, const char *name)
{
    int i = opsin_model_param_index(pd->model, name);
    ck_assert_int_ge(i, 0);
    return i;
}

static void dist_is(const opsin_popdef *pd, const char *name, int kind, double a, double b)
{
    const opsin_dist *x = &pd->dist[param(pd, name)];
    ck_assert_msg(x->kind == kind && fabs(x->a - a) <= 1e-12 * fabs(a) &&
                  fabs(x->b - b) <= 1e-12 * fabs(b), "%s.%s: kind %d, %g, %g (expected %d, %g, "
                  "%g)", pd->id, name, x->kind, x->a, x->b, kind, a, b);
}

START_TEST(test_populations)
{
    opsin_circuit *c = parse_ok(TWO_POPS "solver = { method = \"exact\"; };\n", "net.cfg");
    ck_assert_uint_eq(c->ncomps, 0);
    ck_assert_uint_eq(c->npops, 2);
    ck_assert_uint_eq(c->nneurons, 10000);
    const opsin_popdef *e = &c->pops[0], *i = &c->pops[1];
    ck_assert_str_eq(e->id, "exc");
    ck_assert_str_eq(e->model->name, "lif");
    ck_assert_uint_eq(e->size, 8000);
    ck_assert_uint_eq(e->first, 0);
    ck_assert_uint_eq(i->size, 2000);
    ck_assert_uint_eq(i->first, 8000);
    ck_assert_int_eq(e->synapse, OPSIN_SYN_DELTA);
    ck_assert_int_eq(i->synapse, OPSIN_SYN_EXP);
    ck_assert(fabs(i->tau_syn - 5e-3) < 1e-18);
    ck_assert_int_eq(e->line, 2);
    ck_assert_int_eq(i->line, 7);
    dist_is(e, "C_m", OPSIN_DIST_CONST, 250e-12, 0);
    dist_is(e, "G_in", OPSIN_DIST_UNIFORM, 5e-9, 160e-9);
    dist_is(e, "E_L", OPSIN_DIST_NORMAL, -1e-3, 0.5e-3);
    dist_is(e, "V_in", OPSIN_DIST_LINEAR, 0, 2);
    dist_is(i, "V_reset", OPSIN_DIST_CONST, 0.01, 0);
    dist_is(i, "C_m", OPSIN_DIST_CONST, 100e-12, 0); /* lif's default */
    ck_assert_int_eq(e->p_line[param(e, "G_in")], 4);
    ck_assert_int_eq(i->p_line[param(i, "C_m")], 0);
    ck_assert_int_eq(opsin_circuit_find_population(c, "inh"), 1);
    ck_assert_int_eq(opsin_circuit_find_population(c, "nope"), -1);
    ck_assert_int_eq(c->method, OPSIN_METHOD_EXACT);
    /* no probes: each population's rate, not its members */
    ck_assert_uint_eq(c->nprobes, 2);
    ck_assert_int_eq(c->probes[1].pop, 2);
    ck_assert_int_eq(c->probes[1].member, -1);
    ck_assert_int_eq(c->probes[1].comp, -1);
    opsin_circuit_free(c);

    /* populations beside components: the components' first outputs, then the rates */
    c = parse_ok("components = ({ id = \"n1\"; model = \"lif\"; });\n" TWO_POPS, "net.cfg");
    ck_assert_uint_eq(c->nprobes, 3);
    ck_assert_int_eq(c->probes[0].comp, 0);
    ck_assert_int_eq(c->probes[0].pop, 0);
    ck_assert_int_eq(c->method, OPSIN_METHOD_AUTO);
    char name[64];
    opsin_probe_name(c, c->probes[2], name, sizeof name);
    ck_assert_str_eq(name, "inh.rate");
    ck_assert_str_eq(opsin_probe_unit(c, c->probes[2]), "Hz");
    opsin_circuit_free(c);
}
END_TEST

/* Every rule with its own key; weights in V onto delta and in A onto exp synapses. */
START_TEST(test_projections)
{
    opsin_circuit *c = parse_ok(TWO_POPS "projections = (\n"
        "  { from = \"exc\"; to = \"exc\"; rule = \"fixed_prob\"; p = 0.1; weight = \"0.1 mV\";\n"
        "    delay = \"1.5 ms\"; autapses = true; },\n"
        "  { from = \"exc\"; to = \"inh\"; rule = \"fixed_indegree\"; k = 8000;\n"
        "    weight = { dist = \"normal\"; mean = \"10 pA\"; sd = \"1 pA\"; };\n"
        "    delay = { dist = \"uniform\"; min = \"1 ms\"; max = \"2 ms\"; }; },\n"
        "  { from = \"inh\"; to = \"inh\"; rule = \"fixed_indegree\"; k = 1999;\n"
        "    weight = \"-20 pA\"; delay = 1e-3; },\n"
        "  { from = \"inh\"; to = \"exc\"; rule = \"all_to_all\"; weight = -5e-4;\n"
        "    delay = { dist = \"normal\"; mean = \"2 ms\"; sd = \"3 ms\"; }; },\n"
        "  { from = \"exc\"; to = \"exc\"; rule = \"one_to_one\"; weight = \"1 mV\";\n"
        "    delay = \"1 ms\"; autapses = true; }\n"
        ");\n", "net.cfg");
    ck_assert_uint_eq(c->nprojs, 5);
    const opsin_projdef *p = c->projs;
    ck_assert_int_eq(p[0].from, 0);
    ck_assert_int_eq(p[0].to, 0);
    ck_assert_int_eq(p[0].rule, OPSIN_PROJ_PROB);
    ck_assert(p[0].p == 0.1);
    ck_assert_int_eq(p[0].autapses, 1);
    ck_assert(p[0].weight.kind == OPSIN_DIST_CONST && fabs(p[0].weight.a - 1e-4) < 1e-18);
    ck_assert(p[0].delay.kind == OPSIN_DIST_CONST && fabs(p[0].delay.a - 1.5e-3) < 1e-18);
    ck_assert_int_eq(p[0].line, 11);
    ck_assert_int_eq(p[1].rule, OPSIN_PROJ_INDEGREE);
    ck_assert_uint_eq(p[1].k, 8000); /* every member of another population */
    ck_assert_int_eq(p[1].autapses, 0);
    ck_assert(p[1].weight.kind == OPSIN_DIST_NORMAL && fabs(p[1].weight.a - 10e-12) < 1e-24 &&
              fabs(p[1].weight.b - 1e-12) < 1e-24);
    ck_assert(p[1].delay.kind == OPSIN_DIST_UNIFORM && p[1].delay.a == 1e-3 &&
              p[1].delay.b == 2e-3);
    ck_assert_uint_eq(p[2].k, 1999); /* within one population, no autapses: size - 1 */
    ck_assert(fabs(p[2].weight.a + 20e-12) < 1e-24);
    ck_assert_int_eq(p[3].rule, OPSIN_PROJ_ALL);
    ck_assert(p[3].weight.a == -5e-4);
    ck_assert(p[3].delay.kind == OPSIN_DIST_NORMAL && p[3].delay.b == 3e-3);
    ck_assert_int_eq(p[4].rule, OPSIN_PROJ_ONE);
    ck_assert_ptr_null(p[4].file);
    opsin_circuit_free(c);
}
END_TEST

/* Rule "list": the file relative to the circuit's directory, header optional, checked row by
 * row at load; its path is kept for the engine. */
START_TEST(test_pair_list)
{
    static const char *const files[] = {"pairs.csv", "noheader.csv", "bad.csv", NULL};
    dir_make();
    dir_file(0, "pairs.csv", "# pre,post,weight,delay\npre,post,weight,delay\n0,0\n7999,1999,"
             "2e-12\n\n5,6,1e-12,0.002\n");
    dir_file(1, "noheader.csv", "1,2\n3,4,1e-12,1e-3\n");
    char name[128], text[1024], want[512];
    snprintf(name, sizeof name, "%s/net.cfg", dir);
    static const char proj[] =
        TWO_POPS "projections = ({ from = \"exc\"; to = \"inh\"; rule = \"list\"; file = \"%s\";\n"
        "  weight = \"10 pA\"; delay = \"1 ms\"; });\n";
    snprintf(text, sizeof text, proj, "pairs.csv");
    opsin_circuit *c = parse_ok(text, name);
    ck_assert_int_eq(c->projs[0].rule, OPSIN_PROJ_LIST);
    snprintf(want, sizeof want, "%s/pairs.csv", dir);
    ck_assert_str_eq(c->projs[0].file, want);
    opsin_circuit *copy = NULL;
    ck_assert_int_eq(opsin_circuit_copy(c, &copy), OPSIN_OK);
    ck_assert_str_eq(copy->projs[0].file, want);
    ck_assert_ptr_ne(copy->projs[0].file, c->projs[0].file);
    opsin_circuit_free(copy);
    opsin_circuit_free(c);
    snprintf(text, sizeof text, proj, "noheader.csv");
    opsin_circuit_free(parse_ok(text, name));

    /* bad rows: the CSV's name and line */
    static const struct {
        const char *csv, *msg;
    } bad[] = {
        {"0,1\n8000,1\n", "bad.csv:2: pre '8000' is not a member of 'exc' (expected a whole "
                          "number from 0 to 7999)"},
        {"pre,post\n0,2000\n", "bad.csv:2: post '2000' is not a member of 'inh' (expected a "
                               "whole number from 0 to 1999)"},
        {"0,1.5\n", "bad.csv:1: post '1.5' is not a member of 'inh' (expected a whole number "
                    "from 0 to 1999)"},
        {"0\n", "bad.csv:1: 1 cell in a row (expected pre,post[,weight[,delay]]: member "
                "indices, then a weight in A and a delay in s)"},
        {"0,1,1e-12,1e-3,9\n", "bad.csv:1: 5 cells in a row (expected pre,post[,weight[,delay]]"
                               ": member indices, then a weight in A and a delay in s)"},
        {"0,1,x\n", "bad.csv:1: weight 'x' is not a number (expected a finite number in A; rows "
                    "without a weight take the projection's)"},
        {"0,1,,1e-3\n", "bad.csv:1: weight '' is not a number (expected a finite number in A; "
                        "rows without a weight take the projection's)"},
        {"# c\n0,1,1e-12,0\n", "bad.csv:2: delay '0' is not a time above 0 (expected a number "
                               "of seconds > 0; rows without a delay take the projection's)"},
        {"pre,post\npre,post\n", "bad.csv:2: pre 'pre' is not a member of 'exc' (expected a "
                                 "whole number from 0 to 7999)"},
    };
    snprintf(text, sizeof text, proj, "bad.csv");
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        dir_file(0, "bad.csv", bad[k].csv);
        snprintf(want, sizeof want, "%s/%s", dir, bad[k].msg);
        circuit_fails(text, name, want);
    }
    /* an autapse in the list without autapses; a file that is not there */
    dir_file(0, "bad.csv", "3,3\n");
    snprintf(text, sizeof text, "populations = ({ id = \"p\"; model = \"lif\"; size = 5; });\n"
             "projections = ({ from = \"p\"; to = \"p\"; rule = \"list\"; file = \"bad.csv\";\n"
             "  weight = \"1 mV\"; delay = \"1 ms\"; });\n");
    snprintf(want, sizeof want, "%s/bad.csv:1: pair 3 -> 3 connects a neuron of 'p' to itself "
             "(expected autapses = true; in the projection at %s:2)", dir, name);
    circuit_fails(text, name, want);
    snprintf(text, sizeof text, proj, "missing.csv");
    snprintf(want, sizeof want, "%s:10: %s/missing.csv: cannot open: No such file or directory "
             "(expected a readable CSV file)", name, dir);
    circuit_fails(text, name, want);
    dir_remove(files);
}
END_TEST

/* Probes of members and rates: parsed, named and given a unit; mistakes say what exists. */
START_TEST(test_probes)
{
    opsin_circuit *c = parse_ok("components = ({ id = \"syn\"; model = \"supercap\"; });\n"
                                TWO_POPS "probes = [\"exc[3].V\", \"inh.rate\", \"syn.v\", "
                                "\"inh[1999].V\"];\n", "net.cfg");
    ck_assert_uint_eq(c->nprobes, 4);
    ck_assert(c->probes[0].pop == 1 && c->probes[0].member == 3 && c->probes[0].output == 0 &&
              c->probes[0].comp == -1);
    ck_assert(c->probes[1].pop == 2 && c->probes[1].member == -1 && c->probes[1].output == 0);
    ck_assert(c->probes[2].pop == 0 && c->probes[2].comp == 0);
    ck_assert(c->probes[3].pop == 2 && c->probes[3].member == 1999 && c->probes[3].output == 0);
    char name[64];
    static const char *const names[] = {"exc[3].V", "inh.rate", "syn.v", "inh[1999].V"};
    static const char *const units[] = {"V", "Hz", "V", "V"};
    for (size_t i = 0; i < 4; i++) {
        opsin_probe_name(c, c->probes[i], name, sizeof name);
        ck_assert_str_eq(name, names[i]);
        ck_assert_str_eq(opsin_probe_unit(c, c->probes[i]), units[i]);
    }
    ck_assert_str_eq(opsin_circuit_output_unit(c, "exc.rate"), "Hz");
    ck_assert_str_eq(opsin_circuit_output_unit(c, "exc[7].I_syn"), ""); /* V only, for now */
    opsin_probe *p = NULL;
    size_t n = 0;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_probes_parse(c, "exc.rate,exc[7999].V,syn.i", &p, &n, "--probe", 0,
                                        &d), OPSIN_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert(p[1].pop == 1 && p[1].member == 7999);
    free(p);

    static const struct {
        const char *probe, *msg;
    } bad[] = {
        {"exc[8000].V", "--probe: probe 'exc[8000].V': population 'exc' has 8000 members "
                        "(expected exc[K].OUTPUT with K from 0 to 7999)"},
        {"exc.V", "--probe: probe 'exc.V' names no member of population 'exc' (expected "
                  "exc[K].V with K from 0 to 7999, or exc.rate)"},
        {"exc[3].W", "--probe: population 'exc' (model lif) has no output 'W' for a member "
                     "(expected V)"},
        {"exc[3].rate", "--probe: population 'exc' (model lif) has no output 'rate' for a "
                        "member (expected V; the rate is the whole population's: ID.rate)"},
        {"exc[-1].V", "--probe: probe 'exc[-1].V': bad member (expected exc[K].OUTPUT with K "
                      "a whole number from 0 to 7999)"},
        {"exc[1", "--probe: probe 'exc[1': bad member (expected exc[K].OUTPUT with K a whole "
                  "number from 0 to 7999)"},
        {"exc", "--probe: probe 'exc' names no output (expected exc.rate, or exc[K].OUTPUT "
                "with K from 0 to 7999)"},
        {"ex.rate", "--probe: no component or population 'ex' (expected one of: syn, exc, "
                    "inh)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        opsin_probe q;
        ck_assert_int_eq(opsin_probe_parse(c, bad[k].probe, &q, "--probe", 0, &d),
                         OPSIN_EINVAL);
        ck_assert_str_eq(d.msg, bad[k].msg);
    }
    opsin_circuit_free(c);
    circuit_fails(TWO_POPS "probes = [\"inh[2000].V\"];\n", "net.cfg", "net.cfg:10: probe "
                  "'inh[2000].V': population 'inh' has 2000 members (expected inh[K].OUTPUT "
                  "with K from 0 to 1999)");
}
END_TEST

/* A copy holds the same populations, projections and probes in memory of its own. */
START_TEST(test_copy)
{
    opsin_circuit *c = parse_ok(TWO_POPS "projections = ({ from = \"exc\"; to = \"inh\";\n"
                                "  rule = \"all_to_all\"; weight = \"1 pA\"; delay = \"1 ms\";"
                                " });\nprobes = [\"exc[1].V\"];\n", "net.cfg");
    opsin_circuit *t = NULL;
    ck_assert_int_eq(opsin_circuit_copy(c, &t), OPSIN_OK);
    ck_assert_uint_eq(t->npops, 2);
    ck_assert_uint_eq(t->nneurons, 10000);
    ck_assert_ptr_ne(t->pops[0].dist, c->pops[0].dist);
    ck_assert_ptr_ne(t->pops[0].p_line, c->pops[0].p_line);
    ck_assert_int_eq(memcmp(t->pops[0].dist, c->pops[0].dist,
                            c->pops[0].model->nparams * sizeof *c->pops[0].dist), 0);
    ck_assert_ptr_ne(t->projs, c->projs);
    ck_assert_int_eq(opsin_circuit_find_population(t, "inh"), 1);
    char a[4096] = "", b[4096] = "";
    FILE *fa = fmemopen(a, sizeof a - 1, "w"), *fb = fmemopen(b, sizeof b - 1, "w");
    opsin_circuit_print(c, fa);
    opsin_circuit_print(t, fb);
    fclose(fa);
    fclose(fb);
    ck_assert_str_eq(a, b);
    ck_assert_msg(strstr(a, "  population exc: 8000 x lif (neurons 0 .. 7999), delta synapses, "
                         "C_m = 2.5e-10 F, G_L = 1.25e-08 S, E_L = normal mean -0.001 sd 0.0005 "
                         "V, G_in = uniform [5e-09, 1.6e-07) S, V_in = linear 0 .. 2 V") &&
                  strstr(a, "  projection exc -> inh: all_to_all, weight 1e-12 A, delay 0.001 s "
                         "(line 10)\n") && strstr(a, "  probes: exc[1].V\n"), "%s", a);
    opsin_circuit_free(c);
    opsin_circuit_free(t);
}
END_TEST

/* Spike sources: kinds, target ranges in order, defaults, a spike list sorted by time. */
START_TEST(test_spike_sources)
{
    static const char *const files[] = {"spikes.csv", NULL};
    dir_make();
    dir_file(0, "spikes.csv", "t (s),member\n0.003,2\n0.001\n0.002,-1\n0.001,0\n\n0.0005,1\n");
    char name[128], text[2048];
    snprintf(name, sizeof name, "%s/stim.cfg", dir);
    opsin_circuit *c = parse_ok(TWO_POPS, "net.cfg");
    snprintf(text, sizeof text, "sources = ();\nspike_sources = (\n"
             "  { id = \"ext\"; kind = \"poisson\"; rate = \"20 kHz\"; weight = \"0.1 mV\";\n"
             "    targets = [\"exc\", \"exc[0:100]\", \"exc[5]\"]; },\n"
             "  { id = \"reg\"; kind = \"regular\"; rate = 50; weight = \"-10 pA\";\n"
             "    targets = [\"inh[10:12]\"]; start = \"1 ms\"; stop = \"1 s\"; },\n"
             "  { id = \"lst\"; kind = \"list\"; file = \"spikes.csv\"; weight = \"5 pA\";\n"
             "    targets = [\"inh[0:2]\", \"inh[7]\"]; stop = \"open\"; }\n);\n");
    opsin_stimulus *s = stim_ok(text, name, c);
    ck_assert_uint_eq(s->nsources, 0);
    ck_assert_uint_eq(s->nspikesrcs, 3);
    const opsin_spikesrc *e = &s->spikesrcs[0], *r = &s->spikesrcs[1], *l = &s->spikesrcs[2];
    ck_assert_str_eq(e->id, "ext");
    ck_assert_int_eq(e->kind, OPSIN_SS_POISSON);
    ck_assert(e->rate == 20e3);
    ck_assert(fabs(e->weight - 1e-4) < 1e-18);
    ck_assert(e->start == 0 && isinf(e->stop) && e->stop > 0);
    ck_assert_uint_eq(e->ntargets, 3);
    ck_assert(e->targets[0].pop == 0 && e->targets[0].lo == 0 && e->targets[0].hi == 8000);
    ck_assert(e->targets[1].pop == 0 && e->targets[1].lo == 0 && e->targets[1].hi == 100);
    ck_assert(e->targets[2].pop == 0 && e->targets[2].lo == 5 && e->targets[2].hi == 6);
    ck_assert_int_eq(e->line, 3);
    ck_assert_int_eq(r->kind, OPSIN_SS_REGULAR);
    ck_assert(r->rate == 50 && fabs(r->weight + 10e-12) < 1e-24);
    ck_assert(r->start == 1e-3 && r->stop == 1);
    ck_assert(r->targets[0].pop == 1 && r->targets[0].lo == 10 && r->targets[0].hi == 12);
    ck_assert_int_eq(l->kind, OPSIN_SS_LIST);
    ck_assert(isinf(l->stop));
    static const double t[] = {0.0005, 0.001, 0.001, 0.002, 0.003};
    static const long m[] = {1, -1, 0, -1, 2}; /* ties keep the file's order */
    ck_assert_uint_eq(l->ntimes, 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_msg(l->times[i] == t[i] && l->member[i] == m[i], "spike %zu: %g s, %ld", i,
                      l->times[i], l->member[i]);

    opsin_stimulus *copy = NULL;
    ck_assert_int_eq(opsin_stimulus_copy(s, &copy), OPSIN_OK);
    ck_assert_uint_eq(copy->nspikesrcs, 3);
    ck_assert_ptr_ne(copy->spikesrcs[2].times, l->times);
    ck_assert_int_eq(memcmp(copy->spikesrcs[2].member, l->member, 5 * sizeof *l->member), 0);
    ck_assert_uint_eq(copy->spikesrcs[0].targets[2].lo, 5);
    opsin_stimulus_free(copy);
    opsin_stimulus_free(s);

    /* a bad row of the list names the CSV and its line */
    dir_file(0, "spikes.csv", "0.001,3\n");
    char want[512];
    snprintf(want, sizeof want, "%s/spikes.csv:1: member '3' is not one of the 3 targets "
             "(expected -1 for every target, or a whole number from 0 to 2)", dir);
    opsin_stimulus *bad = NULL;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_stimulus_parse(text, name, c, &bad, &d), OPSIN_EINVAL);
    ck_assert_ptr_null(bad);
    ck_assert_str_eq(d.msg, want);
    dir_file(0, "spikes.csv", "t\n-0.001\n");
    snprintf(want, sizeof want, "%s/spikes.csv:2: time '-0.001' is not a time >= 0 (expected a "
             "number of seconds)", dir);
    ck_assert_int_eq(opsin_stimulus_parse(text, name, c, &bad, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, want);
    opsin_circuit_free(c);
    dir_remove(files);
}
END_TEST

/* Bad circuits: each message exact, with the line of the setting at fault. */
START_TEST(test_bad_circuits)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"populations = ({ id = \"s\"; model = \"supercap\"; size = 3; });",
         "net.cfg:1: model supercap cannot form a population (expected a model with a closed "
         "form between events: lif)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; });",
         "net.cfg:1: population 's' needs 'size' (expected size = 1000;)"},
        {"populations = ({ id = \"s\"; model = \"lif\";\n size = 0; });",
         "net.cfg:2: size = 0 is out of range (expected between 1 and 1e+08)"},
        {"populations = ({ id = \"s\"; model = \"lif\";\n size = 2.5; });",
         "net.cfg:2: size = 2.5 is not a whole number (expected a whole number between 1 and "
         "1e+08)"},
        {"populations = ({ id = \"s[1]\"; model = \"lif\"; size = 2; });",
         "net.cfg:1: bad id 's[1]' (expected 1 to 63 characters without '.', ',', '=', '[', "
         "']', ':' or spaces)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; },\n"
         " { id = \"s\"; model = \"lif\"; size = 2; });",
         "net.cfg:2: population 's' is defined twice (expected unique ids)"},
        {"materials = ({ id = \"m\"; model = \"phototrap\"; });\n"
         "arrays = ({ id = \"A\"; rows = 1; cols = 1; material = \"m\"; });\n"
         "populations = ({ id = \"m\"; model = \"lif\"; size = 2; });",
         "net.cfg:3: population 'm' shares its id with a material (expected unique ids)"},
        {"materials = ({ id = \"m\"; model = \"phototrap\"; });\n"
         "arrays = ({ id = \"A\"; rows = 1; cols = 1; material = \"m\"; });\n"
         "populations = ({ id = \"A\"; model = \"lif\"; size = 2; });",
         "net.cfg:3: population 'A' shares its id with an array (expected unique ids)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n synapse = \"alpha\"; });",
         "net.cfg:2: unknown synapse 'alpha' (expected \"delta\", \"exp\" or \"cond\")"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; synapse = \"exp\"; });",
         "net.cfg:1: population 's' has exp synapses and needs 'tau_syn' (expected tau_syn = "
         "\"5 ms\";)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n tau_syn = \"5 ms\"; });",
         "net.cfg:2: tau_syn belongs to exp and cond synapses (expected synapse = \"exp\"; or "
         "synapse = \"cond\"; beside it, or no tau_syn)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; synapse = \"cond\"; });",
         "net.cfg:1: population 's' has cond synapses and needs 'tau_syn' (expected tau_syn = "
         "\"5 ms\";)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n C_mem = 1; });",
         "net.cfg:2: unknown population key 'C_mem' for model lif (expected one of: id, model, "
         "size, synapse, tau_syn, C_m, G_L, E_L, G_in, V_in, V_th, V_reset, t_ref)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n"
         " G_in = { dist = \"uniform\"; min = \"-1 nS\"; max = \"1 nS\"; }; });",
         "net.cfg:2: G_in.min = -1e-09 S is out of range (expected >= 0 S)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n"
         " G_in = { dist = \"normal\"; mean = \"1 nS\";\n sd = \"-1 nS\"; }; });",
         "net.cfg:3: G_in.sd = -1e-09 S is out of range (expected >= 0 S)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n"
         " G_in = { dist = \"normal\"; mean = \"1 nS\"; }; });",
         "net.cfg:2: G_in: a normal distribution needs 'sd' (expected sd = \"... S\";)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n"
         " G_in = { dist = \"linear\"; min = \"1 nS\"; max = \"2 nS\"; }; });",
         "net.cfg:2: unknown linear distribution key 'min' (expected one of: dist, from, to)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n"
         " G_in = { min = \"1 nS\"; max = \"2 nS\"; }; });",
         "net.cfg:2: G_in: a distribution group needs dist = \"...\" (expected dist = "
         "\"uniform\", \"normal\" or \"linear\", or a plain value)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2;\n"
         " G_in = { dist = \"uniform\"; min = \"1 nS\"; max = \"open\"; }; });",
         "net.cfg:2: max cannot be \"open\" (expected a number with an optional unit, e.g. "
         "\"10 S\")"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; G_L = 0; });",
         "net.cfg:1: population 's' (model lif) has no closed form with these parameters "
         "(expected values for which the model is linear between events: see opsin models "
         "lif)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"s\"; to = \"s\";\n rule = \"random\"; weight = 1e-3; "
         "delay = 1e-3; });",
         "net.cfg:3: unknown rule 'random' (expected \"all_to_all\", \"one_to_one\", "
         "\"fixed_prob\", \"fixed_indegree\" or \"list\")"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"s\"; to = \"s\"; rule = \"fixed_prob\";\n p = 1.5; "
         "weight = 1e-3; delay = 1e-3; });",
         "net.cfg:3: p = 1.5 is out of range (expected between 0 and 1)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"s\"; to = \"s\"; rule = \"fixed_prob\"; weight = 1e-3; "
         "delay = 1e-3; });",
         "net.cfg:2: rule \"fixed_prob\" needs 'p' (expected p = 0.1;)"},
        {"populations = ({ id = \"s\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"s\"; to = \"s\"; rule = \"all_to_all\";\n k = 1; "
         "weight = 1e-3; delay = 1e-3; });",
         "net.cfg:3: 'k' belongs to rule \"fixed_indegree\" (expected no k with rule "
         "\"all_to_all\")"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; },\n"
         " { id = \"b\"; model = \"lif\"; size = 3; });\n"
         "projections = ({ from = \"a\"; to = \"b\"; rule = \"one_to_one\"; weight = 1e-3; "
         "delay = 1e-3; });",
         "net.cfg:3: rule \"one_to_one\" pairs member k with member k, but 'a' has 2 members "
         "and 'b' 3 (expected populations of one size)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"one_to_one\"; weight = 1e-3; "
         "delay = 1e-3; });",
         "net.cfg:2: rule \"one_to_one\" from 'a' to itself connects each neuron to itself "
         "(expected autapses = true;)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; },\n"
         " { id = \"b\"; model = \"lif\"; size = 3; });\n"
         "projections = ({ from = \"a\"; to = \"b\"; rule = \"fixed_indegree\";\n k = 3; "
         "weight = 1e-3; delay = 1e-3; });",
         "net.cfg:4: k = 3 is more than the 2 distinct members of 'a' a neuron can get "
         "(expected a whole number from 0 to 2)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"fixed_indegree\";\n k = 2; "
         "weight = 1e-3; delay = 1e-3; });",
         "net.cfg:3: k = 2 is more than the 1 distinct members of 'a' a neuron can get without "
         "autapses (expected a whole number from 0 to 1, or autapses = true;)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; weight = 1e-3;\n"
         " delay = { dist = \"linear\"; from = 1e-3; to = 2e-3; }; });",
         "net.cfg:3: a linear spread has no order over synapses (expected a value, or a "
         "uniform or normal distribution; linear spreads a population's members)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; weight = 1e-3; });",
         "net.cfg:2: projection a -> a needs 'delay' (expected a time > 0 s, e.g. delay = "
         "\"1.5 ms\";)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; delay = 1e-3; });",
         "net.cfg:2: projection a -> a needs 'weight' (expected weight = \"0.1 mV\"; in V: 'a' "
         "has delta synapses)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; weight = 1e-3;\n"
         " delay = 0; });",
         "net.cfg:3: delay = 0 s is out of range (expected > 0 s)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; weight = 1e-3;\n"
         " delay = { dist = \"normal\"; mean = 0; sd = 1e-3; }; });",
         "net.cfg:3: delay.mean = 0 s is out of range (expected > 0 s)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\";\n"
         " weight = \"1 nA\"; delay = 1e-3; });",
         "net.cfg:3: weight \"1 nA\" is a current, but 'a' has delta synapses: a spike moves V "
         "by the weight (expected a voltage such as \"0.1 mV\", or synapse = \"exp\"; on 'a')"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; synapse = \"exp\"; "
         "tau_syn = 1e-3; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; delay = 1e-3;\n"
         " weight = { dist = \"uniform\"; min = \"1 pA\";\n max = \"1 mV\"; }; });",
         "net.cfg:4: weight \"1 mV\" is a voltage, but 'a' has exp synapses: a spike adds the "
         "weight to a decaying current (expected a current such as \"10 pA\", or synapse = "
         "\"delta\"; on 'a')"},
        {"components = ({ id = \"n\"; model = \"lif\"; });\n"
         "populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\";\n to = \"n\"; rule = \"all_to_all\"; weight = 1e-3; "
         "delay = 1e-3; });",
         "net.cfg:4: projection to 'n' is a component (expected a population id; connections "
         "to components use `connections`)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"b\"; to = \"a\"; rule = \"all_to_all\"; weight = 1e-3; "
         "delay = 1e-3; });",
         "net.cfg:2: projection from 'b' is not a population (expected one of: a)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; weight = 1e-3; "
         "delay = 1e-3;\n autapses = 1; });",
         "net.cfg:3: autapses is a number (expected true or false)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = ({ from = \"a\"; to = \"a\"; rule = \"all_to_all\"; weight = 1e-3; "
         "delay = 1e-3;\n autapse = true; });",
         "net.cfg:3: unknown projection key 'autapse' (expected one of: id, from, to, rule, p, "
         "k, file, weight, delay, E_rev, autapses, device)"},
        {"components = ({ id = \"n\"; model = \"lif\"; });\n"
         "solver = {\n method = \"rk4\"; };",
         "net.cfg:3: method 'rk4' is unknown (expected \"auto\", \"exact\" or \"cvode\")"},
        {"populations = { id = \"a\"; };",
         "net.cfg:1: populations must be a list (expected populations = ( { id = ...; model = "
         "...; size = ...; } );)"},
        {"populations = ({ id = \"a\"; model = \"lif\"; size = 2; });\n"
         "projections = (\n \"a\" );",
         "net.cfg:3: a projection must be a group (expected { from = ...; to = ...; rule = ...; "
         "weight = ...; delay = ...; })"},
        {"populations = ();",
         "net.cfg: no components (expected components = ( {...} );, arrays = ( {...} ); or "
         "populations = ( {...} );)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        circuit_fails(bad[k].text, "net.cfg", bad[k].msg);
}
END_TEST

/* Bad spike sources, against the two populations. */
START_TEST(test_bad_stimuli)
{
    opsin_circuit *c = parse_ok("components = ({ id = \"n\"; model = \"lif\"; });\n" TWO_POPS,
                                "net.cfg");
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc[0:8001]\"]; });",
         "stim.cfg:2: target 'exc[0:8001]' reaches past population 'exc' of 8000 members "
         "(expected members LO to HI - 1 with LO < HI <= 8000)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc[8000]\"]; });",
         "stim.cfg:2: target 'exc[8000]' reaches past population 'exc' of 8000 members "
         "(expected members LO to HI - 1 with LO < HI <= 8000)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc[5:5]\"]; });",
         "stim.cfg:2: target 'exc[5:5]' holds no member of population 'exc' of 8000 members "
         "(expected members LO to HI - 1 with LO < HI <= 8000)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc[1:]\"]; });",
         "stim.cfg:2: target 'exc[1:]' is not POP, POP[K] or POP[LO:HI] (expected e.g. "
         "\"exc[0:8000]\" for members 0 to 7999)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"n\"]; });",
         "stim.cfg:2: target 'n' is a component (expected a population of net.cfg: exc, inh; "
         "components are driven by `sources`)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc\", \"inh\"]; });",
         "stim.cfg:2: the targets of spike source 'x' mix synapse kinds: 'exc' has delta "
         "synapses, 'inh' exp (expected targets of one kind, or one spike source per kind)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; targets = [\"inh\"];\n"
         " weight = \"0.1 mV\"; });",
         "stim.cfg:2: weight \"0.1 mV\" is a voltage, but 'inh' has exp synapses: a spike adds "
         "the weight to a decaying current (expected a current such as \"10 pA\", or synapse = "
         "\"delta\"; on 'inh')"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; targets = [\"exc\"]; });",
         "stim.cfg:1: spike source 'x' needs a weight (expected weight = \"0.1 mV\"; in V: "
         "'exc' has delta synapses)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; weight = 1e-3;\n"
         " targets = [\"exc\"]; });",
         "stim.cfg:1: poisson spike source 'x' needs 'rate' (expected rate = \"20 Hz\";, the "
         "rate of each target neuron)"},
        {"spike_sources = ({ id = \"x\"; kind = \"regular\"; weight = 1e-3; targets = [\"exc\"];\n"
         " rate = 0; });",
         "stim.cfg:2: rate = 0 Hz is out of range (expected > 0 Hz)"},
        {"spike_sources = ({ id = \"x\"; kind = \"regular\"; weight = 1e-3; targets = [\"exc\"];\n"
         " rate = \"open\"; });",
         "stim.cfg:2: rate cannot be \"open\" (expected a number with an optional unit, e.g. "
         "\"10 Hz\")"},
        {"spike_sources = ({ id = \"x\"; kind = \"list\"; weight = 1e-3; targets = [\"exc\"];\n"
         " rate = 5; });",
         "stim.cfg:2: 'rate' does not belong to a list spike source (expected the spike times "
         "in file = \"spikes.csv\";)"},
        {"spike_sources = ({ id = \"x\"; kind = \"list\"; weight = 1e-3; targets = [\"exc\"]; });",
         "stim.cfg:1: list spike source 'x' needs 'file' (expected file = \"spikes.csv\"; with "
         "rows t[,member])"},
        {"spike_sources = ({ id = \"x\"; kind = \"burst\"; weight = 1e-3; targets = [\"exc\"]; });",
         "stim.cfg:1: unknown spike source kind 'burst' (expected \"poisson\", \"regular\" or "
         "\"list\")"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc\"]; start = \"2 s\";\n stop = \"1 s\"; });",
         "stim.cfg:3: stop = 1 s is not after start = 2 s (expected stop > start, or stop = "
         "\"open\")"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = []; });",
         "stim.cfg:2: spike source 'x' needs targets (expected targets = [\"POP\", "
         "\"POP[LO:HI]\", \"POP[K]\", ...];)"},
        {"sources = ({ id = \"x\"; kind = \"current\"; targets = [\"n\"]; start = 0; width = 1;"
         " amplitude = 1e-9; });\n"
         "spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc\"]; });",
         "stim.cfg:2: source 'x' is defined twice (expected unique ids; first at line 1)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc\"]; },\n { id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;"
         " targets = [\"exc\"]; });",
         "stim.cfg:3: source 'x' is defined twice (expected unique ids; first at line 1)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc\"];\n sources = 1; });",
         "stim.cfg:3: unknown spike source key 'sources' (expected one of: id, kind, targets, "
         "weight, E_rev, rate, file, start, stop)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-3;\n"
         " targets = [\"exc\"]; }, 5);",
         "stim.cfg:2: a spike source must be a group (expected { id = ...; kind = ...; targets "
         "= [...]; weight = ...; })"},
        {"spike_sources = ();",
         "stim.cfg: no sources (expected sources = ( { id = ...; kind = ...; } ); or "
         "spike_sources = ( {...} );)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        stimulus_fails(bad[k].text, c, bad[k].msg);
    opsin_circuit_free(c);
}
END_TEST

/* A population with cond synapses beside a delta one: the weights into it in S with each
 * projection's and spike source's E_rev, kept by the copies and printed; a pair list's
 * weights in S; and every way to get E_rev or the weight's unit wrong. */
#define COND_POPS                                                                            \
    "populations = (\n"                                                                      \
    "  { id = \"exc\"; model = \"lif\"; size = 3; },\n"                                       \
    "  { id = \"cnd\"; model = \"lif\"; size = 3; synapse = \"cond\"; tau_syn = \"5 ms\";\n"  \
    "    E_L = \"-70 mV\"; V_th = \"-50 mV\"; V_reset = \"-60 mV\"; }\n"                       \
    ");\n"

START_TEST(test_cond)
{
    static const char *const files[] = {"pairs.csv", NULL};
    dir_make();
    dir_file(0, "pairs.csv", "pre,post,weight\n0,1,2e-9\n1,2,-1e-9\n");
    opsin_circuit *c = parse_ok(COND_POPS "projections = (\n"
        "  { from = \"exc\"; to = \"cnd\"; rule = \"all_to_all\"; weight = \"2 nS\";\n"
        "    E_rev = \"0 mV\"; delay = \"1 ms\"; },\n"
        "  { from = \"cnd\"; to = \"cnd\"; rule = \"fixed_prob\"; p = 0.5; delay = 1e-3;\n"
        "    weight = { dist = \"normal\"; mean = \"8 nS\"; sd = \"1 nS\"; }; E_rev = -0.08; },\n"
        "  { from = \"cnd\"; to = \"exc\"; rule = \"one_to_one\"; weight = \"1 mV\";\n"
        "    delay = \"1 ms\"; }\n"
        ");\n", "net.cfg");
    const opsin_popdef *pd = &c->pops[1];
    ck_assert_int_eq(pd->synapse, OPSIN_SYN_COND);
    ck_assert(fabs(pd->tau_syn - 5e-3) < 1e-18);
    ck_assert(fabs(c->projs[0].weight.a - 2e-9) < 1e-21 && c->projs[0].e_rev == 0);
    ck_assert(c->projs[1].weight.kind == OPSIN_DIST_NORMAL && fabs(c->projs[1].e_rev + 0.08) < 1e-15);
    ck_assert(c->projs[2].e_rev == 0);
    opsin_circuit *t = NULL;
    ck_assert_int_eq(opsin_circuit_copy(c, &t), OPSIN_OK);
    ck_assert(t->projs[1].e_rev == c->projs[1].e_rev);
    char a[4096] = "";
    FILE *fa = fmemopen(a, sizeof a - 1, "w");
    opsin_circuit_print(t, fa);
    fclose(fa);
    ck_assert_msg(strstr(a, "  population cnd: 3 x lif (neurons 3 .. 5), cond synapses (tau_syn "
                         "0.005 s), E_L = -0.07 V") &&
                  strstr(a, "  projection exc -> cnd: all_to_all, weight 2e-09 S, delay 0.001 s, "
                         "E_rev 0 V (line 7)\n") &&
                  strstr(a, "  projection cnd -> cnd: fixed_prob p 0.5, weight normal mean 8e-09 "
                         "sd 1e-09 S, delay 0.001 s, E_rev -0.08 V (line 9)\n") &&
                  strstr(a, "  projection cnd -> exc: one_to_one, weight 0.001 V, delay 0.001 s "
                         "(line 11)\n"), "%s", a);
    opsin_circuit_free(t);

    /* spike sources into it: a conductance and its E_rev; the copy keeps it */
    opsin_stimulus *s = stim_ok("spike_sources = ({ id = \"x\"; kind = \"poisson\"; "
                                "rate = \"1 kHz\";\n weight = \"0.5 nS\"; E_rev = \"-75 mV\"; "
                                "targets = [\"cnd[1:3]\"]; });", "stim.cfg", c);
    ck_assert(fabs(s->spikesrcs[0].weight - 0.5e-9) < 1e-21);
    ck_assert(fabs(s->spikesrcs[0].e_rev + 75e-3) < 1e-17);
    opsin_stimulus *sc = NULL;
    ck_assert_int_eq(opsin_stimulus_copy(s, &sc), OPSIN_OK);
    ck_assert(sc->spikesrcs[0].e_rev == s->spikesrcs[0].e_rev);
    opsin_stimulus_free(sc);
    opsin_stimulus_free(s);
    static const struct {
        const char *text, *msg;
    } bad_stim[] = {
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = \"1 nS\";\n"
         " targets = [\"cnd\"]; });",
         "stim.cfg:1: spike source 'x' needs 'E_rev': 'cnd' has cond synapses, whose "
         "conductance pulls V toward the input's reversal potential (expected E_rev = \"0 mV\"; "
         "for an excitatory input, or e.g. \"-80 mV\" for an inhibitory one)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = \"1 mV\";\n"
         " targets = [\"exc\"];\n E_rev = 0; });",
         "stim.cfg:3: E_rev belongs to inputs into cond synapses, but 'exc' has delta synapses "
         "(expected no E_rev, or synapse = \"cond\"; on 'exc')"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; targets = [\"cnd\"];\n"
         " weight = \"10 pA\"; E_rev = 0; });",
         "stim.cfg:2: weight \"10 pA\" is a current, but 'cnd' has cond synapses: a spike adds "
         "the weight to a decaying conductance (expected a conductance such as \"1 nS\", or "
         "synapse = \"exp\"; on 'cnd')"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; targets = [\"cnd\"];\n"
         " weight = \"-1 nS\"; E_rev = 0; });",
         "stim.cfg:2: weight = -1e-09 S is out of range (expected >= 0 S)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; targets = [\"cnd\"]; });",
         "stim.cfg:1: spike source 'x' needs a weight (expected weight = \"1 nS\"; in S: 'cnd' "
         "has cond synapses)"},
        {"spike_sources = ({ id = \"x\"; kind = \"poisson\"; rate = 1; weight = 1e-9;\n"
         " targets = [\"cnd\", \"exc\"]; E_rev = 0; });",
         "stim.cfg:2: the targets of spike source 'x' mix synapse kinds: 'cnd' has cond "
         "synapses, 'exc' delta (expected targets of one kind, or one spike source per kind)"},
    };
    for (size_t k = 0; k < sizeof bad_stim / sizeof bad_stim[0]; k++)
        stimulus_fails(bad_stim[k].text, c, bad_stim[k].msg);
    opsin_circuit_free(c);

    /* a pair list into cond synapses: weights in S, none below 0 */
    char name[128], text[1024], want[512];
    snprintf(name, sizeof name, "%s/net.cfg", dir);
    snprintf(text, sizeof text, COND_POPS "projections = ({ from = \"exc\"; to = \"cnd\";\n"
             " rule = \"list\"; file = \"pairs.csv\"; weight = \"1 nS\"; E_rev = 0;\n"
             " delay = \"1 ms\"; });\n");
    snprintf(want, sizeof want, "%s/pairs.csv:3: weight '-1e-9' is a negative conductance "
             "(expected a number of S >= 0: 'cnd' has cond synapses; rows without a weight "
             "take the projection's)", dir);
    circuit_fails(text, name, want);
    dir_file(0, "pairs.csv", "0,1,2e-9\n1,2\n");
    opsin_circuit_free(parse_ok(text, name));
    dir_remove(files);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {COND_POPS "projections = ({ from = \"exc\"; to = \"cnd\"; rule = \"all_to_all\";\n"
         " weight = \"1 nS\"; delay = \"1 ms\"; });",
         "net.cfg:6: projection exc -> cnd needs 'E_rev': 'cnd' has cond synapses, whose "
         "conductance pulls V toward the input's reversal potential (expected E_rev = \"0 mV\"; "
         "for an excitatory input, or e.g. \"-80 mV\" for an inhibitory one)"},
        {COND_POPS "projections = ({ from = \"cnd\"; to = \"exc\"; rule = \"all_to_all\";\n"
         " weight = \"1 mV\"; delay = \"1 ms\";\n E_rev = \"0 mV\"; });",
         "net.cfg:8: E_rev belongs to inputs into cond synapses, but 'exc' has delta synapses "
         "(expected no E_rev, or synapse = \"cond\"; on 'exc')"},
        {COND_POPS "projections = ({ from = \"exc\"; to = \"cnd\"; rule = \"all_to_all\";\n"
         " weight = \"0.1 mV\"; E_rev = 0; delay = \"1 ms\"; });",
         "net.cfg:7: weight \"0.1 mV\" is a voltage, but 'cnd' has cond synapses: a spike adds "
         "the weight to a decaying conductance (expected a conductance such as \"1 nS\", or "
         "synapse = \"delta\"; on 'cnd')"},
        {COND_POPS "projections = ({ from = \"cnd\"; to = \"exc\"; rule = \"all_to_all\";\n"
         " weight = \"1 nS\"; delay = \"1 ms\"; });",
         "net.cfg:7: weight \"1 nS\" is a conductance, but 'exc' has delta synapses: a spike "
         "moves V by the weight (expected a voltage such as \"0.1 mV\", or synapse = \"cond\"; "
         "on 'exc')"},
        {COND_POPS "projections = ({ from = \"exc\"; to = \"cnd\"; rule = \"all_to_all\";\n"
         " weight = { dist = \"normal\"; mean = \"-1 nS\"; sd = \"1 nS\"; }; E_rev = 0;\n"
         " delay = \"1 ms\"; });",
         "net.cfg:7: weight.mean = -1e-09 S is out of range (expected >= 0 S)"},
        {COND_POPS "projections = ({ from = \"exc\"; to = \"cnd\"; rule = \"all_to_all\";\n"
         " weight = \"1 nS\"; E_rev = \"1 nS\"; delay = \"1 ms\"; });",
         "net.cfg:7: E_rev: 'nS' is a unit of conductance, not of voltage (expected V with an "
         "optional prefix f p n u (or \u00b5) m c k M G T)"},
        {COND_POPS "projections = ({ from = \"exc\"; to = \"cnd\"; rule = \"all_to_all\";\n"
         " delay = \"1 ms\"; E_rev = 0;\n device = { model = \"pairstdp\"; read = { voltage = "
         "\"0.1 V\"; width = \"1 ms\"; }; }; });",
         "net.cfg:8: device synapses send a charge at each read, and 'cnd' has cond synapses, "
         "which take a conductance toward an E_rev (expected synapse = \"delta\" or \"exp\" on "
         "'cnd', or weight and E_rev instead of device)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        circuit_fails(bad[k].text, "net.cfg", bad[k].msg);
}
END_TEST

static Suite *net_io_suite(void)
{
    Suite *s = suite_create("net_io");
    TCase *tc = tcase_create("read");
    tcase_add_test(tc, test_populations);
    tcase_add_test(tc, test_projections);
    tcase_add_test(tc, test_pair_list);
    tcase_add_test(tc, test_probes);
    tcase_add_test(tc, test_copy);
    tcase_add_test(tc, test_spike_sources);
    tcase_add_test(tc, test_bad_circuits);
    tcase_add_test(tc, test_bad_stimuli);
    tcase_add_test(tc, test_cond);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(net_io_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
