/* check.c: `opsin check FILE...`: validates circuit and stimulus files and prints them. */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "opsin.h"

static const char help[] =
    "Usage: opsin check CIRCUIT [STIMULUS]...\n"
    "Validate a circuit file and any stimulus files (checked against the circuit), and print\n"
    "the resolved model: every parameter in SI, defaults marked, probes, solver settings.\n"
    "Exit status 0 when all files are valid, 2 otherwise (one line FILE:LINE: message).\n\n"
    "  -h, --help   show this help and exit\n";

int opsin_cmd_check(int argc, char **argv)
{
    int rc = opsin_cli_help_only(argc, argv, "check", help);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (optind == argc)
        return opsin_cli_usage_error("check", "missing CIRCUIT file");
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    rc = opsin_circuit_load(argv[optind], &c, &d);
    if (!rc && (rc = opsin_circuit_runnable(c, &d)))
        opsin_circuit_free(c);
    if (rc) {
        fprintf(stderr, "%s\n", d.msg);
        return opsin_cli_exit_status(rc);
    }
    /* Validate everything before printing anything: a bad file prints only its error. */
    int ns = argc - optind - 1;
    opsin_stimulus **s = calloc(ns > 0 ? (size_t)ns : 1, sizeof *s);
    if (!s) {
        fprintf(stderr, "opsin check: out of memory (expected fewer files, or more memory)\n");
        rc = OPSIN_ENOMEM;
    }
    for (int i = 0; i < ns && !rc; i++)
        if ((rc = opsin_stimulus_load(argv[optind + 1 + i], c, &s[i], &d)))
            fprintf(stderr, "%s\n", d.msg);
    if (!rc) {
        opsin_circuit_print(c, stdout);
        opsin_cli_warnings("check", 0, c, NULL);
        for (int i = 0; i < ns; i++) {
            opsin_stimulus_print(s[i], stdout);
            opsin_cli_warnings("check", 0, NULL, s[i]);
        }
    }
    for (int i = 0; s && i < ns; i++)
        opsin_stimulus_free(s[i]);
    free(s);
    opsin_circuit_free(c);
    if (rc)
        return opsin_cli_exit_status(rc);
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_RUNTIME;
}
