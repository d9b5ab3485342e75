/* softhba-sim's allocations: out of memory ends the program (nothing has
 * been claimed done yet). */
#include <stdlib.h>

#include "softhba_sim.h"

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "%s: out of memory\n", prog);
        free(p);
        exit(EXIT_HARNESS);
    }
    return q;
}

void *xmalloc(size_t n) { return xrealloc(NULL, n); }
