/* models.c: `opsin models [--tsv] [NAME]`: the model catalogue from the models' tables. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "opsin.h"

static const char help[] =
    "Usage: opsin models [--tsv] [NAME]\n"
    "Without NAME, list the component models; with NAME, print the model's equations,\n"
    "source paper, parameters (unit, default, meaning) and probe-able outputs.\n\n"
    "      --tsv    with NAME: the parameter, state and output tables only, one row a line,\n"
    "               fields separated by tabs (kind, name, unit, default, meaning), for scripts\n"
    "  -h, --help   show this help and exit\n";

/* --tsv and --help; 0 to go on (optind at NAME), -1 after the help, else an exit status. */
static int parse_args(int argc, char **argv, int *tsv)
{
    static const struct option opts[] = {
        {"tsv", no_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int ch;
    *tsv = 0;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (ch == 'T') {
            *tsv = 1;
        } else if (ch == 'h') {
            fputs(help, stdout);
            return -1;
        } else {
            return opsin_cli_option_error("models", opts, "h", help, argc, argv);
        }
    }
    if (argc - optind > 1)
        return opsin_cli_usage_error("models", "too many arguments (expected at most one NAME)");
    if (*tsv && optind == argc)
        return opsin_cli_usage_error("models", "--tsv needs a NAME (expected e.g. 'opsin "
                                     "models --tsv lif')");
    return 0;
}

int opsin_cmd_models(int argc, char **argv)
{
    int tsv, rc = parse_args(argc, argv, &tsv);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (optind == argc) {
        for (size_t i = 0; i < opsin_model_count(); i++)
            printf("%s\n", opsin_model_name(i));
    } else if ((tsv ? opsin_model_tabulate : opsin_model_describe)(argv[optind], stdout) !=
               OPSIN_OK) {
        fprintf(stderr, "opsin models: unknown model '%s' (expected one of the names listed by "
                "'opsin models')\n", argv[optind]);
        return EXIT_USAGE;
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_RUNTIME;
}
