/* team.h: a persistent team of threads for the training step (train/team.c).
 *
 * The training loop calls opsin_team_run thousands of times a second (once per image), too
 * often for threads made per call (the protocols' pool): the team's threads wait between
 * calls, spinning briefly and then sleeping.  Tasks are claimed one at a time by whichever
 * member is free (the caller too, so a member that wakes late costs nothing); `member` names
 * the scratch a task may use.  A task must write only its own results: callers that combine
 * per-task results in task order get the same bytes for any team size. */
#ifndef OPSIN_TRAIN_TEAM_H
#define OPSIN_TRAIN_TEAM_H

#include <stddef.h>

typedef struct opsin_team opsin_team;

/* Task i of a call, on member `member` (0 = the caller, up to size - 1). */
typedef void (*opsin_team_task)(void *ctx, size_t i, unsigned member);

/* A team of n members (the caller and n - 1 threads); NULL when the threads cannot be made
 * (the caller may then run alone).  n = 1 makes no thread. */
opsin_team *opsin_team_new(unsigned n);
unsigned opsin_team_size(const opsin_team *t);
/* Runs task(ctx, i, member) for every i in 0 .. ntasks-1 (ntasks < 2^24) and returns when
 * all are done. */
void opsin_team_run(opsin_team *t, opsin_team_task task, void *ctx, size_t ntasks);
void opsin_team_free(opsin_team *t);

#endif
