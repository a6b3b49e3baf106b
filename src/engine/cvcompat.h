/* cvcompat.h: the one place where SUNDIALS 6 and 7 differ for opsin: creating a context and
 * catching the integrator's error messages.
 *
 * SUNDIALS 6 prints CVODE's errors through a handler set on the CVODE instance
 * (CVodeSetErrHandlerFn); SUNDIALS 7 removed it and calls every handler pushed on the
 * SUNContext instead (SUNContext_PushErrHandler, with the SUNErrHandlerFn signature below),
 * after the default one that logs to stderr.  Each island owns its context, so in both
 * versions its hook sees the errors of its own integrator only.  Only version 6 is installed
 * on the development machines: the version 7 branch follows the SUNDIALS 7 documentation
 * (sundials_context.h, sundials_errors.h) and is compiled by nothing here.
 */
#ifndef OPSIN_CVCOMPAT_H
#define OPSIN_CVCOMPAT_H

#include <stdio.h>

#include <cvode/cvode.h>
#include <sundials/sundials_config.h>
#include <sundials/sundials_context.h>

/* Size of the buffer a hook writes the last message into, as "function: message". */
#define OPSIN_CV_MSG_MAX 320

#if SUNDIALS_VERSION_MAJOR >= 7

#include <sundials/sundials_errors.h>

#define OPSIN_SUNCTX_CREATE(ctxp) SUNContext_Create(SUN_COMM_NULL, (ctxp))

/* SUNErrHandlerFn: keeps the message (msg may be NULL: then the code's text). */
static inline void opsin_cv_keep_msg(int line, const char *func, const char *file,
                                     const char *msg, SUNErrCode code, void *buf,
                                     SUNContext ctx)
{
    (void)line;
    (void)file;
    (void)ctx;
    snprintf(buf, OPSIN_CV_MSG_MAX, "%s: %s", func ? func : "?", msg ? msg : SUNGetErrMsg(code));
}

/* Replaces the context's handlers (the default prints to stderr) by one that keeps the
 * message in buf; 0 or a SUNErrCode. */
static inline int opsin_cv_catch_errors(SUNContext ctx, void *cvode, char *buf)
{
    (void)cvode;
    SUNErrCode err = SUNContext_ClearErrHandlers(ctx);
    return err != SUN_SUCCESS ? err : SUNContext_PushErrHandler(ctx, opsin_cv_keep_msg, buf);
}

#else

#define OPSIN_SUNCTX_CREATE(ctxp) SUNContext_Create(NULL, (ctxp))

/* CVErrHandlerFn: keeps the message. */
static inline void opsin_cv_keep_msg(int code, const char *module, const char *func, char *msg,
                                     void *buf)
{
    (void)code;
    (void)module;
    snprintf(buf, OPSIN_CV_MSG_MAX, "%s: %s", func, msg);
}

/* Replaces the instance's handler (the default prints to stderr) by one that keeps the
 * message in buf; 0 or a CVODE flag. */
static inline int opsin_cv_catch_errors(SUNContext ctx, void *cvode, char *buf)
{
    (void)ctx;
    return CVodeSetErrHandlerFn(cvode, opsin_cv_keep_msg, buf);
}

#endif

#endif
