/* models.c: `opsin models [NAME]`: the model catalogue from the models' parameter tables. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "opsin.h"

static const char help[] =
    "Usage: opsin models [NAME]\n"
    "Without NAME, list the component models; with NAME, print the model's equations,\n"
    "source paper, parameters (unit, default, meaning) and probe-able outputs.\n\n"
    "  -h, --help   show this help and exit\n";

int opsin_cmd_models(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(help, stdout);
            return EXIT_OK;
        }
        return opsin_cli_usage_error("models", "unknown option");
    }
    if (argc - optind > 1)
        return opsin_cli_usage_error("models", "too many arguments (expected at most one NAME)");
    if (optind == argc) {
        for (size_t i = 0; i < opsin_model_count(); i++)
            printf("%s\n", opsin_model_name(i));
    } else if (opsin_model_describe(argv[optind], stdout) != OPSIN_OK) {
        fprintf(stderr, "opsin models: unknown model '%s' (expected one of the names listed by "
                "'opsin models')\n", argv[optind]);
        return EXIT_USAGE;
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_RUNTIME;
}
