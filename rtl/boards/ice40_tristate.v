`default_nettype none
// A bus of iCE40 bidirectional pads: one shared output enable, unregistered
// output and input (PIN_TYPE 1010_01).
module ice40_tristate #(
    parameter WIDTH = 8
) (
    inout  wire [WIDTH-1:0] pad,
    input  wire [WIDTH-1:0] out,
    input  wire             oe,
    output wire [WIDTH-1:0] in
);
    genvar i;
    generate
        for (i = 0; i < WIDTH; i = i + 1) begin : bit_io
            SB_IO #(
                .PIN_TYPE(6'b1010_01),
                .PULLUP(1'b0)
            ) u_io (
                .PACKAGE_PIN(pad[i]),
                .OUTPUT_ENABLE(oe),
                .D_OUT_0(out[i]),
                .D_IN_0(in[i])
            );
        end
    endgenerate
endmodule
`default_nettype wire
