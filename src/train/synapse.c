/* synapse.c: the ideal synapse, the float baseline: a weight takes exactly the change asked
 * for, clipped to the weight range, and no pulse is counted (synapse.h). */
#include <stdlib.h>

#include "core.h"
#include "train/blas.h"
#include "train/synapse.h"

typedef struct ideal_state {
    double wmin, wmax;
} ideal_state;

static int ideal_alloc(void **state, const void *params, double wmin, double wmax, double *w,
                       size_t n, unsigned long seed, opsin_diag *diag)
{
    (void)params, (void)w, (void)n, (void)seed;
    ideal_state *s = malloc(sizeof *s);
    if (!s) {
        opsin_diag_oom(diag, NULL, "allocating the ideal synapses");
        return OPSIN_ENOMEM;
    }
    s->wmin = wmin;
    s->wmax = wmax;
    *state = s;
    return OPSIN_OK;
}

OPSIN_WIDE static void ideal_apply(void *state, size_t first, double *restrict w,
                        const double *restrict dw, size_t n, opsin_syn_counts *c)
{
    (void)first;
    const ideal_state *s = state;
    const double lo = s->wmin, hi = s->wmax;
    uint64_t moved = 0;
    for (size_t k = 0; k < n; k++) {
        double v = w[k] + dw[k];
        v = v < lo ? lo : v; /* the forms of maxsd and minsd: no branch, no libm call */
        w[k] = v > hi ? hi : v;
        moved += dw[k] != 0;
    }
    c->updates += moved;
}

static void ideal_free(void *state) { free(state); }

const opsin_syn_type opsin_syn_ideal = {"ideal", ideal_alloc, ideal_apply, ideal_free, 0, NULL,
                                         NULL};
