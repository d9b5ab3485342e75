/* A PE32 (i386) image loader written from the Microsoft PE/COFF
 * specification ("PE Format", learn.microsoft.com/windows/win32/debug/pe-format):
 * checks the headers, maps the sections at a chosen base, applies the base
 * relocations (.reloc: IMAGE_REL_BASED_HIGHLOW, ABSOLUTE padding) and binds
 * the import address table through a resolver.  Every refusal names the
 * field and its file offset (or the relocation / import) in err. */
#ifndef SOFTHBA_PE_LOADER_H
#define SOFTHBA_PE_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define PE_MAX_SECTIONS 16
#define PE_ERR_LEN 256

struct pe_section {
    char name[9];
    uint32_t rva, virtual_size;
    uint32_t raw_offset, raw_size;
    uint32_t characteristics;
};

struct pe_file {
    uint8_t *data;                /* the whole file */
    size_t size;
    uint32_t preferred_base, size_of_image, size_of_headers, entry_rva;
    uint16_t subsystem;
    unsigned n_sections;
    struct pe_section sections[PE_MAX_SECTIONS];
    uint32_t import_rva, import_size;
    uint32_t reloc_rva, reloc_size;
};

/* What the loader did, for reports and the byte-for-byte test. */
struct pe_load_report {
    size_t file_size;
    uint32_t preferred_base, load_base;
    uint32_t relocations;         /* HIGHLOW fixups applied */
    uint32_t *reloc_rvas;         /* where (malloc'd, relocations entries) */
    uint32_t imports;             /* IAT slots bound */
    uint32_t *iat_rvas;           /* which slots (malloc'd) */
};

/* Returns the guest address of DLL!NAME, or 0 when it is not provided
 * (the loader then fails naming it). */
typedef uint32_t (*pe_import_resolver)(void *ctx, const char *dll, const char *name);

/* Reads and checks path.  0, or -1 with err set. */
int pe_open(const char *path, struct pe_file *pe, char err[PE_ERR_LEN]);
/* Maps pe into image (size_of_image bytes, the guest's view at load_base),
 * relocates and binds it.  0, or -1 with err set. */
int pe_map(const struct pe_file *pe, uint8_t *image, uint32_t load_base,
           pe_import_resolver resolve, void *ctx, struct pe_load_report *report,
           char err[PE_ERR_LEN]);
void pe_close(struct pe_file *pe, struct pe_load_report *report);

#endif
