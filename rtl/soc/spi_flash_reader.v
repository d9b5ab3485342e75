`default_nettype none
// Reads a burst of 32-bit words from an SPI NOR flash with the READ command
// (03h: opcode, 24-bit address, then data, no dummy clocks), SPI mode 0, MSB
// first.  SCK runs at clk / 2 (18 MHz at the 36 MHz core clock, below the
// N25Q032A's 54 MHz limit for READ: docs/soc.md).  One burst per start pulse:
// CS# falls, WORDS words come out little-endian (the byte at the lowest
// address in bits 7:0) with a one-cycle word_valid each, then CS# rises.
//
// Timing against the part: MOSI changes with SCK's falling edge and holds for
// the whole high half (setup and hold one core clock, 27.8 ns); MISO, which the
// flash changes after SCK falls, is sampled at the next rising edge, a full
// core clock later.  CS# falls one core clock before the first rising edge and
// rises one core clock after the last, with SCK low; between two bursts CS#
// stays high for at least DESELECT_CLKS core clocks (tSHSL).
module spi_flash_reader #(
    parameter WORDS = 8,             // words per burst
    parameter DESELECT_CLKS = 2      // CS# high time between bursts, core clocks
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        start,        // begin a burst at addr (taken while idle)
    input  wire [23:0] addr,         // flash byte address
    output wire        idle,         // ready for a start (deselect time over)
    output reg  [31:0] word,
    output reg         word_valid,
    output reg         flash_sck,
    output reg         flash_cs_n,
    output wire        flash_mosi,
    input  wire        flash_miso
);
    localparam [7:0] CMD_READ = 8'h03;
    // Rising SCK edges: 32 for the opcode and address, then the data bits.
    localparam HEADER_BITS = 32;
    localparam TOTAL_BITS = HEADER_BITS + 32 * WORDS;
    localparam CW = $clog2(TOTAL_BITS + 1);
    localparam [CW-1:0] TOTAL_N = TOTAL_BITS[CW-1:0];
    localparam [CW-1:0] HEADER_N = HEADER_BITS[CW-1:0];
    localparam DW = (DESELECT_CLKS > 1) ? $clog2(DESELECT_CLKS + 1) : 1;
    localparam [DW-1:0] DESELECT_N = DESELECT_CLKS[DW-1:0];

    reg [31:0]   tx;           // opcode and address, shifted out MSB first
    reg [CW-1:0] edges;        // rising SCK edges so far in this burst
    reg [6:0]    rx_byte;      // the first 7 bits of the byte coming in
    reg [1:0]    byte_in_word;
    reg [DW-1:0] deselect;     // core clocks CS# has been high
    reg          busy;

    assign idle = !busy && deselect == DESELECT_N;

    assign flash_mosi = tx[31];

    wire       data_phase = edges >= HEADER_N;
    wire [2:0] bit_in_byte = edges[2:0] - HEADER_N[2:0];   // HEADER_BITS is a multiple of 8

    always @(posedge clk) begin
        word_valid <= 1'b0;
        if (rst) begin
            busy <= 1'b0;
            flash_cs_n <= 1'b1;
            flash_sck <= 1'b0;
            tx <= 32'h0;
            edges <= {CW{1'b0}};
            byte_in_word <= 2'd0;
            deselect <= DESELECT_N;
            rx_byte <= 7'h0;
            word <= 32'h0;
        end else if (!busy) begin
            flash_sck <= 1'b0;
            if (deselect != DESELECT_N)
                deselect <= deselect + 1'b1;
            if (start && deselect == DESELECT_N) begin
                busy <= 1'b1;
                flash_cs_n <= 1'b0;
                tx <= {CMD_READ, addr};
                edges <= {CW{1'b0}};
                byte_in_word <= 2'd0;
            end
        end else if (!flash_sck) begin
            if (edges == TOTAL_N) begin
                // one core clock after the last rising edge: deselect
                busy <= 1'b0;
                flash_cs_n <= 1'b1;
                deselect <= {DW{1'b0}};
            end else begin
                // rising edge: the flash samples MOSI; sample MISO
                flash_sck <= 1'b1;
                edges <= edges + 1'b1;
                if (data_phase) begin
                    rx_byte <= {rx_byte[5:0], flash_miso};
                    if (bit_in_byte == 3'd7) begin
                        word <= {rx_byte[6:0], flash_miso, word[31:8]};
                        byte_in_word <= byte_in_word + 1'b1;
                        word_valid <= byte_in_word == 2'd3;
                    end
                end
            end
        end else begin
            // falling edge: next MOSI bit (zeros after the address)
            flash_sck <= 1'b0;
            tx <= {tx[30:0], 1'b0};
        end
    end
endmodule
`default_nettype wire
