`default_nettype none
// The SoC's data RAM: .data (copied from the flash by crt0), .bss and the
// stack.  32-bit words with byte write enables, one-cycle synchronous read
// (maps onto iCE40 SB_RAM40_4K blocks).  It holds no initial contents: the
// firmware's code and its .data image are in the SPI flash.
//
// Two banks, so that the read data needs a single 2:1 mux: the main bank is
// the largest power of two below WORDS, the tail bank the rest (for the 8 KiB
// RAM: two banks of 1024 words, 8 blocks each as 1024x4).  One memory of a
// size that is not a power of two would map as more rows behind a wider mux.
module soc_ram #(
    parameter WORDS = 2048
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        bus_valid,      // this slave is selected and a transfer is pending
    input  wire [29:0] bus_word_addr,  // word address within the RAM region (bytes go by bus_wstrb)
    input  wire [31:0] bus_wdata,
    input  wire [3:0]  bus_wstrb,
    output wire [31:0] bus_rdata,
    output reg         bus_ready
);
    localparam AW = $clog2(WORDS);
    wire [29:0] word_addr = bus_word_addr;
    localparam MAIN = 1 << (AW - 1);   // main bank words (index bit AW-1 clear)
    localparam TAIL = WORDS - MAIN;    // tail bank words (1..MAIN)
    localparam TW = (TAIL > 1) ? $clog2(TAIL) : 1;
    localparam [31:0] WORDS_32 = WORDS;
    localparam [AW:0] WORDS_N = WORDS_32[AW:0];

    // The read data of a write cycle is never used: no collision bypass.
    (* no_rw_check *)
    reg [31:0] main_bank [0:MAIN-1];
    (* no_rw_check *)
    reg [31:0] tail_bank [0:TAIL-1];
    reg [31:0] main_word, tail_word;
    reg        tail_sel;
    reg        read_in_range;

    // Byte addresses past the RAM's end (within the region) read 0, ignore writes.
    wire [AW-1:0] word_index = word_addr[AW-1:0];
    wire [AW-2:0] main_index = word_index[AW-2:0];
    wire [TW-1:0] tail_index = word_index[TW-1:0];
    wire          in_tail    = word_index[AW-1];
    // (high bits zero, then a compare on the index bits only: no 30-bit chain)
    wire          in_range   = (word_addr[29:AW] == {(30-AW){1'b0}}) && ({1'b0, word_index} < WORDS_N);
    wire          do_write   = bus_valid && !bus_ready && in_range;
    wire [3:0]    main_we    = (do_write && !in_tail) ? bus_wstrb : 4'b0000;
    wire [3:0]    tail_we    = (do_write && in_tail) ? bus_wstrb : 4'b0000;

    always @(posedge clk) begin
        if (main_we[0]) main_bank[main_index][7:0]   <= bus_wdata[7:0];
        if (main_we[1]) main_bank[main_index][15:8]  <= bus_wdata[15:8];
        if (main_we[2]) main_bank[main_index][23:16] <= bus_wdata[23:16];
        if (main_we[3]) main_bank[main_index][31:24] <= bus_wdata[31:24];
        main_word <= main_bank[main_index];
    end

    always @(posedge clk) begin
        if (tail_we[0]) tail_bank[tail_index][7:0]   <= bus_wdata[7:0];
        if (tail_we[1]) tail_bank[tail_index][15:8]  <= bus_wdata[15:8];
        if (tail_we[2]) tail_bank[tail_index][23:16] <= bus_wdata[23:16];
        if (tail_we[3]) tail_bank[tail_index][31:24] <= bus_wdata[31:24];
        tail_word <= tail_bank[tail_index];
    end

    always @(posedge clk) begin
        tail_sel <= in_tail;
        if (rst) begin
            bus_ready <= 1'b0;
            read_in_range <= 1'b0;
        end else begin
            bus_ready <= bus_valid && !bus_ready;
            read_in_range <= bus_valid && !bus_ready && in_range;   // bus_rdata is 0 outside its answer
        end
    end

    assign bus_rdata = !read_in_range ? 32'h0 : (tail_sel ? tail_word : main_word);
endmodule
`default_nettype wire
