/* softhba miniport: private declarations shared by softhba.c and the
 * host-side tests (tests/driver/).  Include after the miniport headers
 * (ULONG, UCHAR, BOOLEAN come from them) and softhba_regs.h. */
#ifndef SOFTHBA_MINIPORT_H
#define SOFTHBA_MINIPORT_H

/* I/O bases the card's jumpers select, in probe order: the register map's
 * IO_BASE table (docs/registers.md). */
#define SHBA_NUM_CANDIDATE_BASES SHBA_HOST_IO_BASE_COUNT
extern const ULONG ShbaCandidateBases[SHBA_NUM_CANDIDATE_BASES];

/* Ports the card decodes. */
#define SHBA_PORT_WINDOW 16u

/* Largest transfer one SRB may ask for: the ISA DMA controller's count
 * register and the HAL's ISA map registers both stop at 64 KiB. */
#define SHBA_MAX_TRANSFER 0x10000u
/* Largest segment the miniport maps at once (see docs/miniport.md). */
#define SHBA_MAX_SEGMENT 0x10000u

/* Overrides from the registry's DriverParameter (the ArgumentString), e.g.
 * "base=0x330 irq=11 dma=5 pio busontime=8 busofftime=4".  A field left at SHBA_OPT_UNSET takes the
 * value the port driver or the card's CONFIG register gives. */
#define SHBA_OPT_UNSET 0xFFFFFFFFu
struct shba_options {
    ULONG base;     /* I/O base */
    ULONG irq;      /* IRQ line (3, 5, 7, 9, 10, 11, 15) */
    ULONG dma;      /* DMA channel (0, 1, 3 8-bit; 5, 6, 7 16-bit) */
    ULONG pio;      /* 1: no DMA, data through the DATA port */
    ULONG demand;   /* 1: demand-mode DMA, 0: single-mode */
    ULONG wide;     /* 1: 16-bit slot, 0: 8-bit slot */
    ULONG bus_on;   /* demand-mode bus-on time, us (SHBA_BUS_ON_MIN-MAX) */
    ULONG bus_off;  /* demand-mode bus-off time, us (SHBA_BUS_OFF_MIN-MAX) */
};

/* busontime= range in us: a bounded demand service lasts the on time plus
 * the 8237's reaction (about 1 us at 4.17 MHz, 2 us at 3 MHz: the transfer
 * in flight and the release), and a refresh request can wait about 1.7 us
 * more (docs/isa.md), so 12 us is the most that keeps the ISA's 15 us.
 * The card's "ON = 0: no limit" is not offered. */
#define SHBA_BUS_ON_MIN 1u
#define SHBA_BUS_ON_MAX 12u
/* busofftime= range in us (the 4-bit BUS_TIME.OFF; 0 would let the card
 * ask again at once and leave the CPU only refresh's gaps). */
#define SHBA_BUS_OFF_MIN 1u
#define SHBA_BUS_OFF_MAX 15u

/* Parses an argument string (NULL or empty: nothing overridden).  Tokens
 * are separated by blanks, commas or semicolons; keys are case-insensitive;
 * numbers are decimal, 0x-prefixed hex or h-suffixed hex.  Returns 0, or
 * the 1-based character position of the first bad token (unknown key, bad
 * number, value the card cannot select). */
ULONG ShbaParseArguments(const char *arg, struct shba_options *opt);

/* CONFIG register encodings; 0 when the resource cannot be selected. */
UCHAR ShbaIrqSelect(ULONG irq);
UCHAR ShbaDma8Select(ULONG channel);
UCHAR ShbaDma16Select(ULONG channel);
/* The reverse: a line or channel number, or SHBA_OPT_UNSET for "none". */
ULONG ShbaIrqFromSelect(UCHAR sel);
ULONG ShbaDma8FromSelect(UCHAR sel);
ULONG ShbaDma16FromSelect(UCHAR sel);

/* Translates a result block (SHBA_HOST_RES_SENSE bytes: SCSI status, host
 * status, residual, sense length) into an SRB status (without the
 * AUTOSENSE_VALID flag) and the number of bytes the command moved, given the
 * DataTransferLength the SRB asked for. */
UCHAR ShbaTranslateResult(const UCHAR *result, ULONG requested, ULONG *transferred);

/* The ScsiPortLogError code a result block's host status calls for, 0 for
 * none: HS_DATA_OVERRUN and HS_PHASE_ERROR (the host and the card disagree
 * about the data phase) SP_PROTOCOL_ERROR, HS_HW_ERROR and an unknown host
 * status SP_INTERNAL_ADAPTER_ERROR. */
ULONG ShbaResultErrorCode(const UCHAR *result);

#endif
