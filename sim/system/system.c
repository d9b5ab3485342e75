/* The co-simulated system, put together and taken apart (system.h). */
#include <errno.h>
#include <string.h>

#include "softhba_regs.h"
#include "system.h"

/* The miniport of host_driver/softhba.c, compiled for the host. */
ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2);

/* A select field's code for a jumper value: the register map's table
 * (softhba_regs.h) for a value, the field's 'none' code for
 * SYSTEM_JUMPER_NONE, -1 for anything else. */
#define SELECT_CODE(FIELD, value)                                                            \
    ((value) == SYSTEM_JUMPER_NONE ? (int)SHBA_HOST_CONFIG_##FIELD##_NONE                   \
     : (value) < 0 || (value) >= (int)SHBA_TABLE_NONE ? -1                                 \
     : SHBA_HOST_CONFIG_##FIELD##_CODE((unsigned)(value)))

int system_io_base_code(unsigned io_base)
{
    return io_base >= SHBA_TABLE_NONE ? -1 : SHBA_HOST_IO_BASE_CODE(io_base);
}

int system_jumper_resources(const struct system_jumpers *j, uint8_t *cfg_resources)
{
    int irq = SELECT_CODE(IRQ_SEL, j->irq), dma8 = SELECT_CODE(DMA8_SEL, j->dma8),
        dma16 = SELECT_CODE(DMA16_SEL, j->dma16);
    if (irq < 0 || dma8 < 0 || dma16 < 0)
        return -1;
    *cfg_resources = (uint8_t)(((unsigned)irq << SHBA_HOST_CONFIG_IRQ_SEL_SHIFT) |
                               ((unsigned)dma8 << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT) |
                               ((unsigned)dma16 << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT) |
                               (j->wide16 ? SHBA_HOST_CONFIG_WIDE16 : 0u));
    return 0;
}

static FILE *open_output(const struct system_config *cfg, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "%s: %s: %s\n", cfg->name, path, strerror(errno));
    return f;
}

/* The kernel first (it powers the card on); every device after it. */
static int build_hardware(const struct system_config *cfg, struct system *sys)
{
    struct cosim_options co = { 0 };
    int base = system_io_base_code(cfg->jumpers.io_base ? cfg->jumpers.io_base
                                                          : SHBA_HOST_IO_BASE_DEFAULT);
    if (base < 0 || system_jumper_resources(&cfg->jumpers, &co.cfg_resources) != 0) {
        fprintf(stderr, "%s: the card has no jumper setting for this I/O base, IRQ or DMA "
                "channel\n", cfg->name);
        return -1;
    }
    co.cfg_base_sel = (uint8_t)base;
    co.firmware_hex = cfg->firmware_hex;
    co.wave_file = cfg->wave_file;
    co.max_cycles = cfg->max_cycles;
    if (cosim_init(&co) != 0)
        return -1;
    if (cfg->first_device)
        cosim_add_device(cfg->first_device, cfg->first_device_ctx);

    if (cfg->console_path && !(sys->console_file = open_output(cfg, cfg->console_path)))
        return -1;
    sys->console = uart_sink_create(SHBA_UART_BAUD,
                                    sys->console_file ? sys->console_file : cfg->console_echo);
    if (!sys->console) {
        fprintf(stderr, "%s: cannot create the console UART\n", cfg->name);
        return -1;
    }
    if (cfg->trace_path && !(sys->trace = open_output(cfg, cfg->trace_path)))
        return -1;
    struct pc_config pcc = { .trace = sys->trace, .at_bus_users = cfg->at_bus_users,
                             .no_isa_check = cfg->no_isa_check };
    sys->pc = pc_create(&pcc);
    if (!sys->pc) {
        fprintf(stderr, "%s: cannot create the PC model\n", cfg->name);
        return -1;
    }
    if (cfg->io_observer)
        pc_set_io_observer(sys->pc, cfg->io_observer, cfg->io_observer_ctx);

    struct sd_card_options so;
    sd_card_default_options(&so);
    so.image_path = cfg->disk_image;
    so.sync_writes = cfg->sync_writes;
    sys->sd = sd_card_open(&so);
    if (!sys->sd)
        return -1;
    if (cfg->sd_fault)
        sd_card_set_fault(sys->sd, cfg->sd_fault);
    sd_card_attach_cosim(sys->sd);
    return 0;
}

/* The port driver calls DriverEntry: ScsiPortInitialize, HwFindAdapter,
 * HwInitialize, all in simulated time on the running card. */
static enum system_status load_driver(const struct system_config *cfg, struct system *sys)
{
    const char *args = cfg->driver_args && cfg->driver_args[0] ? cfg->driver_args : NULL;
    struct portdrv_config pdc = {
        .pc = sys->pc,
        .argument_string = args,
        .log = cfg->driver_log ? cfg->driver_log : sys->trace,
        .map_buffer = 0,
    };
    if (portdrv_init(&pdc) != 0)
        return SYSTEM_SETUP_FAILED;
    sys->port_driver = 1;
    pc_trace_note(sys->pc, "%s: DriverEntry (argument string \"%s\")", cfg->name,
                  args ? args : "");
    sys->driver_status = portdrv_load(cfg->driver_entry ? cfg->driver_entry : DriverEntry);
    if (sys->driver_status != 0 || portdrv_adapter_count() < 1)
        return SYSTEM_NO_ADAPTER;
    return SYSTEM_UP;
}

enum system_status system_up(const struct system_config *cfg, struct system *sys)
{
    memset(sys, 0, sizeof *sys);
    if (build_hardware(cfg, sys) != 0) {
        system_down(sys);
        return SYSTEM_SETUP_FAILED;
    }
    if (!cfg->port_driver)
        return SYSTEM_UP;
    enum system_status st = load_driver(cfg, sys);
    if (st == SYSTEM_SETUP_FAILED)
        system_down(sys);
    return st;
}

void system_down(struct system *sys)
{
    if (sys->port_driver)
        portdrv_shutdown();
    cosim_shutdown();
    if (sys->sd)
        sd_card_close(sys->sd);
    pc_destroy(sys->pc);
    uart_sink_destroy(sys->console);
    if (sys->trace)
        fclose(sys->trace);
    if (sys->console_file)
        fclose(sys->console_file);
    memset(sys, 0, sizeof *sys);
}
