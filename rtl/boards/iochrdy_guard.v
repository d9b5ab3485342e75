`default_nettype none
// Last-resort limit on how long the card may hold IOCHRDY low: a stuck
// IOCHRDY stops the PC (it cannot even boot), and ISA allows about 2.5 us.
// The request passes straight through; after MAX_CYCLES core clocks of
// continuous request the pull is dropped until the request goes away.
module iochrdy_guard #(
    parameter MAX_CYCLES = 90
) (
    input  wire clk,
    input  wire rst,
    input  wire pull_request,   // the card's isa_iochrdy_oe
    output wire pull            // 1 = pull IOCHRDY low now
);
    localparam CW = $clog2(MAX_CYCLES + 1);
    localparam [CW-1:0] LAST = MAX_CYCLES[CW-1:0];

    reg [CW-1:0] held = {CW{1'b0}};
    reg          expired = 1'b0;

    always @(posedge clk) begin
        if (rst || !pull_request) begin
            held <= {CW{1'b0}};
            expired <= 1'b0;
        end else if (held != LAST) begin
            held <= held + {{(CW-1){1'b0}}, 1'b1};
        end else begin
            expired <= 1'b1;
        end
    end

    assign pull = pull_request && !expired && !rst;
endmodule
`default_nettype wire
