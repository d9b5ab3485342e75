`default_nettype none
// SD card SPI stream engine.
//
// The CPU sends a whole command with one SEND write (the engine waits for the
// card to be ready, sends the frame with its CRC7 and polls for R1) and reads
// further response bytes one at a time through the DATA register; data blocks of 512 bytes move between the card and the
// data FIFO without the CPU: START_READ waits for each block's start token,
// pushes the data into the FIFO and checks its CRC16; START_WRITE sends the
// start token, data popped from the FIFO, the CRC16, checks the data response
// and waits out busy.  BLK_COUNT blocks run back to back, so CMD18/CMD25
// transfers need no CPU work per block.  SCK is ours: it pauses whenever the
// FIFO is full (read) or empty (write).  Registers: regmap/50-sd.regs.
`include "softhba_regs.vh"

module sd_spi_engine (
    input  wire        clk,
    input  wire        rst,

    // CPU bus slave (docs/architecture.md); only addr[7:0] is decoded
    input  wire        bus_valid,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0] bus_addr,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [31:0] bus_wdata,
    input  wire [3:0]  bus_wstrb,
    output reg  [31:0] bus_rdata,
    output reg         bus_ready,
    output wire        irq,

    // card-side stream ports of the data FIFO
    output reg         fifo_push,
    output reg  [7:0]  fifo_push_data,
    input  wire        fifo_full,
    output reg         fifo_pop,
    input  wire [7:0]  fifo_pop_data,
    input  wire        fifo_empty,

    // SD card, SPI mode 0
    output wire        sd_sck,
    output wire        sd_mosi,
    output wire        sd_cs_n,
    input  wire        sd_miso,

    output wire        active        // for the SD access LED
);
    localparam [4:0] S_IDLE         = 5'd0,
                     S_BYTE         = 5'd1,
                     S_RD_TOKEN     = 5'd2,
                     S_RD_DATA      = 5'd3,
                     S_RD_CRC       = 5'd4,
                     S_WR_GAP       = 5'd5,
                     S_WR_TOKEN     = 5'd6,
                     S_WR_DATA      = 5'd7,
                     S_WR_CRC       = 5'd8,
                     S_WR_RESP      = 5'd9,
                     S_WR_BUSY      = 5'd10,
                     S_WR_STOP      = 5'd11,
                     S_WR_STOP_GAP  = 5'd12,
                     S_WR_STOP_BUSY = 5'd13,
                     S_DRAIN        = 5'd14,
                     S_CMD_READY    = 5'd15,   // SEND: 0xFF until the card is not busy
                     S_CMD_FRAME    = 5'd16,   // SEND: the 6 frame bytes
                     S_CMD_STUFF    = 5'd17,   // SEND: stuff byte (CMD12)
                     S_CMD_R1       = 5'd18;   // SEND: 0xFF until R1 (at most 9)

    // error bits as they sit in STATUS
    localparam [8:0] E_TOKEN_TIMEOUT = 9'd1 << `SHBA_SD_STATUS_TOKEN_TIMEOUT,
                     E_ERROR_TOKEN   = 9'd1 << `SHBA_SD_STATUS_ERROR_TOKEN,
                     E_CRC           = 9'd1 << `SHBA_SD_STATUS_CRC_ERROR,
                     E_REJECTED      = 9'd1 << `SHBA_SD_STATUS_DATA_REJECTED,
                     E_BUSY_TIMEOUT  = 9'd1 << `SHBA_SD_STATUS_BUSY_TIMEOUT,
                     E_ABORTED       = 9'd1 << `SHBA_SD_STATUS_ABORTED;
    localparam [8:0] E_ALL = E_TOKEN_TIMEOUT | E_ERROR_TOKEN | E_CRC | E_REJECTED |
                             E_BUSY_TIMEOUT | E_ABORTED;
    localparam [8:0] W1C = E_ALL | (9'd1 << `SHBA_SD_STATUS_DONE);

    // ---- registers --------------------------------------------------------
    reg        ctrl_cs;
    reg        ctrl_multi;
    reg [7:0]  div;
    reg [15:0] blk_count;    // BLK_COUNT as written (0 counts as 1)
    reg        last_block;   // blk_done + 1 reaches blk_count (registered, see below)
    reg [15:0] blk_done;
    reg [15:0] tmo_token;
    reg [15:0] tmo_busy;
    reg        irq_en_done;
    reg        done;
    reg [8:0]  errors;       // STATUS error bits (positions as in STATUS)
    reg [7:0]  token;
    reg [7:0]  data_rx;
    reg [31:0] cmd_arg;
    reg [5:0]  cmd_index;
    reg        cmd_stuff;
    reg [6:0]  crc7;

    reg [4:0]  st;
    reg [9:0]  byte_cnt;
    reg [7:0]  hold;         // a received byte waiting for FIFO room
    reg        hold_valid;
    reg        cur_crc;      // the byte on the wire feeds the CRC
    reg        op_write;
    reg [9:0]  tmo_pre;      // 1024-clock prescaler
    reg [15:0] tmo_left;     // units left before the current wait times out

    // ---- byte shifter and CRC ---------------------------------------------
    wire       sh_busy, sh_last_edge, sh_sample, sh_tx_bit;
    wire [7:0] sh_rx;
    reg        sh_load;
    reg  [7:0] sh_load_byte;
    reg        sh_stop;

    sd_spi_shifter u_shifter (
        .clk(clk), .rst(rst), .div(div), .stop(sh_stop),
        .load(sh_load), .load_byte(sh_load_byte), .miso(sd_miso),
        .sck(sd_sck), .mosi(sd_mosi), .busy(sh_busy), .last_edge(sh_last_edge),
        .rx_now(sh_rx), .sample(sh_sample), .tx_bit(sh_tx_bit)
    );

    wire [15:0] crc;
    reg         crc_clear;
    sd_crc16 u_crc16 (
        .clk(clk), .rst(rst), .clear(crc_clear),
        .bit_en(sh_sample && cur_crc),
        .bit_in(op_write ? sh_tx_bit : sd_miso),
        .crc(crc)
    );

    assign sd_cs_n = !ctrl_cs;
    assign irq     = done && irq_en_done;
    assign active  = (st != S_IDLE);

    // last_block is registered from blk_done + 1 (the adder blk_done_n uses
    // anyway) and BLK_COUNT, so no subtractor and no compare sits on the path
    // from the engine state to the FIFO pointers.  One cycle late is safe:
    // blk_done and BLK_COUNT change only at a block's end, start or idle,
    // hundreds of cycles before the next block's end reads the flag.
    wire [15:0] blk_done_inc = blk_done + 16'd1;
    // Only RD_TOKEN waits on the token timeout; every other wait is a busy
    // wait.  The wait's limit is loaded when the wait starts and counts down,
    // so a zero test replaces a 16-bit magnitude comparator.  The token limit
    // is loaded by START_READ and after each read block (RD_CRC -> RD_TOKEN).
    wire        tmo_late   = (tmo_left == 16'd0);
    wire        token_late = tmo_late;
    wire        busy_late  = tmo_late;
    wire        fifo_wait  = !sh_busy && ((st == S_RD_DATA && hold_valid) ||
                                          (st == S_WR_DATA && fifo_empty));

    // ---- bus decode -------------------------------------------------------
    wire        acc     = bus_valid && !bus_ready;
    wire        wr      = acc && (bus_wstrb != 4'b0000);
    wire [7:0]  reg_off = bus_addr[7:0];
    wire        wr_cmd  = wr && reg_off == `SHBA_SD_CMD;
    wire        start_rd = wr_cmd && bus_wdata[`SHBA_SD_CMD_START_READ] && st == S_IDLE;
    wire        start_wr = wr_cmd && bus_wdata[`SHBA_SD_CMD_START_WRITE] && st == S_IDLE &&
                           !bus_wdata[`SHBA_SD_CMD_START_READ];
    wire        abort    = wr_cmd && bus_wdata[`SHBA_SD_CMD_ABORT];
    wire        byte_go  = wr && reg_off == `SHBA_SD_DATA && st == S_IDLE;
    wire        send_go  = wr && reg_off == `SHBA_SD_SEND && st == S_IDLE;
    reg         tmo_clear;   // a wait starts (from the state machine)
    wire        tmo_load = tmo_clear || start_rd || start_wr || send_go;

    // ---- the stream state machine (combinational part) --------------------
    // At each byte boundary (the shifter ends a byte, or is idle) the received
    // byte moves the state on, then the new state picks the next byte to send.
    reg [4:0]  st_n;
    reg [9:0]  byte_cnt_n;
    reg [15:0] blk_done_n;
    reg [7:0]  hold_n;
    reg        hold_valid_n;
    reg        ld, ld_crc;
    reg [7:0]  ld_byte;
    reg [8:0]  err_set;
    reg [7:0]  token_n;
    reg [7:0]  data_rx_n;

    always @* begin
        st_n         = st;
        byte_cnt_n   = byte_cnt;
        blk_done_n   = blk_done;
        hold_n       = hold;
        hold_valid_n = hold_valid;
        token_n      = token;
        data_rx_n    = data_rx;
        err_set      = 9'd0;
        tmo_clear    = 1'b0;
        crc_clear    = 1'b0;
        fifo_push      = 1'b0;
        fifo_push_data = hold;
        fifo_pop     = 1'b0;
        ld           = 1'b0;
        ld_crc       = 1'b0;
        ld_byte      = 8'hff;

        if (hold_valid && !fifo_full) begin
            fifo_push    = 1'b1;
            hold_valid_n = 1'b0;
        end

        if (sh_last_edge) begin
            case (st)
            S_BYTE: begin
                data_rx_n = sh_rx;
                st_n      = S_IDLE;
            end
            S_RD_TOKEN: begin
                if (sh_rx == `SHBA_SD_TOKEN_START) begin
                    token_n    = sh_rx;
                    st_n       = S_RD_DATA;
                    byte_cnt_n = 10'd0;
                    crc_clear  = 1'b1;
                end else if (sh_rx[7:4] == 4'h0 && sh_rx[3:0] != 4'h0) begin
                    token_n = sh_rx;
                    err_set = E_ERROR_TOKEN;
                    st_n    = S_DRAIN;
                end else if (token_late) begin
                    err_set = E_TOKEN_TIMEOUT;
                    st_n    = S_DRAIN;
                end
            end
            S_RD_DATA: begin
                // a data byte is loaded only while hold is empty, so one of
                // the FIFO or hold always has room for it
                if (!fifo_full) begin
                    fifo_push      = 1'b1;
                    fifo_push_data = sh_rx;
                end else begin
                    hold_n       = sh_rx;
                    hold_valid_n = 1'b1;
                end
                byte_cnt_n = byte_cnt + 10'd1;
                if (byte_cnt == 10'd511) begin
                    st_n       = S_RD_CRC;
                    byte_cnt_n = 10'd0;
                end
            end
            S_RD_CRC: begin
                byte_cnt_n = 10'd1;
                if (byte_cnt != 10'd0) begin
                    if (crc != 16'h0000) begin
                        err_set = E_CRC;
                        st_n    = S_DRAIN;
                    end else begin
                        blk_done_n = blk_done_inc;
                        tmo_clear  = 1'b1;
                        st_n       = last_block ? S_DRAIN : S_RD_TOKEN;
                    end
                end
            end
            S_WR_GAP: begin
                st_n      = S_WR_TOKEN;
                crc_clear = 1'b1;
            end
            S_WR_TOKEN: begin
                st_n       = S_WR_DATA;
                byte_cnt_n = 10'd0;
            end
            S_WR_DATA: begin
                byte_cnt_n = byte_cnt + 10'd1;
                if (byte_cnt == 10'd511) begin
                    st_n       = S_WR_CRC;
                    byte_cnt_n = 10'd0;
                end
            end
            S_WR_CRC: begin
                byte_cnt_n = 10'd1;
                if (byte_cnt != 10'd0)
                    st_n = S_WR_RESP;
            end
            S_WR_RESP: begin
                token_n = sh_rx;
                if (sh_rx[4:0] == 5'b00101) begin
                    st_n      = S_WR_BUSY;
                    tmo_clear = 1'b1;
                end else begin
                    err_set = E_REJECTED;
                    st_n    = S_DRAIN;
                end
            end
            S_WR_BUSY: begin
                if (sh_rx != 8'h00) begin
                    blk_done_n = blk_done_inc;
                    if (!last_block)
                        st_n = S_WR_GAP;
                    else
                        st_n = ctrl_multi ? S_WR_STOP : S_DRAIN;
                end else if (busy_late) begin
                    err_set = E_BUSY_TIMEOUT;
                    st_n    = S_DRAIN;
                end
            end
            S_WR_STOP:
                st_n = S_WR_STOP_GAP;
            S_WR_STOP_GAP: begin
                st_n      = S_WR_STOP_BUSY;
                tmo_clear = 1'b1;
            end
            S_WR_STOP_BUSY: begin
                if (sh_rx != 8'h00) begin
                    st_n = S_DRAIN;
                end else if (busy_late) begin
                    err_set = E_BUSY_TIMEOUT;
                    st_n    = S_DRAIN;
                end
            end
            S_CMD_READY: begin
                if (sh_rx == 8'hff) begin
                    st_n       = S_CMD_FRAME;
                    byte_cnt_n = 10'd0;
                end else if (busy_late) begin
                    data_rx_n = 8'hff;      // "no answer": the driver tries again
                    st_n      = S_IDLE;
                end
            end
            S_CMD_FRAME: begin
                byte_cnt_n = byte_cnt + 10'd1;
                if (byte_cnt == 10'd5) begin
                    st_n       = cmd_stuff ? S_CMD_STUFF : S_CMD_R1;
                    byte_cnt_n = 10'd0;
                end
            end
            S_CMD_STUFF:
                st_n = S_CMD_R1;
            S_CMD_R1: begin
                byte_cnt_n = byte_cnt + 10'd1;
                if (!sh_rx[7]) begin
                    data_rx_n = sh_rx;
                    st_n      = S_IDLE;
                end else if (byte_cnt == 10'd8) begin
                    data_rx_n = 8'hff;
                    st_n      = S_IDLE;
                end
            end
            default: ;
            endcase
        end

        if (!sh_busy || sh_last_edge) begin
            case (st_n)
            S_RD_TOKEN, S_WR_GAP, S_WR_RESP, S_WR_BUSY, S_WR_STOP_GAP, S_WR_STOP_BUSY,
            S_CMD_READY, S_CMD_STUFF, S_CMD_R1:
                ld = 1'b1;
            S_CMD_FRAME: begin
                ld = 1'b1;
                case (byte_cnt_n[2:0])
                3'd0:    ld_byte = {2'b01, cmd_index};
                3'd1:    ld_byte = cmd_arg[31:24];
                3'd2:    ld_byte = cmd_arg[23:16];
                3'd3:    ld_byte = cmd_arg[15:8];
                3'd4:    ld_byte = cmd_arg[7:0];
                default: ld_byte = {crc7, 1'b1};
                endcase
            end
            S_RD_CRC: begin
                ld     = 1'b1;
                ld_crc = 1'b1;
            end
            S_RD_DATA: begin
                if (!hold_valid_n) begin
                    ld     = 1'b1;
                    ld_crc = 1'b1;
                end
            end
            S_WR_TOKEN: begin
                ld      = 1'b1;
                ld_byte = ctrl_multi ? `SHBA_SD_TOKEN_START_MULTI : `SHBA_SD_TOKEN_START;
            end
            S_WR_DATA: begin
                if (!fifo_empty) begin
                    ld       = 1'b1;
                    ld_crc   = 1'b1;
                    ld_byte  = fifo_pop_data;
                    fifo_pop = 1'b1;
                end
            end
            S_WR_CRC: begin
                ld      = 1'b1;
                ld_byte = (byte_cnt_n == 10'd0) ? crc[15:8] : crc[7:0];
            end
            S_WR_STOP: begin
                ld      = 1'b1;
                ld_byte = `SHBA_SD_TOKEN_STOP;
            end
            default: ;
            endcase
        end

        // the CPU's byte transfer (only from idle) and abort
        sh_stop      = abort;
        sh_load      = (ld && !abort) || byte_go;
        sh_load_byte = byte_go ? bus_wdata[7:0] : ld_byte;
        if (abort) begin
            fifo_pop = 1'b0;
            fifo_push = hold_valid && !fifo_full;
        end
    end

    // ---- sequential part --------------------------------------------------
    always @(posedge clk) begin
        if (rst) begin
            ctrl_cs     <= 1'b0;
            ctrl_multi  <= 1'b0;
            div         <= `SHBA_SD_DIV_400K;
            blk_count   <= 16'd0;
            last_block  <= 1'b1;
            blk_done    <= 16'd0;
            tmo_token   <= 16'd3516;
            tmo_busy    <= 16'd8789;
            irq_en_done <= 1'b0;
            done        <= 1'b0;
            errors      <= 9'd0;
            token       <= 8'h00;
            data_rx     <= 8'hff;
            cmd_arg     <= 32'd0;
            cmd_index   <= 6'd0;
            cmd_stuff   <= 1'b0;
            crc7        <= 7'd0;
            st          <= S_IDLE;
            byte_cnt    <= 10'd0;
            hold        <= 8'h00;
            hold_valid  <= 1'b0;
            cur_crc     <= 1'b0;
            op_write    <= 1'b0;
            tmo_pre     <= 10'd0;
            tmo_left    <= 16'd0;
            bus_ready   <= 1'b0;
            bus_rdata   <= 32'd0;
        end else begin
            st         <= st_n;
            last_block <= (blk_done_inc == blk_count) || (blk_count == 16'd0);
            byte_cnt   <= byte_cnt_n;
            blk_done   <= blk_done_n;
            hold       <= hold_n;
            hold_valid <= hold_valid_n;
            token      <= token_n;
            data_rx    <= data_rx_n;
            errors     <= errors | err_set;
            if (sh_load && (!sh_busy || sh_last_edge))
                cur_crc <= ld_crc && !byte_go;
            // The frame's CRC7 (x^7 + x^3 + 1) follows bytes 0-4 bit by bit as
            // they go out (MSB first); a byte's last bit is sampled before its
            // last edge, where the CRC byte is loaded.
            if (send_go)
                crc7 <= 7'd0;
            else if (sh_sample && st == S_CMD_FRAME && byte_cnt[2:0] != 3'd5)
                crc7 <= {crc7[5:0], 1'b0} ^ ((crc7[6] ^ sh_tx_bit) ? 7'h09 : 7'h00);

            if (tmo_load) begin
                tmo_pre  <= 10'd0;
                tmo_left <= (start_rd || st == S_RD_CRC) ? tmo_token : tmo_busy;
            end else begin
                tmo_pre <= tmo_pre + 10'd1;
                if (tmo_pre == 10'd1023 && !tmo_late)
                    tmo_left <= tmo_left - 16'd1;
            end

            if (st == S_DRAIN && !hold_valid && !sh_busy) begin
                st   <= S_IDLE;
                done <= 1'b1;
            end

            // bus: every access is answered in the next cycle
            bus_ready <= acc;
            bus_rdata <= 32'd0;   // 0 outside the answering cycle: the read buses are ORed
            if (acc) begin
                case (reg_off)
                `SHBA_SD_STATUS:    bus_rdata <= {8'd0, token, 7'd0, fifo_wait, errors[7:2], done, st != S_IDLE};
                `SHBA_SD_DIV:       bus_rdata <= {24'd0, div};
                `SHBA_SD_DATA:      bus_rdata <= {st != S_IDLE, 23'd0, data_rx};
                `SHBA_SD_BLK_DONE:  bus_rdata <= {16'd0, blk_done};
                `SHBA_SD_CRC:       bus_rdata <= {16'd0, crc};
                default:            bus_rdata <= 32'd0;
                endcase
            end
            if (wr) begin
                case (reg_off)
                `SHBA_SD_CTRL: begin
                    ctrl_cs    <= bus_wdata[`SHBA_SD_CTRL_CS];
                    ctrl_multi <= bus_wdata[`SHBA_SD_CTRL_MULTI_WRITE];
                end
                `SHBA_SD_STATUS: begin
                    if (bus_wdata[`SHBA_SD_STATUS_DONE])
                        done <= 1'b0;
                    errors <= (errors | err_set) & ~(bus_wdata[8:0] & E_ALL);
                end
                `SHBA_SD_DIV:       if (st == S_IDLE) div <= bus_wdata[7:0];
                `SHBA_SD_DATA:      if (byte_go) st <= S_BYTE;
                `SHBA_SD_BLK_COUNT: if (st == S_IDLE) begin
                    blk_count <= bus_wdata[15:0];
                end
                `SHBA_SD_TIMEOUT: begin
                    tmo_token <= bus_wdata[15:0];
                    tmo_busy  <= bus_wdata[31:16];
                end
                `SHBA_SD_IRQ_EN:    irq_en_done <= bus_wdata[`SHBA_SD_IRQ_EN_DONE];
                `SHBA_SD_ARG:       if (st == S_IDLE) cmd_arg <= bus_wdata;
                `SHBA_SD_SEND: begin
                    if (send_go) begin
                        cmd_index <= bus_wdata[`SHBA_SD_SEND_INDEX_MSB:`SHBA_SD_SEND_INDEX_LSB];
                        cmd_stuff <= bus_wdata[`SHBA_SD_SEND_STUFF];
                        byte_cnt  <= 10'd0;
                        st        <= bus_wdata[`SHBA_SD_SEND_WAIT_READY] ? S_CMD_READY
                                                                                : S_CMD_FRAME;
                    end
                end
                default: ;
                endcase
            end
            if (start_rd || start_wr) begin
                st        <= start_rd ? S_RD_TOKEN : S_WR_GAP;
                op_write  <= start_wr;
                blk_done  <= 16'd0;
                done      <= 1'b0;
                errors    <= 9'd0;
            end
            if (abort && st != S_IDLE) begin
                st         <= S_IDLE;
                hold_valid <= 1'b0;
                done       <= 1'b1;
                errors     <= errors | E_ABORTED;
            end
        end
    end

    wire unused_ok = &{1'b0, W1C, bus_wdata[31:9], bus_wstrb};
endmodule
`default_nettype wire
