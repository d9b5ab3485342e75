/* A tiny NT miniport that misbehaves on purpose, built like softhba.sys
 * (i686 mingw, native subsystem, relocatable) for the binary driver's
 * emulation tests (tests/ntsys/ntsys_bad_input.sh).  The ArgumentString
 * says how HwFindAdapter goes wrong:
 *   null     writes through a NULL pointer
 *   invalid  executes an invalid instruction (UD2)
 *   runaway  spins forever
 *   poll     calls ScsiPortStallExecution(0) forever
 *   call     calls an address where nothing is mapped
 *   int      raises a software interrupt (INT 21h)
 *   thunk    calls 8 bytes past ScsiPortInitialize's entry (the IAT's
 *            address): inside the import thunks, but no import
 *   stack    reports an adapter whose HwInitialize pops no arguments
 *            (a stdcall routine that leaves the stack unbalanced) */
#include <ntdef.h>
#include <ddk/miniport.h>
#include <ddk/srb.h>

ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2);

/* HwInitialize(PVOID) that returns with RET instead of RET 4. */
BOOLEAN NTAPI UnbalancedInitialize(PVOID DeviceExtension);
__asm__(".globl _UnbalancedInitialize@4\n"
        "_UnbalancedInitialize@4:\n"
        "  movl $1, %eax\n"
        "  ret\n");

static BOOLEAN Is(PCHAR s, const char *word)
{
    while (*word && *s == *word) {
        s++;
        word++;
    }
    return *word == 0 && *s == 0;
}

static ULONG NTAPI FaultFindAdapter(PVOID DeviceExtension, PVOID HwContext, PVOID BusInformation,
                                    PCHAR ArgumentString, PPORT_CONFIGURATION_INFORMATION ConfigInfo,
                                    PBOOLEAN Again)
{
    (void)DeviceExtension;
    (void)HwContext;
    (void)BusInformation;
    *Again = FALSE;
    if (ArgumentString == NULL)
        return SP_RETURN_NOT_FOUND;
    if (Is(ArgumentString, "null")) {
        volatile ULONG *volatile nowhere = (volatile ULONG *)(ULONG_PTR)0x10;
        *nowhere = 1;
    }
    else if (Is(ArgumentString, "invalid"))
        __asm__ volatile("ud2");
    else if (Is(ArgumentString, "runaway"))
        for (volatile ULONG spin = 0;; spin++)
            ;
    else if (Is(ArgumentString, "poll"))
        for (;;)
            ScsiPortStallExecution(0);
    else if (Is(ArgumentString, "call"))
        ((void (*)(void))(ULONG_PTR)0x12345678u)();
    else if (Is(ArgumentString, "int"))
        __asm__ volatile("int $0x21");
    else if (Is(ArgumentString, "thunk"))
        ((void (*)(void))((ULONG_PTR)&ScsiPortInitialize + 8))();
    else if (Is(ArgumentString, "stack")) {
        ConfigInfo->BusInterruptLevel = 11;
        ConfigInfo->MaximumTransferLength = 0x10000;
        ConfigInfo->NumberOfBuses = 1;
        ConfigInfo->InitiatorBusId[0] = 7;
        return SP_RETURN_FOUND;
    }
    return SP_RETURN_NOT_FOUND;
}

static BOOLEAN NTAPI NoStartIo(PVOID DeviceExtension, PSCSI_REQUEST_BLOCK Srb)
{
    (void)DeviceExtension;
    (void)Srb;
    return FALSE;
}

static BOOLEAN NTAPI NoInterrupt(PVOID DeviceExtension)
{
    (void)DeviceExtension;
    return FALSE;
}

static BOOLEAN NTAPI NoResetBus(PVOID DeviceExtension, ULONG PathId)
{
    (void)DeviceExtension;
    (void)PathId;
    return TRUE;
}

ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2)
{
    HW_INITIALIZATION_DATA init;
    UCHAR *p = (UCHAR *)&init;
    for (ULONG i = 0; i < sizeof init; i++)
        p[i] = 0;
    init.HwInitializationDataSize = sizeof init;
    init.AdapterInterfaceType = Isa;
    init.HwInitialize = UnbalancedInitialize;
    init.HwStartIo = NoStartIo;
    init.HwInterrupt = NoInterrupt;
    init.HwFindAdapter = FaultFindAdapter;
    init.HwResetBus = NoResetBus;
    init.DeviceExtensionSize = 16;
    init.NumberOfAccessRanges = 1;
    return ScsiPortInitialize(DriverObject, Argument2, &init, NULL);
}
