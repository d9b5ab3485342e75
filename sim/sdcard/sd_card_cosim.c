/* The SD card model as a device on the co-simulation kernel. */
#include "sd_card_model.h"
#include "cosim.h"

static void sd_card_device_step(void *ctx, uint64_t now_ps)
{
    struct card_pins *p = cosim_pins();
    p->sd_miso = (uint8_t)sd_card_pins((struct sd_card *)ctx, now_ps,
                                       p->sd_sck, p->sd_mosi, p->sd_cs_n);
}

void sd_card_attach_cosim(struct sd_card *card)
{
    cosim_add_device(sd_card_device_step, card);
}
