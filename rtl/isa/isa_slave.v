`default_nettype none
// ISA I/O slave: finds the card's own I/O cycles in the 16-port window and
// turns them into clk-domain strobes for the register file.
//
// Crossings (see docs/isa.md):
//  - IOR#, IOW#, AEN arrive already synchronised (isa_interface, isa_sync).
//  - SA, SBHE# and SD are captured by plain registers and used only when the
//    synchronised strobe says they have been stable for at least two clocks
//    (strobe-qualified data crossing); SD goes through two register stages
//    so that it lines up with the synchronised IOW#.
//  - IOCS16# is a combinational decode of the raw SA/AEN pins (like a 74x688
//    comparator on a real card): the AT samples it before the command strobe,
//    too early for any synchroniser.  The output is only looked at by the
//    PC at that sample point, so a glitch while SA settles does no harm.
//  - The read data drivers are gated by the raw IOR# pin so that the card
//    stops driving SD the moment the command ends.
module isa_slave (
    input  wire        clk,
    input  wire        rst,
    // raw pins
    input  wire [9:0]  isa_sa,
    input  wire        isa_sbhe_n,
    input  wire [15:0] isa_sd_in,
    input  wire        isa_aen,
    input  wire        isa_ior_n,
    // synchronised strobes
    input  wire        ior_n_sync,
    input  wire        iow_n_sync,
    input  wire        aen_sync,
    // configuration
    input  wire [2:0]  cfg_base_sel,
    input  wire        wide16,
    // register file side
    output reg         rd_start,     // a read of reg_off began (data latched now)
    output reg         rd_end,       // that read ended: do its side effects
    output reg         wr_stb,       // a write to reg_off ended: wr_data is valid
    output reg  [3:0]  reg_off,
    output reg         reg_word,     // 16-bit access to DATA (IOCS16# given, SBHE# low)
    output reg  [15:0] wr_data,
    input  wire [15:0] rd_data,
    // bus side outputs
    output wire [15:0] sd_out,
    output wire [1:0]  sd_oe,
    output wire        iocs16_n_oe,
    output wire        io_active     // the card is inside one of its own I/O cycles
);
`include "softhba_tables.vh"

    // The jumper code's I/O base (regmap table IO_BASE); the window is
    // 16-port aligned, so only bits 9:4 are compared.
    wire [9:0] base_addr = shba_host_io_base_value(cfg_base_sel);
    wire unused_base_low = &{1'b0, base_addr[3:0]};

    // Fast path: IOCS16# from the raw address (only DATA, offset 8, SA0 = 0).
    assign iocs16_n_oe = wide16 && !isa_aen && (isa_sa[9:4] == base_addr[9:4]) &&
                         (isa_sa[3:0] == 4'h8);

    // Strobe-qualified captures (not synchronisers: these values are stable
    // whenever they are used).
    reg [9:0]  sa_q;
    reg        sbhe_n_q;
    reg [15:0] sd_q1, sd_q2;
    reg        ior_n_prev, iow_n_prev;
    reg        rd_active, wr_active, drive_q;
    reg [15:0] sd_out_q;

    wire hit = !aen_sync && (sa_q[9:4] == base_addr[9:4]);
    wire ior_fall = !ior_n_sync && ior_n_prev;
    wire iow_fall = !iow_n_sync && iow_n_prev;
    wire word_now = wide16 && (sa_q[3:0] == 4'h8) && !sbhe_n_q;

    always @(posedge clk) begin
        sa_q <= isa_sa;
        sbhe_n_q <= isa_sbhe_n;
        sd_q1 <= isa_sd_in;
        sd_q2 <= sd_q1;
        // Last data seen while IOW# was (synchronised) low.
        if (!iow_n_sync)
            wr_data <= sd_q2;
    end

    always @(posedge clk) begin
        if (rst) begin
            ior_n_prev <= 1'b1;
            iow_n_prev <= 1'b1;
            rd_active <= 1'b0;
            wr_active <= 1'b0;
            drive_q <= 1'b0;
            rd_start <= 1'b0;
            rd_end <= 1'b0;
            wr_stb <= 1'b0;
            reg_off <= 4'h0;
            reg_word <= 1'b0;
            sd_out_q <= 16'h0000;
        end else begin
            ior_n_prev <= ior_n_sync;
            iow_n_prev <= iow_n_sync;
            rd_start <= 1'b0;
            rd_end <= 1'b0;
            wr_stb <= 1'b0;
            if (ior_fall && hit) begin
                rd_active <= 1'b1;
                rd_start <= 1'b1;
                reg_off <= sa_q[3:0];
                reg_word <= word_now;
            end else if (rd_active && ior_n_sync) begin
                rd_active <= 1'b0;
                rd_end <= 1'b1;
            end
            // Read data is taken the cycle after rd_start (the register file
            // answers combinationally from reg_off) and held for the cycle.
            if (rd_start) begin
                sd_out_q <= rd_data;
                drive_q <= 1'b1;
            end else if (!rd_active) begin
                drive_q <= 1'b0;
            end
            if (iow_fall && hit) begin
                wr_active <= 1'b1;
                reg_off <= sa_q[3:0];
                reg_word <= word_now;
            end else if (wr_active && iow_n_sync) begin
                wr_active <= 1'b0;
                wr_stb <= 1'b1;
            end
        end
    end

    wire drive = drive_q && !isa_ior_n;
    assign sd_out = sd_out_q;
    assign sd_oe = {drive && reg_word, drive};
    assign io_active = rd_active || wr_active;
endmodule
`default_nettype wire
