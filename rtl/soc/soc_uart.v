`default_nettype none
// Console UART registers (UART block of regmap/20-soc.regs): DATA, STATUS, DIV.
// A DATA write while the transmitter is busy is held (no bus_ready) until it is
// free, at most one character time, so firmware can write without polling.
`include "softhba_regs.vh"

module soc_uart #(
    parameter CLK_HZ = `SHBA_SOC_CLK_HZ,
    parameter BAUD = 115200
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        bus_valid,
    input  wire [3:0]  bus_addr,   // offset within the block
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0] bus_wdata,  // bits 31:10 unused: no register is wider
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [3:0]  bus_wstrb,
    output reg  [31:0] bus_rdata,
    output reg         bus_ready,
    output wire        uart_tx,
    input  wire        uart_rx
);
    localparam integer DIV_RESET_INT = CLK_HZ / BAUD - 1;
    // DIV is 10 bits: 1024 clocks per bit at most, 35.2 kbaud at 36 MHz
    // (38400 and up); the narrower dividers save two 16-bit counters' worth.
    localparam [9:0] DIV_RESET = DIV_RESET_INT[9:0];

    reg [9:0]  div;
    reg [7:0]  rx_byte;
    reg        rx_valid;
    reg        rx_overrun;

    wire       tx_busy;
    wire [7:0] rx_data;
    wire       rx_received;

    wire is_write   = (bus_wstrb != 4'b0000);
    wire access     = bus_valid && !bus_ready;
    wire sel_data   = (bus_addr == `SHBA_UART_DATA);
    wire sel_status = (bus_addr == `SHBA_UART_STATUS);
    wire sel_div    = (bus_addr == `SHBA_UART_DIV);
    // A DATA write waits for the transmitter; everything else completes now.
    wire tx_wait    = sel_data && is_write && tx_busy;
    wire complete   = access && !tx_wait;
    wire tx_start   = complete && sel_data && is_write && bus_wstrb[0];

    soc_uart_tx u_tx (
        .clk(clk), .rst(rst), .div(div),
        .start(tx_start), .data(bus_wdata[7:0]),
        .tx(uart_tx), .busy(tx_busy)
    );

    soc_uart_rx u_rx (
        .clk(clk), .rst(rst), .div(div),
        .rx(uart_rx), .data(rx_data), .received(rx_received)
    );

    always @(posedge clk) begin
        if (rst) begin
            bus_ready <= 1'b0;
            bus_rdata <= 32'h0;
            div <= DIV_RESET;
            rx_byte <= 8'h0;
            rx_valid <= 1'b0;
            rx_overrun <= 1'b0;
        end else begin
            bus_ready <= complete;
            bus_rdata <= 32'h0;

            if (rx_received) begin
                rx_byte <= rx_data;
                rx_valid <= 1'b1;
                if (rx_valid && !(complete && sel_data && !is_write))
                    rx_overrun <= 1'b1;
            end

            if (complete) begin
                if (sel_data && !is_write) begin
                    bus_rdata <= {24'h0, rx_byte};
                    if (!rx_received)
                        rx_valid <= 1'b0;
                end
                if (sel_status && !is_write) begin
                    bus_rdata <= {29'h0, rx_overrun, rx_valid, tx_busy};
                    rx_overrun <= 1'b0;
                end
                if (sel_div) begin
                    if (is_write) begin
                        if (bus_wstrb[0]) div[7:0] <= bus_wdata[7:0];
                        if (bus_wstrb[1]) div[9:8] <= bus_wdata[9:8];
                    end else begin
                        bus_rdata <= {22'h0, div};
                    end
                end
            end
        end
    end
endmodule
`default_nettype wire
