/* cvcompat.h: the one place where SUNDIALS 6 and 7 differ for opsin (context, error hook). */
#ifndef OPSIN_CVCOMPAT_H
#define OPSIN_CVCOMPAT_H

#include <cvode/cvode.h>
#include <sundials/sundials_config.h>
#include <sundials/sundials_context.h>

#if SUNDIALS_VERSION_MAJOR >= 7
#define OPSIN_SUNCTX_CREATE(ctxp) SUNContext_Create(SUN_COMM_NULL, (ctxp))
#else
#define OPSIN_SUNCTX_CREATE(ctxp) SUNContext_Create(NULL, (ctxp))
#endif

#endif
