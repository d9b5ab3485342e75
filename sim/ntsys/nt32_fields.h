/* The NT structure fields the binary driver's emulation marshals, as
 * X-macro lists.  Both sides include this file: nt32_layout.c (compiled by
 * i686-w64-mingw32-gcc against the mingw DDK headers, which build
 * softhba.sys) turns each field into its 32-bit offset and size, and
 * ntsys.c pairs them with the native layout of sim/portdrv/include.  The
 * names are the DDK's, so one list serves both header sets.
 *
 * X(STRUCT_TAG, TYPE, FIELD): a scalar or byte-array field copied as is
 * (integers widened or narrowed between the two layouts).
 * P(STRUCT_TAG, TYPE, FIELD): a pointer field (4 bytes in the guest),
 * translated by hand. */
#ifndef SOFTHBA_NT32_FIELDS_H
#define SOFTHBA_NT32_FIELDS_H

#define NT32_ACCESS_RANGE_FIELDS(X, P)                                   \
    X(AR, ACCESS_RANGE, RangeStart)                                      \
    X(AR, ACCESS_RANGE, RangeLength)                                     \
    X(AR, ACCESS_RANGE, RangeInMemory)

#define NT32_PORT_CONFIG_FIELDS(X, P)                                    \
    X(PCI, PORT_CONFIGURATION_INFORMATION, Length)                       \
    X(PCI, PORT_CONFIGURATION_INFORMATION, SystemIoBusNumber)            \
    X(PCI, PORT_CONFIGURATION_INFORMATION, AdapterInterfaceType)         \
    X(PCI, PORT_CONFIGURATION_INFORMATION, BusInterruptLevel)            \
    X(PCI, PORT_CONFIGURATION_INFORMATION, BusInterruptVector)           \
    X(PCI, PORT_CONFIGURATION_INFORMATION, InterruptMode)                \
    X(PCI, PORT_CONFIGURATION_INFORMATION, MaximumTransferLength)        \
    X(PCI, PORT_CONFIGURATION_INFORMATION, NumberOfPhysicalBreaks)       \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaChannel)                   \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaPort)                      \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaWidth)                     \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaSpeed)                     \
    X(PCI, PORT_CONFIGURATION_INFORMATION, AlignmentMask)                \
    X(PCI, PORT_CONFIGURATION_INFORMATION, NumberOfAccessRanges)         \
    P(PCI, PORT_CONFIGURATION_INFORMATION, AccessRanges)                 \
    P(PCI, PORT_CONFIGURATION_INFORMATION, Reserved)                     \
    X(PCI, PORT_CONFIGURATION_INFORMATION, NumberOfBuses)                \
    X(PCI, PORT_CONFIGURATION_INFORMATION, InitiatorBusId)               \
    X(PCI, PORT_CONFIGURATION_INFORMATION, ScatterGather)                \
    X(PCI, PORT_CONFIGURATION_INFORMATION, Master)                       \
    X(PCI, PORT_CONFIGURATION_INFORMATION, CachesData)                   \
    X(PCI, PORT_CONFIGURATION_INFORMATION, AdapterScansDown)             \
    X(PCI, PORT_CONFIGURATION_INFORMATION, AtdiskPrimaryClaimed)         \
    X(PCI, PORT_CONFIGURATION_INFORMATION, AtdiskSecondaryClaimed)       \
    X(PCI, PORT_CONFIGURATION_INFORMATION, Dma32BitAddresses)            \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DemandMode)                   \
    X(PCI, PORT_CONFIGURATION_INFORMATION, MapBuffers)                   \
    X(PCI, PORT_CONFIGURATION_INFORMATION, NeedPhysicalAddresses)        \
    X(PCI, PORT_CONFIGURATION_INFORMATION, TaggedQueuing)                \
    X(PCI, PORT_CONFIGURATION_INFORMATION, AutoRequestSense)             \
    X(PCI, PORT_CONFIGURATION_INFORMATION, MultipleRequestPerLu)         \
    X(PCI, PORT_CONFIGURATION_INFORMATION, ReceiveEvent)                 \
    X(PCI, PORT_CONFIGURATION_INFORMATION, RealModeInitialized)          \
    X(PCI, PORT_CONFIGURATION_INFORMATION, BufferAccessScsiPortControlled) \
    X(PCI, PORT_CONFIGURATION_INFORMATION, MaximumNumberOfTargets)       \
    X(PCI, PORT_CONFIGURATION_INFORMATION, SlotNumber)                   \
    X(PCI, PORT_CONFIGURATION_INFORMATION, BusInterruptLevel2)           \
    X(PCI, PORT_CONFIGURATION_INFORMATION, BusInterruptVector2)          \
    X(PCI, PORT_CONFIGURATION_INFORMATION, InterruptMode2)               \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaChannel2)                  \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaPort2)                     \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaWidth2)                    \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DmaSpeed2)                    \
    X(PCI, PORT_CONFIGURATION_INFORMATION, DeviceExtensionSize)          \
    X(PCI, PORT_CONFIGURATION_INFORMATION, SpecificLuExtensionSize)      \
    X(PCI, PORT_CONFIGURATION_INFORMATION, SrbExtensionSize)

#define NT32_HW_INIT_FIELDS(X, P)                                        \
    X(HID, HW_INITIALIZATION_DATA, HwInitializationDataSize)             \
    X(HID, HW_INITIALIZATION_DATA, AdapterInterfaceType)                 \
    P(HID, HW_INITIALIZATION_DATA, HwInitialize)                         \
    P(HID, HW_INITIALIZATION_DATA, HwStartIo)                            \
    P(HID, HW_INITIALIZATION_DATA, HwInterrupt)                          \
    P(HID, HW_INITIALIZATION_DATA, HwFindAdapter)                        \
    P(HID, HW_INITIALIZATION_DATA, HwResetBus)                           \
    P(HID, HW_INITIALIZATION_DATA, HwDmaStarted)                         \
    P(HID, HW_INITIALIZATION_DATA, HwAdapterState)                       \
    X(HID, HW_INITIALIZATION_DATA, DeviceExtensionSize)                  \
    X(HID, HW_INITIALIZATION_DATA, SpecificLuExtensionSize)              \
    X(HID, HW_INITIALIZATION_DATA, SrbExtensionSize)                     \
    X(HID, HW_INITIALIZATION_DATA, NumberOfAccessRanges)                 \
    P(HID, HW_INITIALIZATION_DATA, Reserved)                             \
    X(HID, HW_INITIALIZATION_DATA, MapBuffers)                           \
    X(HID, HW_INITIALIZATION_DATA, NeedPhysicalAddresses)                \
    X(HID, HW_INITIALIZATION_DATA, TaggedQueuing)                        \
    X(HID, HW_INITIALIZATION_DATA, AutoRequestSense)                     \
    X(HID, HW_INITIALIZATION_DATA, MultipleRequestPerLu)                 \
    X(HID, HW_INITIALIZATION_DATA, ReceiveEvent)                         \
    X(HID, HW_INITIALIZATION_DATA, VendorIdLength)                       \
    P(HID, HW_INITIALIZATION_DATA, VendorId)                             \
    X(HID, HW_INITIALIZATION_DATA, ReservedUshort)                       \
    X(HID, HW_INITIALIZATION_DATA, DeviceIdLength)                       \
    P(HID, HW_INITIALIZATION_DATA, DeviceId)                             \
    P(HID, HW_INITIALIZATION_DATA, HwAdapterControl)

#define NT32_SRB_FIELDS(X, P)                                            \
    X(SRB, SCSI_REQUEST_BLOCK, Length)                                   \
    X(SRB, SCSI_REQUEST_BLOCK, Function)                                 \
    X(SRB, SCSI_REQUEST_BLOCK, SrbStatus)                                \
    X(SRB, SCSI_REQUEST_BLOCK, ScsiStatus)                               \
    X(SRB, SCSI_REQUEST_BLOCK, PathId)                                   \
    X(SRB, SCSI_REQUEST_BLOCK, TargetId)                                 \
    X(SRB, SCSI_REQUEST_BLOCK, Lun)                                      \
    X(SRB, SCSI_REQUEST_BLOCK, QueueTag)                                 \
    X(SRB, SCSI_REQUEST_BLOCK, QueueAction)                              \
    X(SRB, SCSI_REQUEST_BLOCK, CdbLength)                                \
    X(SRB, SCSI_REQUEST_BLOCK, SenseInfoBufferLength)                    \
    X(SRB, SCSI_REQUEST_BLOCK, SrbFlags)                                 \
    X(SRB, SCSI_REQUEST_BLOCK, DataTransferLength)                       \
    X(SRB, SCSI_REQUEST_BLOCK, TimeOutValue)                             \
    P(SRB, SCSI_REQUEST_BLOCK, DataBuffer)                               \
    P(SRB, SCSI_REQUEST_BLOCK, SenseInfoBuffer)                          \
    P(SRB, SCSI_REQUEST_BLOCK, NextSrb)                                  \
    P(SRB, SCSI_REQUEST_BLOCK, OriginalRequest)                          \
    P(SRB, SCSI_REQUEST_BLOCK, SrbExtension)                             \
    X(SRB, SCSI_REQUEST_BLOCK, QueueSortKey)                             \
    X(SRB, SCSI_REQUEST_BLOCK, Cdb)

/* The SCSIPORT.SYS exports the emulation provides, by their DDK names.
 * nt32_layout.c takes each one's address so that the i686 compiler writes
 * its decorated name: _Name@N for stdcall (N bytes of arguments, popped by
 * the callee), _Name for cdecl. */
#define NT32_IMPORTS(F)                          \
    F(ScsiPortCompleteRequest)                   \
    F(ScsiPortConvertUlongToPhysicalAddress)     \
    F(ScsiPortFlushDma)                          \
    F(ScsiPortFreeDeviceBase)                    \
    F(ScsiPortGetDeviceBase)                     \
    F(ScsiPortInitialize)                        \
    F(ScsiPortIoMapTransfer)                     \
    F(ScsiPortLogError)                          \
    F(ScsiPortMoveMemory)                        \
    F(ScsiPortNotification)                      \
    F(ScsiPortReadPortUchar)                     \
    F(ScsiPortReadPortUshort)                    \
    F(ScsiPortReadPortUlong)                     \
    F(ScsiPortReadPortBufferUchar)               \
    F(ScsiPortReadPortBufferUshort)              \
    F(ScsiPortStallExecution)                    \
    F(ScsiPortValidateRange)                     \
    F(ScsiPortWritePortUchar)                    \
    F(ScsiPortWritePortUshort)                   \
    F(ScsiPortWritePortUlong)                    \
    F(ScsiPortWritePortBufferUchar)              \
    F(ScsiPortWritePortBufferUshort)

#endif
