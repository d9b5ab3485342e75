`default_nettype none
// rv32_cpu: softhba's own RV32I(M) core with Zicsr and machine-mode traps.
//
// A small multi-cycle machine (docs/cpu.md has the diagram and the cycle
// counts).  FETCH waits for the instruction word and decodes it into
// registered control bits while the register file reads the operands; most
// instructions then finish in one EXECUTE cycle, which also issues the next
// fetch.  Loads and stores add a MEMORY state; shifts move the work register
// `lo` one place per cycle; the M extension runs a shift-add multiply or a
// restoring divide one bit per cycle through the main adder.  Interrupts are
// taken when a fetch completes: the fetched word is dropped and the handler is
// fetched instead, so mepc is simply the address of the dropped instruction.
//
// Timing: every control bit in EXECUTE comes straight from a register
// (the adder's operand controls are set a cycle ahead), each operand bit is
// one LUT in front of the single 33-bit adder, and wherever the adder's sum
// or carry out (compare) meets other sources, the other sources are cut out
// with (* keep *) so the late signal enters only the last LUT.  A branch
// puts pc + imm on bus_addr whatever the outcome and decides only bus_valid
// and the next state: taken fetches at once, not taken spends one cycle in
// S_NEXT fetching pc + 4.  pc itself is loaded from bus_addr at each fetch.
//
// The register file is a 64x32 memory with a registered read: two copies (one
// per read port), each mapped by yosys onto two SB_RAM40_4K blocks.  Words
// 32-39 hold CSRs (mtvec, mscratch, mepc, mtval and the counters above their
// low 8 bits, which are flip-flops).  SYSTEM instructions swap the read
// ports: A reads the CSR word in place of rs1, B reads rs1, so that a CSR
// write (an extra cycle, S_CSRW) computes the new value in the logic unit.
// Trap entry writes mtval and mepc in two cycles; when a counter's flip-flop
// bits wrap, the next fetch is dropped and S_CNT adds 2^8 (or the low
// word's carry) to the counter word.  The read
// addresses come from bus_rdata in the cycle the instruction arrives; the
// read data stays in the block RAM output registers until the next fetch,
// so multi-cycle instructions use rs1/rs2 throughout.
//
// Bus: picorv32-style valid/ready (docs/architecture.md).  bus_addr is the byte
// address; stores put their data in the addressed byte lanes with wstrb set;
// loads read the whole word and pick the lanes themselves.
module rv32_cpu #(
    parameter [31:0] RESET_ADDR = 32'h0000_0000,
    parameter        ENABLE_MUL = 1,          // M extension (iterative multiply/divide)
    parameter [31:0] HART_ID    = 32'h0000_0000
) (
    input  wire        clk,
    input  wire        rst,
    output reg         bus_valid,
    output reg         bus_instr,
    input  wire        bus_ready,
    output reg  [31:0] bus_addr,
    output reg  [31:0] bus_wdata,
    output reg  [3:0]  bus_wstrb,
    input  wire [31:0] bus_rdata,
    input  wire        irq_timer,
    input  wire        irq_external
);
    localparam MUL = ENABLE_MUL != 0;

    // One-hot states
    localparam S_FETCH = 0;     // waiting for the instruction word
    localparam S_EXEC  = 1;     // operands ready: compute, write back
    localparam S_MEM   = 2;     // load/store on the bus
    localparam S_SHIFT = 3;     // shift lo one place per cycle
    localparam S_MDNEG = 4;     // divide: |dividend| into lo
    localparam S_MD    = 5;     // multiply/divide: one bit per cycle
    localparam S_PICK  = 6;     // move the wanted result half into hi
    localparam S_FIN   = 7;     // write back hi or -hi
    localparam S_BRMIS = 8;     // branch to a misaligned target: trap if taken
    localparam S_NEXT  = 9;     // branch not taken: fetch pc + 4
    localparam S_CSRW  = 10;    // write the CSR (rd was written in EXECUTE)
    localparam S_IRQ   = 11;    // interrupt: mtval = 0
    localparam S_TRAP  = 12;    // trap: mepc = pc, fetch mtvec
    localparam S_CNT   = 13;    // counter word + 2^8 or + 1 (then fetch again)
    localparam NSTATES = 14;

    // Major opcodes (instr[6:2])
    localparam [4:0] OPC_LOAD   = 5'b00000;
    localparam [4:0] OPC_MISC   = 5'b00011;
    localparam [4:0] OPC_OPIMM  = 5'b00100;
    localparam [4:0] OPC_AUIPC  = 5'b00101;
    localparam [4:0] OPC_STORE  = 5'b01000;
    localparam [4:0] OPC_OP     = 5'b01100;
    localparam [4:0] OPC_LUI    = 5'b01101;
    localparam [4:0] OPC_BRANCH = 5'b11000;
    localparam [4:0] OPC_JALR   = 5'b11001;
    localparam [4:0] OPC_JAL    = 5'b11011;
    localparam [4:0] OPC_SYSTEM = 5'b11100;

    // Exception and interrupt codes (mcause)
    localparam [3:0] EXC_IADDR_MISALIGN = 4'd0;
    localparam [3:0] EXC_ILLEGAL        = 4'd2;
    localparam [3:0] EXC_BREAKPOINT     = 4'd3;
    localparam [3:0] EXC_LOAD_MISALIGN  = 4'd4;
    localparam [3:0] EXC_STORE_MISALIGN = 4'd6;
    localparam [3:0] EXC_ECALL_M        = 4'd11;
    localparam [3:0] IRQ_TIMER          = 4'd7;
    localparam [3:0] IRQ_EXTERNAL       = 4'd11;

    // misa: MXL=1 (32 bit), I, and M when enabled.
    localparam [31:0] MISA_VALUE = 32'h4000_0100 | (MUL ? 32'h0000_1000 : 32'h0);

    // Register-file words above the 32 integer registers hold CSRs (the
    // block RAMs are 256 deep): read through port A, written through the
    // one write port.  Word 0 (x0) reads 0 for the flip-flop CSRs.
    localparam [5:0] RF_MTVEC    = 6'b100_001;
    localparam [5:0] RF_MEPC     = 6'b100_101;
    localparam [5:0] RF_MTVAL    = 6'b100_111;
    // The counters: the low CNT_BITS bits of mcycle/minstret are flip-flop
    // counters, the rest of the low and the high halves register-file words
    // (slot {instret, high, 0}), moved on by S_CNT.  Words 40 and 41 are
    // constants (2^CNT_BITS and 1) that port A reads as S_CNT's addend.
    localparam       CNT_BITS    = 8;
    localparam [5:0] RF_CNT_LO   = 6'b101_000;
    localparam [5:0] RF_CNT_ONE  = 6'b101_001;

    reg [NSTATES-1:0] state;
    reg [31:2] pc;              // the instruction being executed (loaded at each fetch)
    reg [31:0] instr;           // only rd, funct3, instr[30] and the CSR address are used
    reg [31:0] imm;

    // ------------------------------------------------------------------
    // Register file: two registered-read copies, written together.
    reg [31:0] regs_a [0:63];
    reg [31:0] regs_b [0:63];
    reg [31:0] rs1_val;         // rs1, or the CSR word for SYSTEM instructions
    reg [31:0] rs2_val;         // rs2, or rs1 for SYSTEM instructions
    reg        rf_we;           // combinational, below
    reg [5:0]  rf_waddr;
    reg [31:0] rf_wdata;
    wire [4:0] rd = instr[11:7];

    integer i;
    initial begin
        // x0 and the CSR words start at 0 (block RAM initial contents on the
        // FPGA); x0 is never written.
        for (i = 0; i < 64; i = i + 1) begin
            regs_a[i] = 32'h0;
            regs_b[i] = 32'h0;
        end
        regs_a[RF_CNT_LO]  = 32'h1 << CNT_BITS;
        regs_a[RF_CNT_ONE] = 32'h1;
    end

    wire fetch_done = state[S_FETCH] && bus_ready;
    wire trap;                  // trap entry (below)
    wire exec       = state[S_EXEC];

    // Port A address at fetch: rs1, or for SYSTEM (opcode 111xx; the others
    // are illegal) the CSR word: mtvec, mscratch, mepc (also for mret, whose
    // "CSR field" is 0x302), mtval, the counters; x0 for the CSRs kept in
    // flip-flops.
    wire [31:0] fw   = bus_rdata;
    wire [11:0] fcsr = fw[31:20];
    wire f_sys      = &fw[6:4];
    wire f_bram_csr = fcsr[11] ? !(fcsr[10] && fcsr[9]) :     // counters (not F11-F14)
                      fcsr[6] ? (!fcsr[2] && fcsr[1:0] != 2'b10) :
                      (fcsr[1] || (fcsr[2] && fcsr[0]));
    // slots: 000 mcycle, 010 mcycleh, 100 minstret, 110 minstreth,
    // 001 mtvec, 011 mscratch, 101 mepc (0x341, and 0x302 for mret), 111 mtval
    wire [2:0] f_slot = fcsr[11] ? {fcsr[1], fcsr[7], 1'b0} :
                        {fcsr[1] | (fcsr[6] & fcsr[0]), fcsr[6] & (fcsr[1] | !fcsr[0]), 1'b1};
    // SYSTEM instructions swap the ports: A reads the CSR word, B rs1, so
    // that the logic unit (rs1_val op op_b) computes the CSR's new value.
    wire [5:0] f_raddr_a = !f_sys ? {1'b0, fw[19:15]} :
                           f_bram_csr ? {3'b100, f_slot} : 6'd0;
    wire [5:0] f_raddr_b = {1'b0, f_sys ? fw[19:15] : fw[24:20]};

    reg  rb_trap;               // read mtvec on port A (trap entry), below
    wire ra_en = fetch_done || rb_trap;
    // A counter's flip-flop part wrapped (or the low word carried into the
    // high one): at the next fetch, drop the word, read the counter word on
    // port B and the addend word on port A, add in S_CNT.  mcycle's
    // flip-flops wrap at any edge, also at the one that ends the fetch: that
    // fetch is dropped too, so no instruction sees them wrapped with the
    // word not yet moved on.
    reg  cyc_pend, ins_pend, cych_pend, insh_pend;
    // A write of a high half made while the low word still has to move on
    // for this instruction (or this cycle): that move's carry is dropped, the
    // written value wins (privileged spec: the write comes after the
    // instruction's own increment).
    reg  cych_drop, insh_drop;
    reg  [CNT_BITS-1:0] cyc_ff, ins_ff;
    wire cyc_wrap = &cyc_ff;
    wire cnt_sel  = (cyc_pend || cyc_wrap || ins_pend || cych_pend || insh_pend) && !irq_pending;
    wire cnt_take = fetch_done && cnt_sel;
    wire cnt_low  = cyc_pend || cyc_wrap || ins_pend;
    wire [2:0] cnt_slot = {!(cyc_pend || cyc_wrap) && (ins_pend || !cych_pend), !cnt_low, 1'b0};
    wire [5:0] raddr_b = cnt_sel ? {3'b100, cnt_slot} : f_raddr_b;
    wire [5:0] raddr_a = rb_trap ? RF_MTVEC :
                         cnt_sel ? (cnt_low ? RF_CNT_LO : RF_CNT_ONE) : f_raddr_a;

    always @(posedge clk) begin
        if (rf_we) begin
            regs_a[rf_waddr] <= rf_wdata;
            regs_b[rf_waddr] <= rf_wdata;
        end
        if (ra_en)
            rs1_val <= regs_a[raddr_a];
        if (fetch_done)
            rs2_val <= regs_b[raddr_b];
    end

    // ------------------------------------------------------------------
    // Decode, from the arriving word into registers.  Every operation flag
    // is set only for a legal encoding, so an illegal word does nothing but
    // trap.
    function csr_exists(input [11:0] a);
        case (a)
            12'h300, 12'h301, 12'h304, 12'h305, 12'h340, 12'h341, 12'h342, 12'h343, 12'h344,
            12'hB00, 12'hB02, 12'hB80, 12'hB82, 12'hC00, 12'hC02, 12'hC80, 12'hC82,
            12'hF11, 12'hF12, 12'hF13, 12'hF14: csr_exists = 1'b1;
            default: csr_exists = 1'b0;
        endcase
    endfunction

    wire [4:0]  fopc = fw[6:2];
    wire [2:0]  ff3  = fw[14:12];
    wire [6:0]  ff7  = fw[31:25];
    wire        fw32 = fw[1:0] == 2'b11;
    wire f_op      = fopc == OPC_OP;
    wire f_opimm   = fopc == OPC_OPIMM;
    wire f_muldiv  = MUL && f_op && ff7 == 7'b0000001;
    wire f_alu     = f_opimm || (f_op && !f_muldiv);
    wire f_csr     = fopc == OPC_SYSTEM && ff3[1:0] != 2'b00;
    wire f_ecall   = fw == 32'h0000_0073;
    wire f_ebreak  = fw == 32'h0010_0073;
    wire f_mret    = fw == 32'h3020_0073;
    wire f_wfi     = fw == 32'h1050_0073;
    wire f_csr_ok  = csr_exists(fcsr) &&
                     !(fw[31:30] == 2'b11 && (ff3[1:0] == 2'b01 || fw[19:15] != 5'd0));
    wire f_slt     = f_alu && ff3[2:1] == 2'b01;
    wire f_shift   = f_alu && ff3[1:0] == 2'b01;
    wire f_logic   = f_alu && ff3[2] && ff3 != 3'b101;
    wire f_jal_mis = fopc == OPC_JAL && fw[21];   // target bit 1 = imm[1]

    reg f_legal;
    always @(*) begin
        f_legal = 1'b0;
        if (fw32) begin
            case (fopc)
                OPC_LUI, OPC_AUIPC, OPC_JAL: f_legal = 1'b1;
                OPC_JALR:   f_legal = ff3 == 3'b000;
                OPC_BRANCH: f_legal = ff3[2:1] != 2'b01;
                OPC_LOAD:   f_legal = ff3 != 3'b011 && ff3[2:1] != 2'b11;
                OPC_STORE:  f_legal = ff3[2] == 1'b0 && ff3[1:0] != 2'b11;
                OPC_OPIMM:  f_legal = ff3 == 3'b001 ? ff7 == 7'b0000000 :
                                      ff3 == 3'b101 ? (ff7 == 7'b0000000 || ff7 == 7'b0100000) :
                                      1'b1;
                OPC_OP:     f_legal = ff7 == 7'b0000000 || f_muldiv ||
                                      (ff7 == 7'b0100000 && (ff3 == 3'b000 || ff3 == 3'b101));
                OPC_MISC:   f_legal = ff3[2:1] == 2'b00;              // fence, fence.i
                OPC_SYSTEM: f_legal = f_ecall || f_ebreak || f_mret || f_wfi || (f_csr && f_csr_ok);
                default:    f_legal = 1'b0;
            endcase
        end
    end

    wire ok = f_legal;
    reg d_brmis;                // branch whose target has bit 1 set
    reg d_load, d_store, d_branch, d_jalr, d_auipc, d_csr, d_csr_we, d_mret;
    reg d_shift, d_muldiv, d_div;
    reg d_csr_bram;             // the CSR lives in the register file (slot d_slot)
    reg [2:0] d_slot;
    reg d_addr_sum;             // next bus address from the adder (load, store, jalr)
    reg d_addr_tgt;             // next fetch at pc + imm (jal, branch)
    reg d_slt;                  // result is the compare bit
    reg d_logic;                // result from the logic unit
    reg [1:0] d_lop;            // logic unit: 00 xor, 10 or, 11 and, 01 pass B (lui)
    reg d_wb_alu;               // EXECUTE writes the ALU result to rd
    reg d_wb_side;              // EXECUTE writes pc+4 / pc+imm / the CSR to rd
    reg d_rd_nz;                // rd != x0
    reg d_exc;                  // illegal, ecall, ebreak, misaligned jal
    reg d_tval_tgt;             // misaligned jal: mtval = target
    reg [3:0] d_exc_code;

    always @(posedge clk) begin
        if (fetch_done) begin
            instr     <= fw;
            d_load    <= ok && fopc == OPC_LOAD;
            d_store   <= ok && fopc == OPC_STORE;
            d_branch  <= ok && fopc == OPC_BRANCH && !fw[8];
            d_brmis   <= ok && fopc == OPC_BRANCH && fw[8];   // imm[1]
            d_jalr    <= ok && fopc == OPC_JALR;
            d_auipc   <= ok && fopc == OPC_AUIPC;
            d_csr     <= ok && f_csr;
            d_csr_we  <= ok && f_csr && (ff3[1:0] == 2'b01 || fw[19:15] != 5'd0);
            d_csr_bram <= f_bram_csr;
            d_slot    <= f_slot;
            d_mret    <= ok && f_mret;
            d_shift   <= ok && f_shift;
            d_muldiv  <= ok && f_muldiv;
            d_div     <= ff3[2];
            d_addr_sum <= fopc == OPC_LOAD || fopc == OPC_STORE || fopc == OPC_JALR;
            d_addr_tgt <= fopc == OPC_JAL || fopc == OPC_BRANCH;
            d_slt     <= f_slt;
            d_logic   <= f_logic || fopc == OPC_LUI;
            d_lop     <= fopc == OPC_LUI ? 2'b01 : {ff3[1], ff3[0]};
            d_wb_alu  <= ok && ((f_alu && !f_shift) || fopc == OPC_LUI);
            d_wb_side <= ok && (fopc == OPC_AUIPC || fopc == OPC_JALR ||
                                (fopc == OPC_JAL && !fw[21]) || f_csr);
            d_rd_nz   <= fw[11:7] != 5'd0;
            d_exc     <= !ok || f_ecall || f_ebreak || f_jal_mis;
            d_tval_tgt <= ok && f_jal_mis;
            d_exc_code <= !ok      ? EXC_ILLEGAL :
                          f_ecall  ? EXC_ECALL_M :
                          f_ebreak ? EXC_BREAKPOINT : EXC_IADDR_MISALIGN;
            case (fopc)
                OPC_STORE:           imm <= {{21{fw[31]}}, fw[30:25], fw[11:7]};
                OPC_BRANCH:          imm <= {{20{fw[31]}}, fw[7], fw[30:25], fw[11:8], 1'b0};
                OPC_LUI, OPC_AUIPC:  imm <= {fw[31:12], 12'h000};
                OPC_JAL:             imm <= {{12{fw[31]}}, fw[19:12], fw[20], fw[30:21], 1'b0};
                OPC_SYSTEM:          imm <= {27'h0, fw[19:15]};   // CSR zimm
                OPC_OP:              imm <= 32'h0;                // adds 0 in the M sequences
                default:             imm <= {{21{fw[31]}}, fw[30:20]};
            endcase
        end
        // Trap entry: imm = 0 so that S_TRAP writes mepc = pc through the
        // pc + imm adder (the write-back needs no pc source of its own).
        if (trap)
            imm <= 32'h0;
    end

    wire [2:0]  funct3 = instr[14:12];
    /* verilator lint_off UNUSEDSIGNAL */
    wire        unused_instr = &{1'b0, instr[6:0], instr[29:15]};  // decoded at fetch
    /* verilator lint_on UNUSEDSIGNAL */

    // ------------------------------------------------------------------
    // Work registers of the multi-cycle sequences
    reg [31:0] lo;              // shift register; multiplier / quotient bits
    reg [31:0] hi;              // multiply: partial product; divide: remainder (shifted)
    reg        hi_top;          // divide: remainder bit 31 after the last step
    reg [4:0]  count;
    reg        md_last;         // count == 0 in S_MD
    reg        md_neg;          // negate the result in S_FIN
    reg        md_b_inv;        // divide: subtract rs2 (else add it: negative divisor)
    reg        md_b_sgn;        // multiply: rs2 signed; divide: divisor signed
    reg        md_sub_last;     // multiply: rs1 signed, its bit 31 weighs -2^31
    reg        md_want_lo;      // result is the low word (mul) or the quotient

    // ------------------------------------------------------------------
    // The adder: {a_ext, A} + {b_ext, B} + cin, 33 bits.  A is rs1 or hi, B is
    // rs2 or imm, either optionally inverted (cin = 1 then).
    // The operand controls are registers, set one cycle ahead for the state
    // that uses the adder next (EXECUTE, MDNEG, MD, FIN), so each operand bit
    // is one LUT of (register-file output, hi/imm, two controls).
    reg a_hi, inv_a, b_rs2, inv_b, a_sgn, b_sgn;
    wire md_b_sgn_x = d_div ? !funct3[0] : funct3 == 3'b001;
    always @(posedge clk) begin
        if (cnt_take) begin                        // -> S_CNT: addend + word
            a_hi  <= 1'b0;
            inv_a <= 1'b0;
            b_rs2 <= 1'b1;
            inv_b <= 1'b0;
            a_sgn <= 1'b0;
            b_sgn <= 1'b0;
        end else if (fetch_done) begin             // -> EXECUTE
            a_hi  <= 1'b0;
            inv_a <= 1'b0;
            // SYSTEM: CSRW's logic unit takes rs1 (port B) or zimm, inverted
            // for csrrc (csrrw passes B, csrrs ors, csrrc ands: d_lop = funct3)
            b_rs2 <= f_op || fopc == OPC_BRANCH || (f_sys && !ff3[2]);
            inv_b <= (f_op && ff7[5] && ff3 == 3'b000) || f_slt || fopc == OPC_BRANCH ||
                     (f_sys && ff3[1:0] == 2'b11);
            a_sgn <= (f_slt && !ff3[0]) || (fopc == OPC_BRANCH && ff3[2:1] == 2'b10);
            b_sgn <= (f_slt && !ff3[0]) || (fopc == OPC_BRANCH && ff3[2:1] == 2'b10);
        end else if (MUL && exec && d_muldiv) begin   // -> MDNEG (div) or MD (mul)
            a_hi  <= !d_div;
            inv_a <= d_div && !funct3[0] && rs1_val[31];
            b_rs2 <= !d_div && rs1_val[0];
            inv_b <= 1'b0;
            a_sgn <= !d_div && md_b_sgn_x;
            b_sgn <= !d_div && md_b_sgn_x;
        end else if (MUL && (state[S_MDNEG] || state[S_MD])) begin   // -> MD
            a_hi  <= 1'b1;
            inv_a <= 1'b0;
            b_rs2 <= d_div || lo[1];
            inv_b <= d_div ? md_b_inv : (md_sub_last && count == 5'd1);
            a_sgn <= !d_div && md_b_sgn;
            b_sgn <= md_b_sgn;
        end else if (MUL && state[S_PICK]) begin   // -> FIN
            a_hi  <= 1'b1;
            inv_a <= md_neg;
            b_rs2 <= 1'b0;
            inv_b <= 1'b0;
            a_sgn <= 1'b0;
            b_sgn <= 1'b0;
        end
    end

    wire [31:0] a_raw = a_hi ? hi : rs1_val;
    wire [31:0] b_raw = b_rs2 ? rs2_val : imm;
    wire [31:0] op_a  = a_raw ^ {32{inv_a}};
    wire [31:0] op_b  = b_raw ^ {32{inv_b}};
    wire        a_ext = (a_sgn && a_raw[31]) ^ inv_a;
    wire        b_ext = (b_sgn && b_raw[31]) ^ inv_b;
    wire        cin   = inv_a || inv_b;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [33:0] sum34 = {a_ext, op_a, 1'b1} + {b_ext, op_b, cin};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [32:0] sum   = sum34[33:1];
    wire        lt    = sum[32];

    reg [31:0] logic_out;
    always @(*) begin
        case (d_lop)
            2'b00:   logic_out = rs1_val ^ op_b;
            2'b10:   logic_out = rs1_val | op_b;
            2'b11:   logic_out = rs1_val & op_b;
            default: logic_out = op_b;                     // lui
        endcase
    end

    wire eq = rs1_val == rs2_val;
    wire branch_cond = (funct3[2] ? lt : eq) ^ funct3[0];
    // Everything that depends on the compare is "(branch in EXECUTE and
    // branch_cond) or other terms", the other terms cut out (keep) so that
    // synthesis puts the compare into the last LUT only.
    (* keep *) wire ex_branch = exec && d_branch;

    wire [31:0] pc4    = {pc + 30'd1, 2'b00};
    wire [31:0] target = {pc, 2'b00} + imm;                // jal, branches, auipc

    // Low address bits straight from rs1 and imm (not through the adder):
    // misalignment gates the trap and many enables.
    wire addr0 = rs1_val[0] ^ imm[0];
    wire addr1 = rs1_val[1] ^ imm[1] ^ (rs1_val[0] && imm[0]);
    wire ls_misaligned = (funct3[1:0] == 2'b01 && addr0) ||
                         (funct3[1:0] == 2'b10 && (addr0 || addr1));
    wire ls_mis   = (d_load || d_store) && ls_misaligned;
    wire jalr_mis = d_jalr && addr1;
    wire exc_dyn  = ls_mis || jalr_mis;
    wire exc      = d_exc || exc_dyn;                      // never the branch compare
    reg  brmis_taken;

    // Load lanes
    reg  [1:0]  ls_lane;
    // Only the lanes a legal (aligned) load can use: byte 0 from any lane,
    // byte 1 from lane 0 or 2, bytes 2-3 only for lw.
    reg  [7:0]  load_b0;
    always @(*) begin
        case (ls_lane)
            2'b00:   load_b0 = bus_rdata[7:0];
            2'b01:   load_b0 = bus_rdata[15:8];
            2'b10:   load_b0 = bus_rdata[23:16];
            default: load_b0 = bus_rdata[31:24];
        endcase
    end
    wire [7:0]  load_b1   = ls_lane[1] ? bus_rdata[31:24] : bus_rdata[15:8];
    wire        load_sign = !funct3[2] && (funct3[0] ? load_b1[7] : load_b0[7]);
    wire [31:0] load_value = {funct3[1] ? bus_rdata[31:16] : {16{load_sign}},
                              funct3[1:0] != 2'b00 ? load_b1 : {8{load_sign}},
                              load_b0};

    // Store data: rs2 stays in the register file's output register.
    always @(*) begin
        case (funct3[1:0])
            2'b00:   bus_wdata = {4{rs2_val[7:0]}};
            2'b01:   bus_wdata = {2{rs2_val[15:0]}};
            default: bus_wdata = rs2_val;
        endcase
    end

    // ------------------------------------------------------------------
    // CSRs in flip-flops (mtvec, mscratch, mepc, mtval are register-file words)
    reg        mstatus_mie, mstatus_mpie;
    reg        mie_mtie, mie_meie;
    reg        mcause_irq;
    reg [3:0]  mcause_code;
    reg [2:0]  cnt_slot_q;      // the counter word S_CNT moves on
    reg        irq_timer_q, irq_external_q;              // registered inputs

    // Only legal addresses get here (others trap at decode), so a few
    // address bits tell them apart.
    wire [11:0] csr_addr = instr[31:20];
    wire [31:0] csr_src  = funct3[2] ? imm : rs2_val;

    reg [31:0] csr_ff;          // the flip-flop CSRs; 0 for the register-file ones
    always @(*) begin
        csr_ff = 32'h0;
        if (csr_addr[11]) begin
            if (csr_addr[10] && csr_addr[9])               // F11-F14
                csr_ff = csr_addr[2] ? HART_ID : 32'h0;
            else case ({csr_addr[7], csr_addr[1]})          // B00/B02/B80/B82 (C..)
                2'b00:   csr_ff = {{(32-CNT_BITS){1'b0}}, cyc_ff};
                2'b01:   csr_ff = {{(32-CNT_BITS){1'b0}}, ins_ff};
                default: csr_ff = 32'h0;                   // high halves (register file)
            endcase
        end else if (!csr_addr[6]) begin
            case ({csr_addr[2], csr_addr[0]})
                2'b00:   csr_ff = {19'h0, 2'b11, 3'b000, mstatus_mpie, 3'b000, mstatus_mie, 3'b000};
                2'b01:   csr_ff = MISA_VALUE;
                2'b10:   csr_ff = {20'h0, mie_meie, 3'b000, mie_mtie, 7'h0};
                default: csr_ff = 32'h0;                   // mtvec (register file)
            endcase
        end else if (csr_addr[2]) begin
            csr_ff = {20'h0, irq_external_q, 3'b000, irq_timer_q, 7'h0};
        end else if (csr_addr[1:0] == 2'b10) begin
            csr_ff = {mcause_irq, 27'h0, mcause_code};
        end
    end
    // The register-file words' bits that read 0 (mtvec/mepc 1:0, the counters'
    // flip-flop bits) are masked here, not at the write.
    wire cnt_lo_slot = !d_slot[0] && !d_slot[1];
    wire mask_lo2    = d_slot[0] && !d_slot[1];
    wire [31:0] csr_rdata = {rs1_val[31:CNT_BITS],
                             rs1_val[CNT_BITS-1:2] & {(CNT_BITS-2){!cnt_lo_slot}},
                             rs1_val[1:0] & {2{!mask_lo2 && !cnt_lo_slot}}} | csr_ff;

    // New value for the flip-flop CSRs (the register-file words get theirs
    // from the logic unit); only their bits are used.
    /* verilator lint_off UNUSEDSIGNAL */
    reg [31:0] csr_wdata;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(*) begin
        case (funct3[1:0])
            2'b01:   csr_wdata = csr_src;
            2'b10:   csr_wdata = csr_rdata | csr_src;
            default: csr_wdata = csr_rdata & ~csr_src;
        endcase
    end
    wire csr_we = state[S_CSRW];

    wire irq_pending = mstatus_mie && ((mie_mtie && irq_timer_q) || (mie_meie && irq_external_q));
    wire [3:0] irq_code = (mie_meie && irq_external_q) ? IRQ_EXTERNAL : IRQ_TIMER;

    // ------------------------------------------------------------------
    // Control (combinational)
    wire brmis_trap = state[S_BRMIS] && brmis_taken;
    wire brmis_next = state[S_BRMIS] && !brmis_taken;
    wire irq_take   = fetch_done && irq_pending;
    wire exec_trap  = exec && exc;
    assign trap     = irq_take || exec_trap || brmis_trap;
    always @(*) rb_trap = trap;
    wire finish = (state[S_MEM] && bus_ready) || (state[S_SHIFT] && count == 5'd0) ||
                  (MUL && state[S_FIN]);
    // Every path that fetches pc + 4 from a state other than EXECUTE
    wire fetch_next = finish || brmis_next || state[S_NEXT] || state[S_CSRW];
    // Branches count in EXECUTE, so the count never waits for the compare.
    wire retire = finish || brmis_next || state[S_CSRW] ||
                  (exec && !exc && !(d_load || d_store) && !d_shift && !d_muldiv &&
                   !d_brmis && !d_csr_we);

    // mtval of a trap (written by the write-back below): the target (jal,
    // branch), the address (load, store, jalr with bit 0 cleared) or 0.

    // Next state, one equation per one-hot bit, so that the branch compare
    // enters only the last LUT of FETCH and NEXT (and of bus_valid).
    // Decoded operation flags are exclusive and only loads, stores and jalr
    // can trap dynamically.
    wire ex_ls    = exec && (d_load || d_store) && !ls_misaligned;
    wire ex_plain = exec && !exc && !(d_load || d_store) && !d_shift && !d_muldiv &&
                    !d_brmis && !d_csr_we;
    (* keep *) wire fetch_other = (state[S_FETCH] && !bus_ready) || fetch_next || state[S_CNT] ||
                                  state[S_TRAP] || (ex_plain && !d_branch);
    (* keep *) wire valid_other = (exec && !d_branch && (ex_ls || ex_plain)) || state[S_CNT] ||
                                  fetch_next || state[S_TRAP] ||
                                  (bus_valid && !exec && !fetch_done && !(state[S_MEM] && bus_ready));
    reg [NSTATES-1:0] state_n;
    always @(*) begin
        state_n          = {NSTATES{1'b0}};
        state_n[S_FETCH] = fetch_other || (ex_branch && branch_cond);
        state_n[S_EXEC]  = fetch_done && !irq_pending && !cnt_sel;
        state_n[S_CNT]   = cnt_take;
        state_n[S_MEM]   = ex_ls || (state[S_MEM] && !bus_ready);
        state_n[S_SHIFT] = (exec && d_shift) || (state[S_SHIFT] && count != 5'd0);
        state_n[S_MDNEG] = MUL && exec && d_muldiv && d_div;
        state_n[S_MD]    = MUL && ((exec && d_muldiv && !d_div) || state[S_MDNEG] ||
                                   (state[S_MD] && !md_last));
        state_n[S_PICK]  = MUL && state[S_MD] && md_last;
        state_n[S_FIN]   = MUL && state[S_PICK];
        state_n[S_BRMIS] = exec && d_brmis;
        state_n[S_NEXT]  = ex_branch && !branch_cond;
        state_n[S_CSRW]  = exec && d_csr_we;
        state_n[S_IRQ]   = irq_take;
        state_n[S_TRAP]  = exec_trap || brmis_trap || state[S_IRQ];
    end
    wire bus_valid_n = valid_other || (ex_branch && branch_cond);

    // Next bus address: the adder (load, store, jalr) in the last LUT, the
    // rest (pc + imm, mepc for mret, pc + 4, mtvec in S_TRAP) cut out.
    (* keep *) wire addr_sum = exec && d_addr_sum;
    (* keep *) wire [31:0] addr_other =
        (exec && d_addr_tgt) ? target :
        ((exec && d_mret) || state[S_TRAP]) ? {rs1_val[31:2], 2'b00} :
        (exec || fetch_next) ? pc4 : bus_addr;
    wire [31:0] addr_n = addr_sum ? {sum[31:1], sum[0] && !d_jalr} : addr_other;


    // Write-back data: the adder sum (add/sub/addi, FIN, a trapping load,
    // store or jalr's address) and the compare bit in the last LUTs, the
    // other sources cut out (keep).
    (* keep *) wire wd_sum = state[S_FIN] || state[S_CNT] || (exec && !d_exc &&
                             ((d_wb_alu && !d_slt && !d_logic) || exc_dyn));
    (* keep *) wire wd_slt = exec && d_slt && !d_exc;
    (* keep *) wire wd_zero = state[S_IRQ] || (exec && d_slt) ||
                              (exec && d_exc && !d_tval_tgt);
    (* keep *) wire wd_tgt  = state[S_BRMIS] || state[S_TRAP] ||
                              (exec && (d_exc || d_auipc));
    (* keep *) wire [31:0] wd_other =
        state[S_MEM]   ? load_value :
        state[S_SHIFT] ? lo :
        wd_zero        ? 32'h0 :
        wd_tgt         ? target :              // auipc; mtval or (S_TRAP) mepc
        ((exec && d_logic) || state[S_CSRW]) ? logic_out :   // CSRW: the CSR word
        d_csr          ? csr_rdata : pc4;      // csr* rd, jal/jalr link
    wire [31:0] wd_n = {wd_sum ? sum[31:1] : wd_other[31:1],
                        wd_sum ? sum[0] && !(exec && d_jalr) : (wd_slt ? lt : wd_other[0])};

    always @(*) begin
        rf_we    = 1'b0;
        rf_waddr = {1'b0, rd};
        rf_wdata = wd_n;
        if (state[S_MEM]) begin
            rf_we    = bus_ready && d_load && d_rd_nz;

        end else if (state[S_SHIFT]) begin
            rf_we    = count == 5'd0 && d_rd_nz;

        end else if (state[S_CSRW]) begin
            rf_we    = d_csr_bram;
            rf_waddr = {3'b100, d_slot};

        end else if (state[S_TRAP]) begin
            rf_we    = 1'b1;
            rf_waddr = RF_MEPC;
        end else if (state[S_CNT]) begin
            rf_we    = 1'b1;
            rf_waddr = {3'b100, cnt_slot_q};

        end else if (exec_trap || state[S_BRMIS] || state[S_IRQ]) begin
            rf_we    = exec_trap || brmis_trap || state[S_IRQ];
            rf_waddr = RF_MTVAL;

        end else if (MUL && state[S_FIN]) begin
            rf_we    = d_rd_nz;
        end else if (exec) begin
            rf_we    = (d_wb_alu || d_wb_side) && d_rd_nz;
        end
    end

    // ------------------------------------------------------------------
    // Sequential part
    always @(posedge clk) begin
        irq_timer_q    <= irq_timer;
        irq_external_q <= irq_external;
        cyc_ff <= cyc_ff + 1'b1;
        if (retire)
            ins_ff <= ins_ff + 1'b1;
        if (fetch_done)
            cnt_slot_q <= cnt_slot;
        if (state[S_CNT]) begin
            // the low word's carry out moves the high word on next
            case (cnt_slot_q[2:1])
                2'b00: begin cyc_pend <= 1'b0; cych_pend <= sum[32] && !cych_drop; cych_drop <= 1'b0; end
                2'b10: begin ins_pend <= 1'b0; insh_pend <= sum[32] && !insh_drop; insh_drop <= 1'b0; end
                2'b01: cych_pend <= 1'b0;
                default: insh_pend <= 1'b0;
            endcase
        end
        // A wrap is pending from the same edge on; a CSR write of the low
        // half wins over the increment, carry included (and over a carry
        // still pending from earlier in the same instruction).
        if (cyc_wrap)
            cyc_pend <= 1'b1;
        if (retire && &ins_ff)
            ins_pend <= 1'b1;
        if (csr_we && csr_addr == 12'hB00)
            cyc_pend <= 1'b0;
        if (csr_we && csr_addr == 12'hB02)
            ins_pend <= 1'b0;
        // (S_CSRW retires: an 8-bit part all ones wraps at this very edge)
        if (csr_we && csr_addr == 12'hB80)
            cych_drop <= cyc_pend || cyc_wrap;
        if (csr_we && csr_addr == 12'hB82)
            insh_drop <= ins_pend || &ins_ff;

        if (rst) begin
            state        <= 1 << S_FETCH;
            bus_valid    <= 1'b1;
            pc           <= RESET_ADDR[31:2];
            bus_instr    <= 1'b1;
            bus_addr     <= RESET_ADDR;
            bus_wstrb    <= 4'b0000;
            ls_lane      <= 2'b00;
            mstatus_mie  <= 1'b0;
            mstatus_mpie <= 1'b0;
            mie_mtie     <= 1'b0;
            mie_meie     <= 1'b0;
            mcause_irq   <= 1'b0;
            mcause_code  <= 4'h0;
            cyc_ff       <= {CNT_BITS{1'b0}};
            ins_ff       <= {CNT_BITS{1'b0}};
            cyc_pend     <= 1'b0;
            ins_pend     <= 1'b0;
            cych_pend    <= 1'b0;
            insh_pend    <= 1'b0;
            cych_drop    <= 1'b0;
            insh_drop    <= 1'b0;
            irq_timer_q    <= 1'b0;
            irq_external_q <= 1'b0;
        end else begin
            state     <= state_n;
            bus_valid <= bus_valid_n;
            if (fetch_done)
                pc <= bus_addr[31:2];

            if (exec) begin
                // The next bus address has one registered selection; a taken
                // branch only decides bus_valid and the next state.
                brmis_taken <= branch_cond;
                bus_instr <= !(d_load || d_store);
                ls_lane   <= sum[1:0];
                bus_wstrb <= 4'b0000;
                if (d_store) begin
                    case (funct3[1:0])
                        2'b00:   bus_wstrb <= 4'b0001 << sum[1:0];
                        2'b01:   bus_wstrb <= sum[1] ? 4'b1100 : 4'b0011;
                        default: bus_wstrb <= 4'b1111;
                    endcase
                end
                if (d_mret) begin
                    mstatus_mie  <= mstatus_mpie;
                    mstatus_mpie <= 1'b1;
                end
            end

            bus_addr <= addr_n;
            if (fetch_next) begin
                bus_instr <= 1'b1;
                bus_wstrb <= 4'b0000;
            end

            if (csr_we) begin
                case (csr_addr)
                    12'h300: begin
                        mstatus_mie  <= csr_wdata[3];
                        mstatus_mpie <= csr_wdata[7];
                    end
                    12'h304: begin
                        mie_mtie <= csr_wdata[7];
                        mie_meie <= csr_wdata[11];
                    end
                    12'h342: begin
                        mcause_irq  <= csr_wdata[31];
                        mcause_code <= csr_wdata[3:0];
                    end
                    12'hB00: cyc_ff <= csr_wdata[CNT_BITS-1:0];
                    12'hB02: ins_ff <= csr_wdata[CNT_BITS-1:0];
                    default: ;          // register-file CSRs (above); misa, mip: ignored
                endcase
            end

            if (trap) begin
                // From EXECUTE (exception), S_BRMIS, or at a completed fetch
                // (interrupt: pc becomes the dropped instruction's address).
                // mtval is written now (S_IRQ for an interrupt), mepc in S_TRAP,
                // and port A reads mtvec meanwhile.
                mcause_irq   <= state[S_FETCH];
                mcause_code  <= state[S_FETCH] ? irq_code : d_exc ? d_exc_code :
                                d_load ? EXC_LOAD_MISALIGN : d_store ? EXC_STORE_MISALIGN :
                                EXC_IADDR_MISALIGN;
                mstatus_mpie <= mstatus_mie;
                mstatus_mie  <= 1'b0;
            end

            if (state[S_TRAP]) begin
                bus_instr <= 1'b1;
                bus_wstrb <= 4'b0000;
            end
        end
    end

    // ------------------------------------------------------------------
    // Shift and multiply/divide work registers (no reset needed: always
    // loaded before use)
    wire shift_left = funct3 == 3'b001;
    wire shift_fill = instr[30] && lo[31];
    wire div_q      = !sum[32];                            // remainder - divisor >= 0

    always @(posedge clk) begin
        if (exec) begin
            count <= b_raw[4:0];                           // shift amount
            if (MUL && d_muldiv) begin
                count       <= 5'd31;
                md_last     <= 1'b0;
                // mul/mulh/mulhsu/mulhu: 000 001 010 011; div/divu/rem/remu: 100 101 110 111
                md_b_sgn    <= d_div ? !funct3[0] : funct3 == 3'b001;
                md_b_inv    <= !(!funct3[0] && rs2_val[31]);
                md_sub_last <= funct3[1:0] == 2'b01 || funct3[1:0] == 2'b10;
                md_want_lo  <= funct3 == 3'b000 || funct3 == 3'b100 || funct3 == 3'b101;
                md_neg      <= d_div && !funct3[0] &&
                               (funct3[1] ? rs1_val[31] :
                                (rs1_val[31] ^ rs2_val[31]) && rs2_val != 32'h0);
            end
        end
        if (state[S_SHIFT] && count != 5'd0)
            count <= count - 5'd1;
        if (MUL && state[S_MD]) begin
            count   <= count - 5'd1;
            md_last <= count == 5'd1;
        end
        hi <= hi_n;
        if (MUL && exec && d_muldiv)
            hi <= 32'h0;
        if (st_md_div)
            hi_top <= div_q ? sum[31] : hi[31];
        if (exec || state[S_SHIFT] || (MUL && (state[S_MDNEG] || state[S_MD])))
            lo <= lo_n;
    end

    // hi and lo, with the divider's quotient bit (the adder's carry out)
    // in the last LUT only: the other cases are cut out (keep).
    wire st_md_div = MUL && state[S_MD] && d_div;
    // The divider shifts hi in its last step too (so hi never holds on the
    // quotient bit, which would put the carry out on hi's clock enable); the
    // bit shifted out is kept in hi_top and PICK shifts the remainder back.
    (* keep *) wire [31:0] hi_base = st_md_div ? {hi[30:0], lo[31]} :
                                     (MUL && state[S_MDNEG]) ? {31'h0, sum[31]} :
                                     (MUL && state[S_MD]) ? sum[32:1] :
                                     (MUL && state[S_PICK] && md_want_lo) ? lo :
                                     (MUL && state[S_PICK] && d_div) ? {hi_top, hi[31:1]} : hi;
    wire [31:0] hi_sub = {sum[30:0], lo[31]};
    wire [31:0] hi_n   = (st_md_div && div_q) ? hi_sub : hi_base;
    // Shifts and the multiply/divide steps share the two shift patterns
    // (lo changes after the last shift step too: rd has been written).
    (* keep *) wire lo_left = (state[S_SHIFT] && shift_left) || st_md_div;
    wire lo_top = (MUL && state[S_MD]) ? sum[0] : shift_fill;
    (* keep *) wire [31:0] lo_base = exec ? rs1_val :
                                     (MUL && state[S_MDNEG]) ? {sum[30:0], 1'b0} :
                                     lo_left ? {lo[30:0], 1'b0} : {lo_top, lo[31:1]};
    wire [31:0] lo_n   = {lo_base[31:1], lo_base[0] || (st_md_div && div_q)};
endmodule
`default_nettype wire
