`default_nettype none
// CRC16-CCITT (x^16 + x^12 + x^5 + 1, initial value 0), one bit per clock:
// the SD data block CRC.  The SPI engine feeds it each data bit as the bit
// crosses the wire, so the CRC is ready when the last data bit has been
// shifted.  Feeding the received CRC bytes too leaves 0 when they match.
module sd_crc16 (
    input  wire        clk,
    input  wire        rst,
    input  wire        clear,   // start a new block (wins over bit_en)
    input  wire        bit_en,  // fold bit_in into the CRC this cycle
    input  wire        bit_in,
    output reg  [15:0] crc
);
    wire feedback = crc[15] ^ bit_in;

    always @(posedge clk) begin
        if (rst || clear)
            crc <= 16'h0000;
        else if (bit_en)
            crc <= {crc[14:0], 1'b0} ^ (feedback ? 16'h1021 : 16'h0000);
    end
endmodule
`default_nettype wire
