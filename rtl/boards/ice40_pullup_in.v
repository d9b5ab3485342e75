`default_nettype none
// iCE40 input pads with the internal pull-up on (jumpers to ground, an SD
// card's MISO): unregistered input (PIN_TYPE 0000_01).
module ice40_pullup_in #(
    parameter WIDTH = 1
) (
    input  wire [WIDTH-1:0] pad,
    output wire [WIDTH-1:0] value
);
    genvar i;
    generate
        for (i = 0; i < WIDTH; i = i + 1) begin : bit_in
            SB_IO #(
                .PIN_TYPE(6'b0000_01),
                .PULLUP(1'b1)
            ) u_io (
                .PACKAGE_PIN(pad[i]),
                .D_IN_0(value[i])
            );
        end
    endgenerate
endmodule
`default_nettype wire
