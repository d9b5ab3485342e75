/* miniport.h for the co-simulation: the NT base types, bus and DMA enums a
 * SCSI miniport uses, written from the documented NT DDK contract for a
 * 64-bit (LP64) host build.  Field and constant names and values match the
 * DDK so that host_driver/softhba.c compiles unchanged; integer widths are
 * those of 32-bit NT (ULONG is 32 bits). */
#ifndef SOFTHBA_SIM_MINIPORT_H
#define SOFTHBA_SIM_MINIPORT_H

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

typedef enum _INTERFACE_TYPE {
    InterfaceTypeUndefined = -1,
    Internal = 0,
    Isa = 1,
    Eisa = 2,
    MicroChannel = 3,
    TurboChannel = 4,
    PCIBus = 5
} INTERFACE_TYPE, *PINTERFACE_TYPE;

typedef enum _KINTERRUPT_MODE {
    LevelSensitive = 0,
    Latched = 1
} KINTERRUPT_MODE;

typedef enum _DMA_WIDTH {
    Width8Bits = 0,
    Width16Bits = 1,
    Width32Bits = 2,
    MaximumDmaWidth = 3
} DMA_WIDTH, *PDMA_WIDTH;

typedef enum _DMA_SPEED {
    Compatible = 0,
    TypeA = 1,
    TypeB = 2,
    TypeC = 3,
    TypeF = 4,
    MaximumDmaSpeed = 5
} DMA_SPEED, *PDMA_SPEED;

#ifdef __cplusplus
}
#endif

#endif
