/* ddk/scsi.h for the co-simulation: the SCSI-2 operation codes, status bytes and
 * sense keys a miniport and a class driver use (names as in the NT DDK). */
#ifndef SOFTHBA_SIM_SCSI_H
#define SOFTHBA_SIM_SCSI_H

#include "miniport.h"

/* Operation codes */
#define SCSIOP_TEST_UNIT_READY 0x00
#define SCSIOP_REQUEST_SENSE 0x03
#define SCSIOP_READ6 0x08
#define SCSIOP_WRITE6 0x0A
#define SCSIOP_INQUIRY 0x12
#define SCSIOP_MODE_SELECT 0x15
#define SCSIOP_MODE_SENSE 0x1A
#define SCSIOP_START_STOP_UNIT 0x1B
#define SCSIOP_MEDIUM_REMOVAL 0x1E
#define SCSIOP_READ_CAPACITY 0x25
#define SCSIOP_READ 0x28
#define SCSIOP_WRITE 0x2A
#define SCSIOP_VERIFY 0x2F
#define SCSIOP_SYNCHRONIZE_CACHE 0x35
#define SCSIOP_READ_TOC 0x43
#define SCSIOP_MODE_SENSE10 0x5A
#define SCSIOP_REPORT_LUNS 0xA0
#define SCSIOP_READ_CD 0xBE

/* Status bytes */
#define SCSISTAT_GOOD 0x00
#define SCSISTAT_CHECK_CONDITION 0x02
#define SCSISTAT_CONDITION_MET 0x04
#define SCSISTAT_BUSY 0x08
#define SCSISTAT_RESERVATION_CONFLICT 0x18

/* Sense keys */
#define SCSI_SENSE_NO_SENSE 0x00
#define SCSI_SENSE_RECOVERED_ERROR 0x01
#define SCSI_SENSE_NOT_READY 0x02
#define SCSI_SENSE_MEDIUM_ERROR 0x03
#define SCSI_SENSE_HARDWARE_ERROR 0x04
#define SCSI_SENSE_ILLEGAL_REQUEST 0x05
#define SCSI_SENSE_UNIT_ATTENTION 0x06
#define SCSI_SENSE_DATA_PROTECT 0x07
#define SCSI_SENSE_BLANK_CHECK 0x08
#define SCSI_SENSE_ABORTED_COMMAND 0x0B

/* Additional sense codes and qualifiers the class drivers tell apart (NT
 * DDK scsi.h; 0xA0, 0xA1, 0xA7 are its vendor-unique CD-ROM codes). */
#define SCSI_ADSENSE_LUN_NOT_READY 0x04
#define SCSI_ADSENSE_ILLEGAL_COMMAND 0x20
#define SCSI_ADSENSE_ILLEGAL_BLOCK 0x21
#define SCSI_ADSENSE_INVALID_CDB 0x24
#define SCSI_ADSENSE_INVALID_LUN 0x25
#define SCSI_ADSENSE_WRITE_PROTECT 0x27
#define SCSI_ADSENSE_MEDIUM_CHANGED 0x28
#define SCSI_ADSENSE_BUS_RESET 0x29
#define SCSI_ADSENSE_NO_MEDIA_IN_DEVICE 0x3A
#define SCSI_ADSENSE_MUSIC_AREA 0xA0
#define SCSI_ADSENSE_DATA_AREA 0xA1
#define SCSI_ADSENSE_VOLUME_OVERFLOW 0xA7
#define SCSI_SENSEQ_CAUSE_NOT_REPORTABLE 0x00
#define SCSI_SENSEQ_BECOMING_READY 0x01
#define SCSI_SENSEQ_INIT_COMMAND_REQUIRED 0x02
#define SCSI_SENSEQ_MANUAL_INTERVENTION_REQUIRED 0x03
#define SCSI_SENSEQ_FORMAT_IN_PROGRESS 0x04

#define MODE_SENSE_RETURN_ALL 0x3F
#define INQUIRYDATABUFFERSIZE 36
#define SENSE_BUFFER_SIZE 18

/* Fixed-format sense data (response code 0x70). */
typedef struct _SENSE_DATA {
    UCHAR ErrorCode;
    UCHAR SegmentNumber;
    UCHAR SenseKey;              /* low 4 bits */
    UCHAR Information[4];
    UCHAR AdditionalSenseLength;
    UCHAR CommandSpecificInformation[4];
    UCHAR AdditionalSenseCode;
    UCHAR AdditionalSenseCodeQualifier;
    UCHAR FieldReplaceableUnitCode;
    UCHAR SenseKeySpecific[3];
} SENSE_DATA, *PSENSE_DATA;

#endif
