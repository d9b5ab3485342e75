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

/* Data buffers start on a 4 KiB page, as an NT class driver's do: the port
 * driver puts the map buffer at the data's page offset, and the 8237's
 * timing depends on the address (S1 when A8-A15 change), so a buffer at the
 * host heap's whim would make the simulated time depend on it. */
void *xmalloc(size_t n)
{
    void *p = aligned_alloc(4096, ((n ? n : 1) + 4095) & ~(size_t)4095);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(EXIT_HARNESS);
    }
    return p;
}
