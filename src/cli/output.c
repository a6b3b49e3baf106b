/* output.c: atomic output files for the commands (see output.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/output.h"

int cli_out_open(cli_out *o, const char *final)
{
    memset(o, 0, sizeof *o);
    o->final = final;
    if (!final) {
        o->fp = tmpfile();
        return o->fp ? 0 : -1;
    }
    size_t n = strlen(final) + 16;
    if (!(o->tmp = malloc(n)))
        return -1;
    snprintf(o->tmp, n, "%s.tmpXXXXXX", final);
    int fd = mkstemp(o->tmp);
    mode_t mask = umask(0); /* mkstemp makes 0600: give the final file the usual mode */
    umask(mask);
    if (fd >= 0)
        fchmod(fd, 0666 & ~mask);
    o->fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!o->fp) {
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
    return 0;
}

/* Copies a finished temporary file to standard output. */
static int copy_to_stdout(FILE *fp)
{
    char b[65536];
    size_t n;
    rewind(fp);
    while ((n = fread(b, 1, sizeof b, fp)) > 0)
        if (fwrite(b, 1, n, stdout) != n)
            return -1;
    return ferror(fp) || fflush(stdout) ? -1 : 0;
}

int cli_out_commit(cli_out *o)
{
    int rc;
    if (!o->final) {
        rc = copy_to_stdout(o->fp);
        fclose(o->fp);
        o->fp = NULL;
        return rc;
    }
    rc = (ferror(o->fp) | fclose(o->fp)) ? -1 : 0;
    o->fp = NULL;
    if (rc || rename(o->tmp, o->final) != 0) {
        unlink(o->tmp);
        rc = -1;
    }
    free(o->tmp);
    o->tmp = NULL;
    return rc;
}

void cli_out_discard(cli_out *o)
{
    if (o->fp)
        fclose(o->fp);
    if (o->tmp) {
        unlink(o->tmp);
        free(o->tmp);
    }
    memset(o, 0, sizeof *o);
}
