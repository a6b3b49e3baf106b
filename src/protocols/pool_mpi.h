/* pool_mpi.h: the worker pool (pool.h) on MPI ranks, for the opsin program under mpirun or
 * srun: rank 0 hands out chunks of job indices on request, gathers the rows (row_size bytes,
 * status, message) and emits them in index order; every other rank runs its chunks on its
 * own threads (opsin_pool_run_threads, `threads` of them) and emits nothing.  So whatever
 * rank 0 writes is the same bytes as one process writes, for any number of ranks and
 * threads.  Every rank runs the whole command on the same files (each parses and checks
 * them itself); only rank 0's output is real: the others write to /dev/null.
 *
 * Built without MPI (configure --without-mpi, or no Open MPI found) these are stubs: one
 * process, rank 0, the threaded pool.
 */
#ifndef OPSIN_POOL_MPI_H
#define OPSIN_POOL_MPI_H

/* Joins the MPI job when started by a launcher (mpirun, srun: its environment says so; a
 * process started by hand never touches MPI).  With more than one rank, installs the MPI
 * backend (opsin_pool_set_backend) and points standard output and error of ranks above 0 at
 * /dev/null, so that only rank 0 prints.  0, or -1 after a message on standard error. */
int opsin_pool_mpi_init(int *argc, char ***argv);

/* 1 when this process joined an MPI job started by a launcher (one rank included). */
int opsin_pool_mpi_launched(void);

/* This process's rank: 0 without MPI or in a job of one rank. */
int opsin_pool_mpi_rank(void);

/* The ranks in the job: 1 without MPI or in a job of one rank. */
int opsin_pool_mpi_size(void);

/* What a rank above 0 gets from opsin_pool_mpi_agree when rank 0 ended without deciding
 * (or rank 0 when the ranks could not agree): an exit status of 1; the job's status is rank
 * 0's anyway (opsin_pool_mpi_finalize). */
enum { OPSIN_POOL_MPI_NO_DECISION = 1 };

/* One decision taken by rank 0 for every rank, so that the ranks cannot diverge (whether to
 * run a pool at all: --resume's refusal or nothing to do): rank 0 passes its decision and
 * gets it back once every other rank still running has asked for it; a rank above 0 passes
 * anything and gets rank 0's.  Every rank calls it at the same point of the command (a rank
 * that ended before is not waited for).  Without MPI: decision. */
int opsin_pool_mpi_agree(int decision);

/* Ends the MPI job (answers the ranks still waiting for work, then MPI_Finalize) and returns
 * the exit status every rank leaves with: rank 0's.  Without MPI returns status. */
int opsin_pool_mpi_finalize(int status);

#endif
