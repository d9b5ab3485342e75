`default_nettype none
// ISA DMA (and PIO data) engine between the ISA bus and the data FIFO.
//
// The card is a DMA slave: it raises DRQ on its configured channel and the
// PC's 8237 runs the cycles.  Card to host (DIR_TO_HOST=1) the 8237 runs
// DACK#+IOR# cycles and the card drives the data from a two-byte prefetch
// register filled from the FIFO head; host to card it runs DACK#+IOW# cycles
// and the card pushes the captured bytes into the FIFO.
//
// DRQ rule (docs/isa.md): while no transfer is in flight DRQ says "one more
// unit can move"; from the moment the card sees its DACK# (S1) until that
// transfer commits, DRQ says "the unit after this one can move too".  The
// 8237 samples DREQ at S4 (demand) or in SI (single), several hundred ns
// after DACK#, so DRQ has settled long before; it never runs a cycle the card
// did not want.  Cycles the card did not want (stray DACK#) are not driven,
// not counted and reported through the stray pulse.
//
// Bus-on/bus-off (HOST BUS_TIME, docs/isa.md): in a demand service DACK# stays
// low while DRQ does, so the card bounds its own hold: ON us after the first
// DACK# of a service it drops DRQ and keeps it low until OFF us after that
// service's DACK# ends, letting refresh, the CPU and other channels in.  A
// service that ends sooner by itself (every single-mode transfer) restarts
// the count and costs nothing.
`include "softhba_regs.vh"
module isa_dma (
    input  wire        clk,
    input  wire        rst,
    // configuration (HOST CONFIG) and transfer registers (HOST XFER_*)
    input  wire [1:0]  cfg_dma8_sel,
    input  wire [1:0]  cfg_dma16_sel,
    input  wire        cfg_wide16,
    input  wire [3:0]  cfg_bus_on_us,      // 0 = no limit
    input  wire [3:0]  cfg_bus_off_us,
    input  wire        xfer_armed,
    input  wire        xfer_dir_to_host,
    input  wire        xfer_width16,
    input  wire        xfer_pio,
    input  wire [2:0]  xfer_remaining,     // its low bits; the rest is xfer_rem_small
    input  wire        xfer_rem_small,     // xfer_remaining < 8 (from host_regs)
    input  wire        flush,              // drop prefetched/pending bytes (ABORT, FIFO CLEAR)
    input  wire        fifo_dir_to_host,
    // raw pins (output-enable gating only)
    input  wire [7:0]  isa_dack_n,
    input  wire        isa_ior_n,
    // synchronised pins
    input  wire [7:0]  dack_n_sync,
    input  wire        ior_n_sync,
    input  wire        iow_n_sync,
    input  wire        tc_sync,
    input  wire [15:0] wr_data_cap,        // SD as last seen while IOW# was low (isa_slave)
    // PIO DATA port accesses (from isa_slave via host_regs decode)
    input  wire        pio_rd_start,
    input  wire        pio_rd_end,
    input  wire        pio_wr,
    input  wire        pio_word,
    output wire [15:0] pio_rd_data,
    output wire        pio_ready,
    // FIFO, ISA side
    input  wire [7:0]  fifo_head,
    input  wire        fifo_empty,
    input  wire [10:0] fifo_level,
    output wire        fifo_pop,
    output wire        fifo_push,
    output wire [7:0]  fifo_push_data,
    // bus outputs
    output wire [7:0]  isa_drq,
    output wire [7:0]  isa_drq_oe,
    output wire [15:0] sd_out,
    output wire [1:0]  sd_oe,
    // to the register file
    output reg         moved,              // bytes moved on the ISA side (pulse)
    output reg  [1:0]  moved_bytes,
    output reg         tc_hit,             // the moved unit came with TC (pulse, with moved)
    output reg         stray,              // a DACK# cycle was ignored (pulse)
    output wire        dma_active
);
`include "softhba_tables.vh"

    // ---- channel selection ----
    wire [2:0] ch8 = shba_host_config_dma8_sel_value(cfg_dma8_sel);
    wire [2:0] ch16 = shba_host_config_dma16_sel_value(cfg_dma16_sel);
    wire ch8_ok = (cfg_dma8_sel != `SHBA_HOST_CONFIG_DMA8_SEL_NONE);
    wire ch16_ok = cfg_wide16 && (cfg_dma16_sel != `SHBA_HOST_CONFIG_DMA16_SEL_NONE);
    wire [2:0] ch = xfer_width16 ? ch16 : ch8;
    wire ch_ok = xfer_width16 ? ch16_ok : ch8_ok;

    // Every decision below compares a count with at most 4 bytes, so the
    // 24-bit remaining count and the 11-bit FIFO level are reduced to 3-bit
    // values capped at 7 (exact below 7), which keeps the arithmetic small.
    //
    // Effective remaining count: the register file applies a moved pulse one
    // clock later, so subtract it here to never act on a stale count.
    wire rem_big = !xfer_rem_small;                           // >= 8: >= 6 after a move
    wire [1:0] moved_now = moved ? moved_bytes : 2'd0;
    wire [2:0] rem_low_sub = xfer_remaining[2:0] - {1'b0, moved_now};
    // (no clamp at 0: a move never takes more than is left)
    wire [2:0] rem_eff = rem_big ? 3'd7 : rem_low_sub;
    wire dir_ok = (xfer_dir_to_host == fifo_dir_to_host);
    wire dma_en = xfer_armed && !xfer_pio && ch_ok && dir_ok && !(moved && tc_hit);
    wire pio_en = xfer_armed && xfer_pio && dir_ok && !(moved && tc_hit);

    // ---- prefetch (card to host) and push queue (host to card) ----
    reg [15:0] pf_data;
    reg [1:0]  pf_cnt;
    reg [15:0] pq_data;
    reg [1:0]  pq_cnt;

    // FIFO level and free space, capped at 7 like rem_eff.
    wire [2:0] level_c = (fifo_level[10:3] != 8'd0) ? 3'd7 : fifo_level[2:0];
    wire       near_full = (fifo_level[9:3] == 7'h7F);            // level 1016..1023
    wire [3:0] free_near = 4'd8 - {1'b0, fifo_level[2:0]};        // 1..8
    wire [2:0] free_c = fifo_level[10] ? 3'd0 :
                        (near_full ? ((free_near > 4'd7) ? 3'd7 : free_near[2:0]) : 3'd7);

    wire [1:0] ub = xfer_width16 ? 2'd2 : 2'd1;                 // DMA unit
    wire [1:0] first = (rem_eff < {1'b0, ub}) ? rem_eff[1:0] : ub;
    wire [2:0] rem_after = rem_eff - {1'b0, first};
    wire [1:0] second = (rem_after < {1'b0, ub}) ? rem_after[1:0] : ub;
    wire [3:0] avail = {1'b0, level_c} + {2'd0, pf_cnt};         // >= 7 means plenty
    wire [2:0] room = (free_c > {1'b0, pq_cnt}) ? free_c - {1'b0, pq_cnt} : 3'd0;
    wire [2:0] two_units = {1'b0, first} + {1'b0, second};

    // ---- DMA cycle tracking ----
    wire dack_s = ch_ok && !dack_n_sync[ch];
    wire dack_raw = ch_ok && !isa_dack_n[ch];
    wire cmd_rd_s = dack_s && !ior_n_sync;
    wire cmd_wr_s = dack_s && !iow_n_sync;
    reg in_cmd, cmd_is_rd, cmd_ok, tc_seen, dack_committed, drive_q, drq_q, drq_aged;
    reg [1:0] nb_q;
    wire cmd_now = cmd_is_rd ? cmd_rd_s : cmd_wr_s;
    wire cmd_start = !in_cmd && (cmd_rd_s || cmd_wr_s);
    wire cmd_end = in_cmd && !cmd_now;
    wire in_service = dack_s && !dack_committed;

    wire want_one = (rem_eff != 3'd0) &&
        (xfer_dir_to_host ? (avail >= {2'd0, first}) : (room >= {1'b0, first}));
    wire want_two = (rem_after != 3'd0) &&
        (xfer_dir_to_host ? (avail >= {1'b0, two_units}) : (room >= two_units));
    wire want = in_service ? want_two : want_one;
    wire tc_now = (dack_s && tc_sync) || (in_cmd && tc_seen);

    // ---- bus-on/bus-off ----
    localparam [31:0] US_LAST = `SHBA_SOC_CLK_HZ / 1000000 - 1;   // 6 bits up to 64 MHz
    reg [5:0] us_div;
    reg [3:0] us_cnt;
    reg hold_on, hold_off;                   // on-window running; DRQ held low
    wire us_tick = (us_div == US_LAST[5:0]);
    wire [3:0] us_next = us_cnt + 4'd1;
    // off-window: wait for the service to end, then count OFF us from there
    wire off_done = !dack_s && (us_cnt == cfg_bus_off_us);

    always @(posedge clk) begin
        // idle: us_div times how long DRQ has been up (DRQ minimum, below);
        // the first DACK# of a service starts the on-window from 0
        if (rst || (hold_on ? !dack_s : (hold_off ? 1'b0 : (!drq_q || dack_s))) ||
            (hold_on && us_tick && us_next == cfg_bus_on_us) || (hold_off && dack_s)) begin
            us_div <= 6'd0;
            us_cnt <= 4'd0;
        end else if (us_tick) begin
            us_div <= 6'd0;
            us_cnt <= us_next;
        end else begin
            us_div <= us_div + 6'd1;
        end
        if (rst) begin
            hold_on <= 1'b0;
            hold_off <= 1'b0;
        end else if (hold_on) begin
            if (!dack_s) begin
                hold_on <= 1'b0;             // ended by itself: no off time owed
            end else if (us_tick && us_next == cfg_bus_on_us) begin
                hold_on <= 1'b0;
                hold_off <= 1'b1;
            end
        end else if (hold_off) begin
            if (off_done)
                hold_off <= 1'b0;
        end else if (dack_s && cfg_bus_on_us != 4'd0) begin
            hold_on <= 1'b1;
        end
    end

    // ---- PIO ----
    wire [1:0] pio_unit = (pio_word ? 2'd2 : 2'd1);
    wire [1:0] pio_nb = (rem_eff < {1'b0, pio_unit}) ? rem_eff[1:0] : pio_unit;
    wire [1:0] status_unit = cfg_wide16 ? 2'd2 : 2'd1;
    wire [1:0] status_nb = (rem_eff < {1'b0, status_unit}) ? rem_eff[1:0] : status_unit;
    reg pio_rd_ok;
    assign pio_rd_data = pf_data;
    assign pio_ready = pio_en && (rem_eff != 3'd0) &&
        (xfer_dir_to_host ? (pf_cnt >= status_nb) : (room >= {1'b0, status_nb}) && (pq_cnt == 2'd0));

    // ---- consumption of the prefetch register this cycle ----
    wire dma_consume = cmd_end && cmd_ok && cmd_is_rd;
    wire pio_consume = pio_rd_end && pio_rd_ok;
    wire [1:0] consume_n = dma_consume ? nb_q : (pio_consume ? pio_nb : 2'd0);
    // prefetch bytes left after a consume; bit 2 set (borrow) means none
    wire [2:0] pf_left = {1'b0, pf_cnt} - {1'b0, consume_n};
    wire fill_en = xfer_armed && xfer_dir_to_host && dir_ok && (consume_n == 2'd0);
    wire [1:0] pf_target = (rem_eff > 3'd1) ? 2'd2 : rem_eff[1:0];
    wire do_fill = fill_en && !fifo_empty && (pf_cnt < pf_target);
    assign fifo_pop = do_fill;

    assign fifo_push = (pq_cnt != 2'd0) && !fifo_level[10];     // level 1024 = full
    assign fifo_push_data = pq_data[7:0];

    always @(posedge clk) begin
        if (rst) begin
            pf_data <= 16'h0000;
            pf_cnt <= 2'd0;
            pq_data <= 16'h0000;
            pq_cnt <= 2'd0;
            in_cmd <= 1'b0;
            cmd_is_rd <= 1'b0;
            cmd_ok <= 1'b0;
            tc_seen <= 1'b0;
            nb_q <= 2'd0;
            dack_committed <= 1'b0;
            drive_q <= 1'b0;
            drq_q <= 1'b0;
            drq_aged <= 1'b0;
            moved <= 1'b0;
            moved_bytes <= 2'd0;
            tc_hit <= 1'b0;
            stray <= 1'b0;
            pio_rd_ok <= 1'b0;
        end else begin
            moved <= 1'b0;
            tc_hit <= 1'b0;
            stray <= 1'b0;

            // prefetch register
            if (flush) begin
                pf_cnt <= 2'd0;
            end else if (consume_n != 2'd0) begin
                pf_cnt <= pf_left[2] ? 2'd0 : pf_left[1:0];
                pf_data <= (consume_n == 2'd2) ? 16'h0000 : {8'h00, pf_data[15:8]};
            end else if (do_fill) begin
                if (pf_cnt == 2'd0)
                    pf_data[7:0] <= fifo_head;
                else
                    pf_data[15:8] <= fifo_head;
                pf_cnt <= pf_cnt + 2'd1;
            end

            // push queue drains one byte per clock into the FIFO
            if (flush) begin
                pq_cnt <= 2'd0;
            end else if (fifo_push) begin
                pq_cnt <= pq_cnt - 2'd1;
                pq_data <= {8'h00, pq_data[15:8]};
            end

            // DMA transfers
            if (!dack_s)
                dack_committed <= 1'b0;
            if (cmd_start) begin
                // DACK# may stay low across a demand/block service: a new
                // command is a new transfer in flight.
                dack_committed <= 1'b0;
                in_cmd <= 1'b1;
                cmd_is_rd <= cmd_rd_s;
                nb_q <= first;
                tc_seen <= tc_sync;
                cmd_ok <= dma_en && (cmd_rd_s ?
                    (xfer_dir_to_host && pf_cnt >= first) :
                    (!xfer_dir_to_host && room >= {1'b0, first} && pq_cnt == 2'd0));
            end else if (in_cmd && !cmd_end) begin
                if (tc_sync)
                    tc_seen <= 1'b1;
            end
            if (cmd_end) begin
                in_cmd <= 1'b0;
                dack_committed <= dack_s;
                if (cmd_ok && dma_en) begin
                    moved <= 1'b1;
                    moved_bytes <= nb_q;
                    tc_hit <= tc_seen;
                    if (!cmd_is_rd && !flush) begin
                        pq_data <= wr_data_cap;
                        pq_cnt <= nb_q;
                    end
                end else begin
                    stray <= 1'b1;
                end
            end

            // PIO
            if (pio_rd_start)
                pio_rd_ok <= pio_en && xfer_dir_to_host && (rem_eff != 3'd0) && (pf_cnt >= pio_nb);
            if (pio_consume) begin
                moved <= 1'b1;
                moved_bytes <= pio_nb;
                pio_rd_ok <= 1'b0;
            end
            if (pio_wr && pio_en && !xfer_dir_to_host && (rem_eff != 3'd0) &&
                pq_cnt == 2'd0 && room >= {1'b0, pio_nb}) begin
                moved <= 1'b1;
                moved_bytes <= pio_nb;
                pq_data <= wr_data_cap;
                pq_cnt <= pio_nb;
            end

            // The 8237 needs DREQ held until DACK#: a DRQ withdrawn outside a
            // service (ABORT, ARM=0 just after it rose) stays up until it is
            // 16 clocks old (444 ns, over one DMA clock down to 2.25 MHz); an
            // older one falls at once (us_div wraps every us, so it cannot
            // tell the age alone: drq_aged).  A DACK# that then comes is a
            // stray cycle, ignored.
            drq_aged <= drq_q && !dack_s && (drq_aged || us_div[4]);
            drq_q <= (dma_en && want && !tc_now && !hold_off) ||
                     (drq_q && !dack_s && !hold_on && !hold_off && !drq_aged &&
                      us_div[5:4] == 2'b00);
            drive_q <= dma_en && xfer_dir_to_host && dack_s &&
                       (in_cmd ? cmd_ok : (pf_cnt >= first));
        end
    end

    // DRQ on the active channel; both configured channels are driven (low
    // when idle), every other DRQ line is left alone.
    wire [7:0] ch_onehot = 8'd1 << ch;
    wire [7:0] oe8 = ch8_ok ? (8'd1 << ch8) : 8'd0;
    wire [7:0] oe16 = ch16_ok ? (8'd1 << ch16) : 8'd0;
    assign isa_drq = (drq_q && ch_ok) ? ch_onehot : 8'd0;
    assign isa_drq_oe = oe8 | oe16;

    wire drive = drive_q && dack_raw && !isa_ior_n;
    assign sd_out = pf_data;
    assign sd_oe = {drive && xfer_width16, drive};
    assign dma_active = dma_en;
endmodule
`default_nettype wire
