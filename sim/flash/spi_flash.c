/* N25Q032A SPI NOR flash model (spi_flash.h; facts: docs/soc.md "The SPI
 * flash model"). */
#include "spi_flash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


/* Datasheet limits, in picoseconds. */
#define PS_PER_S 1000000000000ull
#define F_MAX_READ_HZ 54000000ull     /* fR: READ 03h */
#define F_MAX_HZ 108000000ull         /* fC: every other command */
#define T_SLCH_PS 4000ull             /* S# active setup before the first C rise */
#define T_CHSH_PS 4000ull             /* S# active hold after the last C rise */
#define T_SHSL_READ_PS 20000ull       /* S# deselect time after a read */
#define T_SHSL_PS 50000ull            /* ... after any other command */
#define T_SHQZ_PS 8000ull             /* output disable time after S# rises (max) */
/* Program and erase cycle times: the datasheet's maximum (never kinder). */
#define T_PP_PS (5ull * 1000000000ull)          /* 5 ms */
#define T_SSE_PS (800ull * 1000000000ull)       /* 0.8 s, 4 KiB subsector */
#define T_SE_PS (3000ull * 1000000000ull)       /* 3 s, 64 KiB sector */
#define T_BE_PS (60000ull * 1000000000ull)      /* 60 s, bulk */

#define PAGE_BYTES 256u
#define SUBSECTOR_BYTES 4096u
#define SECTOR_BYTES 65536u

enum {
    OP_NONE = -1,
    OP_PP = 0x02, OP_READ = 0x03, OP_WRDI = 0x04, OP_RDSR = 0x05, OP_WREN = 0x06,
    OP_FAST_READ = 0x0B, OP_SSE = 0x20, OP_DOFR = 0x3B, OP_RFSR = 0x70,
    OP_RDID_9E = 0x9E, OP_RDID = 0x9F, OP_BE = 0xC7, OP_SE = 0xD8
};

struct spi_flash {
    uint8_t mem[SPI_FLASH_BYTES];
    int count_only;
    uint64_t violations;

    /* pins as last sampled */
    int cs_n, sck;
    uint64_t cs_fall_ps, cs_rise_ps, last_rise_ps;
    int any_rise;          /* a C rise since S# fell */
    int last_was_read;     /* the previous command was a read (tSHSL) */
    uint64_t dq0_off_ps;   /* DQ0 (flash side) may drive until then (tSHQZ) */

    /* the command in progress */
    int op;                /* OP_NONE until 8 bits are in, or ignored */
    int ignored;           /* decoded but not answered (busy, unknown) */
    uint32_t bits;         /* C rises since S# fell */
    uint8_t in_byte;
    uint32_t addr;
    unsigned addr_bytes;
    unsigned dummy_left;
    int out_active;
    uint8_t out_byte;
    unsigned out_bits_left;
    unsigned id_index;
    unsigned out_dq;       /* last value driven: bit 1 DQ1, bit 0 DQ0, bit 2 DQ0 driven */
    uint8_t page_buf[PAGE_BYTES];
    uint8_t page_written[PAGE_BYTES];
    uint32_t page_count;

    /* status */
    int wel;
    uint64_t busy_until_ps;
    int wip;
};

static const uint8_t rdid_bytes[] = {
    0x20, 0xBA, 0x16,      /* Micron, serial flash, 32 Mbit */
    0x10,                  /* UID: 16 bytes follow (extended ID and factory data) */
};

struct spi_flash *spi_flash_create(void)
{
    struct spi_flash *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    memset(f->mem, 0xFF, sizeof f->mem);
    f->cs_n = 1;
    f->op = OP_NONE;
    f->out_dq = 2;
    return f;
}

void spi_flash_destroy(struct spi_flash *f)
{
    free(f);
}

void spi_flash_set_count_only(struct spi_flash *f, int count_only)
{
    f->count_only = count_only;
}

uint64_t spi_flash_violations(const struct spi_flash *f)
{
    return f->violations;
}

const uint8_t *spi_flash_data(const struct spi_flash *f)
{
    return f->mem;
}

int spi_flash_load_bin(struct spi_flash *f, const char *path, uint32_t offset)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "spi-flash: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    size_t room = offset < SPI_FLASH_BYTES ? SPI_FLASH_BYTES - offset : 0;
    size_t n = fread(f->mem + offset, 1, room, in);
    int more = fgetc(in) != EOF;
    fclose(in);
    if (more) {
        fprintf(stderr, "spi-flash: '%s' does not fit the flash at offset 0x%x\n", path, (unsigned)offset);
        return -1;
    }
    (void)n;
    return 0;
}

int spi_flash_load_hex(struct spi_flash *f, const char *path, uint32_t offset)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        fprintf(stderr, "spi-flash: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    char line[64];
    uint32_t at = offset;
    unsigned lineno = 0;
    int rc = 0;
    while (fgets(line, sizeof line, in)) {
        lineno++;
        char *end;
        if (line[0] == '\n' || line[0] == '\0')
            continue;
        unsigned long w = strtoul(line, &end, 16);
        if (end == line || (*end != '\n' && *end != '\0' && *end != '\r') || end - line > 8) {
            fprintf(stderr, "spi-flash: '%s' line %u is not a word of 8 hex digits\n", path, lineno);
            rc = -1;
            break;
        }
        if (at > SPI_FLASH_BYTES - 4) {
            fprintf(stderr, "spi-flash: '%s' does not fit the flash at offset 0x%x\n", path, (unsigned)offset);
            rc = -1;
            break;
        }
        for (int b = 0; b < 4; b++)
            f->mem[at + (uint32_t)b] = (uint8_t)(w >> (8 * b));
        at += 4;
    }
    fclose(in);
    return rc;
}

static void violation(struct spi_flash *f, uint64_t now_ps, const char *rule, const char *detail)
{
    f->violations++;
    if (f->violations <= 5)
        fprintf(stderr, "spi-flash: timing violation at %.3f us: %s (%s)%s\n", (double)now_ps / 1e6, rule,
                detail, f->violations == 5 ? "; further ones are counted only" : "");
    if (!f->count_only)
        exit(SPI_FLASH_EXIT_TIMING);
}

static const char *op_name(int op)
{
    switch (op) {
    case OP_READ: return "READ 03h";
    case OP_FAST_READ: return "FAST READ 0Bh";
    case OP_DOFR: return "DUAL OUTPUT FAST READ 3Bh";
    case OP_RDSR: return "READ STATUS 05h";
    case OP_RFSR: return "READ FLAG STATUS 70h";
    case OP_RDID: case OP_RDID_9E: return "READ ID";
    case OP_PP: return "PAGE PROGRAM 02h";
    case OP_SSE: return "SUBSECTOR ERASE 20h";
    case OP_SE: return "SECTOR ERASE D8h";
    case OP_BE: return "BULK ERASE C7h";
    case OP_WREN: return "WRITE ENABLE 06h";
    case OP_WRDI: return "WRITE DISABLE 04h";
    default: return "opcode";
    }
}

static void update_busy(struct spi_flash *f, uint64_t now_ps)
{
    if (f->wip && now_ps >= f->busy_until_ps) {
        f->wip = 0;
        f->wel = 0;
    }
}

static uint8_t status_byte(const struct spi_flash *f)
{
    return (uint8_t)((f->wip ? 0x01 : 0) | (f->wel ? 0x02 : 0));
}

static uint8_t next_out_byte(struct spi_flash *f)
{
    switch (f->op) {
    case OP_READ: case OP_FAST_READ: case OP_DOFR: {
        uint8_t b = f->mem[f->addr];
        f->addr = (f->addr + 1u) % SPI_FLASH_BYTES;   /* wraps at the end, as the part does */
        return b;
    }
    case OP_RDSR:
        return status_byte(f);
    case OP_RFSR:
        return f->wip ? 0x00 : 0x80;                  /* bit 7: program/erase controller ready */
    case OP_RDID: case OP_RDID_9E: {
        unsigned i = f->id_index++;
        return i < sizeof rdid_bytes ? rdid_bytes[i] : 0x00;
    }
    default:
        return 0xFF;
    }
}

/* A whole byte came in on DQ0 (the bits-th C rise completed it). */
static void byte_in(struct spi_flash *f, uint8_t b)
{
    if (f->bits == 8) {
        f->op = b;
        f->ignored = 0;
        if (f->wip && b != OP_RDSR && b != OP_RFSR) {
            f->ignored = 1;                 /* busy: only the status reads are decoded */
            return;
        }
        switch (b) {
        case OP_RDSR: case OP_RFSR: case OP_RDID: case OP_RDID_9E:
            f->out_active = 1;
            f->out_bits_left = 0;
            f->id_index = 0;
            break;
        case OP_READ: case OP_FAST_READ: case OP_DOFR: case OP_PP: case OP_SSE: case OP_SE:
            f->addr = 0;
            f->addr_bytes = 0;
            f->page_count = 0;
            memset(f->page_written, 0, sizeof f->page_written);
            break;
        case OP_WREN: case OP_WRDI: case OP_BE:
            break;
        default:
            f->ignored = 1;                 /* not decoded */
            break;
        }
        return;
    }
    if (f->ignored)
        return;
    switch (f->op) {
    case OP_READ: case OP_FAST_READ: case OP_DOFR: case OP_PP: case OP_SSE: case OP_SE:
        if (f->addr_bytes < 3) {
            f->addr = (f->addr << 8) | b;
            if (++f->addr_bytes == 3) {
                f->addr %= SPI_FLASH_BYTES;
                if (f->op == OP_READ) {
                    f->out_active = 1;
                    f->out_bits_left = 0;
                } else if (f->op == OP_FAST_READ || f->op == OP_DOFR) {
                    f->dummy_left = 8;
                }
            }
        } else if (f->op == OP_PP) {
            unsigned i = (f->addr + f->page_count) % PAGE_BYTES;   /* wraps within the page */
            f->page_buf[i] = b;
            f->page_written[i] = 1;
            f->page_count++;
        }
        break;
    default:
        break;
    }
}

/* S# rose: program and erase commands run now, if whole and allowed. */
static void command_end(struct spi_flash *f, uint64_t now_ps)
{
    if (f->op == OP_NONE || f->ignored || f->bits % 8 != 0)
        return;
    switch (f->op) {
    case OP_WREN:
        if (f->bits == 8)
            f->wel = 1;
        break;
    case OP_WRDI:
        if (f->bits == 8)
            f->wel = 0;
        break;
    case OP_PP:
        if (f->wel && f->addr_bytes == 3 && f->page_count > 0) {
            uint32_t base = f->addr & ~(PAGE_BYTES - 1u);
            for (unsigned i = 0; i < PAGE_BYTES; i++)
                if (f->page_written[i])
                    f->mem[base + i] &= f->page_buf[i];   /* programming only clears bits */
            f->wip = 1;
            f->busy_until_ps = now_ps + T_PP_PS;
        }
        break;
    case OP_SSE: case OP_SE:
        if (f->wel && f->bits == 32) {
            uint32_t size = f->op == OP_SSE ? SUBSECTOR_BYTES : SECTOR_BYTES;
            memset(f->mem + (f->addr & ~(size - 1u)), 0xFF, size);
            f->wip = 1;
            f->busy_until_ps = now_ps + (f->op == OP_SSE ? T_SSE_PS : T_SE_PS);
        }
        break;
    case OP_BE:
        if (f->wel && f->bits == 8) {
            memset(f->mem, 0xFF, sizeof f->mem);
            f->wip = 1;
            f->busy_until_ps = now_ps + T_BE_PS;
        }
        break;
    default:
        break;
    }
}

/* DQ0 is shared in a dual output read: at most one side may drive it, and
 * someone must when it is read.  host_oe: the host drives DQ0 now. */
static void check_dq0_drive(struct spi_flash *f, uint64_t now_ps, int host_oe)
{
    char detail[128];
    if (!host_oe)
        return;
    if (f->out_dq & 4u) {
        snprintf(detail, sizeof detail, "%s: the host drives DQ0 while the flash does", op_name(f->op));
        violation(f, now_ps, "DQ0 contention", detail);
    } else if (now_ps < f->dq0_off_ps) {
        snprintf(detail, sizeof detail, "the host drives DQ0 %.1f ns after S# rose, the flash may drive it %.0f ns",
                 (double)(now_ps + T_SHQZ_PS - f->dq0_off_ps) / 1e3, (double)T_SHQZ_PS / 1e3);
        violation(f, now_ps, "DQ0 contention (tSHQZ)", detail);
    }
}

/* A C rise with S# low: DQ0 is read by the flash (opcode, address, data in)
 * or by the host (a dual read's data), except in the dummy clocks (with XIP
 * off, the part's default, nobody reads it there). */
static void check_dq0_float(struct spi_flash *f, uint64_t now_ps, int host_oe)
{
    char detail[128];
    if (host_oe || (f->out_dq & 4u) || f->dummy_left)
        return;
    snprintf(detail, sizeof detail, "%s: DQ0 read at a C rise (by %s) while nobody drives it",
             f->op == OP_NONE ? "opcode" : op_name(f->op), f->out_active ? "the host" : "the flash");
    violation(f, now_ps, "DQ0 floating", detail);
}

static int is_read_op(int op)
{
    return op == OP_READ || op == OP_FAST_READ || op == OP_DOFR || op == OP_RDSR || op == OP_RFSR ||
           op == OP_RDID || op == OP_RDID_9E;
}

unsigned spi_flash_sample(struct spi_flash *f, uint64_t now_ps, int cs_n, int sck, int dq0, int dq0_oe)
{
    char detail[96];
    cs_n = cs_n != 0;
    sck = sck != 0;
    dq0_oe = dq0_oe != 0;
    update_busy(f, now_ps);

    if (f->cs_n && !cs_n) {                             /* S# falls: a command begins */
        uint64_t need = f->last_was_read ? T_SHSL_READ_PS : T_SHSL_PS;
        if (f->cs_rise_ps && now_ps - f->cs_rise_ps < need) {
            snprintf(detail, sizeof detail, "S# high %.1f ns, at least %.0f ns",
                     (double)(now_ps - f->cs_rise_ps) / 1e3, (double)need / 1e3);
            violation(f, now_ps, "tSHSL deselect time", detail);
        }
        f->cs_fall_ps = now_ps;
        f->any_rise = 0;
        f->op = OP_NONE;
        f->ignored = 0;
        f->bits = 0;
        f->in_byte = 0;
        f->out_active = 0;
        f->dummy_left = 0;
        f->out_dq = 2;
    } else if (!f->cs_n && cs_n) {                      /* S# rises: the command ends */
        if (f->any_rise && now_ps - f->last_rise_ps < T_CHSH_PS) {
            snprintf(detail, sizeof detail, "%s: S# rose %.1f ns after C", op_name(f->op),
                     (double)(now_ps - f->last_rise_ps) / 1e3);
            violation(f, now_ps, "tCHSH S# hold", detail);
        }
        command_end(f, now_ps);
        f->last_was_read = is_read_op(f->op) || f->op == OP_NONE;
        f->cs_rise_ps = now_ps;
        if (f->out_dq & 4u)
            f->dq0_off_ps = now_ps + T_SHQZ_PS;
        f->out_active = 0;
        f->out_dq = 2;
    }

    if (!cs_n && !f->cs_n) {
        if (!f->sck && sck) {                           /* C rises: sample DQ0 */
            if (!f->any_rise && now_ps - f->cs_fall_ps < T_SLCH_PS) {
                snprintf(detail, sizeof detail, "C rose %.1f ns after S# fell",
                         (double)(now_ps - f->cs_fall_ps) / 1e3);
                violation(f, now_ps, "tSLCH S# setup", detail);
            }
            if (f->any_rise) {
                uint64_t fmax = f->op == OP_READ ? F_MAX_READ_HZ : F_MAX_HZ;
                uint64_t period = now_ps - f->last_rise_ps;
                if (period * fmax < PS_PER_S) {
                    snprintf(detail, sizeof detail, "%s: C at %.1f MHz, at most %.0f MHz", op_name(f->op),
                             1e6 / (double)period, (double)fmax / 1e6);
                    violation(f, now_ps, "clock frequency", detail);
                }
            }
            check_dq0_float(f, now_ps, dq0_oe);
            f->any_rise = 1;
            f->last_rise_ps = now_ps;
            f->bits++;
            if (f->dummy_left) {
                if (--f->dummy_left == 0) {
                    f->out_active = 1;
                    f->out_bits_left = 0;
                }
            } else if (!f->out_active) {
                f->in_byte = (uint8_t)((f->in_byte << 1) | (dq0 & 1));
                if (f->bits % 8 == 0)
                    byte_in(f, f->in_byte);
            }
        } else if (f->sck && !sck && f->out_active && !f->ignored) {   /* C falls: next bit out */
            if (f->out_bits_left == 0) {
                f->out_byte = next_out_byte(f);
                f->out_bits_left = 8;
            }
            if (f->op == OP_DOFR) {
                f->out_dq = 4u | ((f->out_byte >> 6) & 3u);          /* DQ1 = bit 7, DQ0 = bit 6 */
                f->out_byte = (uint8_t)(f->out_byte << 2);
                f->out_bits_left -= 2;
            } else {
                f->out_dq = (unsigned)((f->out_byte >> 6) & 2u);     /* DQ1 = the next bit */
                f->out_byte = (uint8_t)(f->out_byte << 1);
                f->out_bits_left--;
            }
        }
    }
    check_dq0_drive(f, now_ps, dq0_oe);
    f->cs_n = cs_n;
    f->sck = sck;
    return f->out_dq;
}
