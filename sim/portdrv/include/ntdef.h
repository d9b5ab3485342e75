/* ntdef.h for the co-simulation: the NT base types and calling-convention
 * markers, written from the documented NT DDK contract for a 64-bit (LP64)
 * host build.  Names match the DDK so that host_driver/softhba.c includes
 * the same headers (<ntdef.h>, <ddk/miniport.h>, <ddk/srb.h>, <ddk/scsi.h>)
 * here as against mingw-w64's; integer widths are those of 32-bit NT (ULONG
 * is 32 bits). */
#ifndef SOFTHBA_SIM_NTDEF_H
#define SOFTHBA_SIM_NTDEF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NTAPI
#define IN
#define OUT
#define OPTIONAL

typedef void VOID;
typedef void *PVOID;
typedef char CHAR, *PCHAR;
/* Plain C types (not <stdint.h>) so that cppcheck knows their sizes too;
 * portdrv.c asserts the widths for the LP64 hosts the co-simulation runs on. */
typedef unsigned char UCHAR, *PUCHAR;
typedef unsigned short USHORT, *PUSHORT;
typedef unsigned int ULONG, *PULONG;
typedef int LONG, *PLONG;
typedef unsigned long long ULONGLONG;
typedef long long LONGLONG;
typedef unsigned long ULONG_PTR;
typedef UCHAR BOOLEAN, *PBOOLEAN;

#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

#ifdef __cplusplus
}
#endif

#endif
