// The SoC's block RAM: code, data and stack.  32-bit words with byte write
// enables, one-cycle synchronous read (maps onto iCE40 SB_RAM40_4K blocks).
//
// Initial contents: in simulation (VERILATOR or SIMULATION defined), the $readmemh image named by the
// +firmware=PATH plusarg (one binary runs any firmware); for synthesis, the
// placeholder INIT_FILE (distinctive pseudo-random words, see docs/soc.md) that
// icebram later replaces with a real firmware image in the bitstream.
module soc_ram #(
    parameter WORDS = 3072,
    // Used only for synthesis (the Verilator build loads +firmware=PATH).
    /* verilator lint_off UNUSEDPARAM */
    parameter INIT_FILE = "rtl/soc/soc_ram_placeholder.hex"
    /* verilator lint_on UNUSEDPARAM */
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        valid,      // this slave is selected and a transfer is pending
    input  wire [29:0] word_addr,  // word address within the RAM region
    input  wire [31:0] wdata,
    input  wire [3:0]  wstrb,
    output wire [31:0] rdata,
    output reg         ready
);
    localparam AW = $clog2(WORDS);
    localparam [31:0] WORDS_32 = WORDS;
    localparam [AW:0] WORDS_N = WORDS_32[AW:0];

    // The read data of a write cycle is never used: no collision bypass.
    (* no_rw_check *)
    reg [31:0] mem [0:WORDS-1];
    reg [31:0] read_word;
    reg        read_in_range;

    // Byte addresses past the RAM's end (within the region) read 0, ignore writes.
    wire [AW-1:0] word_index = word_addr[AW-1:0];
    // (high bits zero, then a compare on the index bits only: no 30-bit chain)
    wire          in_range   = (word_addr[29:AW] == {(30-AW){1'b0}}) && ({1'b0, word_index} < WORDS_N);
    wire          do_write   = valid && !ready && in_range;

`ifdef VERILATOR
`define SHBA_SOC_RAM_FROM_PLUSARG
`endif
`ifdef SIMULATION
`define SHBA_SOC_RAM_FROM_PLUSARG
`endif
`ifdef SHBA_SOC_RAM_FROM_PLUSARG
    reg [8*1024-1:0] firmware_path;
    initial begin
        if ($value$plusargs("firmware=%s", firmware_path))
            $readmemh(firmware_path, mem);
    end
`else
    initial $readmemh(INIT_FILE, mem);
`endif

    always @(posedge clk) begin
        if (do_write && wstrb[0]) mem[word_index][7:0]   <= wdata[7:0];
        if (do_write && wstrb[1]) mem[word_index][15:8]  <= wdata[15:8];
        if (do_write && wstrb[2]) mem[word_index][23:16] <= wdata[23:16];
        if (do_write && wstrb[3]) mem[word_index][31:24] <= wdata[31:24];
        read_word <= mem[word_index];
    end

    always @(posedge clk) begin
        if (rst) begin
            ready <= 1'b0;
            read_in_range <= 1'b0;
        end else begin
            ready <= valid && !ready;
            read_in_range <= valid && !ready && in_range;   // rdata is 0 outside its answer
        end
    end

    assign rdata = read_in_range ? read_word : 32'h0;
endmodule
