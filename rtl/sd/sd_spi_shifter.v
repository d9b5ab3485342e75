`default_nettype none
// SPI mode 0 byte shifter for the SD engine: SCK idles low, MOSI changes
// after the falling edge, MISO is sampled with the rising edge.  Each half
// period of SCK lasts div+1 core clocks (div = 0: SCK = clk / 2).
//
// A new byte may be loaded while idle or in the cycle of the final falling
// edge of the current byte (last_edge), so that bytes follow each other with
// no gap on the wire.  In that cycle rx_now already holds the whole received
// byte, so the controller can choose the next byte from it.
module sd_spi_shifter (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] div,
    input  wire       stop,       // drop the current byte now (abort)
    input  wire       load,       // start shifting load_byte (idle or last_edge only)
    input  wire [7:0] load_byte,
    input  wire       miso,
    output reg        sck,
    output wire       mosi,
    output reg        busy,
    output wire       last_edge,  // this cycle ends the byte
    output wire [7:0] rx_now,     // received byte, valid with last_edge
    output wire       sample,     // this cycle is a rising edge: miso is being sampled
    output wire       tx_bit      // bit on MOSI (for the write CRC)
);
    reg [7:0] shreg;     // shifts left: [7] is on MOSI, received bits enter at [0]
    reg       rx_bit;    // bit sampled at the last rising edge
    reg [2:0] bit_cnt;
    reg [7:0] div_cnt;

    wire tick = busy && (div_cnt == 8'd0);
    assign sample    = tick && !sck;
    assign last_edge = tick && sck && (bit_cnt == 3'd7);
    assign rx_now    = {shreg[6:0], rx_bit};
    assign mosi      = busy ? shreg[7] : 1'b1;
    assign tx_bit    = shreg[7];

    always @(posedge clk) begin
        if (rst || stop) begin
            busy    <= 1'b0;
            sck     <= 1'b0;
            shreg   <= 8'hff;
            rx_bit  <= 1'b1;
            bit_cnt <= 3'd0;
            div_cnt <= 8'd0;
        end else if (load && (!busy || last_edge)) begin
            busy    <= 1'b1;
            sck     <= 1'b0;
            shreg   <= load_byte;
            bit_cnt <= 3'd0;
            div_cnt <= div;
        end else if (busy) begin
            if (div_cnt != 8'd0) begin
                div_cnt <= div_cnt - 8'd1;
            end else begin
                div_cnt <= div;
                if (!sck) begin
                    sck    <= 1'b1;
                    rx_bit <= miso;
                end else begin
                    sck   <= 1'b0;
                    shreg <= rx_now;
                    if (bit_cnt == 3'd7)
                        busy <= 1'b0;
                    else
                        bit_cnt <= bit_cnt + 3'd1;
                end
            end
        end
    end
endmodule
`default_nettype wire
