`default_nettype none
// UART receiver, 8N1.  uart_rx is asynchronous to clk: it crosses through the
// two-flop synchroniser rx_sync1/rx_sync2.  A start bit is confirmed at its
// middle; then each bit is sampled div + 1 clocks later.  A byte whose stop
// bit is low (framing error) is dropped.
module soc_uart_rx (
    input  wire        clk,
    input  wire        rst,
    input  wire [9:0]  div,
    input  wire        rx,
    output reg  [7:0]  data,
    output reg         received    // one-cycle pulse: data holds a new byte
);
    reg rx_sync1, rx_sync2;

    localparam S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;
    reg [1:0]  state;
    reg [9:0]  baud_count;
    reg [2:0]  bit_index;
    reg [7:0]  shift;

    always @(posedge clk) begin
        if (rst) begin
            rx_sync1 <= 1'b1;
            rx_sync2 <= 1'b1;
        end else begin
            rx_sync1 <= rx;
            rx_sync2 <= rx_sync1;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            baud_count <= 10'd0;
            bit_index <= 3'd0;
            shift <= 8'd0;
            data <= 8'd0;
            received <= 1'b0;
        end else begin
            received <= 1'b0;
            case (state)
            S_IDLE:
                if (!rx_sync2) begin
                    state <= S_START;
                    baud_count <= {1'b0, div[9:1]};   // to the middle of the start bit
                end
            S_START:
                if (baud_count != 10'd0) begin
                    baud_count <= baud_count - 10'd1;
                end else if (rx_sync2) begin
                    state <= S_IDLE;                   // a glitch, not a start bit
                end else begin
                    state <= S_DATA;
                    baud_count <= div;
                    bit_index <= 3'd0;
                end
            S_DATA:
                if (baud_count != 10'd0) begin
                    baud_count <= baud_count - 10'd1;
                end else begin
                    shift <= {rx_sync2, shift[7:1]};
                    baud_count <= div;
                    bit_index <= bit_index + 3'd1;
                    if (bit_index == 3'd7)
                        state <= S_STOP;
                end
            default: // S_STOP
                if (baud_count != 10'd0) begin
                    baud_count <= baud_count - 10'd1;
                end else begin
                    state <= S_IDLE;
                    if (rx_sync2) begin
                        data <= shift;
                        received <= 1'b1;
                    end
                end
            endcase
        end
    end
endmodule
`default_nettype wire
