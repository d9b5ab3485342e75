#!/usr/bin/env python3
"""The reference board's wiring, in one place: iCE40-HX8K breakout board
(CT256) <-> level translators and buffers <-> ISA edge.

From this table it writes
  constraints/hx8k-breakout.pcf   pin constraints of rtl/boards/hx8k_breakout_top.v
  docs/img/wiring.svg             the wiring diagram
  docs/hardware.md                the pin-by-pin tables (between the
                                  'wiring tables' markers; the prose is hand-written)
The decoder select codes must agree with the register map's tables
(regmap/10-host.regs, regmap/60-board.regs), which the board top decodes
with; a mismatch fails.  Output is deterministic.  --check compares instead of writing and fails,
naming the stale file, when any differs.

Usage: hx8k_wiring.py [--check] [ROOT]"""
import glob
import os
import sys

# ---------------------------------------------------------------- parts
# ref: (part, supply, role)
PARTS = [
    ("U1", "74ALVC164245", "VCCA 3.3 V / VCCB 5 V",
     "data SD[15:0], both directions; 1DIR/1OE# byte 0, 2DIR/2OE# byte 1, from the FPGA"),
    ("U2", "74ALVC164245", "VCCA 3.3 V / VCCB 5 V",
     "inputs SA[9:0], SBHE#, AEN, IOR#, IOW#, RESET DRV, TC: DIR tied low (B to A), OE# tied low"),
    ("U3", "74LVC2G07", "3.3 V",
     "open-drain IOCHRDY and IOCS16#: input low = pull the line low"),
    ("U4", "74HCT138", "5 V", "IRQ line decoder: Y1..Y7 enable one IRQ buffer"),
    ("U5", "74HCT125", "5 V", "IRQ buffers for IRQ3, IRQ5, IRQ7, IRQ9"),
    ("U6", "74HCT125", "5 V", "IRQ buffers for IRQ10, IRQ11, IRQ15 (gate 4 unused: OE# high)"),
    ("U7", "74HCT139", "5 V", "DRQ decoders: half 1 8-bit channels, half 2 16-bit channels"),
    ("U8", "74HCT125", "5 V", "DRQ buffers for DRQ0, DRQ1, DRQ3 (gate 4 unused)"),
    ("U9", "74HCT125", "5 V", "DRQ buffers for DRQ5, DRQ6, DRQ7 (gate 4 unused)"),
    ("U10", "74LVC153", "3.3 V", "DACK# multiplexer, 8-bit channels (half 1; half 2 disabled)"),
    ("U11", "74LVC153", "3.3 V", "DACK# multiplexer, 16-bit channels (half 1; half 2 disabled)"),
    ("U12", "LDO 5 V to 3.3 V", "5 V in", "3.3 V for the translators' A sides and the 3.3 V buffers"),
]

# ---------------------------------------------------------------- FPGA pins
# (board-top port bit, ball, header pin, dir, device and pin, far end, card port)
# dir is the FPGA's: in, out, io.  Header pins: J2 numbering checked against a
# published pin list (C16 = J2.37); J1 and J3 follow the same layout
# (row 1 odd pins 39..1, row 2 even pins 40..2); "J3 right" = right end of J3.
PINS = []


def pin(port, ball, header, d, device, far, card):
    PINS.append((port, ball, header, d, device, far, card))


# Board: clock, UART (FT2232H channel B), LEDs D2..D9.
pin("clk_12m", "J3", "on board", "in", "12 MHz oscillator", "-", "(PLL to clk)")
pin("uart_rx", "B10", "on board", "in", "FT2232H B-channel TXD", "USB serial", "uart_rx")
pin("uart_tx", "B12", "on board", "out", "FT2232H B-channel RXD", "USB serial", "uart_tx")
# The configuration flash (U3 on the breakout, N25Q032A): the FPGA's SPI
# configuration pins, user I/O once configured; the firmware runs from it.
pin("flash_sck", "R11", "on board", "out", "SPI flash C (pin 6), FT2232H A-channel SCK", "-", "flash_sck")
pin("flash_cs_n", "R12", "on board", "out", "SPI flash S# (pin 1), FT2232H A-channel CS", "-", "flash_cs_n")
pin("flash_dq0", "P12", "on board", "io", "SPI flash DQ0/D (pin 5), FPGA SPI_SO", "-",
    "flash_dq0_in / flash_dq0_out (dual reads)")
pin("flash_dq1", "P11", "on board", "in", "SPI flash DQ1/Q (pin 2), FPGA SPI_SI", "-", "flash_dq1_in")
for i, (ball, d) in enumerate([("C3", "D2"), ("B3", "D3"), ("C4", "D4"), ("C5", "D5"),
                               ("A1", "D6"), ("A2", "D7"), ("B4", "D8"), ("B5", "D9")]):
    meaning = ["led[0] firmware ready", "led[1] command busy", "led[2] DMA active",
               "led[3] SD access", "PLL locked", "heartbeat (clock alive)",
               "in reset (power-on or RESET DRV)", "card drives SD[15:0]"][i]
    pin(f"led[{i}]", ball, "on board", "out", f"LED {d}", "-", meaning)

# J2 (bank 1): data bus, its translator controls, open-drain lines, IRQ, DRQ8 level.
SD_BALLS = ["B16", "D14", "D15", "E14", "F15", "G15", "H14", "F14",
            "J14", "K16", "L16", "M15", "P15", "R15", "C16", "D16"]
SD_HDR = ["J2.38", "J2.36", "J2.34", "J2.30", "J2.28", "J2.26", "J2.22", "J2.20",
          "J2.18", "J2.14", "J2.12", "J2.10", "J2.6", "J2.4", "J2.37", "J2.35"]
# 74ALVC164245 (TSSOP-48): 1A1..1A8 = 47,46,44,43,41,40,38,37; 1B1..1B8 = 2,3,5,6,8,9,11,12
#                          2A1..2A8 = 36,35,33,32,30,29,27,26; 2B1..2B8 = 13,14,16,17,19,20,22,23
A_PINS = [47, 46, 44, 43, 41, 40, 38, 37, 36, 35, 33, 32, 30, 29, 27, 26]
B_PINS = [2, 3, 5, 6, 8, 9, 11, 12, 13, 14, 16, 17, 19, 20, 22, 23]
SD_EDGE = ["A9", "A8", "A7", "A6", "A5", "A4", "A3", "A2",
           "C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18"]
for i in range(16):
    half, n = (1, i + 1) if i < 8 else (2, i - 7)
    pin(f"isa_sd[{i}]", SD_BALLS[i], SD_HDR[i], "io",
        f"U1 {half}A{n} (pin {A_PINS[i]}) / {half}B{n} (pin {B_PINS[i]})",
        f"{SD_EDGE[i]} SD{i}", f"isa_sd_in[{i}] / isa_sd_out[{i}]")
pin("isa_sd_dir[0]", "E16", "J2.33", "out", "U1 1DIR (pin 1)", "-", "isa_sd_oe[0] (sequenced)")
pin("isa_sd_dir[1]", "F16", "J2.29", "out", "U1 2DIR (pin 24)", "-", "isa_sd_oe[1] (sequenced)")
pin("isa_sd_oe_n[0]", "G16", "J2.27", "out", "U1 1OE# (pin 48), 10k pull-up", "-", "(turnaround)")
pin("isa_sd_oe_n[1]", "H16", "J2.25", "out", "U1 2OE# (pin 25), 10k pull-up", "-", "(turnaround)")
pin("isa_iochrdy_pull_n", "J15", "J2.21", "out", "U3 1A (pin 1), 10k pull-up",
    "U3 1Y (pin 6) to A10 IOCHRDY", "isa_iochrdy_oe (inverted, time-limited)")
pin("isa_iocs16_pull_n", "G14", "J2.19", "out", "U3 2A (pin 3), 10k pull-up",
    "U3 2Y (pin 4) to D2 IOCS16#", "isa_iocs16_n_oe (inverted)")
pin("isa_irq_level", "K14", "J2.17", "out", "U5/U6 1A,2A,3A,4A (pins 2,5,9,12)",
    "selected IRQ line", "isa_irq[selected]")
pin("isa_irq_sel[0]", "K15", "J2.13", "out", "U4 A (pin 1), 4.7k pull-down", "-", "isa_irq_oe (encoded)")
pin("isa_irq_sel[1]", "M16", "J2.11", "out", "U4 B (pin 2), 4.7k pull-down", "-", "isa_irq_oe (encoded)")
pin("isa_irq_sel[2]", "N16", "J2.9", "out", "U4 C (pin 3), 4.7k pull-down", "-", "isa_irq_oe (encoded)")
pin("isa_drq8_level", "P16", "J2.5", "out", "U8 1A,2A,3A (pins 2,5,9)",
    "selected DRQ0/1/3", "isa_drq[selected 8-bit]")

# J3 (bank 2): the input translator U2, DACK# muxes, DRQ16 level, DMA selects.
U2_SIGS = [("isa_sa[0]", "A31 SA0"), ("isa_sa[1]", "A30 SA1"), ("isa_sa[2]", "A29 SA2"),
           ("isa_sa[3]", "A28 SA3"), ("isa_sa[4]", "A27 SA4"), ("isa_sa[5]", "A26 SA5"),
           ("isa_sa[6]", "A25 SA6"), ("isa_sa[7]", "A24 SA7"), ("isa_sa[8]", "A23 SA8"),
           ("isa_sa[9]", "A22 SA9"), ("isa_sbhe_n", "C1 SBHE#"), ("isa_aen", "A11 AEN"),
           ("isa_ior_n", "B14 IOR#"), ("isa_iow_n", "B13 IOW#"), ("isa_reset_drv", "B2 RESET DRV"),
           ("isa_tc", "B27 TC")]
U2_BALLS = ["T1", "R2", "R3", "T5", "T6", "T7", "T9", "P8",
            "T10", "T11", "N10", "N12", "T13", "T15", "R16", "T2"]
U2_HDR = ["J3.37", "J3.35", "J3.33", "J3.29", "J3.27", "J3.25", "J3.21", "J3.19",
          "J3.17", "J3.13", "J3.11", "J3.9", "J3.5", "J3.3", "J3.1", "J3.38"]
for i, (port, edge) in enumerate(U2_SIGS):
    half, n = (1, i + 1) if i < 8 else (2, i - 7)
    card = {"isa_reset_drv": "isa_reset (ORed with power-on)"}.get(port, port)
    pin(port, U2_BALLS[i], U2_HDR[i], "in",
        f"U2 {half}A{n} (pin {A_PINS[i]}) / {half}B{n} (pin {B_PINS[i]})", edge, card)
pin("isa_dack8_n", "T3", "J3.36", "in", "U10 1Y (pin 7)",
    "DACK0# D8, DACK1# B17, DACK3# B15 via U10", "isa_dack_n[0,1,3]")
pin("isa_dack16_n", "R4", "J3.34", "in", "U11 1Y (pin 7)",
    "DACK5# D10, DACK6# D12, DACK7# D14 via U11", "isa_dack_n[5,6,7]")
pin("isa_drq16_level", "R5", "J3.30", "out", "U9 1A,2A,3A (pins 2,5,9)",
    "selected DRQ5/6/7", "isa_drq[selected 16-bit]")
pin("isa_drq8_sel[0]", "R6", "J3.28", "out", "U7 1A (pin 2), U10 S0 (pin 14), 4.7k pull-down",
    "-", "isa_drq_oe[0,1,3] (encoded)")
pin("isa_drq8_sel[1]", "T8", "J3.26", "out", "U7 1B (pin 3), U10 S1 (pin 2), 4.7k pull-down",
    "-", "isa_drq_oe[0,1,3] (encoded)")
pin("isa_drq16_sel[0]", "P13", "J3 right", "out", "U7 2A (pin 14), U11 S0 (pin 14), 4.7k pull-down",
    "-", "isa_drq_oe[5,6,7] (encoded)")
pin("isa_drq16_sel[1]", "T14", "J3 right", "out", "U7 2B (pin 13), U11 S1 (pin 2), 4.7k pull-down",
    "-", "isa_drq_oe[5,6,7] (encoded)")

# J1 (bank 0): SD card (3.3 V, no translator) and the configuration jumpers.
pin("sd_sck", "A5", "J1.29", "out", "SD socket CLK (pin 5)", "-", "sd_sck")
pin("sd_mosi", "B6", "J1.27", "out", "SD socket CMD/DI (pin 2)", "-", "sd_mosi")
pin("sd_miso", "A6", "J1.25", "in", "SD socket DAT0/DO (pin 7), internal pull-up", "-", "sd_miso")
pin("sd_cs_n", "B7", "J1.21", "out", "SD socket DAT3/CS (pin 1)", "-", "sd_cs_n")
CFG = [("cfg_base_n[0]", "B8", "J1.19"), ("cfg_base_n[1]", "A9", "J1.17"),
       ("cfg_base_n[2]", "A10", "J1.13"), ("cfg_irq_n[0]", "A11", "J1.11"),
       ("cfg_irq_n[1]", "C6", "J1.26"), ("cfg_irq_n[2]", "C7", "J1.22"),
       ("cfg_dma8_n[0]", "A7", "J1.20"), ("cfg_dma8_n[1]", "B9", "J1.18"),
       ("cfg_narrow_n", "C9", "J1.14")]
for port, ball, hdr in CFG:
    what = {"cfg_base": "cfg_base_sel", "cfg_irq_": "cfg_resources IRQ_SEL",
            "cfg_dma8": "cfg_resources DMA8_SEL", "cfg_narr": "cfg_resources WIDE16, DMA16_SEL"}[port[:8]]
    pin(port, ball, hdr, "in", "jumper to GND, internal pull-up", "-", what)

# ---------------------------------------------------------------- off-FPGA wiring
# Lines the buffers drive onto the edge: (edge pin, signal, buffer gate, enable, select code)
IRQ_LINES = [("B25", "IRQ3", "U5 1Y (pin 3)", "U4 Y1 (pin 14) to U5 1OE# (pin 1)", 1),
             ("B23", "IRQ5", "U5 2Y (pin 6)", "U4 Y2 (pin 13) to U5 2OE# (pin 4)", 2),
             ("B21", "IRQ7", "U5 3Y (pin 8)", "U4 Y3 (pin 12) to U5 3OE# (pin 10)", 3),
             ("B4", "IRQ9 (IRQ2 on an XT)", "U5 4Y (pin 11)", "U4 Y4 (pin 11) to U5 4OE# (pin 13)", 4),
             ("D3", "IRQ10", "U6 1Y (pin 3)", "U4 Y5 (pin 10) to U6 1OE# (pin 1)", 5),
             ("D4", "IRQ11", "U6 2Y (pin 6)", "U4 Y6 (pin 9) to U6 2OE# (pin 4)", 6),
             ("D6", "IRQ15", "U6 3Y (pin 8)", "U4 Y7 (pin 7) to U6 3OE# (pin 10)", 7)]
DRQ_LINES = [("D9", "DRQ0", "U8 1Y (pin 3)", "U7 1Y1 (pin 5) to U8 1OE# (pin 1)", "8-bit 1"),
             ("B18", "DRQ1", "U8 2Y (pin 6)", "U7 1Y2 (pin 6) to U8 2OE# (pin 4)", "8-bit 2"),
             ("B16", "DRQ3", "U8 3Y (pin 8)", "U7 1Y3 (pin 7) to U8 3OE# (pin 10)", "8-bit 3"),
             ("D11", "DRQ5", "U9 1Y (pin 3)", "U7 2Y1 (pin 11) to U9 1OE# (pin 1)", "16-bit 1"),
             ("D13", "DRQ6", "U9 2Y (pin 6)", "U7 2Y2 (pin 10) to U9 2OE# (pin 4)", "16-bit 2"),
             ("D15", "DRQ7", "U9 3Y (pin 8)", "U7 2Y3 (pin 9) to U9 3OE# (pin 10)", "16-bit 3")]
DACK_LINES = [("D8", "DACK0#", "U10 1I1 (pin 5)", "8-bit 1"),
              ("B17", "DACK1#", "U10 1I2 (pin 4)", "8-bit 2"),
              ("B15", "DACK3#", "U10 1I3 (pin 3)", "8-bit 3"),
              ("D10", "DACK5#", "U11 1I1 (pin 5)", "16-bit 1"),
              ("D12", "DACK6#", "U11 1I2 (pin 4)", "16-bit 2"),
              ("D14", "DACK7#", "U11 1I3 (pin 3)", "16-bit 3")]
POWER = [("B3, B29, D16", "+5 V", "U1/U2 VCCB, U4..U9 VCC, U12 input, breakout 5 V input (see below)"),
         ("B1, B10, B31, D18", "GND", "all grounds, breakout GND"),
         ("-", "+3.3 V (U12)", "U1/U2 VCCA, U3, U10, U11 VCC, pull-ups, SD socket")]
TIED = [("U2 1DIR, 2DIR (pins 1, 24)", "GND: B to A, edge to FPGA"),
        ("U2 1OE#, 2OE# (pins 48, 25)", "GND: always on"),
        ("U4 G1 (pin 6)", "+5 V; G2A#, G2B# (pins 4, 5) GND"),
        ("U7 1G#, 2G# (pins 1, 15)", "GND"),
        ("U6, U8, U9 gate 4 OE# (pin 13)", "+5 V (unused gate off), 4A (pin 12) GND"),
        ("U10, U11 1E# (pin 1)", "GND; 2E# (pin 15) +3.3 V; 1I0 (pin 6) +3.3 V (no channel: DACK inactive)"),
        ("U10, U11 2I0..2I3 (pins 10-13)", "GND (unused half)")]

PCF_PATH = "constraints/hx8k-breakout.pcf"
SVG_PATH = "docs/img/wiring.svg"
DOC_PATH = "docs/hardware.md"
BEGIN = "<!-- wiring tables: generated by rtl/boards/hx8k_wiring.py, do not edit by hand -->"
END = "<!-- end of wiring tables -->"


def pcf_text():
    out = ["# iCE40-HX8K breakout board (CT256) pins of rtl/boards/hx8k_breakout_top.v.",
           "# Generated by rtl/boards/hx8k_wiring.py from its wiring table; do not edit.",
           "# Wiring to the ISA edge: docs/hardware.md.", ""]
    for port, ball, header, d, device, far, card in PINS:
        out.append(f"set_io {port} {ball}  # {header}, {device}"
                   + (f", {far}" if far != "-" else ""))
    return "\n".join(out) + "\n"


def md_escape(s):
    return s.replace("|", "\\|")


def doc_tables():
    out = [BEGIN, "", "### FPGA pins", "",
           "| FPGA ball | header | board-top port | dir | translator / device pin | ISA edge / far end | card-top port or meaning |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for port, ball, header, d, device, far, card in PINS:
        out.append(f"| {ball} | {header} | `{port}` | {d} | {md_escape(device)} | "
                   f"{md_escape(far)} | {md_escape(card)} |")
    out += ["", "### IRQ lines (U4 decodes `isa_irq_sel`, U5/U6 drive the chosen line with `isa_irq_level`)", "",
            "| ISA pin | line | buffer output | enable | isa_irq_sel |", "| --- | --- | --- | --- | --- |"]
    for edge, sig, gate, en, code in IRQ_LINES:
        out.append(f"| {edge} | {sig} | {gate} | {en} | {code} |")
    out += ["", "### DRQ lines (U7 decodes the selects, U8/U9 drive the chosen line with the level)", "",
            "| ISA pin | line | buffer output | enable | select code |", "| --- | --- | --- | --- | --- |"]
    for edge, sig, gate, en, code in DRQ_LINES:
        out.append(f"| {edge} | {sig} | {gate} | {en} | {code} |")
    out += ["", "### DACK# lines (U10/U11 pass the selected channel's DACK# to the FPGA)", "",
            "| ISA pin | line | multiplexer input | select code |", "| --- | --- | --- | --- |"]
    for edge, sig, mux, code in DACK_LINES:
        out.append(f"| {edge} | {sig} | {mux} | {code} |")
    out += ["", "### Power and tied pins", "", "| ISA pin | net | goes to |", "| --- | --- | --- |"]
    for edge, net, to in POWER:
        out.append(f"| {edge} | {net} | {to} |")
    out += ["", "| pin | tied to |", "| --- | --- |"]
    for p, t in TIED:
        out.append(f"| {p} | {t} |")
    out += ["", "### Parts", "", "| ref | part | supply | role |", "| --- | --- | --- | --- |"]
    for ref, part, supply, role in PARTS:
        out.append(f"| {ref} | {part} | {supply} | {md_escape(role)} |")
    out += ["", END]
    return "\n".join(out)


def xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg_text():
    """Three columns: ISA edge signals, the buffer that carries them, FPGA
    ball and port; one row per FPGA pin that reaches the edge, grouped by part."""
    rows = []
    for port, ball, header, d, device, far, card in PINS:
        if header == "on board" or port.startswith(("sd_", "cfg_")):
            continue
        part = device.split()[0]
        rows.append((part, far, device, ball, header, port, d))
    order = {"U1": 0, "U2": 1, "U10": 2, "U11": 3, "U3": 4, "U4": 5, "U5/U6": 6, "U7": 7, "U8": 8, "U9": 9}
    rows.sort(key=lambda r: (order.get(r[0], 9), PINS.index(next(p for p in PINS if p[0] == r[5]))))
    lh = 15
    top = 70
    width = 1180
    height = top + lh * len(rows) + 40 * 8 + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="monospace" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="15" font-weight="bold">softhba reference card: '
           'ISA edge - translators - iCE40-HX8K breakout (generated by rtl/boards/hx8k_wiring.py)</text>',
           '<text x="10" y="44" font-weight="bold">ISA edge (5 V)</text>',
           '<text x="330" y="44" font-weight="bold">translator / buffer (pin)</text>',
           '<text x="760" y="44" font-weight="bold">FPGA ball (header)</text>',
           '<text x="930" y="44" font-weight="bold">board-top port</text>']
    y = top
    prev = None
    for part, far, device, ball, header, port, d in rows:
        if part != prev:
            y += 10 if prev else 0
            desc = next((f"{r} {p}: {role}" for r, p, s, role in PARTS if r == part), part)
            out.append(f'<text x="330" y="{y}" fill="#1f4e9c" font-weight="bold">{xml(desc[:95])}</text>')
            y += lh
            prev = part
        arrow = {"in": "&#8594;", "out": "&#8592;", "io": "&#8596;"}[d]
        out.append(f'<text x="10" y="{y}">{xml(far[:44])}</text>')
        out.append(f'<line x1="300" y1="{y - 4}" x2="325" y2="{y - 4}" stroke="#888"/>')
        out.append(f'<text x="330" y="{y}">{xml(device[:62])}</text>')
        out.append(f'<text x="735" y="{y}">{arrow}</text>')
        out.append(f'<text x="760" y="{y}">{ball} ({header})</text>')
        out.append(f'<text x="930" y="{y}">{xml(port)}</text>')
        y += lh
    y += 20
    out.append(f'<text x="10" y="{y}" font-weight="bold">Driven lines: only the selected one, '
               f'others high-impedance</text>')
    y += lh
    for edge, sig, gate, en, code in IRQ_LINES:
        out.append(f'<text x="10" y="{y}">{edge} {xml(sig)} &#8592; {gate}, enabled by {en} '
                   f'when isa_irq_sel = {code}</text>')
        y += lh
    for edge, sig, gate, en, code in DRQ_LINES:
        out.append(f'<text x="10" y="{y}">{edge} {sig} &#8592; {gate}, enabled by {en} '
                   f'when {code.split()[0]} select = {code.split()[1]}</text>')
        y += lh
    for edge, sig, mux, code in DACK_LINES:
        out.append(f'<text x="10" y="{y}">{edge} {sig} &#8594; {mux}, passed on when '
                   f'{code.split()[0]} select = {code.split()[1]}</text>')
        y += lh
    out.append("</svg>")
    # The height above is an upper bound; trim it to the content.
    text = "\n".join(out) + "\n"
    final_h = y + 10
    return text.replace(f'height="{height}" viewBox="0 0 {width} {height}"',
                        f'height="{final_h}" viewBox="0 0 {width} {final_h}"', 1)


def doc_text(current):
    if BEGIN not in current or END not in current:
        sys.exit(f"hx8k_wiring: {DOC_PATH} lacks the wiring-table markers")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + doc_tables() + tail


def check_codes():
    """The decoders' select codes are the register map's tables (the board top
    takes them from there): the wiring must put each line on its code's output.
    The register map is this repository's (ROOT only says where outputs go)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(root, "regmap"))
    sys.dont_write_bytecode = True     # no __pycache__ in the source tree
    import gen_regmap  # pylint: disable=import-outside-toplevel
    tables = {}
    for b in gen_regmap.parse(sorted(glob.glob(os.path.join(root, "regmap", "*.regs")))):
        for t in b["tables"]:
            tables[f"{b['name']} {t['name']}"] = {c["value"]: c["code"] for c in t["codes"]}
    wired = [(sig, code, "HOST CONFIG_IRQ_SEL") for _, sig, _, _, code in IRQ_LINES]
    for _, sig, _, _, code in DRQ_LINES:
        half, n = code.split()
        wired.append((sig, int(n), "BOARD DRQ8_SEL" if half == "8-bit" else "HOST CONFIG_DMA16_SEL"))
    for sig, code, table in wired:
        line = int(sig.split()[0].lstrip("IRQDRQ"))
        if tables[table].get(line) != code:
            sys.exit(f"hx8k_wiring: {sig} is wired to select code {code}, "
                     f"but regmap table {table} gives {tables[table].get(line)}")


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    root = args[0] if args else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    balls = [p[1] for p in PINS]
    ports = [p[0] for p in PINS]
    dup = {b for b in balls if balls.count(b) > 1} | {p for p in ports if ports.count(p) > 1}
    if dup:
        sys.exit(f"hx8k_wiring: used twice: {sorted(dup)}")
    check_codes()
    doc_path = os.path.join(root, DOC_PATH)
    with open(doc_path, encoding="utf-8") as f:
        doc_now = f.read()
    wanted = {PCF_PATH: pcf_text(), SVG_PATH: svg_text(), DOC_PATH: doc_text(doc_now)}
    stale = []
    for rel, text in wanted.items():
        path = os.path.join(root, rel)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old == text:
            continue
        if check:
            stale.append(rel)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"hx8k_wiring: wrote {rel}")
    if stale:
        sys.exit("hx8k_wiring: stale (run python3 rtl/boards/hx8k_wiring.py): " + ", ".join(stale))
    if check:
        print(f"hx8k_wiring: {len(PINS)} pins, pcf, diagram and tables current")


if __name__ == "__main__":
    main()
