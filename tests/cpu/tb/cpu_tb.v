`default_nettype none
// Stand-alone testbench for rv32_cpu (tests/cpu): the flash region (a ROM
// holding the +firmware image; the CPU resets there), the RAM, the machine
// timer and simulation control (EXIT, IRQ) where regmap/20-soc.regs puts them.  Every slave answers after a pseudo-random
// 0-2 cycle delay (LATENCY_MODE=1) or always in the next cycle (0), so the
// core's handshake is exercised both ways.  Verilator only.
`include "softhba_regs.vh"

module cpu_tb #(
    parameter LATENCY_MODE = 1
) (
    input  wire        clk,
    input  wire        rst,
    output reg         exit_valid,
    output reg  [31:0] exit_code
);
    wire        cpu_bus_valid;
    wire        cpu_bus_instr;
    reg         cpu_bus_ready;
    wire [31:0] cpu_bus_addr;
    wire [31:0] cpu_bus_wdata;
    wire [3:0]  cpu_bus_wstrb;
    reg  [31:0] cpu_bus_rdata;
    reg         irq_timer;
    reg         irq_ext;

    localparam [31:0] RAM_BASE = `SHBA_SOC_RAM_BASE;
    localparam [31:0] RAM_WORDS = `SHBA_SOC_RAM_SIZE / 4;
    localparam [31:0] ROM_BASE = `SHBA_SOC_FLASH_BASE;
    localparam [31:0] ROM_WORDS = 4096;   // 16 KiB: the tests are small
    localparam [31:0] TIMER_BASE = `SHBA_SOC_TIMER_BASE;
    localparam [31:0] SIMCTRL_BASE = `SHBA_SOC_SIMCTRL_BASE;

    rv32_cpu #(.RESET_ADDR(ROM_BASE), .ENABLE_MUL(1)) u_cpu (
        .clk(clk), .rst(rst),
        .bus_valid(cpu_bus_valid), .bus_instr(cpu_bus_instr), .bus_ready(cpu_bus_ready),
        .bus_addr(cpu_bus_addr), .bus_wdata(cpu_bus_wdata), .bus_wstrb(cpu_bus_wstrb),
        .bus_rdata(cpu_bus_rdata),
        .irq_timer(irq_timer), .irq_external(irq_ext)
    );

    reg [31:0] ram [0:RAM_WORDS-1];
    reg [31:0] rom [0:ROM_WORDS-1];
    reg [8*1024-1:0] firmware_path;
    integer i;
    initial begin
        for (i = 0; i < ROM_WORDS; i = i + 1)
            rom[i] = 32'h0;
        if ($value$plusargs("firmware=%s", firmware_path))
            $readmemh(firmware_path, rom);
    end

    reg [63:0] mtime, mtimecmp;
    reg [15:0] lfsr;
    reg [1:0]  wait_left;
    reg        busy;     // a transfer is being delayed

    wire [11:0] widx = cpu_bus_addr[13:2];
    wire        sel_ram = (cpu_bus_addr - RAM_BASE) < RAM_WORDS * 4;   // wraps below RAM_BASE
    wire        sel_rom = (cpu_bus_addr - ROM_BASE) < ROM_WORDS * 4;
    wire [31:0] ram_word = ram[widx[$clog2(RAM_WORDS)-1:0]];
    wire [31:0] rom_word = rom[widx];

    function [31:0] merge(input [31:0] old, input [31:0] nw, input [3:0] strb);
        merge = {strb[3] ? nw[31:24] : old[31:24], strb[2] ? nw[23:16] : old[23:16],
                 strb[1] ? nw[15:8] : old[15:8], strb[0] ? nw[7:0] : old[7:0]};
    endfunction

    // Answer a transfer now: returns read data and performs writes.
    task automatic do_access;
        begin
            cpu_bus_rdata <= 32'h0;
            if (sel_ram) begin
                if (cpu_bus_wstrb != 0) ram[widx[$clog2(RAM_WORDS)-1:0]] <= merge(ram_word, cpu_bus_wdata, cpu_bus_wstrb);
                cpu_bus_rdata <= ram_word;
            end else if (sel_rom) begin
                cpu_bus_rdata <= rom_word;   // writes ignored, as the SoC's flash window does
            end else if (cpu_bus_addr[31:4] == TIMER_BASE[31:4]) begin
                case (cpu_bus_addr[3:2])
                    2'd0: begin cpu_bus_rdata <= mtime[31:0];     if (cpu_bus_wstrb != 0) mtime[31:0] <= cpu_bus_wdata; end
                    2'd1: begin cpu_bus_rdata <= mtime[63:32];    if (cpu_bus_wstrb != 0) mtime[63:32] <= cpu_bus_wdata; end
                    2'd2: begin cpu_bus_rdata <= mtimecmp[31:0];  if (cpu_bus_wstrb != 0) mtimecmp[31:0] <= cpu_bus_wdata; end
                    default: begin cpu_bus_rdata <= mtimecmp[63:32]; if (cpu_bus_wstrb != 0) mtimecmp[63:32] <= cpu_bus_wdata; end
                endcase
            end else if (cpu_bus_addr[31:4] == SIMCTRL_BASE[31:4]) begin
                if (cpu_bus_addr[3:2] == 2'd0 && cpu_bus_wstrb != 0) begin
                    exit_valid <= 1'b1;
                    exit_code <= cpu_bus_wdata;
                end
                if (cpu_bus_addr[3:2] == 2'd1) begin
                    cpu_bus_rdata <= {31'h0, irq_ext};
                    if (cpu_bus_wstrb[0]) irq_ext <= cpu_bus_wdata[0];
                end
            end
        end
    endtask

    always @(posedge clk) begin
        lfsr <= {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
        mtime <= mtime + 64'd1;
        irq_timer <= mtime >= mtimecmp;
        cpu_bus_ready <= 1'b0;
        if (rst) begin
            lfsr <= 16'hace1;
            mtime <= 64'h0;
            mtimecmp <= 64'hffff_ffff_ffff_ffff;
            irq_timer <= 1'b0;
            irq_ext <= 1'b0;
            busy <= 1'b0;
            wait_left <= 2'd0;
            exit_valid <= 1'b0;
            exit_code <= 32'h0;
            cpu_bus_rdata <= 32'h0;
        end else if (cpu_bus_valid && !cpu_bus_ready) begin
            if (!busy && (LATENCY_MODE == 0 || lfsr[1:0] == 2'b00 || lfsr[1:0] == 2'b01)) begin
                do_access;
                cpu_bus_ready <= 1'b1;
            end else if (!busy) begin
                busy <= 1'b1;
                wait_left <= {1'b0, lfsr[2]};
            end else if (wait_left == 2'd0) begin
                busy <= 1'b0;
                do_access;
                cpu_bus_ready <= 1'b1;
            end else begin
                wait_left <= wait_left - 2'd1;
            end
        end
        if (cpu_bus_ready)
            cpu_bus_rdata <= 32'hdead_beef;   // rdata is only valid with ready
    end

    wire unused = &{1'b0, cpu_bus_instr, cpu_bus_addr[1:0]};
endmodule
`default_nettype wire
