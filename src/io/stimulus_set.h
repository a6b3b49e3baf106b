/* stimulus_set.h: a stimulus file re-read with SOURCE[.trainN].KEY=VALUE overrides applied
 * (the parameter grid of opsin sweep). */
#ifndef OPSIN_STIMULUS_SET_H
#define OPSIN_STIMULUS_SET_H

#include <stddef.h>

#include "opsin.h"

/* Keys: SOURCE.KEY for a source given as one train (keys beside id and kind), and
 * SOURCE.trainN.KEY (N from 1) for the N-th group of a source's `trains` list; a train key
 * on a source with a `trains` list must name the train.  KEY: start, width, period, count,
 * amplitude, amplitude_end (current and voltage sources), irradiance, irradiance_end
 * (optical), and the source keys wavelength (optical), frequency and phase (sine envelope). */
typedef struct opsin_stimulus_override {
    const char *key;   /* "SOURCE.KEY" or "SOURCE.trainN.KEY" */
    const char *value; /* as a file would hold it: "2 mA", "0.001", "3" */
} opsin_stimulus_override;

/* SI unit of a stimulus key for the sources of s ("s", "A", "V", "W/m2", "m", "Hz" or ""
 * for count and phase).  EINVAL (diag: what is wrong, expected what) if the source or the key
 * is unknown or the key does not belong to the source's kind. */
int opsin_stimulus_key_unit(const opsin_stimulus *s, const char *key, const char **unit,
                            opsin_diag *diag);

/* Loads the stimulus file at path as opsin_stimulus_load does, with the overrides applied in
 * order (a key absent from the file is added).  A failure names path and the overrides (the
 * text checked is a rewrite of the file, so no line).  *out is untouched on failure. */
int opsin_stimulus_load_with(const char *path, const opsin_circuit *c,
                             const opsin_stimulus_override *ov, size_t n, opsin_stimulus **out,
                             opsin_diag *diag);

#endif
