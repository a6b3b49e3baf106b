/* number.c: numbers as the CSV files hold them (see number.h).
 *
 * The definition, three printf and strtod rounds, costs about 2.5 times one %.17g.  The fast
 * path gets the same text from a single %.18e: from its 19 significant digits the 15-, 16-
 * and 17-digit roundings follow in integer arithmetic, and so does the distance of each to
 * x, which says whether it reads back as x (it does when it lies within half the gap to the
 * neighbouring double).  Whenever 19 digits cannot decide (a tie in the rounding, a
 * candidate within half a 19th digit of that limit) and for zero, infinities, very large and
 * very small magnitudes, the definition itself is used.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/number.h"

/* The contract as written: the shortest of %.15g, %.16g, %.17g that reads back as x. */
static void format_by_trial(char *buf, size_t len, double x)
{
    for (int digits = 15; digits < 17; digits++) {
        snprintf(buf, len, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            return;
    }
    snprintf(buf, len, "%.17g", x);
}

/* What %.Pg prints for the P significant digits dig (dig[0] not '0') times 10^(e-P+1):
 * trailing zeros dropped, the exponent form when e < -4 or e >= P. */
static void render(char *out, int neg, const char *dig, int p, int e)
{
    int n = p;
    while (n > 1 && dig[n - 1] == '0')
        n--;
    if (neg)
        *out++ = '-';
    if (e < -4 || e >= p) {
        *out++ = dig[0];
        if (n > 1)
            *out++ = '.';
        memcpy(out, dig + 1, (size_t)n - 1);
        out += n - 1;
        int a = abs(e);
        *out++ = 'e';
        *out++ = e < 0 ? '-' : '+';
        if (a >= 100)
            *out++ = (char)('0' + a / 100);
        *out++ = (char)('0' + a / 10 % 10);
        *out++ = (char)('0' + a % 10);
    } else if (e >= 0) {
        for (int i = 0; i <= e; i++)
            *out++ = i < n ? dig[i] : '0';
        if (n > e + 1)
            *out++ = '.';
        for (int i = e + 1; i < n; i++)
            *out++ = dig[i];
    } else {
        *out++ = '0';
        *out++ = '.';
        for (int i = 0; i < -e - 1; i++)
            *out++ = '0';
        memcpy(out, dig, (size_t)n);
        out += n;
    }
    *out = '\0';
}

/* The text by the fast path into out (OPSIN_NUMBER_MAX bytes); 0 when it cannot decide. */
static int format_fast(char *out, double x)
{
    double a = fabs(x);
    char t[40], dig[20];
    if (!(a >= 1e-280 && a <= 1e280))
        return 0;
    snprintf(t, sizeof t, "%.18e", a); /* d.dddddddddddddddddde+XX */
    if (t[1] != '.' || t[20] != 'e')
        return 0;
    dig[0] = t[0];
    memcpy(dig + 1, t + 2, 18);
    uint64_t m = 0; /* the 19 digits as an integer (below 2^64) */
    for (int i = 0; i < 19; i++)
        m = m * 10 + (uint64_t)(dig[i] - '0');
    int e = 0;
    for (const char *c = t + 22; *c; c++)
        e = e * 10 + (*c - '0');
    if (t[21] == '-')
        e = -e;
    /* Half the gaps to the neighbouring doubles in units of the 19th digit, 10^(e-18) =
     * x/m: with x = f 2^k (1/2 <= f < 1) the gap above is 2^(k-53), so half of it is
     * m 2^-54/f units; the gap below is half as wide when x is a power of two. */
    int k;
    double f = frexp(a, &k);
    double h_up = (double)m * 0x1p-54 / f, h_down = f == 0.5 ? h_up / 2 : h_up;
    for (int p = 15; p <= 17; p++) {
        int q = p == 15 ? 10000 : p == 16 ? 1000 : 100, r = 0;
        for (int i = p; i < 19; i++)
            r = r * 10 + (dig[i] - '0');
        if (2 * r == q)
            return 0; /* a tie: the digits after the 19th decide */
        /* The 19 digits are x within half a unit, so the p-digit rounding is x within diff
         * +- 0.5 units, on the side `up`. */
        int up = 2 * r > q;
        double diff = up ? q - r : r, h = up ? h_up : h_down;
        if (p < 17 && !(diff + 0.5 < h * (1 - 1e-9))) { /* 17 digits always read back */
            if (diff - 0.5 > h * (1 + 1e-9))
                continue; /* reads back as a neighbour of x */
            return 0;
        }
        char d[20];
        memcpy(d, dig, (size_t)p);
        for (int i = p - 1; up && i >= 0; i--)
            if ((up = d[i] == '9'))
                d[i] = '0';
            else
                d[i]++;
        if (up) { /* 99...9 rounded up to the next power of ten */
            d[0] = '1';
            e++;
        }
        render(out, x < 0, d, p, e);
        return 1;
    }
    return 0;
}

void opsin_number_format(char *buf, size_t len, double x)
{
    char t[OPSIN_NUMBER_MAX];
    if (isnan(x))
        snprintf(buf, len, "nan");
    else if (!format_fast(len >= sizeof t ? buf : t, x))
        format_by_trial(buf, len, x);
    else if (len < sizeof t && len > 0) {
        size_t n = strnlen(t, len - 1);
        memcpy(buf, t, n);
        buf[n] = '\0';
    }
}

int opsin_number_write(FILE *fp, double x)
{
    char buf[OPSIN_NUMBER_MAX];
    opsin_number_format(buf, sizeof buf, x);
    return fputs(buf, fp);
}

int opsin_number_write_list(FILE *fp, const double *v, size_t n)
{
    char buf[64 * OPSIN_NUMBER_MAX];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (used > sizeof buf - OPSIN_NUMBER_MAX - 1) { /* a long list goes out in pieces */
            if (fwrite(buf, 1, used, fp) != used)
                return EOF;
            used = 0;
        }
        if (i)
            buf[used++] = ',';
        opsin_number_format(buf + used, OPSIN_NUMBER_MAX, v[i]);
        used += strlen(buf + used);
    }
    return fwrite(buf, 1, used, fp) == used ? 0 : EOF;
}
