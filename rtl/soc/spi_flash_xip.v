`default_nettype none
// Execute-in-place window onto the SPI flash's firmware region: a
// direct-mapped read cache in block RAM in front of spi_flash_reader.
//
//   bus_addr (window offset) = | tag | index | word | byte |
//                                      \______ data_mem address
//
// A hit answers in the cycle after bus_valid, like the SoC's RAM: the data and
// tag memories are read with the address of the request every cycle, and the
// registered lookup_valid says the memories' outputs belong to the held
// request.  A miss fills the whole line with one DUAL OUTPUT FAST READ burst
// (3Bh, spi_flash_reader: LINE_BYTES bytes from FLASH_OFFSET + the line's
// offset), writes the tag, and looks up again.
// Writes and addresses past WINDOW_BYTES are acknowledged in the next cycle and
// read 0 (a firmware bug never hangs the bus).  After reset every tag is
// cleared (one line per clock), so the first fetches are cold.
module spi_flash_xip #(
    parameter CACHE_BYTES = 2048,
    parameter LINE_BYTES = 32,
    parameter WINDOW_BYTES = 262144,
    parameter FLASH_OFFSET = 1048576
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        bus_valid,      // this slave is selected and a transfer is pending
    input  wire [27:2] bus_addr,       // word address: byte offset within the flash region
    input  wire [3:0]  bus_wstrb,
    output wire [31:0] bus_rdata,
    output wire        bus_ready,
    output wire        flash_sck,
    output wire        flash_cs_n,
    output wire        flash_dq0_out,
    output wire        flash_dq0_oe,
    input  wire        flash_dq0_in,
    input  wire        flash_dq1_in
);
    localparam OB = $clog2(LINE_BYTES);            // byte-in-line bits
    localparam CB = $clog2(CACHE_BYTES);           // cache offset bits
    localparam WB = $clog2(WINDOW_BYTES);          // window offset bits
    localparam IB = CB - OB;                       // index bits
    localparam TB = WB - CB;                       // tag bits
    localparam LINES = 1 << IB;
    localparam LINE_WORDS = LINE_BYTES / 4;
    localparam LW = OB - 2;                        // word-in-line bits
    localparam [23:0] FLASH_OFFSET_24 = FLASH_OFFSET;

    localparam [1:0] S_INIT = 2'd0, S_IDLE = 2'd1, S_FILL_REQ = 2'd2, S_FILL = 2'd3;
    reg [1:0] state;

    wire          in_window  = bus_addr[27:WB] == {(28 - WB){1'b0}};
    wire          cached_req = bus_valid && in_window && bus_wstrb == 4'b0000;
    wire [IB-1:0] req_index  = bus_addr[CB-1:OB];
    wire [TB-1:0] req_tag    = bus_addr[WB-1:CB];

    // Block RAMs: data and tags.  The read data of a write cycle is unused.
    (* no_rw_check *)
    reg [31:0] data_mem [0:(CACHE_BYTES / 4) - 1];
    (* no_rw_check *)
    reg [TB:0] tag_mem [0:LINES - 1];              // {valid, tag}
    reg [31:0] data_q;
    reg [TB:0] tag_q;

    reg [IB-1:0] fill_index;
    reg [TB-1:0] fill_tag;
    reg [LW-1:0] fill_word;
    reg          lookup_valid;                     // data_q/tag_q belong to the held request
    reg          other_ready;                      // write or outside the window: acknowledged

    wire        reader_idle, word_valid;
    wire [31:0] word;
    wire        tag_match = tag_q == {1'b1, req_tag};
    wire        hit  = lookup_valid && tag_match;
    wire        miss = lookup_valid && !tag_match;
    wire        last_word = word_valid && fill_word == {LW{1'b1}};

    wire          tag_we    = (state == S_INIT) || (state == S_FILL && last_word);
    wire [IB-1:0] tag_waddr = fill_index;
    wire [TB:0]   tag_wdata = (state == S_INIT) ? {(TB + 1){1'b0}} : {1'b1, fill_tag};

    always @(posedge clk) begin
        if (state == S_FILL && word_valid)
            data_mem[{fill_index, fill_word}] <= word;
        data_q <= data_mem[bus_addr[CB-1:2]];
    end

    always @(posedge clk) begin
        if (tag_we)
            tag_mem[tag_waddr] <= tag_wdata;
        tag_q <= tag_mem[req_index];
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= S_INIT;
            fill_index <= {IB{1'b0}};
            fill_tag <= {TB{1'b0}};
            fill_word <= {LW{1'b0}};
            lookup_valid <= 1'b0;
            other_ready <= 1'b0;
        end else begin
            // Every other cycle while a request waits: read, then compare.
            lookup_valid <= cached_req && state == S_IDLE && !lookup_valid;
            other_ready <= bus_valid && !cached_req && !other_ready;
            case (state)
                S_INIT: begin
                    fill_index <= fill_index + 1'b1;
                    if (fill_index == {IB{1'b1}})
                        state <= S_IDLE;
                end
                S_IDLE:
                    if (miss) begin
                        fill_index <= req_index;
                        fill_tag <= req_tag;
                        fill_word <= {LW{1'b0}};
                        state <= S_FILL_REQ;
                    end
                S_FILL_REQ:
                    if (reader_idle)
                        state <= S_FILL;
                default: begin   // S_FILL
                    if (word_valid)
                        fill_word <= fill_word + 1'b1;
                    if (last_word)
                        state <= S_IDLE;
                end
            endcase
        end
    end

    wire [23:0] line_offset = {{(24 - WB){1'b0}}, fill_tag, fill_index, {OB{1'b0}}};

    spi_flash_reader #(
        .WORDS(LINE_WORDS)
    ) u_reader (
        .clk(clk),
        .rst(rst),
        .start(state == S_FILL_REQ),
        .addr(FLASH_OFFSET_24 + line_offset),
        .idle(reader_idle),
        .word(word),
        .word_valid(word_valid),
        .flash_sck(flash_sck),
        .flash_cs_n(flash_cs_n),
        .flash_dq0_out(flash_dq0_out),
        .flash_dq0_oe(flash_dq0_oe),
        .flash_dq0_in(flash_dq0_in),
        .flash_dq1_in(flash_dq1_in)
    );

`ifdef VERILATOR
    // Diagnostic for cache sizing (docs/soc.md): with +fetch_trace=FILE every
    // hit's word address and the core clock count go to FILE, one a line.
    integer trace_fd = 0;
    reg [8*1024-1:0] trace_path;
    reg [63:0] trace_cycle = 64'd0;
    initial
        if ($value$plusargs("fetch_trace=%s", trace_path))
            trace_fd = $fopen(trace_path, "w");
    always @(posedge clk) begin
        trace_cycle <= trace_cycle + 64'd1;
        if (trace_fd != 0 && hit)
            $fwrite(trace_fd, "%x %0d\n", bus_addr, trace_cycle);
    end
`endif

    assign bus_ready = hit || other_ready;
    // (0 outside an answer: the SoC ORs its slaves' read data.  During a miss
    // the CPU waits on this slave alone, so gating by lookup_valid suffices.)
    assign bus_rdata = lookup_valid ? data_q : 32'h0;
endmodule
`default_nettype wire
