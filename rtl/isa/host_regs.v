`default_nettype none
// Host register file: the HOST I/O ports (host side, through isa_slave) and
// HOSTIF (the card CPU's view), with the command/result mailboxes in block
// RAM, interrupt logic on both sides and the transfer registers.
`include "softhba_regs.vh"
module host_regs (
    input  wire        clk,
    input  wire        rst,                // sys_rst: power-on or RESET DRV
    input  wire        isa_reset_sync,     // RESET DRV (for RESET_CAUSE)
    input  wire [7:0]  cfg_resources,
    // I/O cycles from isa_slave
    input  wire        rd_start,
    input  wire        rd_end,
    input  wire        wr_stb,
    input  wire [3:0]  reg_off,
    input  wire        reg_word,
    input  wire [7:0]  wr_data,
    output reg  [15:0] rd_data,
    // data engine (isa_dma)
    input  wire [15:0] pio_rd_data,
    input  wire        pio_ready,
    input  wire        moved,
    input  wire [1:0]  moved_bytes,
    input  wire        tc_hit,
    input  wire        stray,
    output wire        pio_rd_start,
    output wire        pio_rd_end,
    output wire        pio_wr,
    // state for the data engine and the card
    output reg  [7:0]  config_q,
    output reg  [7:0]  bus_time_q,         // BUS_TIME: demand-mode bus-on/off (isa_dma)
    output reg         xfer_armed,
    output reg         xfer_dir_to_host,
    output reg         xfer_width16,
    output reg         xfer_pio,
    output reg  [23:0] xfer_remaining,
    output wire        xfer_rem_small,    // xfer_remaining < 8 (shared with isa_dma)
    output reg         xfer_flush,
    // ISA interrupt
    output wire [15:0] isa_irq,
    output wire [15:0] isa_irq_oe,
    // CPU bus slave (HOSTIF, offsets 0x000-0xFFF)
    input  wire        bus_valid,
    input  wire [11:0] bus_addr,
    input  wire [31:0] bus_wdata,
    input  wire [3:0]  bus_wstrb,
    output wire [31:0] bus_rdata,
    output reg         bus_ready,
    output wire        cpu_irq,
    output wire        host_reset_req,
    output wire        busy,
    output wire        fw_ready
);
`include "softhba_tables.vh"

    // HOSTIF register word indices (offset / 4) for the 4-bit decode.
    localparam [11:0] OFF_EVENTS = `SHBA_HOSTIF_EVENTS, OFF_EVENT_EN = `SHBA_HOSTIF_EVENT_EN,
                      OFF_HSTATUS = `SHBA_HOSTIF_HSTATUS, OFF_XFER_CTRL = `SHBA_HOSTIF_XFER_CTRL,
                      OFF_XFER_COUNT = `SHBA_HOSTIF_XFER_COUNT, OFF_XFER_REMAIN = `SHBA_HOSTIF_XFER_REMAIN,
                      OFF_XFER_DONE = `SHBA_HOSTIF_XFER_DONE, OFF_CONFIG = `SHBA_HOSTIF_CONFIG,
                      OFF_RESET_CAUSE = `SHBA_HOSTIF_RESET_CAUSE, OFF_FW_VERSION = `SHBA_HOSTIF_FW_VERSION,
                      OFF_DMA_STRAY = `SHBA_HOSTIF_DMA_STRAY, OFF_POST = `SHBA_HOSTIF_POST;
    localparam [3:0] REG_EVENTS = OFF_EVENTS[5:2], REG_EVENT_EN = OFF_EVENT_EN[5:2],
                     REG_HSTATUS = OFF_HSTATUS[5:2], REG_XFER_CTRL = OFF_XFER_CTRL[5:2],
                     REG_XFER_COUNT = OFF_XFER_COUNT[5:2], REG_XFER_REMAIN = OFF_XFER_REMAIN[5:2],
                     REG_XFER_DONE = OFF_XFER_DONE[5:2], REG_CONFIG = OFF_CONFIG[5:2],
                     REG_RESET_CAUSE = OFF_RESET_CAUSE[5:2], REG_FW_VERSION = OFF_FW_VERSION[5:2],
                     REG_DMA_STRAY = OFF_DMA_STRAY[5:2], REG_POST = OFF_POST[5:2];

    reg        busy_q, int_enable;
    reg [2:0]  int_status;
    reg [3:0]  events, event_en;
    reg [5:2]  hstatus;           // bits 1:0 of HOST STATUS are the card's own
    reg [4:0]  cmd_ptr;
    reg [5:0]  res_ptr;
    reg [2:0]  id_ptr;
    reg        tc_end;
    reg [16:0] xfer_done;         // wraps: the firmware extends it (docs/protocol.md)
    reg [7:0]  stray_count;       // saturates at 255 (a diagnostic: 0 is what matters)
    reg        irq_out_q;
    reg [15:0] fw_version;
    reg [2:0]  reset_cause;
    reg [4:0]  host_reset_cnt;
    reg [3:0]  irq_gap;

    // ---- mailboxes ----
    wire       cmd_we = wr_stb && reg_off == `SHBA_HOST_COMMAND && !busy_q &&
                        cmd_ptr < `SHBA_HOST_CMD_BLOCK_LEN;
    wire [7:0] cmd_dout;
    mailbox_ram #(.AW(5)) u_cmd_ram (
        .clk(clk), .we(cmd_we), .waddr(cmd_ptr), .wdata(wr_data[7:0]),
        .raddr(bus_addr[6:2]), .rdata(cmd_dout));

    wire hif_req = bus_valid && !bus_ready;
    wire hif_wr = hif_req && (bus_wstrb != 4'b0000);
    wire hif_rd = hif_req && (bus_wstrb == 4'b0000);
    wire hif_regs = (bus_addr[11:6] == 6'd0);   // the register block 0x000-0x03F
    wire res_we = hif_wr && bus_addr[11:8] == 4'h2;
    wire [7:0] res_dout;
    mailbox_ram #(.AW(6)) u_res_ram (
        .clk(clk), .we(res_we), .waddr(bus_addr[7:2]), .wdata(bus_wdata[7:0]),
        .raddr(res_ptr), .rdata(res_dout));

    // ---- host reads ----
    wire [7:0] status_byte = {int_enable, pio_ready, hstatus[5:2], (int_status != 3'b000), busy_q};
    reg [7:0] id_byte;
    always @(*) begin
        case (id_ptr)
            3'd0: id_byte = `SHBA_HOST_ID_SIG0;
            3'd1: id_byte = `SHBA_HOST_ID_SIG1;
            3'd2: id_byte = `SHBA_HOST_ID_SIG2;
            3'd3: id_byte = `SHBA_HOST_ID_SIG3;
            3'd4: id_byte = fw_version[15:8];
            3'd5: id_byte = fw_version[7:0];
            3'd6: id_byte = `SHBA_HOST_RTL_VERSION_MAJOR;
            default: id_byte = `SHBA_HOST_RTL_VERSION_MINOR;
        endcase
    end
    always @(*) begin
        case (reg_off)
            `SHBA_HOST_STATUS: rd_data = {8'h00, status_byte};
            `SHBA_HOST_RESULT: rd_data = {8'h00, (res_ptr < `SHBA_HOST_RES_BLOCK_LEN) ? res_dout : 8'h00};
            `SHBA_HOST_INT_STATUS: rd_data = {13'h0000, int_status};
            `SHBA_HOST_CONFIG: rd_data = {8'h00, config_q};
            `SHBA_HOST_XFER_COUNT0: rd_data = {8'h00, xfer_remaining[7:0]};
            `SHBA_HOST_XFER_COUNT1: rd_data = {8'h00, xfer_remaining[15:8]};
            `SHBA_HOST_XFER_COUNT2: rd_data = {8'h00, xfer_remaining[23:16]};
            `SHBA_HOST_XFER_CTRL: rd_data = {11'h000, tc_end, xfer_pio, xfer_width16, xfer_dir_to_host, xfer_armed};
            `SHBA_HOST_DATA: rd_data = reg_word ? pio_rd_data : {8'h00, pio_rd_data[7:0]};
            `SHBA_HOST_DATA_HI: rd_data = {8'h00, pio_rd_data[7:0]};
            `SHBA_HOST_ID: rd_data = {8'h00, id_byte};
            `SHBA_HOST_BUS_TIME: rd_data = {8'h00, bus_time_q};
            default: rd_data = 16'h0000;   // reserved ports
        endcase
    end

    wire is_data = (reg_off == `SHBA_HOST_DATA) || (reg_off == `SHBA_HOST_DATA_HI);
    assign pio_rd_start = rd_start && is_data;
    assign pio_rd_end = rd_end && is_data;
    assign pio_wr = wr_stb && is_data;

    // ---- CPU reads ----
    reg [31:0] hif_rdata_q;
    reg        hif_sel_cmd_q;
    // 0 outside the answering cycle (the CPU read buses are ORed, not muxed)
    assign bus_rdata = {24'h000000, hif_sel_cmd_q ? cmd_dout : 8'h00} | hif_rdata_q;

    // ---- strobes decoded this cycle ----
    wire host_ctrl_wr = wr_stb && reg_off == `SHBA_HOST_CONTROL;
    wire ctl_start = host_ctrl_wr && wr_data[`SHBA_HOST_CONTROL_START];
    wire ctl_ack = host_ctrl_wr && wr_data[`SHBA_HOST_CONTROL_INT_ACK];
    // ABORT, like ARM, is taken only inside a command (BUSY): one written
    // after CMD_DONE (the host's abort racing the completion) would stay in
    // EVENTS and abort the next command (docs/protocol.md, "ABORT and
    // completion").
    wire ctl_abort = host_ctrl_wr && busy_q && wr_data[`SHBA_HOST_CONTROL_ABORT];
    wire ctl_reset = host_ctrl_wr && wr_data[`SHBA_HOST_CONTROL_RESET];
    wire ctl_ptr_reset = host_ctrl_wr && wr_data[`SHBA_HOST_CONTROL_CMD_PTR_RESET];
    wire post_wr = hif_wr && hif_regs && bus_addr[5:2] == REG_POST;
    wire [2:0] post_bits = post_wr ? bus_wdata[2:0] : 3'b000;
    wire [2:0] int_new = post_bits & ~int_status;
    wire xctrl_wr = wr_stb && reg_off == `SHBA_HOST_XFER_CTRL;
    // ARM is taken only inside a command (BUSY): an ARM that arrives after
    // CMD_DONE (HwDmaStarted late, docs/protocol.md) would stay armed into
    // the next command, which the firmware would see as an overrun.
    wire arm_wr = xctrl_wr && busy_q && !xfer_armed && wr_data[`SHBA_HOST_XFER_CTRL_ARM];
    wire cancel_wr = xctrl_wr && xfer_armed && !wr_data[`SHBA_HOST_XFER_CTRL_ARM];
    // The engine never moves more than is left, so "the move used up the
    // rest" only needs the low bits (a small compare instead of a 24-bit one).
    assign xfer_rem_small = (xfer_remaining[23:3] == 21'd0);
    wire rem_used_up = xfer_rem_small && !xfer_remaining[2] && (xfer_remaining[1:0] <= moved_bytes);
    wire seg_end_moved = moved && (tc_hit || rem_used_up);
    wire start_ok = ctl_start && !busy_q;
    wire [3:0] ev_set = {seg_end_moved || (arm_wr && xfer_remaining == 24'd0) || cancel_wr,
                         ctl_abort, arm_wr, start_ok};
    wire [3:0] ev_clr = (hif_wr && hif_regs && bus_addr[5:2] == REG_EVENTS) ? bus_wdata[3:0] : 4'h0;
    // POST.CMD_DONE ends the command and its events with it (pending, or
    // raised in that same cycle): none of them may reach the next command.
    localparam [3:0] EV_PER_CMD = (4'd1 << `SHBA_HOSTIF_EVENTS_ARM) | (4'd1 << `SHBA_HOSTIF_EVENTS_SEG_END) |
                                  (4'd1 << `SHBA_HOSTIF_EVENTS_ABORT);
    wire [3:0] ev_done_clr = post_bits[`SHBA_HOSTIF_POST_CMD_DONE] ? EV_PER_CMD : 4'h0;
    wire [2:0] int_clr = ctl_ack ? 3'b111 :
                         ((wr_stb && reg_off == `SHBA_HOST_INT_STATUS) ? wr_data[2:0] : 3'b000);
    wire irq_level = int_enable && (int_status != 3'b000) && (irq_gap == 4'd0);

    wire [2:0] irq_sel = config_q[`SHBA_HOST_CONFIG_IRQ_SEL_MSB:`SHBA_HOST_CONFIG_IRQ_SEL_LSB];
    wire [3:0] irq_line = shba_host_config_irq_sel_value(irq_sel);
    wire irq_sel_none = (irq_sel == `SHBA_HOST_CONFIG_IRQ_SEL_NONE);
    // The line decode is a function of CONFIG (a register) alone, so only the
    // level needs a flop.
    assign isa_irq_oe = irq_sel_none ? 16'h0000 : (16'd1 << irq_line);
    assign isa_irq = irq_out_q ? isa_irq_oe : 16'h0000;

    always @(posedge clk) begin
        if (rst) begin
            config_q <= cfg_resources;
            bus_time_q <= {4'd`SHBA_HOST_BUS_OFF_DEFAULT, 4'd`SHBA_HOST_BUS_ON_DEFAULT};
            int_enable <= 1'b0;
            reset_cause <= isa_reset_sync ? (3'd1 << `SHBA_HOSTIF_RESET_CAUSE_ISA_RESET)
                                          : (3'd1 << `SHBA_HOSTIF_RESET_CAUSE_POWER_ON);
            host_reset_cnt <= 5'd0;
            irq_out_q <= 1'b0;
        end else begin
            if (host_reset_cnt != 5'd0)
                host_reset_cnt <= host_reset_cnt - 5'd1;
            if (host_ctrl_wr)
                int_enable <= wr_data[`SHBA_HOST_CONTROL_INT_ENABLE];
            if (wr_stb && reg_off == `SHBA_HOST_CONFIG)
                config_q <= wr_data[7:0];
            if (wr_stb && reg_off == `SHBA_HOST_BUS_TIME)
                bus_time_q <= wr_data[7:0];
            if (ctl_reset) begin
                reset_cause <= 3'd1 << `SHBA_HOSTIF_RESET_CAUSE_HOST_RESET;
                host_reset_cnt <= 5'd16;
            end
            irq_out_q <= irq_level;
        end
    end

    // Everything the card reset clears (CONFIG, BUS_TIME and the interrupt enable survive).
    wire card_clear = rst || ctl_reset;

    always @(posedge clk) begin
        xfer_flush <= 1'b0;
        bus_ready <= 1'b0;
        hif_sel_cmd_q <= 1'b0;
        hif_rdata_q <= 32'h0;
        if (card_clear) begin
            busy_q <= 1'b0;
            int_status <= 3'b000;
            events <= 4'h0;
            event_en <= 4'h0;
            hstatus <= 4'h0;
            cmd_ptr <= 5'd0;
            res_ptr <= 6'd0;
            id_ptr <= 3'd0;
            xfer_remaining <= 24'd0;
            xfer_armed <= 1'b0;
            xfer_dir_to_host <= 1'b0;
            xfer_width16 <= 1'b0;
            xfer_pio <= 1'b0;
            tc_end <= 1'b0;
            xfer_done <= 17'd0;
            stray_count <= 8'd0;
            fw_version <= 16'h0000;
            irq_gap <= 4'd0;
            xfer_flush <= 1'b1;
        end else begin
            if (irq_gap != 4'd0)
                irq_gap <= irq_gap - 4'd1;
            events <= ((events & ~ev_clr) | ev_set) & ~ev_done_clr;
            int_status <= (int_status & ~int_clr) | post_bits;

            // -- data moved on the ISA side --
            if (moved) begin
                // never below 0: the engine moves at most what is left
                xfer_remaining <= xfer_remaining - {22'd0, moved_bytes};
                xfer_done <= xfer_done + {15'd0, moved_bytes};
                if (tc_hit || rem_used_up) begin
                    xfer_armed <= 1'b0;
                    tc_end <= tc_hit && !rem_used_up;
                end
            end
            if (stray && stray_count != 8'hFF)
                stray_count <= stray_count + 8'd1;

            // -- host writes --
            if (ctl_start && !busy_q) begin
                busy_q <= 1'b1;
                cmd_ptr <= 5'd0;
            end
            if (ctl_ptr_reset)
                cmd_ptr <= 5'd0;
            if (ctl_abort) begin
                xfer_armed <= 1'b0;
                xfer_flush <= 1'b1;
            end
            if (cmd_we)
                cmd_ptr <= cmd_ptr + 5'd1;
            if (wr_stb && !xfer_armed) begin
                if (reg_off == `SHBA_HOST_XFER_COUNT0)
                    xfer_remaining[7:0] <= wr_data[7:0];
                if (reg_off == `SHBA_HOST_XFER_COUNT1)
                    xfer_remaining[15:8] <= wr_data[7:0];
                if (reg_off == `SHBA_HOST_XFER_COUNT2)
                    xfer_remaining[23:16] <= wr_data[7:0];
            end
            if (wr_stb && reg_off == `SHBA_HOST_XFER_CTRL) begin
                if (!xfer_armed) begin
                    xfer_dir_to_host <= wr_data[`SHBA_HOST_XFER_CTRL_DIR_TO_HOST];
                    xfer_width16 <= wr_data[`SHBA_HOST_XFER_CTRL_WIDTH16];
                    xfer_pio <= wr_data[`SHBA_HOST_XFER_CTRL_PIO];
                    if (arm_wr) begin
                        tc_end <= 1'b0;
                        // the segment is what XFER_COUNT0-2 hold now (written, or
                        // left over from the last segment)
                        if (xfer_remaining != 24'd0)
                            xfer_armed <= 1'b1;   // an empty segment ends at once (SEG_END)
                    end
                end else if (!wr_data[`SHBA_HOST_XFER_CTRL_ARM]) begin
                    // the host withdraws the armed segment
                    xfer_armed <= 1'b0;
                    xfer_flush <= 1'b1;
                end
            end
            if (rd_end && reg_off == `SHBA_HOST_RESULT && res_ptr < `SHBA_HOST_RES_BLOCK_LEN)
                res_ptr <= res_ptr + 6'd1;
            if (rd_end && reg_off == `SHBA_HOST_ID)
                id_ptr <= id_ptr + 3'd1;
            if (wr_stb && reg_off == `SHBA_HOST_ID_RESET)
                id_ptr <= 3'd0;

            // -- CPU side --
            if (post_wr) begin
                if (post_bits[`SHBA_HOSTIF_POST_CMD_DONE]) begin
                    busy_q <= 1'b0;
                    res_ptr <= 6'd0;
                    // A segment the command did not use up (an underrun or an
                    // error) must not stay armed into the next command.
                    xfer_armed <= 1'b0;
                    xfer_flush <= 1'b1;
                end
                if (irq_level && int_new != 3'b000)
                    irq_gap <= 4'd12;      // fresh edge for a new cause while the line is high
            end
            if (hif_req) begin
                bus_ready <= 1'b1;
                hif_sel_cmd_q <= hif_rd && bus_addr[11:8] == 4'h1;
                if (hif_rd && hif_regs) begin
                    // registers 0x000-0x03C: a 4-bit select instead of 12-bit compares
                    // (EVENT_EN, HSTATUS and FW_VERSION are write-only)
                    case (bus_addr[5:2])
                        REG_EVENTS: hif_rdata_q <= {28'h0, events};
                        REG_XFER_CTRL: hif_rdata_q <= {27'h0, tc_end, xfer_pio, xfer_width16, xfer_dir_to_host, xfer_armed};
                        REG_XFER_COUNT, REG_XFER_REMAIN: hif_rdata_q <= {8'h0, xfer_remaining};
                        REG_XFER_DONE: hif_rdata_q <= {15'h0, xfer_done};
                        REG_CONFIG: hif_rdata_q <= {24'h0, config_q};
                        REG_RESET_CAUSE: hif_rdata_q <= {29'h0, reset_cause};
                        REG_DMA_STRAY: hif_rdata_q <= {24'h0, stray_count};
                        default: hif_rdata_q <= 32'h0;
                    endcase
                end else if (hif_wr && hif_regs) begin
                    case (bus_addr[5:2])
                        REG_EVENT_EN: event_en <= bus_wdata[3:0];
                        REG_HSTATUS: hstatus <= bus_wdata[5:2];
                        REG_XFER_DONE: xfer_done <= 17'd0;
                        REG_FW_VERSION: fw_version <= bus_wdata[15:0];
                        REG_DMA_STRAY: stray_count <= 8'd0;
                        default: ;
                    endcase
                end
            end
        end
    end

    wire unused_ok = &{1'b0, bus_addr[1:0], bus_wdata[31:16]};

    assign cpu_irq = (events & event_en) != 4'h0;
    assign host_reset_req = (host_reset_cnt != 5'd0);
    assign busy = busy_q;
    assign fw_ready = hstatus[`SHBA_HOSTIF_HSTATUS_READY];
endmodule
`default_nettype wire
