/* softhba.c -- Windows NT SCSI miniport for the softhba ISA host adapter.
 *
 * The card is an ISA slave and a subordinate-DMA device: the system 8237
 * moves the data, programmed by the port driver (ScsiPortIoMapTransfer);
 * this driver writes command blocks to the card, arms data segments in
 * HwDmaStarted and reads result blocks when the card interrupts.  The card
 * runs one command at a time, so the driver keeps one active SRB.
 *
 * The same source builds for real NT (mingw-w64 DDK headers, SCSIPORT.SYS)
 * and for the co-simulation (sim/portdrv, the project's port driver
 * emulation), see docs/miniport.md.  The routines follow the order in which
 * the port driver calls them. */

/* The DDK headers: mingw-w64's for NT, the port driver emulation's
 * stand-ins (sim/portdrv/include) for the co-simulation. */
#include <ntdef.h>
#include <ddk/miniport.h>
#include <ddk/srb.h>
#include <ddk/scsi.h>
#include <stddef.h>

#include "softhba_regs.h"
#include "softhba.h"

/* ScsiPortLogError unique ids, so that an event log entry names its cause. */
#define SHBA_ERR_BAD_ARGUMENT   0x53480100u  /* | character position */
#define SHBA_ERR_BAD_RESOURCE   0x53480200u  /* | 1 irq, 2 dma */
#define SHBA_ERR_CONFIG_READBACK 0x53480300u
#define SHBA_ERR_NOT_READY      0x53480400u
#define SHBA_ERR_CARD_ERROR     0x53480500u
#define SHBA_ERR_HOST_STATUS    0x53480600u  /* | host status */
#define SHBA_ERR_EXTRA_SEGMENT  0x53480700u

#define SCSI_STATUS_GOOD 0x00u
#define SCSI_STATUS_CHECK_CONDITION 0x02u
#define SCSI_STATUS_CONDITION_MET 0x04u

/* No routine waits at DIRQL: the port driver's documented budget is well
 * under 1 ms per call (docs/miniport.md).  Longer waits run from HwTimer. */
#define SHBA_READY_WAIT_US   2000000u   /* firmware boot after power-on or reset */
#define SHBA_PIO_TIMER_US    1000u      /* HwTimer period with PIO data waiting */
#define SHBA_WAIT_TIMER_US   10000u     /* otherwise: NT's clock tick, so that the
                                         * periods counted are the time waited */
#define SHBA_PIO_SPIN        8u         /* STATUS polls for one PIO unit */
#define SHBA_PIO_BUDGET      512u       /* port accesses per PIO call (~0.4 ms of ISA cycles) */

const ULONG ShbaCandidateBases[SHBA_NUM_CANDIDATE_BASES] = SHBA_HOST_IO_BASE_TABLE;

typedef struct _SHBA_EXTENSION {
    PUCHAR Base;                  /* mapped I/O base */
    ULONG BasePort;
    ULONG Irq;
    ULONG DmaChannel;             /* SP_UNINITIALIZED_VALUE: PIO only */
    BOOLEAN Wide;                 /* 16-bit slot (CONFIG.WIDE16) */
    BOOLEAN Dma16;                /* DmaChannel is a 16-bit channel */
    BOOLEAN Demand;
    BOOLEAN Waiting;              /* after power-on or a reset: READY not seen yet */
    BOOLEAN ResetTried;           /* the one reset for a silent card was made */
    BOOLEAN Dead;                 /* the card never became READY: no commands */
    ULONG WaitedUs;               /* timer periods spent Waiting (at least that long) */
    ULONG TimerUs;                /* the period last asked for */
    PSCSI_REQUEST_BLOCK Held;     /* accepted, waiting for the card to take it */
    UCHAR Control;                /* level bits of every CONTROL write */
    UCHAR Id[SHBA_HOST_ID_LEN];

    /* The one command on the card. */
    PSCSI_REQUEST_BLOCK Active;
    BOOLEAN DataIn;
    BOOLEAN Pio;                  /* this command moves its data by PIO */
    BOOLEAN PioRunning;           /* PIO data still to move */
    BOOLEAN SegMapped;            /* IoMapTransfer issued, segment not ended */
    PSCSI_REQUEST_BLOCK ArmSrb;   /* mapped, HwDmaStarted not yet called: arm for it */
    ULONG Done;                   /* bytes moved in ended segments (or by PIO) */
    ULONG SegLength;              /* bytes in the mapped segment */
} SHBA_EXTENSION, *PSHBA_EXTENSION;

static BOOLEAN NTAPI ShbaHwInitialize(PVOID HwDeviceExtension);
static BOOLEAN NTAPI ShbaHwStartIo(PVOID HwDeviceExtension, PSCSI_REQUEST_BLOCK Srb);
static BOOLEAN NTAPI ShbaHwInterrupt(PVOID HwDeviceExtension);
static ULONG NTAPI ShbaHwFindAdapter(PVOID HwDeviceExtension, PVOID HwContext,
                                     PVOID BusInformation, PCHAR ArgumentString,
                                     PPORT_CONFIGURATION_INFORMATION ConfigInfo,
                                     PBOOLEAN Again);
static BOOLEAN NTAPI ShbaHwResetBus(PVOID HwDeviceExtension, ULONG PathId);
static VOID NTAPI ShbaHwDmaStarted(PVOID HwDeviceExtension);
static VOID NTAPI ShbaHwTimer(PVOID HwDeviceExtension);
ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2);

/* ---- helpers ----------------------------------------------------------- */

static UCHAR ShbaIn(PSHBA_EXTENSION ext, ULONG reg)
{
    return ScsiPortReadPortUchar(ext->Base + reg);
}

static VOID ShbaOut(PSHBA_EXTENSION ext, ULONG reg, UCHAR value)
{
    ScsiPortWritePortUchar(ext->Base + reg, value);
}

/* A CONTROL write: strobes plus the interrupt-enable level. */
static VOID ShbaControl(PSHBA_EXTENSION ext, UCHAR strobes)
{
    ShbaOut(ext, SHBA_HOST_CONTROL, (UCHAR)(strobes | ext->Control));
}

/* Kernel-mode code has no memset; a volatile store loop never becomes one. */
static VOID ShbaZero(PVOID p, ULONG n)
{
    volatile UCHAR *b = (volatile UCHAR *)p;
    while (n--)
        *b++ = 0;
}

/* One look: does the card take a command now?  READY means the firmware
 * runs; ERROR alone (the SD card failed or is missing) does not stop it: the
 * disk then answers NOT READY with sense, and the firmware retries the SD
 * card on each medium command.  BUSY: the last command is not over.  A card
 * in reset reads 0xFF (BUSY set), so it never looks ready. */
static BOOLEAN ShbaCardTakes(PSHBA_EXTENSION ext)
{
    UCHAR st = ShbaIn(ext, SHBA_HOST_STATUS);
    if ((st & (SHBA_HOST_STATUS_READY | SHBA_HOST_STATUS_BUSY)) != SHBA_HOST_STATUS_READY)
        return FALSE;
    if (ext->Waiting) {
        ext->Waiting = FALSE;
        if (st & SHBA_HOST_STATUS_ERROR)
            ScsiPortLogError(ext, NULL, 0, 0, 0, SP_INTERNAL_ADAPTER_ERROR,
                             SHBA_ERR_CARD_ERROR | st);
    }
    return TRUE;
}

/* HwTimer is wanted while PIO data waits, a command is held, or the card
 * is booting.  One timer per adapter: a request replaces the last one. */
static VOID ShbaScheduleTimer(PSHBA_EXTENSION ext)
{
    if (ext->PioRunning || ext->Held != NULL || ext->Waiting) {
        ext->TimerUs = ext->PioRunning ? SHBA_PIO_TIMER_US : SHBA_WAIT_TIMER_US;
        ScsiPortNotification(RequestTimerCall, ext, ShbaHwTimer, ext->TimerUs);
    }
}

static VOID ShbaComplete(PSHBA_EXTENSION ext, PSCSI_REQUEST_BLOCK srb, UCHAR status)
{
    srb->SrbStatus = status;
    ScsiPortNotification(RequestComplete, ext, srb);
}

/* Reads the ID sequence at a mapped base; TRUE when it is a softhba. */
static BOOLEAN ShbaProbe(PUCHAR base, UCHAR *id)
{
    ULONG i;
    ScsiPortWritePortUchar(base + SHBA_HOST_ID_RESET, 0);
    for (i = 0; i < SHBA_HOST_ID_LEN; i++)
        id[i] = ScsiPortReadPortUchar(base + SHBA_HOST_ID);
    return id[0] == SHBA_HOST_ID_SIG0 && id[1] == SHBA_HOST_ID_SIG1 &&
           id[2] == SHBA_HOST_ID_SIG2 && id[3] == SHBA_HOST_ID_SIG3;
}

/* ---- pure helpers (also unit-tested on the host) ------------------------ */

/* The CONFIG encodings are the register map's tables (docs/registers.md);
 * these adapt them to the driver's conventions: code 0 ("none") for a
 * resource the card cannot select, SHBA_OPT_UNSET for a "none" code. */
static UCHAR ShbaSelectCode(int code)
{
    return code < 0 ? 0 : (UCHAR)code;
}

static ULONG ShbaSelectValue(unsigned value)
{
    return value == SHBA_TABLE_NONE ? SHBA_OPT_UNSET : value;
}

UCHAR ShbaIrqSelect(ULONG irq)
{
    return ShbaSelectCode(SHBA_HOST_CONFIG_IRQ_SEL_CODE(irq));
}

ULONG ShbaIrqFromSelect(UCHAR sel)
{
    return ShbaSelectValue(SHBA_HOST_CONFIG_IRQ_SEL_VALUE(sel & 7u));
}

UCHAR ShbaDma8Select(ULONG channel)
{
    return ShbaSelectCode(SHBA_HOST_CONFIG_DMA8_SEL_CODE(channel));
}

ULONG ShbaDma8FromSelect(UCHAR sel)
{
    return ShbaSelectValue(SHBA_HOST_CONFIG_DMA8_SEL_VALUE(sel & 3u));
}

UCHAR ShbaDma16Select(ULONG channel)
{
    return ShbaSelectCode(SHBA_HOST_CONFIG_DMA16_SEL_CODE(channel));
}

ULONG ShbaDma16FromSelect(UCHAR sel)
{
    return ShbaSelectValue(SHBA_HOST_CONFIG_DMA16_SEL_VALUE(sel & 3u));
}

static char ShbaLower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static BOOLEAN ShbaIsSeparator(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '\r' || c == '\n';
}

/* Does token [s, s+len) equal the lower-case word w? */
static BOOLEAN ShbaTokenIs(const char *s, ULONG len, const char *w)
{
    ULONG i;
    for (i = 0; i < len; i++)
        if (w[i] == 0 || ShbaLower(s[i]) != w[i])
            return FALSE;
    return w[len] == 0;
}

/* Number in [s, s+len): decimal, 0x-prefixed hex or h-suffixed hex. */
static BOOLEAN ShbaParseNumber(const char *s, ULONG len, ULONG *out)
{
    ULONG base = 10, v = 0, i;
    if (len >= 2 && s[0] == '0' && ShbaLower(s[1]) == 'x') {
        base = 16;
        s += 2;
        len -= 2;
    } else if (len >= 2 && ShbaLower(s[len - 1]) == 'h') {
        base = 16;
        len--;
    }
    if (len == 0 || len > 8)
        return FALSE;
    for (i = 0; i < len; i++) {
        char c = ShbaLower(s[i]);
        ULONG d;
        if (c >= '0' && c <= '9')
            d = (ULONG)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (ULONG)(c - 'a' + 10);
        else
            return FALSE;
        v = v * base + d;
    }
    *out = v;
    return TRUE;
}

ULONG ShbaParseArguments(const char *arg, struct shba_options *opt)
{
    ULONG pos = 0;
    opt->base = opt->irq = opt->dma = SHBA_OPT_UNSET;
    opt->pio = opt->demand = opt->wide = SHBA_OPT_UNSET;
    opt->bus_on = opt->bus_off = SHBA_OPT_UNSET;
    if (arg == NULL)
        return 0;
    for (;;) {
        ULONG start, len, klen, value = 0;
        const char *tok;
        while (arg[pos] != 0 && ShbaIsSeparator(arg[pos]))
            pos++;
        if (arg[pos] == 0)
            return 0;
        start = pos;
        while (arg[pos] != 0 && !ShbaIsSeparator(arg[pos]))
            pos++;
        tok = arg + start;
        len = pos - start;
        for (klen = 0; klen < len && tok[klen] != '='; klen++)
            ;
        if (klen == len) {                      /* a flag */
            if (ShbaTokenIs(tok, len, "pio"))
                opt->pio = 1;
            else if (ShbaTokenIs(tok, len, "demand"))
                opt->demand = 1;
            else if (ShbaTokenIs(tok, len, "single"))
                opt->demand = 0;
            else if (ShbaTokenIs(tok, len, "wide"))
                opt->wide = 1;
            else if (ShbaTokenIs(tok, len, "narrow"))
                opt->wide = 0;
            else
                return start + 1;
            continue;
        }
        if (ShbaTokenIs(tok, klen, "dma") &&
            ShbaTokenIs(tok + klen + 1, len - klen - 1, "none")) {
            opt->pio = 1;
            continue;
        }
        if (!ShbaParseNumber(tok + klen + 1, len - klen - 1, &value))
            return start + 1;
        if (ShbaTokenIs(tok, klen, "base")) {
            ULONG i;
            for (i = 0; i < SHBA_NUM_CANDIDATE_BASES; i++)
                if (ShbaCandidateBases[i] == value)
                    break;
            if (i == SHBA_NUM_CANDIDATE_BASES)
                return start + 1;
            opt->base = value;
        } else if (ShbaTokenIs(tok, klen, "irq")) {
            if (ShbaIrqSelect(value) == 0)
                return start + 1;
            opt->irq = value;
        } else if (ShbaTokenIs(tok, klen, "dma")) {
            if (ShbaDma8Select(value) == 0 && ShbaDma16Select(value) == 0)
                return start + 1;
            opt->dma = value;
        } else if (ShbaTokenIs(tok, klen, "busontime")) {
            if (value < SHBA_BUS_ON_MIN || value > SHBA_BUS_ON_MAX)
                return start + 1;
            opt->bus_on = value;
        } else if (ShbaTokenIs(tok, klen, "busofftime")) {
            if (value < SHBA_BUS_OFF_MIN || value > SHBA_BUS_OFF_MAX)
                return start + 1;
            opt->bus_off = value;
        } else {
            return start + 1;
        }
    }
}

UCHAR ShbaTranslateResult(const UCHAR *result, ULONG requested, ULONG *transferred)
{
    /* cppcheck, in its _WIN32 configuration, lacks the DDK headers and sizes
     * the caller's UCHAR array as 0. */
    // cppcheck-suppress ctuArrayIndex
    ULONG residual = (ULONG)result[SHBA_HOST_RES_RESIDUAL] |
                     ((ULONG)result[SHBA_HOST_RES_RESIDUAL + 1] << 8) |
                     ((ULONG)result[SHBA_HOST_RES_RESIDUAL + 2] << 16) |
                     ((ULONG)result[SHBA_HOST_RES_RESIDUAL + 3] << 24);
    if (residual > requested)
        residual = requested;
    *transferred = requested - residual;

    switch (result[SHBA_HOST_RES_HOST_STATUS]) {
    case SHBA_HOST_HS_OK:
        switch (result[SHBA_HOST_RES_SCSI_STATUS]) {
        case SCSI_STATUS_GOOD:
        case SCSI_STATUS_CONDITION_MET:
            /* NT reports a short data phase (underrun) as DATA_OVERRUN with
             * DataTransferLength cut to what moved. */
            return residual ? SRB_STATUS_DATA_OVERRUN : SRB_STATUS_SUCCESS;
        default:
            return SRB_STATUS_ERROR;   /* ScsiStatus tells the class driver */
        }
    case SHBA_HOST_HS_DATA_OVERRUN:
        return SRB_STATUS_DATA_OVERRUN;
    case SHBA_HOST_HS_BAD_BLOCK:
        return SRB_STATUS_INVALID_REQUEST;
    case SHBA_HOST_HS_NO_DEVICE:
        return SRB_STATUS_SELECTION_TIMEOUT;
    case SHBA_HOST_HS_ABORTED:
        return SRB_STATUS_ABORTED;
    case SHBA_HOST_HS_RESET:
        return SRB_STATUS_BUS_RESET;
    case SHBA_HOST_HS_PHASE_ERROR:
        return SRB_STATUS_PHASE_SEQUENCE_FAILURE;
    default:                           /* HS_HW_ERROR and anything unknown */
        return SRB_STATUS_ERROR;
    }
}

ULONG ShbaResultErrorCode(const UCHAR *result)
{
    switch (result[SHBA_HOST_RES_HOST_STATUS]) {
    case SHBA_HOST_HS_OK:
    case SHBA_HOST_HS_BAD_BLOCK:
    case SHBA_HOST_HS_NO_DEVICE:
    case SHBA_HOST_HS_ABORTED:
    case SHBA_HOST_HS_RESET:
        return 0;
    case SHBA_HOST_HS_DATA_OVERRUN:
    case SHBA_HOST_HS_PHASE_ERROR:
        return SP_PROTOCOL_ERROR;
    default:                           /* HS_HW_ERROR and anything unknown */
        return SP_INTERNAL_ADAPTER_ERROR;
    }
}

/* ---- DriverEntry ------------------------------------------------------------
 * Called once when NT loads the driver.  Describes the miniport to the port
 * driver (HW_INITIALIZATION_DATA) and hands over to ScsiPortInitialize, which
 * calls HwFindAdapter for each adapter and returns the status DriverEntry
 * returns.  HwContext carries the probe position across HwFindAdapter calls
 * (ScsiPortInitialize calls it synchronously, so a local is enough). */
ULONG NTAPI DriverEntry(PVOID DriverObject, PVOID Argument2)
{
    HW_INITIALIZATION_DATA init;
    ULONG nextCandidate = 0;

    ShbaZero(&init, sizeof(init));
    /* The NT 4.0 layout ends before HwAdapterControl, and NT 4.0 rejects a
     * larger size; Windows 2000 and XP accept the shorter size (legacy
     * miniport without HwAdapterControl). */
    init.HwInitializationDataSize = offsetof(HW_INITIALIZATION_DATA, HwAdapterControl);
    init.AdapterInterfaceType = Isa;
    init.HwInitialize = ShbaHwInitialize;
    init.HwStartIo = ShbaHwStartIo;
    init.HwInterrupt = ShbaHwInterrupt;
    init.HwFindAdapter = ShbaHwFindAdapter;
    init.HwResetBus = ShbaHwResetBus;
    init.HwDmaStarted = ShbaHwDmaStarted;
    init.DeviceExtensionSize = sizeof(SHBA_EXTENSION);
    init.SpecificLuExtensionSize = 0;
    init.SrbExtensionSize = 0;       /* one command at a time: state in the extension */
    init.NumberOfAccessRanges = 1;
    init.MapBuffers = TRUE;          /* PIO and auto-sense touch DataBuffer */
    init.NeedPhysicalAddresses = FALSE;
    init.TaggedQueuing = FALSE;
    init.AutoRequestSense = TRUE;
    init.MultipleRequestPerLu = FALSE;
    init.ReceiveEvent = FALSE;

    return ScsiPortInitialize(DriverObject, Argument2, &init, &nextCandidate);
}

/* ---- HwFindAdapter ----------------------------------------------------------
 * Called at PASSIVE_LEVEL, repeatedly while it sets *Again.  Finds one card
 * (the base from the ArgumentString, else the access range the port driver
 * passes from the registry, else the next candidate base whose ID port
 * answers 'SHBA'), chooses its IRQ and DMA channel (ArgumentString, then the
 * registry values in ConfigInfo, then the card's CONFIG reset value from its
 * board pins), programs CONFIG with them and fills ConfigInfo.  Returns
 * SP_RETURN_FOUND, SP_RETURN_NOT_FOUND, or SP_RETURN_BAD_CONFIG (logged)
 * for an argument or resource the card cannot use. */
static ULONG NTAPI ShbaHwFindAdapter(PVOID HwDeviceExtension, PVOID HwContext,
                                     PVOID BusInformation, PCHAR ArgumentString,
                                     PPORT_CONFIGURATION_INFORMATION ConfigInfo,
                                     PBOOLEAN Again)
{
    PSHBA_EXTENSION ext = (PSHBA_EXTENSION)HwDeviceExtension;
    ULONG *next = (ULONG *)HwContext;
    struct shba_options opt;
    ACCESS_RANGE *range = &(*ConfigInfo->AccessRanges)[0];
    ULONG bad, irq, dma;
    UCHAR config, wide, readback;
    PUCHAR base = NULL;

    (void)BusInformation;
    *Again = FALSE;

    bad = ShbaParseArguments(ArgumentString, &opt);
    if (bad != 0) {
        ScsiPortLogError(ext, NULL, 0, 0, 0, SP_INTERNAL_ADAPTER_ERROR,
                         SHBA_ERR_BAD_ARGUMENT | (bad & 0xFFu));
        return SP_RETURN_BAD_CONFIG;
    }

    if (opt.base != SHBA_OPT_UNSET || range->RangeLength != 0) {
        /* One named base: probe only that, once. */
        ULONG port = opt.base != SHBA_OPT_UNSET ? opt.base
                     : ScsiPortConvertPhysicalAddressToUlong(range->RangeStart);
        if (*next != 0)
            return SP_RETURN_NOT_FOUND;
        *next = SHBA_NUM_CANDIDATE_BASES;
        base = (PUCHAR)ScsiPortGetDeviceBase(ext, ConfigInfo->AdapterInterfaceType,
                                             ConfigInfo->SystemIoBusNumber,
                                             ScsiPortConvertUlongToPhysicalAddress(port),
                                             SHBA_PORT_WINDOW, TRUE);
        if (base == NULL)
            return SP_RETURN_NOT_FOUND;
        if (!ShbaProbe(base, ext->Id)) {
            ScsiPortFreeDeviceBase(ext, base);
            return SP_RETURN_NOT_FOUND;
        }
        ext->BasePort = port;
    } else {
        while (*next < SHBA_NUM_CANDIDATE_BASES) {
            ULONG port = ShbaCandidateBases[(*next)++];
            SCSI_PHYSICAL_ADDRESS addr = ScsiPortConvertUlongToPhysicalAddress(port);
            if (!ScsiPortValidateRange(ext, ConfigInfo->AdapterInterfaceType,
                                       ConfigInfo->SystemIoBusNumber, addr,
                                       SHBA_PORT_WINDOW, TRUE))
                continue;            /* another driver owns these ports */
            base = (PUCHAR)ScsiPortGetDeviceBase(ext, ConfigInfo->AdapterInterfaceType,
                                                 ConfigInfo->SystemIoBusNumber, addr,
                                                 SHBA_PORT_WINDOW, TRUE);
            if (base == NULL)
                continue;
            if (ShbaProbe(base, ext->Id)) {
                ext->BasePort = port;
                break;
            }
            ScsiPortFreeDeviceBase(ext, base);
            base = NULL;
        }
        if (base == NULL)
            return SP_RETURN_NOT_FOUND;
        *Again = *next < SHBA_NUM_CANDIDATE_BASES;
    }
    ext->Base = base;

    /* Resources: argument string, then registry, then the card's pins. */
    config = ShbaIn(ext, SHBA_HOST_CONFIG);
    wide = opt.wide != SHBA_OPT_UNSET ? (UCHAR)opt.wide
           : (UCHAR)((config & SHBA_HOST_CONFIG_WIDE16) ? 1 : 0);
    if (opt.irq != SHBA_OPT_UNSET)
        irq = opt.irq;
    else if (ConfigInfo->BusInterruptLevel != 0)
        irq = ConfigInfo->BusInterruptLevel;
    else
        irq = ShbaIrqFromSelect((UCHAR)((config & SHBA_HOST_CONFIG_IRQ_SEL_MASK) >>
                                        SHBA_HOST_CONFIG_IRQ_SEL_SHIFT));
    if (opt.pio == 1)
        dma = SP_UNINITIALIZED_VALUE;
    else if (opt.dma != SHBA_OPT_UNSET)
        dma = opt.dma;
    else if (ConfigInfo->DmaChannel != SP_UNINITIALIZED_VALUE)
        dma = ConfigInfo->DmaChannel;
    else {
        ULONG d16 = ShbaDma16FromSelect((UCHAR)((config & SHBA_HOST_CONFIG_DMA16_SEL_MASK) >>
                                               SHBA_HOST_CONFIG_DMA16_SEL_SHIFT));
        ULONG d8 = ShbaDma8FromSelect((UCHAR)((config & SHBA_HOST_CONFIG_DMA8_SEL_MASK) >>
                                             SHBA_HOST_CONFIG_DMA8_SEL_SHIFT));
        dma = (wide && d16 != SHBA_OPT_UNSET) ? d16
              : d8 != SHBA_OPT_UNSET ? d8 : SP_UNINITIALIZED_VALUE;
    }

    if (ShbaIrqSelect(irq) == 0) {
        ScsiPortLogError(ext, NULL, 0, 0, 0, SP_IRQ_NOT_RESPONDING, SHBA_ERR_BAD_RESOURCE | 1u);
        ScsiPortFreeDeviceBase(ext, base);
        return SP_RETURN_BAD_CONFIG;
    }
    if (dma != SP_UNINITIALIZED_VALUE &&
        ((ShbaDma16Select(dma) != 0 && !wide) ||
         (ShbaDma16Select(dma) == 0 && ShbaDma8Select(dma) == 0))) {
        ScsiPortLogError(ext, NULL, 0, 0, 0, SP_INTERNAL_ADAPTER_ERROR, SHBA_ERR_BAD_RESOURCE | 2u);
        ScsiPortFreeDeviceBase(ext, base);
        return SP_RETURN_BAD_CONFIG;
    }

    ext->Irq = irq;
    ext->DmaChannel = dma;
    ext->Wide = wide ? TRUE : FALSE;
    ext->Dma16 = (dma != SP_UNINITIALIZED_VALUE && ShbaDma16Select(dma) != 0) ? TRUE : FALSE;
    ext->Demand = opt.demand == 0 ? FALSE : TRUE;
    ext->Control = 0;              /* interrupts stay off until HwInitialize */

    /* Program the card with exactly the resources in use: the DRQ of the
     * unused width stays tri-stated. */
    config = (UCHAR)(ShbaIrqSelect(irq) << SHBA_HOST_CONFIG_IRQ_SEL_SHIFT);
    if (dma != SP_UNINITIALIZED_VALUE) {
        if (ext->Dma16)
            config |= (UCHAR)(ShbaDma16Select(dma) << SHBA_HOST_CONFIG_DMA16_SEL_SHIFT);
        else
            config |= (UCHAR)(ShbaDma8Select(dma) << SHBA_HOST_CONFIG_DMA8_SEL_SHIFT);
    }
    if (ext->Wide)
        config |= SHBA_HOST_CONFIG_WIDE16;
    ShbaOut(ext, SHBA_HOST_CONFIG, config);
    readback = ShbaIn(ext, SHBA_HOST_CONFIG);
    if (readback != config) {
        ScsiPortLogError(ext, NULL, 0, 0, 0, SP_INTERNAL_ADAPTER_ERROR,
                         SHBA_ERR_CONFIG_READBACK | readback);
        ScsiPortFreeDeviceBase(ext, base);
        return SP_RETURN_ERROR;
    }
    /* Demand-mode bus-on/bus-off time: always written, so a previous
     * driver's setting cannot linger; the defaults keep every bus hold under
     * the ISA's 15 us (docs/isa.md). */
    config = (UCHAR)(((opt.bus_on != SHBA_OPT_UNSET ? opt.bus_on : SHBA_HOST_BUS_ON_DEFAULT)
                      << SHBA_HOST_BUS_TIME_ON_SHIFT) |
                     ((opt.bus_off != SHBA_OPT_UNSET ? opt.bus_off : SHBA_HOST_BUS_OFF_DEFAULT)
                      << SHBA_HOST_BUS_TIME_OFF_SHIFT));
    ShbaOut(ext, SHBA_HOST_BUS_TIME, config);
    readback = ShbaIn(ext, SHBA_HOST_BUS_TIME);
    if (readback != config) {
        ScsiPortLogError(ext, NULL, 0, 0, 0, SP_INTERNAL_ADAPTER_ERROR,
                         SHBA_ERR_CONFIG_READBACK | readback);
        ScsiPortFreeDeviceBase(ext, base);
        return SP_RETURN_ERROR;
    }

    range->RangeStart = ScsiPortConvertUlongToPhysicalAddress(ext->BasePort);
    range->RangeLength = SHBA_PORT_WINDOW;
    range->RangeInMemory = FALSE;
    ConfigInfo->BusInterruptLevel = irq;
    ConfigInfo->InterruptMode = Latched;        /* ISA IRQs are edge triggered */
    if (dma != SP_UNINITIALIZED_VALUE) {
        ConfigInfo->DmaChannel = dma;
        ConfigInfo->DmaWidth = ext->Dma16 ? Width16Bits : Width8Bits;
        ConfigInfo->DmaSpeed = Compatible;
        ConfigInfo->DemandMode = ext->Demand;
        /* 16-bit channels move words at even addresses. */
        ConfigInfo->AlignmentMask = ext->Dma16 ? 1u : 0u;
    } else {
        ConfigInfo->DmaChannel = SP_UNINITIALIZED_VALUE;
    }
    ConfigInfo->MaximumTransferLength = SHBA_MAX_TRANSFER;
    /* No scatter/gather: the card takes one contiguous range per segment.
     * The documented value for that is 0; the port driver then limits the
     * pages of a transfer by the map registers the HAL gives the system DMA
     * channel (docs/miniport.md). */
    ConfigInfo->NumberOfPhysicalBreaks = 0;
    ConfigInfo->ScatterGather = FALSE;
    ConfigInfo->Master = FALSE;
    ConfigInfo->CachesData = FALSE;
    ConfigInfo->Dma32BitAddresses = FALSE;
    ConfigInfo->NumberOfBuses = 1;
    ConfigInfo->InitiatorBusId[0] = 7;
    ConfigInfo->MaximumNumberOfTargets = 8;
    return SP_RETURN_FOUND;
}

/* ---- HwInitialize -----------------------------------------------------------
 * Called once per adapter after HwFindAdapter, with the interrupt connected
 * (at DIRQL: no waiting here).  Clears stale interrupt causes and enables
 * the card's interrupt.  If the firmware is not READY yet (still booting
 * after power-on), the adapter starts Waiting: commands are held until it
 * is, HwTimer watches the boot (a silent card is reset once after 2 s and
 * given up 2 s later), and RESET_DONE ends the wait early.  An SD card
 * fault (STATUS.ERROR) is logged when READY is seen: the adapter still
 * works, its disk reports NOT READY. */
static BOOLEAN NTAPI ShbaHwInitialize(PVOID HwDeviceExtension)
{
    PSHBA_EXTENSION ext = (PSHBA_EXTENSION)HwDeviceExtension;

    ext->Active = NULL;
    ext->Held = NULL;
    ext->Dead = FALSE;
    ext->ResetTried = FALSE;
    ext->WaitedUs = 0;
    ext->Waiting = TRUE;
    ext->Control = SHBA_HOST_CONTROL_INT_ENABLE;
    ShbaControl(ext, SHBA_HOST_CONTROL_INT_ACK | SHBA_HOST_CONTROL_CMD_PTR_RESET);
    (void)ShbaCardTakes(ext);
    ShbaScheduleTimer(ext);
    return TRUE;
}

/* Maps the next data segment: the port driver programs the 8237 and then
 * calls HwDmaStarted.  A segment is at most SHBA_MAX_SEGMENT bytes; the
 * port driver may end it earlier with TC (DMA page boundary), then the card
 * raises SEG_DONE and the rest is mapped from where the data stopped. */
static VOID ShbaMapSegment(PSHBA_EXTENSION ext)
{
    PSCSI_REQUEST_BLOCK srb = ext->Active;
    ULONG left = srb->DataTransferLength - ext->Done;
    ext->SegLength = left < SHBA_MAX_SEGMENT ? left : SHBA_MAX_SEGMENT;
    ext->SegMapped = TRUE;
    ext->ArmSrb = srb;
    ScsiPortIoMapTransfer(ext, srb, (PUCHAR)srb->DataBuffer + ext->Done, ext->SegLength);
}

/* Arms one segment of ext->SegLength bytes on the card. */
static VOID ShbaArm(PSHBA_EXTENSION ext, ULONG count, UCHAR ctrl)
{
    ShbaOut(ext, SHBA_HOST_XFER_COUNT0, (UCHAR)count);
    ShbaOut(ext, SHBA_HOST_XFER_COUNT1, (UCHAR)(count >> 8));
    ShbaOut(ext, SHBA_HOST_XFER_COUNT2, (UCHAR)(count >> 16));
    if (ext->DataIn)
        ctrl |= SHBA_HOST_XFER_CTRL_DIR_TO_HOST;
    ShbaOut(ext, SHBA_HOST_XFER_CTRL, (UCHAR)(ctrl | SHBA_HOST_XFER_CTRL_ARM));
}

/* Moves PIO data while the card has it ready, at most SHBA_PIO_BUDGET port
 * accesses per call (a bounded time at DIRQL); when the budget is spent or
 * the card is not ready, HwTimer goes on.  16-bit DATA cycles in a 16-bit
 * slot, the first byte of the pair in the low half. */
static VOID ShbaPioPump(PSHBA_EXTENSION ext)
{
    PSCSI_REQUEST_BLOCK srb = ext->Active;
    PUCHAR buf;
    ULONG len, budget = SHBA_PIO_BUDGET;

    if (srb == NULL || !ext->PioRunning)
        return;
    buf = (PUCHAR)srb->DataBuffer;
    len = srb->DataTransferLength;
    while (ext->Done < len && budget >= 2) {
        ULONG spin;
        UCHAR st = 0;
        for (spin = 0; spin < SHBA_PIO_SPIN && budget > 1; spin++) {
            budget--;
            st = ShbaIn(ext, SHBA_HOST_STATUS);
            if ((st & SHBA_HOST_STATUS_PIO_READY) || !(st & SHBA_HOST_STATUS_BUSY))
                break;
        }
        if (!(st & SHBA_HOST_STATUS_BUSY)) {
            ext->PioRunning = FALSE;     /* the command ended; CMD_DONE follows */
            return;
        }
        if (!(st & SHBA_HOST_STATUS_PIO_READY))
            return;                      /* HwTimer goes on (ShbaScheduleTimer) */
        budget--;
        if (ext->Wide && len - ext->Done >= 2) {
            if (ext->DataIn) {
                USHORT w = ScsiPortReadPortUshort((PUSHORT)(ext->Base + SHBA_HOST_DATA));
                buf[ext->Done] = (UCHAR)w;
                buf[ext->Done + 1] = (UCHAR)(w >> 8);
            } else {
                ScsiPortWritePortUshort((PUSHORT)(ext->Base + SHBA_HOST_DATA),
                                        (USHORT)(buf[ext->Done] | (buf[ext->Done + 1] << 8)));
            }
            ext->Done += 2;
        } else {
            if (ext->DataIn)
                buf[ext->Done] = ShbaIn(ext, SHBA_HOST_DATA);
            else
                ShbaOut(ext, SHBA_HOST_DATA, buf[ext->Done]);
            ext->Done += 1;
        }
    }
    if (ext->Done >= len)
        ext->PioRunning = FALSE;
}


/* Ends the active command without a card result (reset). */
static VOID ShbaDropActive(PSHBA_EXTENSION ext)
{
    ext->Active = NULL;
    ext->Held = NULL;
    ext->PioRunning = FALSE;
    ext->SegMapped = FALSE;
    ext->ArmSrb = NULL;
    ext->SegLength = 0;
}

/* Card reset: the data path stops and the firmware restarts; RESET_DONE
 * follows.  Commands are held until READY (Waiting, HwTimer).  The caller
 * completes the active or held SRB. */
static VOID ShbaResetCard(PSHBA_EXTENSION ext)
{
    ShbaControl(ext, SHBA_HOST_CONTROL_RESET);
    ext->Waiting = TRUE;
    ext->WaitedUs = 0;
    ext->ResetTried = TRUE;       /* a card silent after this reset is given up */
    ext->Dead = FALSE;
    if (ext->SegMapped && !ext->Pio)
        ScsiPortFlushDma(ext);
    ShbaDropActive(ext);
    ShbaScheduleTimer(ext);
}

/* Writes the command block, starts the command and its data phase, and
 * asks for the next request (so that an ABORT_COMMAND or RESET_BUS can
 * reach the card in mid-transfer; another EXECUTE_SCSI meanwhile is
 * answered BUSY, which the port driver retries; MultipleRequestPerLu =
 * FALSE keeps the disk's own requests queued in the port driver anyway).
 * The card takes a command (ShbaCardTakes). */
static VOID ShbaStartCommand(PSHBA_EXTENSION ext, PSCSI_REQUEST_BLOCK Srb)
{
    ULONG i, dir = Srb->SrbFlags & (SRB_FLAGS_DATA_IN | SRB_FLAGS_DATA_OUT);
    UCHAR flags = 0;

    ext->Active = Srb;
    ext->Held = NULL;
    ext->Done = 0;
    ext->SegLength = 0;
    ext->SegMapped = FALSE;
    ext->DataIn = (Srb->DataTransferLength != 0 && dir == SRB_FLAGS_DATA_IN) ? TRUE : FALSE;
    if (Srb->DataTransferLength != 0)
        flags = ext->DataIn ? SHBA_HOST_CMD_FLAG_DATA_IN : SHBA_HOST_CMD_FLAG_DATA_OUT;
    /* A 16-bit channel cannot move an odd byte: such (small) commands go by PIO. */
    ext->Pio = ext->DmaChannel == SP_UNINITIALIZED_VALUE ||
               (ext->Dma16 && ((Srb->DataTransferLength & 1u) ||
                               ((ULONG)(ULONG_PTR)Srb->DataBuffer & 1u)));
    ext->PioRunning = FALSE;

    ShbaControl(ext, SHBA_HOST_CONTROL_CMD_PTR_RESET);
    ShbaOut(ext, SHBA_HOST_COMMAND, Srb->TargetId);
    ShbaOut(ext, SHBA_HOST_COMMAND, Srb->Lun);
    ShbaOut(ext, SHBA_HOST_COMMAND, Srb->CdbLength);
    ShbaOut(ext, SHBA_HOST_COMMAND, flags);
    for (i = 0; i < 4; i++)
        ShbaOut(ext, SHBA_HOST_COMMAND, (UCHAR)(Srb->DataTransferLength >> (8 * i)));
    for (i = 0; i < Srb->CdbLength; i++)
        ShbaOut(ext, SHBA_HOST_COMMAND, Srb->Cdb[i]);
    ShbaControl(ext, SHBA_HOST_CONTROL_START);

    if (Srb->DataTransferLength != 0) {
        if (ext->Pio) {
            /* One segment for the whole transfer: the count has 24 bits. */
            ShbaArm(ext, Srb->DataTransferLength, SHBA_HOST_XFER_CTRL_PIO);
            ext->PioRunning = TRUE;
            ShbaPioPump(ext);
        } else {
            ShbaMapSegment(ext);
        }
    }
    ShbaScheduleTimer(ext);
    ScsiPortNotification(NextRequest, ext);
}

/* HwTimer (ScsiPortNotification RequestTimerCall): continues the PIO pump,
 * watches a booting card (after 2 s without READY it is reset once; 2 s
 * after that it is given up: logged, held and later commands answer
 * SELECTION_TIMEOUT), and starts a held command once the card takes it. */
static VOID NTAPI ShbaHwTimer(PVOID HwDeviceExtension)
{
    PSHBA_EXTENSION ext = (PSHBA_EXTENSION)HwDeviceExtension;

    ShbaPioPump(ext);
    if (ext->Waiting && !ShbaCardTakes(ext)) {
        ext->WaitedUs += ext->TimerUs;
        if (ext->WaitedUs >= SHBA_READY_WAIT_US) {
            UCHAR st = ShbaIn(ext, SHBA_HOST_STATUS);
            if (!ext->ResetTried) {
                PSCSI_REQUEST_BLOCK held = ext->Held;
                ScsiPortLogError(ext, NULL, 0, 0, 0, SP_INTERNAL_ADAPTER_ERROR,
                                 SHBA_ERR_CARD_ERROR | st);
                ShbaResetCard(ext);
                ext->Held = held;          /* not started yet: it survives the reset */
            } else {
                ScsiPortLogError(ext, NULL, 0, 0, 0, SP_INTERNAL_ADAPTER_ERROR,
                                 SHBA_ERR_NOT_READY | st);
                ext->Waiting = FALSE;
                ext->Dead = TRUE;
                if (ext->Held != NULL) {
                    PSCSI_REQUEST_BLOCK held = ext->Held;
                    ext->Held = NULL;
                    ShbaComplete(ext, held, SRB_STATUS_SELECTION_TIMEOUT);
                    ScsiPortNotification(NextRequest, ext);
                }
            }
        }
    }
    if (ext->Held != NULL && ext->Active == NULL && ShbaCardTakes(ext))
        ShbaStartCommand(ext, ext->Held);
    ShbaScheduleTimer(ext);
}

/* ---- HwStartIo --------------------------------------------------------------
 * Called at DIRQL with one SRB; the port driver sends the next one only
 * after NextRequest.  EXECUTE_SCSI: writes the command block (target, LUN,
 * CDB length, direction flags, data length, CDB) to COMMAND, writes START,
 * and starts the data phase: ScsiPortIoMapTransfer for DMA (HwDmaStarted
 * arms the segment), or arms a PIO segment and pumps the DATA port.  The
 * SRB completes in HwInterrupt at CMD_DONE, which also asks for the next
 * request.  ABORT_COMMAND, RESET_BUS and RESET_DEVICE act on the card and
 * complete at once; anything else is SRB_STATUS_INVALID_REQUEST. */
static BOOLEAN NTAPI ShbaHwStartIo(PVOID HwDeviceExtension, PSCSI_REQUEST_BLOCK Srb)
{
    PSHBA_EXTENSION ext = (PSHBA_EXTENSION)HwDeviceExtension;
    ULONG dir;

    switch (Srb->Function) {
    case SRB_FUNCTION_EXECUTE_SCSI:
        break;

    case SRB_FUNCTION_ABORT_COMMAND:
        if (ext->Active != NULL && Srb->NextSrb == ext->Active) {
            /* The card ends the command with HS_ABORTED: CMD_DONE completes it. */
            ShbaControl(ext, SHBA_HOST_CONTROL_ABORT);
            ShbaComplete(ext, Srb, SRB_STATUS_SUCCESS);
        } else {
            ShbaComplete(ext, Srb, SRB_STATUS_ABORT_FAILED);
        }
        if (ext->Active == NULL)
            ScsiPortNotification(NextRequest, ext);
        return TRUE;

    case SRB_FUNCTION_RESET_BUS: {
        /* Complete the active or held SRB by hand: ScsiPortCompleteRequest
         * would also complete this reset SRB. */
        PSCSI_REQUEST_BLOCK active = ext->Active, held = ext->Held;
        ShbaResetCard(ext);
        if (active != NULL)
            ShbaComplete(ext, active, SRB_STATUS_BUS_RESET);
        if (held != NULL)
            ShbaComplete(ext, held, SRB_STATUS_BUS_RESET);
        ScsiPortNotification(ResetDetected, ext);
        ShbaComplete(ext, Srb, SRB_STATUS_SUCCESS);
        ScsiPortNotification(NextRequest, ext);
        return TRUE;
    }

    case SRB_FUNCTION_RESET_DEVICE:
        /* The card has no per-target reset; the device's one possible
         * command is aborted. */
        if (ext->Active != NULL && ext->Active->TargetId == Srb->TargetId)
            ShbaControl(ext, SHBA_HOST_CONTROL_ABORT);
        ShbaComplete(ext, Srb, SRB_STATUS_SUCCESS);
        if (ext->Active == NULL)
            ScsiPortNotification(NextRequest, ext);
        return TRUE;

    default:
        ShbaComplete(ext, Srb, SRB_STATUS_INVALID_REQUEST);
        if (ext->Active == NULL)
            ScsiPortNotification(NextRequest, ext);
        return TRUE;
    }

    /* EXECUTE_SCSI */
    if (ext->Active != NULL || ext->Held != NULL) {
        /* Only after our NextRequest may another command come; answer BUSY
         * (the port driver retries) rather than lose either. */
        ShbaComplete(ext, Srb, SRB_STATUS_BUSY);
        return TRUE;
    }
    if (Srb->PathId != 0 || Srb->TargetId >= 8 || Srb->TargetId == 7 || ext->Dead) {
        /* A card that never came up answers like an empty bus. */
        ShbaComplete(ext, Srb, SRB_STATUS_SELECTION_TIMEOUT);
        ScsiPortNotification(NextRequest, ext);
        return TRUE;
    }
    if (Srb->Lun >= 8) {
        ShbaComplete(ext, Srb, SRB_STATUS_INVALID_LUN);
        ScsiPortNotification(NextRequest, ext);
        return TRUE;
    }
    dir = Srb->SrbFlags & (SRB_FLAGS_DATA_IN | SRB_FLAGS_DATA_OUT);
    if (Srb->CdbLength < 6 || Srb->CdbLength > SHBA_HOST_CMD_CDB_MAX ||
        (Srb->DataTransferLength != 0 &&
         (dir == 0 || dir == (SRB_FLAGS_DATA_IN | SRB_FLAGS_DATA_OUT))) ||
        Srb->DataTransferLength > 0xFFFFFFu) {
        ShbaComplete(ext, Srb, SRB_STATUS_INVALID_REQUEST);
        ScsiPortNotification(NextRequest, ext);
        return TRUE;
    }
    if (!ShbaCardTakes(ext)) {
        /* Booting, or the last command not over yet: hold the SRB (no
         * NextRequest, so the port driver queues the rest) and start it
         * from HwTimer or RESET_DONE; the port driver's timeout bounds it. */
        ext->Held = Srb;
        ShbaScheduleTimer(ext);
        return TRUE;
    }
    ShbaStartCommand(ext, Srb);
    return TRUE;
}

/* ---- HwDmaStarted -----------------------------------------------------------
 * Called by the port driver once it has programmed the system DMA controller
 * for the transfer ScsiPortIoMapTransfer asked for.  Writes the card's
 * transfer registers: XFER_COUNT (the segment's bytes) then XFER_CTRL with
 * ARM, the direction and WIDTH16 for a 16-bit channel.  The card raises DRQ
 * only from here on.
 *
 * Rule: arm only for the mapping still wanted -- the SRB it was mapped for is
 * still the active command and this segment was not armed yet.  NT programs
 * the DMA controller in a DPC and may take the card's interrupt before
 * calling this routine; a command that failed before any data (READ past
 * the end, an absent target during the bus scan) is then already completed
 * (or reset), and an ARM now would be for no command.  That is a normal
 * interleaving, not an error: nothing is armed and nothing logged.  (The
 * card ignores an ARM while idle too, docs/protocol.md.) */
static VOID NTAPI ShbaHwDmaStarted(PVOID HwDeviceExtension)
{
    PSHBA_EXTENSION ext = (PSHBA_EXTENSION)HwDeviceExtension;
    PSCSI_REQUEST_BLOCK srb = ext->ArmSrb;

    ext->ArmSrb = NULL;
    if (srb == NULL || srb != ext->Active || !ext->SegMapped || ext->Pio)
        return;
    ShbaArm(ext, ext->SegLength, ext->Dma16 ? SHBA_HOST_XFER_CTRL_WIDTH16 : 0);
}

/* Reads the result block and completes the active SRB. */
static VOID ShbaFinishCommand(PSHBA_EXTENSION ext)
{
    PSCSI_REQUEST_BLOCK srb = ext->Active;
    UCHAR result[SHBA_HOST_RES_BLOCK_LEN];
    ULONG i, senseLen, transferred;
    UCHAR status;

    ShbaZero(result, sizeof(result));
    for (i = 0; i < SHBA_HOST_RES_SENSE; i++)
        result[i] = ShbaIn(ext, SHBA_HOST_RESULT);
    senseLen = result[SHBA_HOST_RES_SENSE_LEN];
    if (senseLen > SHBA_HOST_RES_SENSE_MAX)
        senseLen = SHBA_HOST_RES_SENSE_MAX;
    for (i = 0; i < senseLen; i++)
        result[SHBA_HOST_RES_SENSE + i] = ShbaIn(ext, SHBA_HOST_RESULT);

    if (srb == NULL)
        return;                 /* a command we already gave up (reset) */
    if (ext->SegMapped && !ext->Pio)
        ScsiPortFlushDma(ext);  /* the last segment may have ended early */

    status = ShbaTranslateResult(result, srb->DataTransferLength, &transferred);
    if (result[SHBA_HOST_RES_HOST_STATUS] == SHBA_HOST_HS_OK) {
        srb->ScsiStatus = result[SHBA_HOST_RES_SCSI_STATUS];
        if (srb->ScsiStatus == SCSI_STATUS_CHECK_CONDITION && senseLen != 0 &&
            srb->SenseInfoBuffer != NULL && srb->SenseInfoBufferLength != 0 &&
            !(srb->SrbFlags & SRB_FLAGS_DISABLE_AUTOSENSE)) {
            ULONG n = senseLen < srb->SenseInfoBufferLength ? senseLen
                      : srb->SenseInfoBufferLength;
            ScsiPortMoveMemory(srb->SenseInfoBuffer, &result[SHBA_HOST_RES_SENSE], n);
            status |= SRB_STATUS_AUTOSENSE_VALID;
        }
    } else {
        ULONG code = ShbaResultErrorCode(result);
        srb->ScsiStatus = SCSI_STATUS_GOOD;
        if (code != 0)
            ScsiPortLogError(ext, srb, srb->PathId, srb->TargetId, srb->Lun, code,
                             SHBA_ERR_HOST_STATUS | result[SHBA_HOST_RES_HOST_STATUS]);
    }
    /* The card's residual is exact, also for a failed command (docs/protocol.md,
     * "Residual"): what the SRB reports moved is what reached the host
     * (data-in) or the medium (data-out). */
    if (transferred < srb->DataTransferLength)
        srb->DataTransferLength = transferred;

    ShbaDropActive(ext);
    ShbaComplete(ext, srb, status);
    ScsiPortNotification(NextRequest, ext);
}

/* ---- HwInterrupt ------------------------------------------------------------
 * Called at DIRQL when the IRQ line rises (it may be shared with another
 * card: FALSE when INT_STATUS shows nothing of ours).  The causes seen are
 * cleared first (write-1-to-clear, so a cause raised meanwhile gives a new
 * edge), then handled: RESET_DONE ends a reset; SEG_DONE maps the next DMA
 * segment from where the data stopped (XFER_COUNT reads the bytes left when
 * TC ended the segment early); CMD_DONE reads the result block and completes
 * the SRB. */
static BOOLEAN NTAPI ShbaHwInterrupt(PVOID HwDeviceExtension)
{
    PSHBA_EXTENSION ext = (PSHBA_EXTENSION)HwDeviceExtension;
    UCHAR causes = (UCHAR)(ShbaIn(ext, SHBA_HOST_INT_STATUS) &
                           (SHBA_HOST_INT_STATUS_CMD_DONE | SHBA_HOST_INT_STATUS_SEG_DONE |
                            SHBA_HOST_INT_STATUS_RESET_DONE));
    if (causes == 0)
        return FALSE;
    ShbaOut(ext, SHBA_HOST_INT_STATUS, causes);

    if ((causes & SHBA_HOST_INT_STATUS_RESET_DONE) && ext->Waiting && ShbaCardTakes(ext) &&
        ext->Held != NULL && ext->Active == NULL)
        ShbaStartCommand(ext, ext->Held);     /* the firmware is up: no need to wait for HwTimer */

    if (causes & SHBA_HOST_INT_STATUS_CMD_DONE) {
        ShbaFinishCommand(ext);
    } else if ((causes & SHBA_HOST_INT_STATUS_SEG_DONE) && ext->Active != NULL &&
               ext->SegMapped && !ext->Pio) {
        ULONG left = (ULONG)ShbaIn(ext, SHBA_HOST_XFER_COUNT0) |
                     ((ULONG)ShbaIn(ext, SHBA_HOST_XFER_COUNT1) << 8) |
                     ((ULONG)ShbaIn(ext, SHBA_HOST_XFER_COUNT2) << 16);
        if (left > ext->SegLength)
            left = ext->SegLength;
        ext->Done += ext->SegLength - left;
        ScsiPortFlushDma(ext);
        ext->SegMapped = FALSE;
        if (ext->Done < ext->Active->DataTransferLength) {
            ShbaMapSegment(ext);
        } else {
            /* The card wants more than the SRB holds: end the command. */
            ScsiPortLogError(ext, ext->Active, ext->Active->PathId, ext->Active->TargetId,
                             ext->Active->Lun, SP_PROTOCOL_ERROR, SHBA_ERR_EXTRA_SEGMENT);
            ShbaControl(ext, SHBA_HOST_CONTROL_ABORT);
        }
    }
    return TRUE;
}

/* ---- HwResetBus -------------------------------------------------------------
 * Called by the port driver when a request timed out (or to recover the
 * bus).  Resets the card, completes every outstanding request with
 * SRB_STATUS_BUS_RESET, reports the reset and asks for new work. */
static BOOLEAN NTAPI ShbaHwResetBus(PVOID HwDeviceExtension, ULONG PathId)
{
    PSHBA_EXTENSION ext = (PSHBA_EXTENSION)HwDeviceExtension;

    ShbaResetCard(ext);
    ScsiPortCompleteRequest(ext, (UCHAR)PathId, SP_UNTAGGED, SP_UNTAGGED,
                            SRB_STATUS_BUS_RESET);
    ScsiPortNotification(ResetDetected, ext);
    ScsiPortNotification(NextRequest, ext);
    return TRUE;
}
