/* measure.c: the table of named measures over one run's rows, spikes and pulses (see
 * measure.h).
 *
 * Rows hold both sides of every event: two rows at an edge time, the left side (before the
 * event) first.  So "the value at t" is the last row with time <= t (the right side at an
 * edge) and "the value just before t" is the first row with time >= t when t is an edge.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "protocols/measure.h"

/* Value of row i of the probe's column. */
static double val(const opsin_measure_input *in, size_t i)
{
    return in->v[i * in->stride];
}

/* Index of the first row with time >= t (nrows if none): the left side at an edge. */
static size_t first_at_or_after(const opsin_measure_input *in, double t)
{
    size_t lo = 0, hi = in->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->t[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Number of rows with time <= t; the last of them is the right side at an edge. */
static size_t count_at_or_before(const opsin_measure_input *in, double t)
{
    size_t lo = 0, hi = in->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->t[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Maximum over rows a .. b-1 (NAN for an empty range). */
static double max_rows(const opsin_measure_input *in, size_t a, size_t b)
{
    double m = NAN;
    for (size_t i = a; i < b; i++)
        if (!(val(in, i) <= m))
            m = val(in, i);
    return m;
}

static double m_peak(const opsin_measure_input *in)
{
    return max_rows(in, 0, in->nrows);
}

/* Time of the first row that holds the largest (sign +1) or smallest (-1) value; NAN when
 * there is no number. */
static double extreme_time(const opsin_measure_input *in, double sign)
{
    double m = NAN, t = NAN;
    for (size_t i = 0; i < in->nrows; i++)
        if (sign * val(in, i) > m || (isnan(m) && !isnan(val(in, i)))) {
            m = sign * val(in, i);
            t = in->t[i];
        }
    return t;
}

static double m_max_t(const opsin_measure_input *in)
{
    return extreme_time(in, 1);
}

static double m_min_t(const opsin_measure_input *in)
{
    return extreme_time(in, -1);
}

static double m_min(const opsin_measure_input *in)
{
    double m = NAN;
    for (size_t i = 0; i < in->nrows; i++)
        if (!(val(in, i) >= m))
            m = val(in, i);
    return m;
}

static double m_final(const opsin_measure_input *in)
{
    return in->nrows ? val(in, in->nrows - 1) : NAN;
}

/* Value at time s of the line through rows i and i + 1 (t_i < s < t_i+1). */
static double lerp(const opsin_measure_input *in, size_t i, double s)
{
    double f = (s - in->t[i]) / (in->t[i + 1] - in->t[i]);
    return val(in, i) + f * (val(in, i + 1) - val(in, i));
}

/* Integral over [a, b] (within the rows' span) of the line through the rows: the trapezoid
 * rule, the segments at a and b cut there.  The two rows of an edge span zero time, so each
 * side of a jump is weighted only by its own interval. */
static double integral_rows(const opsin_measure_input *in, double a, double b)
{
    double area = 0.0;
    size_t i = first_at_or_after(in, a);
    for (i = i ? i - 1 : 0; i + 1 < in->nrows && in->t[i] < b; i++) {
        double t0 = in->t[i], t1 = in->t[i + 1];
        if (!(t1 > t0) || t1 <= a)
            continue;
        if (t0 >= a && t1 <= b) { /* a whole segment */
            area += 0.5 * (val(in, i) + val(in, i + 1)) * (t1 - t0);
            continue;
        }
        double lo = fmax(t0, a), hi = fmin(t1, b);
        double v0 = lo > t0 ? lerp(in, i, lo) : val(in, i);
        double v1 = hi < t1 ? lerp(in, i, hi) : val(in, i + 1);
        area += 0.5 * (v0 + v1) * (hi - lo);
    }
    return area;
}

/* The window [arg, arg2] of a measure within the rows' span; 0 when there are no rows. */
static int window(const opsin_measure_input *in, double *a, double *b)
{
    if (in->nrows == 0)
        return 0;
    *a = fmax(in->arg, in->t[0]);
    *b = fmin(in->arg2, in->t[in->nrows - 1]);
    return *b >= *a;
}

static double m_mean(const opsin_measure_input *in)
{
    if (in->nrows == 0)
        return NAN;
    double span = in->t[in->nrows - 1] - in->t[0];
    return span > 0 ? integral_rows(in, in->t[0], in->t[in->nrows - 1]) / span : val(in, 0);
}

static double m_integral(const opsin_measure_input *in)
{
    double a, b;
    return window(in, &a, &b) ? integral_rows(in, a, b) : NAN;
}

static double m_avg(const opsin_measure_input *in)
{
    double a, b;
    return window(in, &a, &b) && b > a ? integral_rows(in, a, b) / (b - a) : NAN;
}

/* Time at which the line through the rows crosses `level` between row j and row i, the next
 * row off the level: the first row in between that sits on it, else the point of the line
 * (at an edge, two rows at one time, the edge's time). */
static double crossing_time(const opsin_measure_input *in, size_t j, size_t on, size_t i,
                            double level)
{
    if (on < i)
        return in->t[on];
    double t0 = in->t[j], t1 = in->t[i];
    if (!(t1 > t0))
        return t0;
    return t0 + (level - val(in, j)) / (val(in, i) - val(in, j)) * (t1 - t0);
}

/* The time of the nth crossing of the level arg (0: the last) in the direction dir.  A
 * crossing is a change of side: a value that touches the level and goes back is none.  The
 * run's own when it followed the level on the solution (opsin run and sweep always do for a
 * component's probe), else linear between the rows. */
static double m_when(const opsin_measure_input *in)
{
    if (in->followed) /* found on the solution itself (engine/watch.c) */
        return in->crossing;
    double level = in->arg, found = NAN;
    long count = 0;
    int side = 0;
    size_t last = 0, on = SIZE_MAX; /* the last row off the level; the first on it after */
    for (size_t i = 0; i < in->nrows; i++) {
        double v = val(in, i);
        if (isnan(v))
            continue;
        if (v == level) {
            on = on == SIZE_MAX ? i : on;
            continue;
        }
        int s = v > level ? 1 : -1;
        if (side && s != side &&
            (in->dir == OPSIN_MDIR_CROSS || (in->dir == OPSIN_MDIR_RISE) == (s > 0))) {
            found = crossing_time(in, last, on == SIZE_MAX ? i : on, i, level);
            if (++count == in->nth)
                return found;
        }
        side = s;
        last = i;
        on = SIZE_MAX;
    }
    return in->nth == 0 ? found : NAN;
}

/* Exact at a row time (the right side at an edge); linear between the two rows around T. */
static double m_at(const opsin_measure_input *in)
{
    size_t n = count_at_or_before(in, in->arg);
    if (n == 0)
        return NAN;
    size_t i = n - 1;
    if (in->t[i] == in->arg || n == in->nrows)
        return in->t[i] == in->arg ? val(in, i) : NAN;
    double f = (in->arg - in->t[i]) / (in->t[i + 1] - in->t[i]);
    return val(in, i) + f * (val(in, i + 1) - val(in, i));
}

static double m_spikes(const opsin_measure_input *in)
{
    return (double)in->nspikes;
}

/* The firing rate while the neuron fires: the inverse of its mean interspike interval,
 * (n - 1)/(t_n - t_1), so time without drive does not dilute it (spikes/t_end would); 0 with
 * no spike, undefined with one. */
static double m_rate(const opsin_measure_input *in)
{
    if (in->nspikes < 2)
        return in->nspikes ? NAN : 0.0;
    return (double)(in->nspikes - 1) / (in->spikes[in->nspikes - 1] - in->spikes[0]);
}

static double m_energy(const opsin_measure_input *in)
{
    return in->energy;
}

/* A pulse counts when it ends by t_end: its change is then fully recorded. */
static int pulse_complete(const opsin_measure_input *in, size_t k)
{
    return in->pulses[k].end <= in->t_end;
}

/* dG of pulse k: right side of the falling edge minus left side of the rising edge. */
static double pulse_change(const opsin_measure_input *in, size_t k)
{
    size_t a = first_at_or_after(in, in->pulses[k].start);
    size_t b = count_at_or_before(in, in->pulses[k].end);
    return a < in->nrows && b > 0 ? val(in, b - 1) - val(in, a) : NAN;
}

/* Mean (which = 0) or sample standard deviation (which = 1, n - 1) of dG per pulse. */
static double pulse_stat(const opsin_measure_input *in, int which)
{
    double sum = 0.0, sum2 = 0.0, mean;
    size_t n = 0;
    for (size_t k = 0; k < in->npulses; k++)
        if (pulse_complete(in, k)) {
            sum += pulse_change(in, k);
            n++;
        }
    if (n == 0 || (which && n < 2))
        return NAN;
    mean = sum / (double)n;
    if (!which)
        return mean;
    for (size_t k = 0; k < in->npulses; k++)
        if (pulse_complete(in, k)) {
            double e = pulse_change(in, k) - mean;
            sum2 += e * e;
        }
    return sqrt(sum2 / (double)(n - 1));
}

static double m_dg_mean(const opsin_measure_input *in)
{
    return pulse_stat(in, 0);
}

static double m_dg_std(const opsin_measure_input *in)
{
    return pulse_stat(in, 1);
}

/* Peak of pulse k: the maximum over the rows from its rising to its falling edge, both
 * sides of both edges included. */
static double pulse_peak(const opsin_measure_input *in, size_t k)
{
    size_t a = first_at_or_after(in, in->pulses[k].start);
    size_t b = count_at_or_before(in, in->pulses[k].end);
    return max_rows(in, a, b);
}

static double m_ppf(const opsin_measure_input *in)
{
    if (in->npulses < 2 || !pulse_complete(in, 1))
        return NAN;
    double a1 = pulse_peak(in, 0), a2 = pulse_peak(in, 1);
    return a1 != 0 ? a2 / a1 : NAN;
}

static const opsin_measure_def table[] = {
    {"peak", "", OPSIN_MEAS_ROWS, OPSIN_MARG_NONE, "maximum over the rows", m_peak},
    {"max", "", OPSIN_MEAS_ROWS, OPSIN_MARG_NONE, "the same as peak", m_peak},
    {"min", "", OPSIN_MEAS_ROWS, OPSIN_MARG_NONE, "minimum over the rows", m_min},
    {"max_t", "s", OPSIN_MEAS_ROWS, OPSIN_MARG_NONE,
     "time of the maximum (its first row)", m_max_t},
    {"min_t", "s", OPSIN_MEAS_ROWS, OPSIN_MARG_NONE,
     "time of the minimum (its first row)", m_min_t},
    {"final", "", OPSIN_MEAS_ROWS, OPSIN_MARG_NONE, "value at t_end", m_final},
    {"mean", "", OPSIN_MEAS_ROWS, OPSIN_MARG_NONE,
     "time average over [0, t_end] (trapezoid rule over the rows)", m_mean},
    {"avg", "", OPSIN_MEAS_ROWS, OPSIN_MARG_WINDOW,
     "avg[:T1:T2], time average over [T1, T2] (default [0, t_end]): integral / (T2 - T1)",
     m_avg},
    {"integral", "* s", OPSIN_MEAS_ROWS, OPSIN_MARG_WINDOW,
     "integral[:T1:T2], integral over [T1, T2] (default [0, t_end]): trapezoid rule over the "
     "rows, each side of an edge over its own interval, linear between rows at T1 and T2",
     m_integral},
    {"at", "", OPSIN_MEAS_ROWS, OPSIN_MARG_TIME,
     "at:T, value at time T (right side if T is an edge; linear between rows)", m_at},
    {"when", "s", OPSIN_MEAS_ROWS, OPSIN_MARG_LEVEL,
     "when:[PROBE=]VALUE[:rise|fall|cross][:N|last], time of the Nth (default first) crossing "
     "of VALUE in that direction (default either), solved on the probe's solution (CVODE's "
     "interpolant, the closed form), not between rows; an event's time when it jumps across; "
     "nan if there is none", m_when},
    {"spikes", "1", OPSIN_MEAS_SPIKES, OPSIN_MARG_NONE, "number of spikes of the neuron",
     m_spikes},
    {"rate", "Hz", OPSIN_MEAS_SPIKES, OPSIN_MARG_NONE,
     "firing rate, the inverse of the mean interspike interval: (n - 1)/(t_n - t_1) for n "
     "spikes at t_1 .. t_n; 0 with no spike, nan with one", m_rate},
    {"dg_mean", "", OPSIN_MEAS_ROWS | OPSIN_MEAS_PULSES, OPSIN_MARG_SOURCE,
     "mean change per pulse of the source: right side of the falling edge minus left side "
     "of the rising edge, over the pulses that end by t_end", m_dg_mean},
    {"dg_std", "", OPSIN_MEAS_ROWS | OPSIN_MEAS_PULSES, OPSIN_MARG_SOURCE,
     "sample standard deviation (n - 1) of that change", m_dg_std},
    {"ppf", "1", OPSIN_MEAS_ROWS | OPSIN_MEAS_PULSES, OPSIN_MARG_SOURCE,
     "A2/A1, A_k the maximum over pulse k of the source (edges included)", m_ppf},
    {"energy", "J", OPSIN_MEAS_NONE, OPSIN_MARG_NONE,
     "total energy delivered by every source and connection", m_energy},
};

#define NMEASURES (sizeof table / sizeof table[0])

const opsin_measure_def *opsin_measure_find(const char *name)
{
    for (size_t i = 0; i < NMEASURES; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

size_t opsin_measure_count(void)
{
    return NMEASURES;
}

const opsin_measure_def *opsin_measure_at(size_t i)
{
    return i < NMEASURES ? &table[i] : NULL;
}

void opsin_measure_print_table(FILE *fp)
{
    for (size_t i = 0; i < NMEASURES; i++)
        fprintf(fp, "  %-8s %-9s %s\n", table[i].name,
                !table[i].unit[0] ? "(probe)" : table[i].unit[0] == '*' ? "(probe) s"
                : table[i].unit, table[i].doc);
}
