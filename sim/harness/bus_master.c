/* The bus master device (bus_master.h). */
#include "bus_master.h"
#include "cosim.h"

#include <stdio.h>
#include <stdlib.h>

#define ANSWER_LIMIT_CYCLES 1000

struct bus_master {
    struct bus_port *port;
    int done;
    uint32_t rdata;
    uint64_t errors;
};

/* After the edge where the slave answered: take the data, end the access. */
static void bus_master_step(void *ctx, uint64_t now_ps)
{
    struct bus_master *bm = ctx;
    (void)now_ps;
    if (bm->port->valid && bm->port->ready) {
        bm->rdata = bm->port->rdata;
        bm->port->valid = 0;
        bm->done = 1;
    }
}

struct bus_master *bus_master_create(struct bus_port *port)
{
    struct bus_master *bm = calloc(1, sizeof *bm);
    if (!bm)
        return NULL;
    bm->port = port;
    cosim_add_device(bus_master_step, bm);
    return bm;
}

void bus_master_destroy(struct bus_master *bm)
{
    free(bm);
}

static uint32_t access(struct bus_master *bm, uint32_t addr, uint32_t data, uint8_t wstrb)
{
    struct bus_port *p = bm->port;
    p->addr = addr;
    p->wdata = data;
    p->wstrb = wstrb;
    p->valid = 1;
    bm->done = 0;
    bm->rdata = 0;
    for (int i = 0; i < ANSWER_LIMIT_CYCLES && !bm->done; i++)
        if (cosim_step() < 0)
            break;
    if (!bm->done) {
        fprintf(stderr, "bus master: access to 0x%08x never answered\n", (unsigned)addr);
        p->valid = 0;
        bm->errors++;
    }
    return bm->rdata;
}

uint32_t bus_master_read(struct bus_master *bm, uint32_t addr)
{
    return access(bm, addr, 0, 0);
}

void bus_master_write(struct bus_master *bm, uint32_t addr, uint32_t data)
{
    (void)access(bm, addr, data, 0xF);
}

uint64_t bus_master_errors(const struct bus_master *bm)
{
    return bm->errors;
}
