/* ddk/miniport.h for the co-simulation: the bus and DMA enums a SCSI
 * miniport uses, written from the documented NT DDK contract (the base types
 * come from ntdef.h).  Constant names and values match the DDK so that
 * host_driver/softhba.c compiles unchanged. */
#ifndef SOFTHBA_SIM_MINIPORT_H
#define SOFTHBA_SIM_MINIPORT_H

#include <ntdef.h>

#ifdef __cplusplus
extern "C" {
#endif

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
