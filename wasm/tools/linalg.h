/* linalg.h — small dense linear algebra for the trainers (native only). */
#ifndef MOODSPACE_LINALG_H
#define MOODSPACE_LINALG_H

/* Solve A x = b in place for symmetric positive definite A[n][n] (Cholesky):
 * A is overwritten by its factor, b by x. 0, or -1 when A is not positive
 * definite. */
int la_cholesky_solve(double *A, double *b, int n);

#endif
