/* models.c: `opsin models [NAME]`: the model catalogue from the models' parameter tables. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "opsin.h"

static const char help[] =
    "Usage: opsin models [NAME]\n"
    "Without NAME, list the component models; with NAME, print the model's equations,\n"
    "source paper, parameters (unit, default, meaning) and probe-able outputs.\n\n"
    "  -h, --help   show this help and exit\n";

int opsin_cmd_models(int argc, char **argv)
{
    int rc = opsin_cli_help_only(argc, argv, "models", help);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
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
