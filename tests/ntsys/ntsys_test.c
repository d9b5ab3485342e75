/* Tests of the binary driver in the i386 emulator (sim/ntsys):
 *
 *   load SYS            load SYS; the image in guest memory is SYS byte for
 *                       byte (headers and sections as mapped), but for the
 *                       HIGHLOW sites, which moved by exactly the load delta,
 *                       and the IAT slots, which hold the thunks of the
 *                       imports the file names; the base is not ImageBase
 *   e2e SYS [DMA]       SYS drives the co-simulated card (RTL + firmware + SD
 *                       card model) through the port driver emulation:
 *                       INQUIRY, READ CAPACITY, writes of several sizes and
 *                       alignments read back and compared, and compared with
 *                       the image file
 *   run SYS ARGS        boot with SYS and the ArgumentString ARGS, then
 *                       INQUIRY (for drivers that must fail: see
 *                       tests/ntsys/ntsys_bad_input.sh)
 *
 * usage: ntsys-test CASE ARGS... [--firmware HEX] [--dir WORK_DIR]; exit 0
 * when it passes. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "class_layer.h"
#include "cosim.h"
#include "ntsys.h"
#include "pc.h"
#include "portdrv.h"
#include "sd_card_model.h"
#include "softhba_regs.h"
#include "uart_sink.h"

#define BLOCK 512u
#define DISK_BLOCKS 4096u
#define EXIT_SETUP 126

static const char *case_name = "?";

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL ntsys-test %s: ", case_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0)
        fail("%s: %s", path, strerror(errno));
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail("%s: cannot read", path);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* ---- load: the mapped image is the file ------------------------------------ */

static int sorted_has(const uint32_t *v, uint32_t n, uint32_t x)
{
    for (uint32_t i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

static void case_load(const char *path)
{
    size_t fsize;
    uint8_t *file = read_file(path, &fsize);
    const struct pe_load_report *rep;
    const uint8_t *img;
    uint32_t img_size, lfanew, opt, sect, nsect, headers, delta, checked = 0, moved = 0, bound = 0;

    if (ntsys_load(path) != 0)
        fail("ntsys_load(%s) failed", path);
    rep = ntsys_report();
    img = ntsys_image(&img_size);
    lfanew = le32(file + 0x3C);
    opt = lfanew + 24;
    nsect = (uint32_t)(file[lfanew + 6] | file[lfanew + 7] << 8);
    sect = opt + (uint32_t)(file[lfanew + 20] | file[lfanew + 21] << 8);
    headers = le32(file + opt + 60);
    delta = rep->load_base - le32(file + opt + 28);

    CHECK(rep->file_size == fsize, "report says %zu bytes, the file has %zu", rep->file_size, fsize);
    CHECK(rep->preferred_base == le32(file + opt + 28), "preferred base");
    CHECK(rep->load_base != rep->preferred_base, "loaded at its ImageBase 0x%08x: not relocated",
          rep->load_base);
    CHECK(rep->relocations > 0, "no relocation applied");
    CHECK(rep->imports > 0, "no import bound");
    CHECK(img_size == le32(file + opt + 56), "SizeOfImage");

    /* Every byte the file maps, compared. */
    for (uint32_t i = 0; i < headers; i++, checked++)
        CHECK(img[i] == file[i], "header byte 0x%x differs", i);
    for (uint32_t s = 0; s < nsect; s++) {
        const uint8_t *h = file + sect + 40 * s;
        uint32_t vsize = le32(h + 8), rva = le32(h + 12), raw = le32(h + 16), off = le32(h + 20);
        uint32_t n = vsize && raw > vsize ? vsize : raw;
        for (uint32_t i = 0; i < n;) {
            uint32_t at = rva + i;
            if (sorted_has(rep->reloc_rvas, rep->relocations, at)) {
                CHECK(le32(img + at) - delta == le32(file + off + i),
                      "relocated dword at RVA 0x%x: 0x%08x in the image, 0x%08x in the file, delta 0x%x",
                      at, le32(img + at), le32(file + off + i), delta);
                moved++;
                i += 4;
                checked += 4;
            } else if (sorted_has(rep->iat_rvas, rep->imports, at)) {
                /* The file's IAT slot names the import (hint/name RVA). */
                const char *name = (const char *)file;
                uint32_t hn = le32(file + off + i), thunk = 0;
                for (uint32_t t = 0; t < nsect && !thunk; t++) {
                    const uint8_t *th = file + sect + 40 * t;
                    if (hn + 2 >= le32(th + 12) && hn + 2 < le32(th + 12) + le32(th + 16)) {
                        name += le32(th + 20) + (hn + 2 - le32(th + 12));
                        thunk = ntsys_import_address(name);
                    }
                }
                CHECK(thunk && le32(img + at) == thunk, "IAT slot at RVA 0x%x: 0x%08x, not the thunk "
                      "of the import it names", at, le32(img + at));
                bound++;
                i += 4;
                checked += 4;
            } else {
                CHECK(img[at] == file[off + i], "section byte at RVA 0x%x differs: 0x%02x, file 0x%02x",
                      at, img[at], file[off + i]);
                i++;
                checked++;
            }
        }
        for (uint32_t i = n; i < vsize; i++)
            CHECK(img[rva + i] == 0, "uninitialised data at RVA 0x%x is not zero", rva + i);
    }
    CHECK(moved == rep->relocations, "%u of %u relocations found in the sections", moved,
          rep->relocations);
    CHECK(bound == rep->imports, "%u of %u IAT slots found in the sections", bound, rep->imports);
    printf("ntsys load: %s: %zu bytes, ImageBase 0x%08x, loaded at 0x%08x (delta 0x%08x), "
           "%u HIGHLOW relocations applied, %u imports bound to thunks, %u bytes compared\n",
           path, fsize, rep->preferred_base, rep->load_base, delta, rep->relocations, rep->imports,
           checked);
    ntsys_unload();
    free(file);
}

/* ---- the co-simulated system ------------------------------------------------- */

static struct {
    struct pc *pc;
    struct sd_card *sd;
    struct class_target t;
    char image[600];
    int fd;
} sys;

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static void fill_random(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        p[i] = (uint8_t)(rng_state >> 24);
    }
}

static uint8_t config_resources(int dma)
{
    uint8_t r = (uint8_t)(6u << SHBA_HOST_CONFIG_IRQ_SEL_SHIFT);    /* IRQ 11 */
    if (dma >= 0 && dma <= 3)
        r |= (uint8_t)((unsigned)dma << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT);
    else if (dma >= 5)
        r |= (uint8_t)((unsigned)(dma - 4) << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT);
    return (uint8_t)(r | SHBA_HOST_CONFIG_WIDE16);
}

static void boot(const char *sys_path, const char *firmware, const char *dir, int dma,
                 const char *args)
{
    static uint8_t disk[DISK_BLOCKS * BLOCK];
    struct cosim_options co = { 0 };
    struct sd_card_options so;
    struct pc_config pcc = { .trace = NULL };
    struct portdrv_config pdc = { 0 };
    FILE *f;

    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        fail("%s: %s", dir, strerror(errno));
    snprintf(sys.image, sizeof sys.image, "%s/ntsys-%s-%d.img", dir, case_name, (int)getpid());
    fill_random(disk, sizeof disk);
    f = fopen(sys.image, "wb");
    if (!f || fwrite(disk, 1, sizeof disk, f) != sizeof disk || fclose(f) != 0)
        fail("%s: %s", sys.image, strerror(errno));
    if (ntsys_load(sys_path) != 0)
        exit(EXIT_SETUP);
    co.firmware_hex = firmware;
    co.cfg_base_sel = 0;                          /* 0x340 */
    co.cfg_resources = config_resources(dma);
    if (cosim_init(&co) != 0)
        exit(EXIT_SETUP);
    (void)uart_sink_create(SHBA_UART_BAUD, NULL);
    sys.pc = pc_create(&pcc);
    sd_card_default_options(&so);
    so.image_path = sys.image;
    so.sync_writes = 0;
    sys.sd = sd_card_open(&so);
    if (!sys.pc || !sys.sd)
        exit(EXIT_SETUP);
    sd_card_attach_cosim(sys.sd);
    pdc.pc = sys.pc;
    pdc.argument_string = args;
    pdc.log = getenv("NTSYS_TEST_VERBOSE") ? stderr : NULL;
    if (portdrv_init(&pdc) != 0)
        exit(EXIT_SETUP);
    CHECK(portdrv_load(ntsys_driver_entry) == 0 && portdrv_adapter_count() == 1,
          "DriverEntry of %s found no adapter", sys_path);
    sys.t.adapter = 0;
    sys.t.block_size = BLOCK;
    sys.fd = open(sys.image, O_RDONLY);
    CHECK(sys.fd >= 0, "%s: %s", sys.image, strerror(errno));
}

static void shutdown_system(void)
{
    close(sys.fd);
    portdrv_shutdown();
    cosim_shutdown();
    sd_card_close(sys.sd);
    unlink(sys.image);
    ntsys_unload();
}

static void inquiry(void)
{
    uint8_t inq[36];
    struct class_result r;
    memset(inq, 0, sizeof inq);
    CHECK(class_inquiry(&sys.t, inq, sizeof inq, &r) == 0, "INQUIRY: SRB status 0x%02x",
          r.srb_status);
    CHECK((inq[0] & 0x1F) == 0 && r.transferred >= 36, "INQUIRY: type 0x%02x, %u bytes", inq[0],
          r.transferred);
    CHECK(memcmp(inq + 8, "SOFTHBA ", 8) == 0, "INQUIRY vendor '%.8s'", (const char *)inq + 8);
    printf("INQUIRY: '%.8s' '%.16s' '%.4s' (%u bytes)\n", (const char *)inq + 8,
           (const char *)inq + 16, (const char *)inq + 32, r.transferred);
}

static void case_e2e(const char *sys_path, const char *firmware, const char *dir, int dma)
{
    static const struct { uint32_t lba, count; } io[] = {
        { 0, 1 }, { 7, 3 }, { 100, 8 }, { 1000, 128 }, { 2047, 129 }, { DISK_BLOCKS - 2, 2 },
    };
    static uint8_t out[256 * BLOCK], in[256 * BLOCK + 8], file[256 * BLOCK];
    struct class_result r;
    uint32_t last_lba = 0;

    boot(sys_path, firmware, dir, dma, NULL);
    (void)class_test_unit_ready(&sys.t, &r);    /* the power-on unit attention */
    inquiry();
    CHECK(class_read_capacity(&sys.t, &last_lba, &r) == 0, "READ CAPACITY: SRB status 0x%02x",
          r.srb_status);
    CHECK(last_lba == DISK_BLOCKS - 1 && sys.t.block_size == BLOCK, "READ CAPACITY: last LBA %u, "
          "block %u", last_lba, sys.t.block_size);
    printf("READ CAPACITY: last LBA %u, %u-byte blocks\n", last_lba, sys.t.block_size);
    for (size_t k = 0; k < sizeof io / sizeof io[0]; k++) {
        uint32_t n = io[k].count * BLOCK;
        /* An odd buffer address on every other transfer (the driver moves
         * those by PIO, the 16-bit channel cannot). */
        uint8_t *dst = in + (k & 1);
        fill_random(out, n);
        CHECK(class_write10(&sys.t, io[k].lba, io[k].count, out, &r) == 0,
              "WRITE(10) %u+%u: SRB status 0x%02x", io[k].lba, io[k].count, r.srb_status);
        memset(dst, 0x5A, n);
        CHECK(class_read10(&sys.t, io[k].lba, io[k].count, dst, &r) == 0,
              "READ(10) %u+%u: SRB status 0x%02x", io[k].lba, io[k].count, r.srb_status);
        CHECK(memcmp(dst, out, n) == 0, "READ(10) %u+%u: data differs from what was written",
              io[k].lba, io[k].count);
        CHECK(pread(sys.fd, file, n, (off_t)io[k].lba * BLOCK) == (ssize_t)n &&
                  memcmp(file, out, n) == 0,
              "the image file at LBA %u differs from what was written", io[k].lba);
        printf("WRITE+READ %u blocks at LBA %u: equal, and in the image file\n", io[k].count,
               io[k].lba);
    }
    printf("ok: ntsys-test e2e %s on DMA %d (%llu calls into the driver, %llu out of it, "
           "%.3f ms simulated)\n", sys_path, dma, (unsigned long long)ntsys_guest_calls(),
           (unsigned long long)ntsys_thunk_calls(), cosim_now_ps() / 1e9);
    shutdown_system();
}

static void case_run(const char *sys_path, const char *firmware, const char *dir, const char *args)
{
    boot(sys_path, firmware, dir, 5, args);
    inquiry();
    shutdown_system();
}

int main(int argc, char **argv)
{
    const char *firmware = "build/fw/softhba_fw.hex", *dir = "build/ntsys/work";
    const char *pos[4] = { 0 };
    int npos = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--firmware") && i + 1 < argc)
            firmware = argv[++i];
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (npos < 4)
            pos[npos++] = argv[i];
        else
            pos[0] = NULL;
    }
    if (npos < 2) {
        fprintf(stderr, "usage: ntsys-test load SYS | e2e SYS [DMA] | run SYS ARGS "
                "[--firmware HEX] [--dir DIR]\n");
        return 2;
    }
    case_name = pos[0];
    if (!strcmp(case_name, "load") && npos == 2)
        case_load(pos[1]);
    else if (!strcmp(case_name, "e2e") && npos <= 3)
        case_e2e(pos[1], firmware, dir, npos == 3 ? atoi(pos[2]) : 5);
    else if (!strcmp(case_name, "run") && npos == 3)
        case_run(pos[1], firmware, dir, pos[2]);
    else {
        fprintf(stderr, "ntsys-test: bad arguments for '%s'\n", case_name);
        return 2;
    }
    return 0;
}
