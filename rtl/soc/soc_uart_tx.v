`default_nettype none
// UART transmitter, 8N1: start bit, 8 data bits LSB first, one stop bit.
// Each bit lasts div + 1 core clocks.
module soc_uart_tx (
    input  wire        clk,
    input  wire        rst,
    input  wire [9:0]  div,
    input  wire        start,      // load data and send it (ignored while busy)
    input  wire [7:0]  data,
    output wire        tx,
    output wire        busy
);
    reg [9:0]  shift;       // stop, data[7:0], start; shifted out LSB first
    reg [3:0]  bits_left;
    reg [9:0]  baud_count;

    assign busy = (bits_left != 4'd0);
    assign tx = busy ? shift[0] : 1'b1;

    always @(posedge clk) begin
        if (rst) begin
            shift <= 10'h3ff;
            bits_left <= 4'd0;
            baud_count <= 10'd0;
        end else if (!busy) begin
            if (start) begin
                shift <= {1'b1, data, 1'b0};
                bits_left <= 4'd10;
                baud_count <= div;
            end
        end else if (baud_count == 10'd0) begin
            shift <= {1'b1, shift[9:1]};
            bits_left <= bits_left - 4'd1;
            baud_count <= div;
        end else begin
            baud_count <= baud_count - 10'd1;
        end
    end
endmodule
`default_nettype wire
