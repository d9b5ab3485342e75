`default_nettype none
// The data FIFO with its routing: the ISA side (isa_dma / PIO) on one end,
// the card side (SD stream engine, and the CPU's FIFO registers) on the other.
// CTRL.DIR_TO_HOST picks the pushing side; accesses from the wrong side are
// ignored.  The SD engine has priority over the CPU; a CPU access that
// collides with it waits a cycle (bounded: the engine moves at most one byte
// per cycle and the FIFO is finite).
`include "softhba_regs.vh"
module fifo_ports (
    input  wire        clk,
    input  wire        rst,
    // CPU bus slave (FIFO block, offsets 0x00-0xFF)
    input  wire        bus_valid,
    input  wire [7:0]  bus_addr,
    input  wire [7:0]  bus_wdata,     // byte lane 0 only
    input  wire [3:0]  bus_wstrb,
    output reg  [31:0] bus_rdata,
    output reg         bus_ready,
    // card-side stream (SD engine)
    input  wire        fifo_push,
    input  wire [7:0]  fifo_push_data,
    output wire        fifo_full,
    input  wire        fifo_pop,
    output wire [7:0]  fifo_pop_data,
    output wire        fifo_empty,
    output wire [10:0] fifo_level,
    // ISA side
    input  wire        isa_push,
    input  wire [7:0]  isa_push_data,
    input  wire        isa_pop,
    // control
    output reg         dir_to_host,
    output reg         clear_pulse
);
    wire req = bus_valid && !bus_ready;
    wire is_wr = (bus_wstrb != 4'b0000);
    wire at_data = (bus_addr == `SHBA_FIFO_DATA);
    wire cpu_pop_want = req && !is_wr && at_data && !dir_to_host && !fifo_empty;
    wire cpu_push_want = req && is_wr && at_data && dir_to_host && !fifo_full;
    wire sd_push_ok = fifo_push && dir_to_host;
    wire sd_pop_ok = fifo_pop && !dir_to_host;
    wire wait_cycle = (cpu_pop_want && sd_pop_ok) || (cpu_push_want && sd_push_ok);
    wire cpu_pop = cpu_pop_want && !wait_cycle;
    wire cpu_push = cpu_push_want && !wait_cycle;

    wire push = dir_to_host ? (sd_push_ok || cpu_push) : isa_push;
    wire [7:0] push_data = !dir_to_host ? isa_push_data :
                           (sd_push_ok ? fifo_push_data : bus_wdata);
    wire pop = dir_to_host ? isa_pop : (sd_pop_ok || cpu_pop);

    data_fifo #(.AW(10)) u_fifo (
        .clk(clk), .rst(rst), .clear(clear_pulse),
        .push(push), .push_data(push_data), .full(fifo_full),
        .pop(pop), .pop_data(fifo_pop_data), .empty(fifo_empty), .level(fifo_level));

    always @(posedge clk) begin
        bus_ready <= 1'b0;
        clear_pulse <= 1'b0;
        // rdata is 0 outside the answering cycle: the read buses are ORed
        bus_rdata <= 32'h0;
        if (rst) begin
            dir_to_host <= 1'b0;
        end else if (req && !wait_cycle) begin
            bus_ready <= 1'b1;
            if (is_wr) begin
                if (bus_addr == `SHBA_FIFO_CTRL) begin
                    dir_to_host <= bus_wdata[`SHBA_FIFO_CTRL_DIR_TO_HOST];
                    clear_pulse <= bus_wdata[`SHBA_FIFO_CTRL_CLEAR];
                end
            end else begin
                case (bus_addr)
                    `SHBA_FIFO_DATA: bus_rdata <= {24'h0, cpu_pop ? fifo_pop_data : 8'h00};
                    `SHBA_FIFO_STATUS: bus_rdata <= {14'h0, fifo_full, fifo_empty, 5'h00, fifo_level};
                    `SHBA_FIFO_CTRL: bus_rdata <= {30'h0, dir_to_host, 1'b0};
                    default: bus_rdata <= 32'h0;
                endcase
            end
        end
    end
endmodule
`default_nettype wire
