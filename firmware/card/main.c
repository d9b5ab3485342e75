/* softhba card firmware: boot, then one SCSI command at a time from the host
 * register file's mailbox (docs/protocol.md). */
#include "card.h"

#include "soc.h"

#define HIF(reg) SHBA_REG(HOSTIF, reg)

static struct card card;
/* One SCSI device per target ID; bus[id] is 0 where nothing is served. */
static struct scsi_dev dev[SCSI_TARGETS];
static struct scsi_dev *bus[SCSI_TARGETS];

static void put_str(const char *s)
{
    while (*s)
        shba_uart_putc(*s++);
}

static void put_hex(uint32_t v)
{
    for (int sh = 28; sh >= 0; sh -= 4)
        shba_uart_putc("0123456789abcdef"[(v >> sh) & 0xFu]);
}

/* Log lines also go to the console.  The mount's lines go through a queue
 * the main loop drains while idle: the UART takes 87 us a character at
 * 115200 baud, and sent at once they would delay READY by tens of
 * milliseconds.  The queue is small (RAM): a line that does not fit whole is
 * dropped, and counted on the console once there is room (softhba.log has
 * every line).  A line logged later, during a command (an SD fault), is sent
 * at once, after what is queued: the command is failing anyway, and the line
 * must not wait for an idle moment that may never come. */
#define CONSOLE_QUEUE 256u   /* a power of two: the indexes wrap with it */
static char console_q[CONSOLE_QUEUE];
static unsigned console_head, console_tail;   /* free-running; head - tail = queued */
static unsigned console_dropped;

static void console_put(char ch)
{
    console_q[console_head++ & (CONSOLE_QUEUE - 1u)] = ch;
}

__attribute__((cold)) static void put_line(void *ctx, const char *line)
{
    (void)ctx;
    if (card.hstatus & SHBA_HOSTIF_HSTATUS_READY) {
        while (console_head != console_tail)
            shba_uart_putc(console_q[console_tail++ & (CONSOLE_QUEUE - 1u)]);
        put_str(line);
        shba_uart_putc('\n');
        return;
    }
    unsigned len = 0;
    while (line[len])
        len++;
    if (CONSOLE_QUEUE - (console_head - console_tail) < len + 1u) {
        console_dropped++;
        return;
    }
    while (*line)
        console_put(*line++);
    console_put('\n');
}

/* As much of the queue as the UART takes without waiting. */
static void console_drain(void)
{
    while (console_head != console_tail &&
           !(mmio_read32(SHBA_REG(UART, STATUS)) & SHBA_UART_STATUS_TX_BUSY))
        shba_uart_putc(console_q[console_tail++ & (CONSOLE_QUEUE - 1u)]);
    if (console_dropped && console_head == console_tail) {
        unsigned n = console_dropped;
        console_dropped = 0;
        put_str("console: ");
        put_hex(n);
        put_str(" log lines dropped (see softhba.log)\n");
    }
}


/* No trap is expected: say so, drop READY, show ERROR, stop. */
uintptr_t shba_trap(uint32_t mcause, uintptr_t mepc, uint32_t mtval, struct shba_trap_frame *frame)
{
    (void)frame;
    card_hstatus(&card, SHBA_HOSTIF_HSTATUS_ERROR, SHBA_HOSTIF_HSTATUS_READY);
    put_str("fw trap ");
    put_hex(mcause);
    shba_uart_putc(' ');
    put_hex(mepc);
    shba_uart_putc(' ');
    put_hex(mtval);
    shba_uart_putc('\n');
    shba_sim_exit(SHBA_TRAP_EXIT_CODE);
}

/* The SCSI device for target id as the image and softhba.ini describe it. */
__attribute__((cold)) static void setup_target(unsigned id)
{
    const struct fs_target *t = media_target(&card.media, id);
    const struct ini_target *ini = &card.media.ini.target[id];
    struct scsi_target_config cfg;
    if (!t)
        return;
    scsi_config_default(&cfg, id, t->kind == FS_TARGET_CDROM ? SCSI_TYPE_CDROM : SCSI_TYPE_DISK,
                        card_serial(&card) + id);
    cfg.block_size = t->block_size;
    cfg.removable = t->kind != FS_TARGET_DISK;
    cfg.read_only = t->read_only;
    scsi_config_ident(&cfg, (ini->set & INI_SET_VENDOR) ? ini->vendor : 0,
                      (ini->set & INI_SET_PRODUCT) ? ini->product : 0,
                      (ini->set & INI_SET_REVISION) ? ini->revision : 0);
    if (scsi_init_target(&dev[id], &cfg, &card_scsi_ops, &card.target[id]) == 0)
        bus[id] = &dev[id];
    else
        media_log(&card.media, "card: a target's settings were refused by the SCSI layer");
}

__attribute__((hot)) static void run_command(void)
{
    /* Words, so that the data length (bytes 4..7, little-endian like the
     * CPU) is one load. */
    uint32_t words[SHBA_HOST_CMD_BLOCK_LEN / 4];
    uint8_t *block = (uint8_t *)words;
    uint8_t out[SHBA_HOST_RES_BLOCK_LEN];
    struct scsi_result res;

    /* The mailbox has one byte per word.  A CDB of up to 10 bytes ends at
     * byte 17: the rest is read only for longer ones (or a bad length, which
     * validation refuses after looking at its first 10 bytes).  Unrolled: a
     * load and a store per byte, the loop's own count and branches cost as
     * much again. */
    const volatile uint32_t *mbox = (const volatile uint32_t *)HIF(CMD);
#pragma GCC unroll 18
    for (unsigned i = 0; i < SHBA_HOST_CMD_CDB + 10; i++)
        block[i] = (uint8_t)mbox[i];
    if (block[SHBA_HOST_CMD_CDB_LEN] > 10)
        for (unsigned i = SHBA_HOST_CMD_CDB + 10; i < SHBA_HOST_CMD_BLOCK_LEN; i++)
            block[i] = (uint8_t)mbox[i];
    card_begin(&card, words[SHBA_HOST_CMD_DATA_LEN / 4], block[SHBA_HOST_CMD_FLAGS]);
    scsi_execute_bus(bus, block, &res);   /* no target at the ID: HS_NO_DEVICE */
    card_end(&card);
    unsigned n = scsi_result_encode(&res, out);
    for (unsigned i = 0; i < n; i++)
        mmio_write32(HIF(RESULT) + 4u * i, out[i]);
    mmio_write32(HIF(POST), SHBA_HOSTIF_POST_CMD_DONE);
}

#ifdef CARD_STACK_WATCH
/* Diagnostic build (build/fw/softhba_fw_stack): after every command, say
 * on the console when the stack has gone deeper than ever before. */
static void stack_watch(void)
{
    static uint32_t peak;
    uint32_t now = shba_stack_peak();
    if (now > peak) {
        peak = now;
        put_str("stack peak ");
        put_hex(now);
        shba_uart_putc('\n');
    }
}
#else
static void stack_watch(void) {}
#endif

/* Everything before READY, out of line and cold: the mount code (the file
 * system layer) would otherwise be inlined into main, whose command loop
 * shares the flash cache with the command path (docs/soc.md). */
__attribute__((noinline, cold)) static void boot(void)
{
    uint32_t cause = mmio_read32(HIF(RESET_CAUSE));
    mmio_write32(HIF(FW_VERSION), CARD_FW_VERSION_MAJOR << 8 | CARD_FW_VERSION_MINOR);
    mmio_write32(SHBA_REG(FIFO, CTRL), SHBA_FIFO_CTRL_CLEAR | SHBA_FIFO_CTRL_DIR_TO_HOST);
    card_init(&card);
    /* The targets: mounted after every reset, as the firmware restarts. */
    card_mount(&card, put_line);
    /* After any reset (power-on, RESET DRV, CONTROL.RESET) each target
     * starts with its unit attention pending. */
    for (unsigned id = 0; id < SCSI_TARGETS; id++)
        setup_target(id);

    put_str("softhba fw 1.0 reset ");
    put_hex(cause);
    put_str(" sd ");
    put_hex((uint32_t)card.sd_err);
    put_str(" blocks ");
    put_hex(card.sd.blocks);
    shba_uart_putc('\n');
}

int main(void)
{
    boot();
    stack_watch();
    card_hstatus(&card, SHBA_HOSTIF_HSTATUS_READY, 0);
    mmio_write32(HIF(POST), SHBA_HOSTIF_POST_RESET_DONE);

    for (;;) {
#ifdef CARD_LATE_LOOK_US
        /* Test image softhba_fw_late only: every look at EVENTS comes this
         * late, as after a slow pass (cache misses, softhba.log), to widen
         * the ABORT/completion race for tests/cardproto abort-race. */
        shba_wait_us(CARD_LATE_LOOK_US);
#endif
        uint32_t ev = mmio_read32(HIF(EVENTS));
        if (ev & SHBA_HOSTIF_EVENTS_START) {
            mmio_write32(HIF(EVENTS), SHBA_HOSTIF_EVENTS_START);
            run_command();
            stack_watch();
        } else if (ev != 0) {
            /* ABORT, ARM or SEG_END with no command: the register file
             * takes none while idle and CMD_DONE clears them
             * (docs/protocol.md), so this only guards: drop them so that
             * they never hit the next command. */
            mmio_write32(HIF(EVENTS), ev);
        } else {
            console_drain();
            card_idle(&card);   /* softhba.log, when a command logged something */
        }
    }
}
