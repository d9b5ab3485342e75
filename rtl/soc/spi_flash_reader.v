`default_nettype none
// Reads a burst of 32-bit words from an SPI NOR flash with DUAL OUTPUT FAST
// READ (3Bh): opcode and 24-bit address on DQ0, 8 dummy clocks, then the data
// on DQ0 and DQ1, two bits a clock (DQ1 the higher), SPI mode 0, MSB first.
// SCK runs at clk / 2 (18 MHz at the 36 MHz core clock, far below the
// N25Q032A's 108 MHz; the 8 dummy clocks are the part's default as
// remembered, not yet checked against the datasheet's text: docs/soc.md).  One burst
// per start pulse: CS# falls, WORDS words come out little-endian (the byte at
// the lowest address in bits 7:0) with a one-cycle word_valid each, then CS#
// rises.
//
// Timing against the part: DQ0 (out) changes with SCK's falling edge and
// holds for the whole high half (setup and hold one core clock, 27.8 ns);
// the data, which the flash changes after SCK falls, is sampled at the next
// rising edge, a full core clock later.  CS# falls one core clock before the
// first rising edge and rises one core clock after the last, with SCK low;
// between two bursts CS# stays high for at least DESELECT_CLKS core clocks
// (tSHSL).
//
// DQ0 turnaround: the FPGA drives DQ0 from CS# falling until the falling SCK
// edge after the last address bit, then releases it (flash_dq0_oe low) for
// the dummy clocks; the flash drives it only from the falling edge after the
// 8th dummy clock, 8 SCK periods (444 ns) later, until CS# rises (then off
// within tSHQZ, 8 ns).  The FPGA takes DQ0 again only at the next burst's
// CS# fall, DESELECT_CLKS core clocks (55 ns) after the rise; while idle DQ0
// is released (the board top holds it with the pad's pull-up).
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
    output wire        flash_dq0_out,
    output reg         flash_dq0_oe,
    input  wire        flash_dq0_in,
    input  wire        flash_dq1_in
);
    localparam [7:0] CMD_DOFR = 8'h3B;
    // Rising SCK edges: 32 for the opcode and address, 8 dummy, then the
    // data two bits an edge.
    localparam HEADER_BITS = 32;
    localparam DUMMY_CLKS = 8;
    localparam DATA_START = HEADER_BITS + DUMMY_CLKS;     // a multiple of 4
    localparam TOTAL_EDGES = DATA_START + 16 * WORDS;
    localparam CW = $clog2(TOTAL_EDGES + 1);
    localparam [CW-1:0] TOTAL_N = TOTAL_EDGES[CW-1:0];
    localparam [CW-1:0] HEADER_N = HEADER_BITS[CW-1:0];
    localparam [CW-1:0] DATA_N = DATA_START[CW-1:0];
    localparam DW = (DESELECT_CLKS > 1) ? $clog2(DESELECT_CLKS + 1) : 1;
    localparam [DW-1:0] DESELECT_N = DESELECT_CLKS[DW-1:0];

    reg [31:0]   tx;           // opcode and address, shifted out MSB first
    reg [CW-1:0] edges;        // rising SCK edges so far in this burst
    reg [5:0]    rx_byte;      // the first 6 bits of the byte coming in
    reg [1:0]    byte_in_word;
    reg [DW-1:0] deselect;     // core clocks CS# has been high
    reg          busy;

    assign idle = !busy && deselect == DESELECT_N;

    assign flash_dq0_out = tx[31];

    wire       data_phase = edges >= DATA_N;
    wire [1:0] pair_in_byte = edges[1:0];   // DATA_START is a multiple of 4
    wire [1:0] pair = {flash_dq1_in, flash_dq0_in};

    always @(posedge clk) begin
        word_valid <= 1'b0;
        if (rst) begin
            busy <= 1'b0;
            flash_cs_n <= 1'b1;
            flash_sck <= 1'b0;
            flash_dq0_oe <= 1'b0;
            tx <= 32'h0;
            edges <= {CW{1'b0}};
            byte_in_word <= 2'd0;
            deselect <= DESELECT_N;
            rx_byte <= 6'h0;
            word <= 32'h0;
        end else if (!busy) begin
            flash_sck <= 1'b0;
            if (deselect != DESELECT_N)
                deselect <= deselect + 1'b1;
            if (start && deselect == DESELECT_N) begin
                busy <= 1'b1;
                flash_cs_n <= 1'b0;
                flash_dq0_oe <= 1'b1;
                tx <= {CMD_DOFR, addr};
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
                // rising edge: the flash samples DQ0 (header); sample the data
                flash_sck <= 1'b1;
                edges <= edges + 1'b1;
                if (data_phase) begin
                    rx_byte <= {rx_byte[3:0], pair};
                    if (pair_in_byte == 2'd3) begin
                        word <= {rx_byte, pair, word[31:8]};
                        byte_in_word <= byte_in_word + 1'b1;
                        word_valid <= byte_in_word == 2'd3;
                    end
                end
            end
        end else begin
            // falling edge: next DQ0 bit; after the address DQ0 is the flash's
            flash_sck <= 1'b0;
            tx <= {tx[30:0], 1'b0};
            if (edges == HEADER_N)
                flash_dq0_oe <= 1'b0;
        end
    end
endmodule
`default_nettype wire
