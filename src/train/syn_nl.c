/* syn_nl.c: the `nl` synapse kind: a weight pair (train/pair.h) whose devices follow the
 * exponential law of seed 002 / NeuroSim,
 *     G_LTP(P) = Gmin + (Gmax - Gmin)(1 - exp(-NL P/Pmax))/(1 - exp(-NL)),
 *     G_LTD(P) = Gmax - (Gmax - Gmin)(1 - exp(-NL_LTD P/Pmax))/(1 - exp(-NL_LTD)),
 * with the parameters named as `opsin fit nl` prints them (Gmin, Gmax, Pmax, A = Pmax/NL, NL,
 * A_LTD, NL_LTD), so a fitted staircase pastes into the network file.  This file reads the
 * synapse group; the update rule is pair.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/cfg.h"
#include "train/pair.h"

const opsin_syn_type opsin_syn_nl = OPSIN_PAIR_TYPE("nl");

/* Optional number key of g with SI unit `unit` into *v (untouched when absent). */
static int opt_number(const config_setting_t *g, const char *key, const char *unit,
                      const char *file, double *v, opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    return s ? opsin_cfg_number(s, unit, 0, v, file, d) : OPSIN_OK;
}

static int bad(opsin_diag *d, const char *file, const config_setting_t *s, const char *key,
               double v, const char *expected)
{
    opsin_diag_at(d, file, s, "%s = %g is out of range (expected %s)", key, v, expected);
    return OPSIN_EINVAL;
}

/* Pmax: pulses from Gmin to Gmax, or "inf" / "continuous". */
static int read_pmax(const config_setting_t *g, const char *file, double *pmax, opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, "Pmax");
    if (!s) {
        opsin_diag_at(d, file, g, "nl synapse: missing 'Pmax' (expected Pmax = 100; the pulses "
                      "from Gmin to Gmax, or \"inf\" for a continuous device)");
        return OPSIN_EINVAL;
    }
    if (config_setting_type(s) == CONFIG_TYPE_STRING &&
        (!strcmp(config_setting_get_string(s), "inf") ||
         !strcmp(config_setting_get_string(s), "continuous"))) {
        *pmax = INFINITY;
        return OPSIN_OK;
    }
    int rc = opsin_cfg_number(s, "", 0, pmax, file, d);
    if (rc)
        return rc;
    return *pmax > 0 && isfinite(*pmax)
               ? OPSIN_OK
               : bad(d, file, s, "Pmax", *pmax, "pulses > 0, or \"inf\"");
}

/* NL (or NL_LTD) from its key, from A (A_LTD) = Pmax/NL, or both when they agree to the
 * 6 digits opsin fit prints (relative 1e-4); absent both: *nl as it is.  A form given on the
 * command line (--set synapse.NL=3, a setting of no line) wins over the file's other form,
 * and so does NL when Pmax was given there (pmax_set): a fitted file sweeps. */
static int read_nl(const config_setting_t *g, const char *nl_key, const char *a_key,
                   double pmax, int pmax_set, const char *file, double *nl, opsin_diag *d)
{
    const config_setting_t *sn = config_setting_get_member(g, nl_key),
                           *sa = config_setting_get_member(g, a_key);
    double v = *nl, a = 0;
    int rc;
    if (sn && sa && !config_setting_source_line(sn) != !config_setting_source_line(sa)) {
        if (!config_setting_source_line(sa))
            sn = NULL; /* --set A: the file's NL gives way */
        else
            sa = NULL; /* --set NL: the file's A gives way */
    } else if (sn && sa && pmax_set) {
        sa = NULL; /* --set Pmax: NL stays, A = Pmax/NL follows */
    }
    if (sn && (rc = opsin_cfg_number(sn, "", 0, &v, file, d)))
        return rc;
    if (sn && !isfinite(v))
        return bad(d, file, sn, nl_key, v, "a finite number, 0 for a linear device");
    if (!sa) {
        *nl = v;
        return OPSIN_OK;
    }
    if ((rc = opsin_cfg_number(sa, "", 0, &a, file, d)))
        return rc;
    if (isinf(pmax)) {
        opsin_diag_at(d, file, sa, "%s with Pmax = \"inf\" (expected %s: A = Pmax/NL needs a "
                      "finite Pmax)", a_key, nl_key);
        return OPSIN_EINVAL;
    }
    if (!isfinite(a) || a == 0)
        return bad(d, file, sa, a_key, a, "a finite number of pulses, not 0");
    if (sn && !(fabs(pmax / v - a) <= 1e-4 * fabs(a))) {
        opsin_diag_at(d, file, sa, "%s = %g does not match Pmax/%s = %g (expected %s = Pmax/%s "
                      "as opsin fit nl prints them, or only one of the two)", a_key, a, nl_key,
                      pmax / v, a_key, nl_key);
        return OPSIN_EINVAL;
    }
    *nl = sn ? v : pmax / a;
    return OPSIN_OK;
}

int opsin_nl_read(const config_setting_t *g, const opsin_wsyn_ctx *ctx, void **params,
                  opsin_diag *d)
{
    static const char *const keys[] = {"kind", "Gmin", "Gmax", "Pmax", "NL", "NL_LTD", "A",
                                       "A_LTD", "variation", "E_LTP", "E_LTD",
                                       OPSIN_PAIR_COMMON_KEYS, NULL};
    const char *file = ctx->file;
    if (ctx->nset) { /* its keys are the file's: a setting would be dropped unread */
        opsin_diag_set(d, NULL, 0, "--set %s: no key of the network file, and the nl synapse "
                       "takes no settings (expected a key of the file such as training.rate=0.05 "
                       "or synapse.NL=2)", ctx->set[0]);
        return OPSIN_EINVAL;
    }
    if (opsin_cfg_known_keys(g, keys, "nl synapse key", file, d))
        return OPSIN_EINVAL;
    const config_setting_t *sp = config_setting_get_member(g, "Pmax");
    int pmax_set = sp && !config_setting_source_line(sp); /* given on the command line */
    opsin_pair_params p;
    opsin_pair_params_init(&p);
    p.gmin = 0;
    p.gmax = 1e-6;
    int rc;
    if ((rc = opt_number(g, "Gmin", "S", file, &p.gmin, d)) ||
        (rc = opt_number(g, "Gmax", "S", file, &p.gmax, d)) ||
        (rc = read_pmax(g, file, &p.pmax, d)) ||
        (rc = read_nl(g, "NL", "A", p.pmax, pmax_set, file, &p.nl_ltp, d)))
        return rc;
    p.nl_ltd = p.nl_ltp;
    if ((rc = read_nl(g, "NL_LTD", "A_LTD", p.pmax, pmax_set, file, &p.nl_ltd, d)) ||
        (rc = opt_number(g, "variation", "", file, &p.variation, d)) ||
        (rc = opt_number(g, "E_LTP", "J", file, &p.e_ltp, d)) ||
        (rc = opt_number(g, "E_LTD", "J", file, &p.e_ltd, d)) ||
        (rc = opsin_pair_read_common(g, ctx, &p, d)))
        return rc;
    const config_setting_t *s;
    /* Gmin may be negative: opsin fit nl of a staircase of -G (a negative photoconductance)
     * prints one, and only fractions of the range reach the weights. */
    if (!(p.gmax > p.gmin && isfinite(p.gmax))) {
        s = config_setting_get_member(g, "Gmax");
        opsin_diag_at(d, file, s ? s : g, "Gmax = %g S is not above Gmin = %g S (expected "
                      "Gmin < Gmax)", p.gmax, p.gmin);
        return OPSIN_EINVAL;
    }
    if (!(p.variation >= 0 && isfinite(p.variation)))
        return bad(d, file, config_setting_get_member(g, "variation"), "variation", p.variation,
                   "the sd of a device's NL, >= 0");
    const char *ekey[2] = {"E_LTP", "E_LTD"};
    const double e[2] = {p.e_ltp, p.e_ltd};
    for (int k = 0; k < 2; k++)
        if (!(e[k] >= 0 && isfinite(e[k])))
            return bad(d, file, config_setting_get_member(g, ekey[k]), ekey[k], e[k],
                       "an energy per pulse >= 0 J");
    if (isinf(p.pmax) && (s = config_setting_get_member(g, "noise")) && p.noise > 0) {
        opsin_diag_at(d, file, s, "noise with Pmax = \"inf\" (expected a finite Pmax: the noise "
                      "is per pulse)");
        return OPSIN_EINVAL;
    }
    opsin_pair_params *out = opsin_memdup(&p, sizeof p);
    if (!out) {
        opsin_diag_oom(d, file, "reading the nl synapse");
        return OPSIN_ENOMEM;
    }
    *params = out;
    return OPSIN_OK;
}
