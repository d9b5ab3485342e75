/* PE32 loader (pe_loader.h).  Offsets and constants are those of the
 * PE/COFF specification: the MS-DOS stub's e_lfanew at 0x3C, the "PE\0\0"
 * signature, the COFF file header (20 bytes), the PE32 optional header
 * (magic 0x10B, data directories from offset 96), 40-byte section headers,
 * base relocation blocks (page RVA, block size, 16-bit entries: type in
 * the top 4 bits) and import directory entries (20 bytes). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pe_loader.h"

#define DOS_HEADER_SIZE 64u
#define COFF_HEADER_SIZE 20u
#define PE32_OPT_MIN 96u               /* up to the data directories */
#define SECTION_HEADER_SIZE 40u
#define IMPORT_DESC_SIZE 20u
#define MACHINE_I386 0x14Cu
#define PE32_MAGIC 0x10Bu
#define CHAR_EXECUTABLE 0x0002u
#define DIR_IMPORT 1u
#define DIR_BASERELOC 5u
#define REL_ABSOLUTE 0u
#define REL_HIGHLOW 3u
#define ORDINAL_FLAG 0x80000000u
#define MAX_IMAGE (16u << 20)

static int fail(char err[PE_ERR_LEN], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, PE_ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The file holds [off, off+len). */
static int in_file(const struct pe_file *pe, uint64_t off, uint64_t len)
{
    return off + len <= pe->size;
}

static const char *reloc_type_name(unsigned type)
{
    static const char *const names[] = {
        "ABSOLUTE", "HIGH", "LOW", "HIGHLOW", "HIGHADJ", "MIPS_JMPADDR/ARM_MOV32",
        "RESERVED", "THUMB_MOV32", "RISCV_LOW12S", "MIPS_JMPADDR16", "DIR64",
    };
    return type < sizeof names / sizeof names[0] ? names[type] : "unknown";
}

static int check_headers(struct pe_file *pe, char err[PE_ERR_LEN])
{
    const uint8_t *d = pe->data;
    uint32_t lfanew, opt, sect, ndirs;
    uint16_t opt_size;

    if (!in_file(pe, 0, DOS_HEADER_SIZE))
        return fail(err, "truncated: the MS-DOS header needs %u bytes at offset 0, the file has %zu",
                    DOS_HEADER_SIZE, pe->size);
    if (d[0] != 'M' || d[1] != 'Z')
        return fail(err, "not an image: e_magic (offset 0x0) is 0x%04x, not \"MZ\"", rd16(d));
    lfanew = rd32(d + 0x3C);
    if (!in_file(pe, lfanew, 4 + COFF_HEADER_SIZE))
        return fail(err, "truncated or corrupt: e_lfanew (offset 0x3c) = 0x%x, but the PE signature "
                    "and COFF header need 0x%x..0x%x and the file has %zu bytes",
                    lfanew, lfanew, lfanew + 4 + COFF_HEADER_SIZE, pe->size);
    if (memcmp(d + lfanew, "PE\0\0", 4) != 0)
        return fail(err, "not a PE image: signature at offset 0x%x (e_lfanew) is not \"PE\\0\\0\"",
                    lfanew);
    if (rd16(d + lfanew + 4) != MACHINE_I386)
        return fail(err, "COFF Machine (offset 0x%x) is 0x%04x, not i386 (0x014c)", lfanew + 4,
                    rd16(d + lfanew + 4));
    pe->n_sections = rd16(d + lfanew + 6);
    if (pe->n_sections == 0 || pe->n_sections > PE_MAX_SECTIONS)
        return fail(err, "COFF NumberOfSections (offset 0x%x) is %u (1..%u accepted)", lfanew + 6,
                    pe->n_sections, PE_MAX_SECTIONS);
    opt_size = rd16(d + lfanew + 20);
    if (!(rd16(d + lfanew + 22) & CHAR_EXECUTABLE))
        return fail(err, "COFF Characteristics (offset 0x%x) = 0x%04x lacks EXECUTABLE_IMAGE",
                    lfanew + 22, rd16(d + lfanew + 22));
    opt = lfanew + 4 + COFF_HEADER_SIZE;
    if (opt_size < PE32_OPT_MIN)
        return fail(err, "COFF SizeOfOptionalHeader (offset 0x%x) is %u, a PE32 header needs %u",
                    lfanew + 20, opt_size, PE32_OPT_MIN);
    if (!in_file(pe, opt, opt_size))
        return fail(err, "truncated: the optional header (offset 0x%x, %u bytes) ends past the "
                    "end of the file (%zu bytes)", opt, opt_size, pe->size);
    if (rd16(d + opt) != PE32_MAGIC)
        return fail(err, "optional header Magic (offset 0x%x) is 0x%04x, not PE32 (0x010b)", opt,
                    rd16(d + opt));
    pe->entry_rva = rd32(d + opt + 16);
    pe->preferred_base = rd32(d + opt + 28);
    pe->size_of_image = rd32(d + opt + 56);
    pe->size_of_headers = rd32(d + opt + 60);
    pe->subsystem = rd16(d + opt + 68);
    ndirs = rd32(d + opt + 92);
    if (pe->preferred_base & 0xFFFFu)
        return fail(err, "ImageBase (offset 0x%x) = 0x%08x is not 64 KiB aligned", opt + 28,
                    pe->preferred_base);
    if (pe->size_of_image == 0 || pe->size_of_image > MAX_IMAGE || (pe->size_of_image & 0xFFFu))
        return fail(err, "SizeOfImage (offset 0x%x) = 0x%x: not a page multiple up to 16 MiB",
                    opt + 56, pe->size_of_image);
    if (pe->size_of_headers > pe->size_of_image)
        return fail(err, "SizeOfHeaders (offset 0x%x) = 0x%x is beyond SizeOfImage 0x%x", opt + 60,
                    pe->size_of_headers, pe->size_of_image);
    if (!in_file(pe, 0, pe->size_of_headers))
        return fail(err, "truncated: the headers (SizeOfHeaders at offset 0x%x = 0x%x) end past "
                    "the end of the file (%zu bytes)", opt + 60, pe->size_of_headers, pe->size);
    if (ndirs > (opt_size - PE32_OPT_MIN) / 8u)
        return fail(err, "NumberOfRvaAndSizes (offset 0x%x) = %u does not fit in the optional "
                    "header (%u bytes)", opt + 92, ndirs, opt_size);
    if (ndirs > DIR_IMPORT) {
        pe->import_rva = rd32(d + opt + 96 + 8 * DIR_IMPORT);
        pe->import_size = rd32(d + opt + 96 + 8 * DIR_IMPORT + 4);
    }
    if (ndirs > DIR_BASERELOC) {
        pe->reloc_rva = rd32(d + opt + 96 + 8 * DIR_BASERELOC);
        pe->reloc_size = rd32(d + opt + 96 + 8 * DIR_BASERELOC + 4);
    }
    sect = opt + opt_size;
    if (!in_file(pe, sect, (uint64_t)pe->n_sections * SECTION_HEADER_SIZE))
        return fail(err, "truncated: the section table (offset 0x%x, %u entries) ends past the end "
                    "of the file (%zu bytes)", sect, pe->n_sections, pe->size);
    for (unsigned i = 0; i < pe->n_sections; i++) {
        const uint8_t *h = d + sect + i * SECTION_HEADER_SIZE;
        struct pe_section *s = &pe->sections[i];
        uint32_t at = sect + i * SECTION_HEADER_SIZE;
        memcpy(s->name, h, 8);
        s->name[8] = 0;
        s->virtual_size = rd32(h + 8);
        s->rva = rd32(h + 12);
        s->raw_size = rd32(h + 16);
        s->raw_offset = rd32(h + 20);
        s->characteristics = rd32(h + 36);
        if (s->raw_size && !in_file(pe, s->raw_offset, s->raw_size))
            return fail(err, "truncated: section %s (header at offset 0x%x): PointerToRawData 0x%x + "
                        "SizeOfRawData 0x%x ends past the end of the file (%zu bytes)", s->name,
                        at, s->raw_offset, s->raw_size, pe->size);
        if (s->rva < pe->size_of_headers ||
            (uint64_t)s->rva + (s->virtual_size > s->raw_size ? s->virtual_size : s->raw_size) >
                pe->size_of_image)
            return fail(err, "section %s (header at offset 0x%x): VirtualAddress 0x%x size 0x%x lies "
                        "outside the image (headers 0x%x, SizeOfImage 0x%x)", s->name, at, s->rva,
                        s->virtual_size, pe->size_of_headers, pe->size_of_image);
    }
    if (pe->entry_rva < pe->size_of_headers || pe->entry_rva >= pe->size_of_image)
        return fail(err, "AddressOfEntryPoint (offset 0x%x) = 0x%x is outside the image's sections",
                    opt + 16, pe->entry_rva);
    if ((uint64_t)pe->import_rva + pe->import_size > pe->size_of_image ||
        (uint64_t)pe->reloc_rva + pe->reloc_size > pe->size_of_image)
        return fail(err, "a data directory (offset 0x%x) points outside SizeOfImage 0x%x", opt + 96,
                    pe->size_of_image);
    return 0;
}

int pe_open(const char *path, struct pe_file *pe, char err[PE_ERR_LEN])
{
    FILE *f = fopen(path, "rb");
    long len;
    memset(pe, 0, sizeof *pe);
    if (!f)
        return fail(err, "%s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        len > (long)MAX_IMAGE) {
        fclose(f);
        return fail(err, "%s: cannot size the file (or it is over 16 MiB)", path);
    }
    pe->size = (size_t)len;
    pe->data = malloc(pe->size ? pe->size : 1);
    if (!pe->data || fread(pe->data, 1, pe->size, f) != pe->size) {
        fclose(f);
        return fail(err, "%s: cannot read %zu bytes", path, pe->size);
    }
    fclose(f);
    if (check_headers(pe, err) != 0) {
        char why[PE_ERR_LEN];
        memcpy(why, err, PE_ERR_LEN);
        return fail(err, "%s: %s", path, why);
    }
    return 0;
}

/* Appends rva to the report list *v (*n entries, room for *cap). */
static int push_rva(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t rva, char err[PE_ERR_LEN])
{
    if (*n == *cap) {
        uint32_t *grown;
        *cap = *cap ? *cap * 2 : 64;
        grown = realloc(*v, *cap * sizeof *grown);
        if (!grown)
            return fail(err, "out of memory");
        *v = grown;
    }
    (*v)[(*n)++] = rva;
    return 0;
}

static int apply_relocations(const struct pe_file *pe, uint8_t *image, uint32_t load_base,
                             struct pe_load_report *rep, char err[PE_ERR_LEN])
{
    uint32_t delta = load_base - pe->preferred_base;
    uint32_t at = pe->reloc_rva, end = pe->reloc_rva + pe->reloc_size, cap = 0;
    if (load_base != pe->preferred_base && pe->reloc_size == 0)
        return fail(err, "the image has no base relocations (.reloc) and cannot load at 0x%08x "
                    "instead of its ImageBase 0x%08x", load_base, pe->preferred_base);
    while (at + 8 <= end) {
        uint32_t page = rd32(image + at), block = rd32(image + at + 4);
        if (block < 8 || (block & 1u) || at + block > end)
            return fail(err, "base relocation block at RVA 0x%x has SizeOfBlock %u (at least 8, even, "
                        "inside the %u-byte directory)", at, block, pe->reloc_size);
        for (uint32_t e = at + 8; e + 2 <= at + block; e += 2) {
            uint16_t entry = rd16(image + e);
            unsigned type = entry >> 12;
            uint32_t rva = page + (entry & 0xFFFu);
            if (type == REL_ABSOLUTE)
                continue;            /* padding to a 32-bit boundary */
            if (type != REL_HIGHLOW)
                return fail(err, "base relocation type %u (IMAGE_REL_BASED_%s) at RVA 0x%x (address "
                            "0x%08x) is not supported: an i386 image uses HIGHLOW only", type,
                            reloc_type_name(type), rva, load_base + rva);
            if ((uint64_t)rva + 4 > pe->size_of_image)
                return fail(err, "HIGHLOW relocation at RVA 0x%x lies outside the image", rva);
            wr32(image + rva, rd32(image + rva) + delta);
            if (push_rva(&rep->reloc_rvas, &rep->relocations, &cap, rva, err) != 0)
                return -1;
        }
        at += block;
    }
    return 0;
}

/* A NUL-terminated string at rva inside the image, or NULL. */
static const char *image_string(const struct pe_file *pe, const uint8_t *image, uint32_t rva)
{
    if (rva >= pe->size_of_image || !memchr(image + rva, 0, pe->size_of_image - rva))
        return NULL;
    return (const char *)image + rva;
}

static int bind_imports(const struct pe_file *pe, uint8_t *image, pe_import_resolver resolve,
                        void *ctx, struct pe_load_report *rep, char err[PE_ERR_LEN])
{
    uint32_t cap = 0;
    if (pe->import_size == 0)
        return 0;
    for (uint32_t d = pe->import_rva;; d += IMPORT_DESC_SIZE) {
        uint32_t ilt, iat;
        const char *dll;
        if ((uint64_t)d + IMPORT_DESC_SIZE > pe->size_of_image)
            return fail(err, "the import directory at RVA 0x%x has no null terminator", pe->import_rva);
        ilt = rd32(image + d);
        iat = rd32(image + d + 16);
        if (rd32(image + d + 12) == 0 && iat == 0)
            break;
        dll = image_string(pe, image, rd32(image + d + 12));
        if (!dll)
            return fail(err, "import descriptor at RVA 0x%x: Name RVA 0x%x is outside the image", d,
                        rd32(image + d + 12));
        if (strcasecmp(dll, "scsiport.sys") != 0)
            return fail(err, "the driver imports from %s: the emulation provides SCSIPORT.SYS only",
                        dll);
        if (!ilt)
            ilt = iat;
        for (uint32_t k = 0;; k += 4) {
            uint32_t hint_name, addr;
            const char *name;
            if ((uint64_t)ilt + k + 4 > pe->size_of_image || (uint64_t)iat + k + 4 > pe->size_of_image)
                return fail(err, "import lookup table of %s runs outside the image", dll);
            hint_name = rd32(image + ilt + k);
            if (hint_name == 0)
                break;
            if (hint_name & ORDINAL_FLAG)
                return fail(err, "the driver imports ordinal %u from %s: only imports by name are "
                            "resolved", hint_name & 0xFFFFu, dll);
            name = image_string(pe, image, hint_name + 2);
            if (!name)
                return fail(err, "import hint/name RVA 0x%x from %s is outside the image", hint_name,
                            dll);
            addr = resolve(ctx, dll, name);
            if (!addr)
                return fail(err, "import %s!%s is not provided by the port driver emulation", dll,
                            name);
            wr32(image + iat + k, addr);
            if (push_rva(&rep->iat_rvas, &rep->imports, &cap, iat + k, err) != 0)
                return -1;
        }
    }
    return 0;
}

int pe_map(const struct pe_file *pe, uint8_t *image, uint32_t load_base,
           pe_import_resolver resolve, void *ctx, struct pe_load_report *rep,
           char err[PE_ERR_LEN])
{
    memset(rep, 0, sizeof *rep);
    rep->file_size = pe->size;
    rep->preferred_base = pe->preferred_base;
    rep->load_base = load_base;
    if (load_base & 0xFFFFu)
        return fail(err, "load base 0x%08x is not 64 KiB aligned", load_base);
    memset(image, 0, pe->size_of_image);
    memcpy(image, pe->data, pe->size_of_headers);
    for (unsigned i = 0; i < pe->n_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        uint32_t n = s->raw_size;
        /* Raw data past VirtualSize is file alignment padding, not image. */
        if (s->virtual_size && n > s->virtual_size)
            n = s->virtual_size;
        memcpy(image + s->rva, pe->data + s->raw_offset, n);
    }
    if (apply_relocations(pe, image, load_base, rep, err) != 0)
        return -1;
    return bind_imports(pe, image, resolve, ctx, rep, err);
}

void pe_close(struct pe_file *pe, struct pe_load_report *report)
{
    if (pe) {
        free(pe->data);
        pe->data = NULL;
    }
    if (report) {
        free(report->reloc_rvas);
        free(report->iat_rvas);
        report->reloc_rvas = report->iat_rvas = NULL;
    }
}
