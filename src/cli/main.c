/* main.c: `opsin`, a thin client of libopsin: set up, dispatch a subcommand, exit. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "cli/signals.h"
#include "opsin.h"
#include "protocols/pool_mpi.h"

static const char usage[] =
    "Usage: opsin COMMAND [OPTION]... [FILE]...\n"
    "Discrete-event circuit simulator for neuromorphic devices.\n\n"
    "Commands:\n"
    "  run CIRCUIT [STIMULUS]   transient simulation; waveform CSV, spikes, summary\n"
    "  check CIRCUIT [STIM]...  validate circuit and stimulus files, print the resolved model\n"
    "  models [NAME]            list component models, or describe one with its parameters\n"
    "  stdp CIRCUIT --device ID STDP window of a synapse: dG against t_post - t_pre\n"
    "  ppf CIRCUIT -a A         paired-pulse facilitation over intervals, double-exp. fit\n"
    "  fit MODEL DATA.csv       fit a measured curve (nl, ppf, decay, stdp), or staircase\n"
    "  sweep CIRCUIT [STIM]     one CSV row of measures per point of a parameter grid\n"
    "  train NET.cfg            train a network with device synapses; accuracy per epoch\n\n"
    "Options:\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show the version and exit\n\n"
    "'opsin COMMAND --help' describes a command; 'man opsin' describes them all.\n";

int opsin_cli_usage_error(const char *cmd, const char *msg)
{
    fprintf(stderr, "opsin%s%s: %s\nTry 'opsin%s%s --help' for more information.\n",
            cmd ? " " : "", cmd ? cmd : "", msg, cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

int opsin_cli_exit_status(int status)
{
    switch (status) {
    case OPSIN_OK: return EXIT_OK;
    case OPSIN_EPARSE:
    case OPSIN_EINVAL:
    case OPSIN_EIO: return EXIT_USAGE;
    default: return EXIT_RUNTIME;
    }
}

/* One malloc arena.  With a second thread in the process (OpenBLAS starts its own when it
 * loads, for opsin train) glibc retries a failed allocation in another arena, so the probe
 * of engine/memory.c could succeed where the next allocation of SUNDIALS, which crashes on
 * a failure, does not; with one arena both see the same memory. */
static void one_arena(void)
{
#ifdef M_ARENA_MAX
    mallopt(M_ARENA_MAX, 1);
#endif
}

/* The command argv[1] with its arguments; an exit status. */
static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return opsin_cli_usage_error(NULL, "missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(usage, stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_RUNTIME;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("opsin %s\n", opsin_version());
        return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_RUNTIME;
    }
    if (strcmp(cmd, "run") == 0)
        return opsin_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return opsin_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "models") == 0)
        return opsin_cmd_models(argc - 1, argv + 1);
    if (strcmp(cmd, "stdp") == 0)
        return opsin_cmd_stdp(argc - 1, argv + 1);
    if (strcmp(cmd, "ppf") == 0)
        return opsin_cmd_ppf(argc - 1, argv + 1);
    if (strcmp(cmd, "fit") == 0)
        return opsin_cmd_fit(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return opsin_cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "train") == 0)
        return opsin_cmd_train(argc - 1, argv + 1);
    char msg[128];
    snprintf(msg, sizeof msg, "unknown command '%.40s' (expected run, check, models, stdp, ppf, fit, sweep or train)", cmd);
    return opsin_cli_usage_error(NULL, msg);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* failures come back as return codes (fit.h); never abort */
    one_arena();
    if (opsin_pool_mpi_init(&argc, &argv)) /* under mpirun: the ranks (pool_mpi.h) */
        return EXIT_RUNTIME;
    cli_signals_install();       /* an interrupt leaves no temporary file (cli/signals.h) */
    return opsin_pool_mpi_finalize(dispatch(argc, argv));
}
