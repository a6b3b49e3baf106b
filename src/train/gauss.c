/* gauss.c: the normal ziggurat (gauss.h).
 *
 * The density e^{-x^2/2} on x >= 0 is covered by N = 128 layers of equal area v: layer i
 * (1 <= i < N) is the rectangle [0, x_i] x [f(x_i), f(x_{i+1})], layer 0 the strip
 * [0, r] x [0, f(r)] plus the tail beyond r, as wide as x_0 = v/f(r).  With r = 3.442619855899
 * and v = 9.91256303526217e-3 (Marsaglia & Tsang's constants for 128 layers) the layers close
 * at x_N = 0.  A draw takes one 64-bit uniform: its low 7 bits pick the layer, bit 7 the sign,
 * its top 53 bits u; z = u x_i is under the curve when u < x_{i+1}/x_i; otherwise layer 0's
 * draw goes to the tail (Marsaglia 1964: r + a with a = -ln(u1)/r, kept when
 * -2 ln(u2) > a^2) and another layer's to the wedge test f(x_i) + u3 (f(x_{i+1}) - f(x_i)) <
 * f(z); a rejected draw starts again with the next uniforms of the key's stream.  Exact in
 * distribution to the 53-bit resolution of u. */
#include <math.h>

#include "core.h"
#include "train/gauss.h"

#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

static double f_of(double x) { return exp(-0.5 * x * x); }

void opsin_gauss_init(opsin_gauss_tab *t)
{
    t->x[0] = ZIG_V / f_of(ZIG_R);
    t->x[1] = ZIG_R;
    for (int i = 1; i < OPSIN_GAUSS_N - 1; i++)
        t->x[i + 1] = sqrt(-2 * log(ZIG_V / t->x[i] + f_of(t->x[i])));
    t->x[OPSIN_GAUSS_N] = 0;
    for (int i = 0; i <= OPSIN_GAUSS_N; i++)
        t->f[i] = f_of(t->x[i]);
    for (int i = 0; i < OPSIN_GAUSS_N; i++)
        t->k[i] = t->x[i + 1] / t->x[i];
}

/* The n-th uniform 64 bits of key's stream (SplitMix64's sequence from key). */
static uint64_t nth(uint64_t key, uint64_t n)
{
    return opsin_splitmix64(key + n * 0x9E3779B97F4A7C15ull);
}

/* A uniform in (0, 1] from 64 bits. */
static double open01(uint64_t b) { return ((double)(b >> 11) + 1) * 0x1.0p-53; }

double opsin_gauss(const opsin_gauss_tab *t, uint64_t key)
{
    for (uint64_t n = 0;; n++) {
        uint64_t b = nth(key, n);
        unsigned i = (unsigned)(b & (OPSIN_GAUSS_N - 1));
        double sign = (b & OPSIN_GAUSS_N) ? -1 : 1, u = (double)(b >> 11) * 0x1.0p-53;
        if (u < t->k[i]) /* inside the rectangle: the fast case */
            return sign * u * t->x[i];
        if (i == 0) { /* the tail beyond r */
            for (;; n += 2) {
                double a = -log(open01(nth(key, n + 1))) / ZIG_R;
                if (-2 * log(open01(nth(key, n + 2))) > a * a)
                    return sign * (ZIG_R + a);
            }
        }
        double z = u * t->x[i];
        if (t->f[i] + open01(nth(key, ++n)) * (t->f[i + 1] - t->f[i]) < f_of(z))
            return sign * z;
    }
}
