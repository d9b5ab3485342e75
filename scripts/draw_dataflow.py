#!/usr/bin/env python3
"""Draw docs/img/dataflow.svg: the card's data path and control path.
Deterministic output, so the checked-in picture can be compared with a fresh one."""
import sys

BOXES = [
    # (id, x, y, w, h, title, subtitle, fill)
    ("mem", 20, 40, 150, 60, "PC memory", "16 MiB, below the DMA limit", "#f4f4f4"),
    ("dma", 20, 160, 150, 60, "8237 DMA pair", "single / demand / block", "#f4f4f4"),
    ("cpu86", 20, 280, 150, 60, "386/486 + NT", "miniport softhba.sys", "#f4f4f4"),
    ("isa", 340, 160, 170, 60, "rtl/isa", "isa_slave, isa_dma", "#dbe9f6"),
    ("regs", 340, 280, 170, 60, "rtl/isa/host_regs", "registers + mailbox", "#dbe9f6"),
    ("fifo", 620, 160, 150, 60, "rtl/fifo", "data FIFO, 1 KiB BRAM", "#e2f0d9"),
    ("sd", 860, 160, 170, 60, "rtl/sd", "SPI stream engine", "#fbe5d6"),
    ("card", 1130, 160, 120, 60, "SD card", "SPI mode", "#f4f4f4"),
    ("soc", 620, 280, 410, 60, "rtl/soc: RV32 CPU (rtl/cpu) + RAM + UART", "firmware/: SCSI disk emulation, SD driver", "#fff2cc"),
]
ARROWS = [
    # (from (x,y), to (x,y), label, bulk?)
    ((95, 100), (95, 160), "memory cycles", True),
    ((170, 190), (340, 190), "DMA cycles: DRQ/DACK#/TC", True),
    ((510, 190), (620, 190), "bytes", True),
    ((770, 190), (860, 190), "512-byte blocks", True),
    ((1030, 190), (1130, 190), "SCK/MOSI/MISO", True),
    ((170, 310), (340, 310), "I/O cycles + IRQ", False),
    ((510, 310), (620, 310), "events, blocks", False),
    ((945, 280), (945, 220), "start/status", False),
    ((695, 280), (695, 220), "small data", False),
]


def box(b):
    _, x, y, w, h, title, sub, fill = b
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{fill}" stroke="#333"/>\n'
            f'<text x="{x + w / 2}" y="{y + 25}" text-anchor="middle" font-weight="bold">{title}</text>\n'
            f'<text x="{x + w / 2}" y="{y + 45}" text-anchor="middle" font-size="11">{sub}</text>\n')


def arrow(a):
    (x1, y1), (x2, y2), label, bulk = a
    colour = "#1f5fa8" if bulk else "#7f6000"
    width = 3 if bulk else 1.5
    lx, ly = (x1 + x2) / 2, (y1 + y2) / 2
    if y1 == y2:
        ly -= 8
        anchor = "middle"
    else:
        lx += 6
        anchor = "start"
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" '
            f'stroke-width="{width}" marker-start="url(#a)" marker-end="url(#a)"/>\n'
            f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" font-size="10" fill="{colour}">{label}</text>\n')


def main():
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="1270" height="400" '
           'font-family="sans-serif" font-size="13">\n',
           '<defs><marker id="a" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="5" '
           'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
           'fill="#555"/></marker></defs>\n',
           '<rect width="1270" height="400" fill="white"/>\n',
           '<text x="635" y="22" text-anchor="middle" font-size="16" font-weight="bold">'
           'softhba: bulk data (blue) never passes through the card CPU; control (brown) does</text>\n',
           '<rect x="320" y="130" width="935" height="230" rx="10" fill="none" '
           'stroke="#999" stroke-dasharray="6,4"/>\n',
           '<text x="1245" y="352" text-anchor="end" font-size="11" fill="#666">'
           'the card: one iCE40 HX8K</text>\n']
    out += [box(b) for b in BOXES]
    out += [arrow(a) for a in ARROWS]
    out.append("</svg>\n")
    text = "".join(out)
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        if open("docs/img/dataflow.svg", encoding="utf-8").read() != text:
            sys.exit("docs/img/dataflow.svg is stale: run scripts/draw_dataflow.py")
        return
    with open("docs/img/dataflow.svg", "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
