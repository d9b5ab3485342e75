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
// Timing: every control bit in EXECUTE comes straight from a register, the
// operand muxes are one LUT in front of the single 33-bit adder, branch and
// jump targets come from a separate pc + imm adder, and no trap depends on
// the branch comparison: a branch to a misaligned target (rare) registers
// its condition and decides in S_BRMIS.
//
// The register file is a 32x32 memory with a registered read: two copies (one
// per read port), each mapped by yosys onto two SB_RAM40_4K blocks.  The read
// addresses come straight from mem_rdata in the cycle the instruction arrives;
// the read data stays in the block RAM output registers until the next fetch,
// so multi-cycle instructions use rs1/rs2 throughout.
//
// Bus: picorv32-style valid/ready (docs/architecture.md).  mem_addr is the byte
// address; stores put their data in the addressed byte lanes with wstrb set;
// loads read the whole word and pick the lanes themselves.
module rv32_cpu #(
    parameter [31:0] RESET_ADDR = 32'h0000_0000,
    parameter        ENABLE_MUL = 1,          // M extension (iterative multiply/divide)
    parameter [31:0] HART_ID    = 32'h0000_0000
) (
    input  wire        clk,
    input  wire        rst,
    output reg         mem_valid,
    output reg         mem_instr,
    input  wire        mem_ready,
    output reg  [31:0] mem_addr,
    output reg  [31:0] mem_wdata,
    output reg  [3:0]  mem_wstrb,
    input  wire [31:0] mem_rdata,
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

    reg [8:0]  state;
    reg [31:2] pc;              // FETCH/EXECUTE: this instruction; later: the next one
    reg [31:0] instr;           // only rd, funct3, instr[30] and the CSR address are used
    reg [31:0] imm;

    // ------------------------------------------------------------------
    // Register file: two registered-read copies, written together.
    reg [31:0] regs_a [0:31];
    reg [31:0] regs_b [0:31];
    reg [31:0] rs1_val;
    reg [31:0] rs2_val;
    reg        rf_we;           // combinational, below
    reg [31:0] rf_wdata;
    wire [4:0] rd = instr[11:7];

    integer i;
    initial begin
        // x0 is never written, so it keeps this value (block RAM initial
        // contents on the FPGA); the other registers start at 0 as well.
        for (i = 0; i < 32; i = i + 1) begin
            regs_a[i] = 32'h0;
            regs_b[i] = 32'h0;
        end
    end

    wire fetch_done = state[S_FETCH] && mem_ready;

    always @(posedge clk) begin
        if (rf_we) begin
            regs_a[rd] <= rf_wdata;
            regs_b[rd] <= rf_wdata;
        end
        if (fetch_done) begin
            rs1_val <= regs_a[mem_rdata[19:15]];
            rs2_val <= regs_b[mem_rdata[24:20]];
        end
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

    wire [31:0] fw   = mem_rdata;
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
    wire f_csr_ok  = csr_exists(fw[31:20]) &&
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
    reg d_load, d_store, d_branch, d_jal, d_jalr, d_auipc, d_csr, d_csr_we, d_mret;
    reg d_shift, d_muldiv, d_div;
    reg d_b_rs2;                // adder operand B is rs2 (else imm)
    reg d_sub;                  // adder subtracts (sub, slt*, branches)
    reg d_sgn;                  // signed compare (slt, slti, blt, bge)
    reg d_slt;                  // result is the compare bit
    reg d_logic;                // result from the logic unit
    reg [1:0] d_lop;            // logic unit: 00 xor, 10 or, 11 and, 01 pass B (lui)
    reg d_wb_alu;               // EXECUTE writes the ALU result to rd
    reg d_wb_side;              // EXECUTE writes pc+4 / pc+imm / the CSR to rd
    reg d_rd_nz;                // rd != x0
    reg d_exc;                  // illegal, ecall, ebreak, misaligned jal
    reg [3:0] d_exc_code;

    always @(posedge clk) begin
        if (fetch_done) begin
            instr     <= fw;
            d_load    <= ok && fopc == OPC_LOAD;
            d_store   <= ok && fopc == OPC_STORE;
            d_branch  <= ok && fopc == OPC_BRANCH && !fw[8];
            d_brmis   <= ok && fopc == OPC_BRANCH && fw[8];   // imm[1]
            d_jal     <= ok && fopc == OPC_JAL && !fw[21];
            d_jalr    <= ok && fopc == OPC_JALR;
            d_auipc   <= ok && fopc == OPC_AUIPC;
            d_csr     <= ok && f_csr;
            d_csr_we  <= ok && f_csr && (ff3[1:0] == 2'b01 || fw[19:15] != 5'd0);
            d_mret    <= ok && f_mret;
            d_shift   <= ok && f_shift;
            d_muldiv  <= ok && f_muldiv;
            d_div     <= ff3[2];
            d_b_rs2   <= f_op || fopc == OPC_BRANCH;
            d_sub     <= (f_op && ff7[5] && ff3 == 3'b000) || f_slt || fopc == OPC_BRANCH;
            d_sgn     <= (f_slt && !ff3[0]) || (fopc == OPC_BRANCH && ff3[2:1] == 2'b10);
            d_slt     <= f_slt;
            d_logic   <= f_logic || fopc == OPC_LUI;
            d_lop     <= fopc == OPC_LUI ? 2'b01 : {ff3[1], ff3[0]};
            d_wb_alu  <= ok && ((f_alu && !f_shift) || fopc == OPC_LUI);
            d_wb_side <= ok && (fopc == OPC_AUIPC || fopc == OPC_JALR ||
                                (fopc == OPC_JAL && !fw[21]) || f_csr);
            d_rd_nz   <= fw[11:7] != 5'd0;
            d_exc     <= !ok || f_ecall || f_ebreak || f_jal_mis;
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
    end

    wire [2:0]  funct3 = instr[14:12];
    /* verilator lint_off UNUSEDSIGNAL */
    wire        unused_instr = &{1'b0, instr[6:0], instr[29:15]};  // decoded at fetch
    /* verilator lint_on UNUSEDSIGNAL */

    // ------------------------------------------------------------------
    // Work registers of the multi-cycle sequences
    reg [31:0] lo;              // shift register; multiplier / quotient bits
    reg [31:0] hi;              // multiply: partial product; divide: remainder (shifted)
    reg [4:0]  count;
    reg        md_last;         // count == 0 in S_MD
    reg        md_neg_a;        // divide: the dividend is negative (negate it in S_MDNEG)
    reg        md_neg;          // negate the result in S_FIN
    reg        md_b_inv;        // divide: subtract rs2 (else add it: negative divisor)
    reg        md_b_sgn;        // multiply: rs2 signed; divide: divisor signed
    reg        md_sub_last;     // multiply: rs1 signed, its bit 31 weighs -2^31
    reg        md_want_lo;      // result is the low word (mul) or the quotient

    // ------------------------------------------------------------------
    // The adder: {a_ext, A} + {b_ext, B} + cin, 33 bits.  A is rs1 or hi, B is
    // rs2 or imm, either optionally inverted (cin = 1 then).
    wire st_md   = MUL && state[S_MD];
    wire a_hi    = MUL && (state[S_MD] || state[S_FIN]);
    wire inv_a   = MUL && ((state[S_MDNEG] && md_neg_a) || (state[S_FIN] && md_neg));
    wire b_rs2   = state[S_EXEC] ? d_b_rs2 : (st_md && (d_div || lo[0]));
    wire inv_b   = state[S_EXEC] ? d_sub :
                   (st_md && (d_div ? md_b_inv : (md_sub_last && md_last)));
    wire a_sgn   = state[S_EXEC] ? d_sgn : (st_md && !d_div && md_b_sgn);
    wire b_sgn   = state[S_EXEC] ? d_sgn : (st_md && md_b_sgn);

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
    wire [31:0] alu_out = d_slt ? {31'h0, lt} : d_logic ? logic_out : sum[31:0];

    wire eq = rs1_val == rs2_val;
    wire branch_cond = (funct3[2] ? lt : eq) ^ funct3[0];
    wire taken = d_branch && branch_cond;

    wire [31:2] pc_plus4 = pc + 30'd1;
    wire [31:0] target   = {pc, 2'b00} + imm;             // jal, branches, auipc

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
    wire ls_go    = (d_load || d_store) && !ls_misaligned;

    // Load lanes
    reg  [1:0]  ls_lane;
    reg  [31:0] load_word;
    reg  [31:0] load_value;
    always @(*) begin
        load_word = mem_rdata >> {ls_lane, 3'b000};
        case (funct3)
            3'b000:  load_value = {{24{load_word[7]}}, load_word[7:0]};
            3'b001:  load_value = {{16{load_word[15]}}, load_word[15:0]};
            3'b100:  load_value = {24'h0, load_word[7:0]};
            3'b101:  load_value = {16'h0, load_word[15:0]};
            default: load_value = load_word;
        endcase
    end

    // Store data: rs2 stays in the register file's output register.
    always @(*) begin
        case (funct3[1:0])
            2'b00:   mem_wdata = {4{rs2_val[7:0]}};
            2'b01:   mem_wdata = {2{rs2_val[15:0]}};
            default: mem_wdata = rs2_val;
        endcase
    end

    // ------------------------------------------------------------------
    // CSRs
    reg        mstatus_mie, mstatus_mpie;
    reg        mie_mtie, mie_meie;
    reg [31:2] mtvec;
    reg [31:0] mscratch;
    reg [31:2] mepc;
    reg        mcause_irq;
    reg [3:0]  mcause_code;
    reg [31:0] mtval;
    reg [63:0] mcycle;
    reg [63:0] minstret;
    reg        irq_timer_q, irq_external_q;              // registered inputs

    // Only legal addresses get here (others trap at decode), so a few
    // address bits tell them apart.
    wire [11:0] csr_addr = instr[31:20];
    wire [31:0] csr_src  = funct3[2] ? imm : rs1_val;

    reg [31:0] csr_rdata;
    always @(*) begin
        if (csr_addr[11]) begin
            if (csr_addr[10] && csr_addr[9])               // F11-F14
                csr_rdata = csr_addr[2] ? HART_ID : 32'h0;
            else case ({csr_addr[7], csr_addr[1]})          // B00/B02/B80/B82 (C..)
                2'b00:   csr_rdata = mcycle[31:0];
                2'b01:   csr_rdata = minstret[31:0];
                2'b10:   csr_rdata = mcycle[63:32];
                default: csr_rdata = minstret[63:32];
            endcase
        end else if (!csr_addr[6]) begin
            case ({csr_addr[2], csr_addr[0]})
                2'b00:   csr_rdata = {19'h0, 2'b11, 3'b000, mstatus_mpie, 3'b000, mstatus_mie, 3'b000};
                2'b01:   csr_rdata = MISA_VALUE;
                2'b10:   csr_rdata = {20'h0, mie_meie, 3'b000, mie_mtie, 7'h0};
                default: csr_rdata = {mtvec, 2'b00};
            endcase
        end else if (csr_addr[2]) begin
            csr_rdata = {20'h0, irq_external_q, 3'b000, irq_timer_q, 7'h0};
        end else begin
            case (csr_addr[1:0])
                2'b00:   csr_rdata = mscratch;
                2'b01:   csr_rdata = {mepc, 2'b00};
                2'b10:   csr_rdata = {mcause_irq, 27'h0, mcause_code};
                default: csr_rdata = mtval;
            endcase
        end
    end

    reg [31:0] csr_wdata;
    always @(*) begin
        case (funct3[1:0])
            2'b01:   csr_wdata = csr_src;
            2'b10:   csr_wdata = csr_rdata | csr_src;
            default: csr_wdata = csr_rdata & ~csr_src;
        endcase
    end
    wire csr_we = state[S_EXEC] && d_csr_we;

    wire irq_pending = mstatus_mie && ((mie_mtie && irq_timer_q) || (mie_meie && irq_external_q));
    wire [3:0] irq_code = (mie_meie && irq_external_q) ? IRQ_EXTERNAL : IRQ_TIMER;

    // ------------------------------------------------------------------
    // Control (combinational)
    wire exec = state[S_EXEC];
    wire brmis_trap = state[S_BRMIS] && brmis_taken;
    wire trap = (fetch_done && irq_pending) || (exec && exc) || brmis_trap;
    wire finish = (state[S_MEM] && mem_ready) || (state[S_SHIFT] && count == 5'd0) ||
                  (MUL && state[S_FIN]);
    wire brmis_next = state[S_BRMIS] && !brmis_taken;
    wire retire = finish || brmis_next || (exec && !exc && !ls_go && !d_shift && !d_muldiv && !d_brmis);

    // Next pc in EXECUTE.  Only a taken branch depends on the comparison.
    wire [31:2] np_static = d_exc || exc_dyn ? mtvec : d_mret ? mepc :
                            d_jal ? target[31:2] : d_jalr ? sum[31:2] : pc_plus4;
    wire [31:2] next_pc   = taken ? target[31:2] : np_static;

    wire [31:0] side = d_csr ? csr_rdata : d_auipc ? target : {pc_plus4, 2'b00};

    always @(*) begin
        rf_we    = 1'b0;
        rf_wdata = alu_out;
        if (state[S_MEM]) begin
            rf_we    = mem_ready && d_load;
            rf_wdata = load_value;
        end else if (state[S_SHIFT]) begin
            rf_we    = count == 5'd0;
            rf_wdata = lo;
        end else if (MUL && state[S_FIN]) begin
            rf_we    = 1'b1;
            rf_wdata = sum[31:0];
        end else if (exec) begin
            rf_we    = d_wb_alu || (d_wb_side && !jalr_mis);
            if (!d_wb_alu)
                rf_wdata = side;
        end
        if (!d_rd_nz)
            rf_we = 1'b0;
    end

    // ------------------------------------------------------------------
    // Sequential part
    always @(posedge clk) begin
        irq_timer_q    <= irq_timer;
        irq_external_q <= irq_external;
        mcycle         <= mcycle + 64'd1;
        if (retire)
            minstret <= minstret + 64'd1;

        if (rst) begin
            state        <= 9'd1 << S_FETCH;
            pc           <= RESET_ADDR[31:2];
            mem_valid    <= 1'b1;
            mem_instr    <= 1'b1;
            mem_addr     <= RESET_ADDR;
            mem_wstrb    <= 4'b0000;
            ls_lane      <= 2'b00;
            mstatus_mie  <= 1'b0;
            mstatus_mpie <= 1'b0;
            mie_mtie     <= 1'b0;
            mie_meie     <= 1'b0;
            mtvec        <= 30'h0;
            mepc         <= 30'h0;
            mcause_irq   <= 1'b0;
            mcause_code  <= 4'h0;
            mtval        <= 32'h0;
            mscratch     <= 32'h0;
            mcycle       <= 64'h0;
            minstret     <= 64'h0;
            irq_timer_q    <= 1'b0;
            irq_external_q <= 1'b0;
        end else begin
            if (fetch_done) begin
                mem_valid <= 1'b0;
                state     <= 9'd1 << S_EXEC;
            end

            if (exec) begin
                if (!d_brmis)
                    pc    <= next_pc;              // S_BRMIS still needs this pc
                mem_addr  <= ls_go ? sum[31:0] : {next_pc, 2'b00};
                mem_valid <= !(d_shift || d_muldiv || d_brmis);
                brmis_taken <= branch_cond;
                mem_instr <= !ls_go;
                ls_lane   <= sum[1:0];
                mem_wstrb <= 4'b0000;
                if (d_store && !ls_misaligned) begin
                    case (funct3[1:0])
                        2'b00:   mem_wstrb <= 4'b0001 << sum[1:0];
                        2'b01:   mem_wstrb <= sum[1] ? 4'b1100 : 4'b0011;
                        default: mem_wstrb <= 4'b1111;
                    endcase
                end
                state <= 9'd1 << S_FETCH;
                if (ls_go)    state <= 9'd1 << S_MEM;
                if (d_shift)  state <= 9'd1 << S_SHIFT;
                if (d_muldiv) state <= d_div ? 9'd1 << S_MDNEG : 9'd1 << S_MD;
                if (d_brmis)  state <= 9'd1 << S_BRMIS;
                if (d_mret) begin
                    mstatus_mie  <= mstatus_mpie;
                    mstatus_mpie <= 1'b1;
                end
            end

            if (state[S_MEM] && mem_ready)
                mem_valid <= 1'b0;                         // restarted below (finish)

            if (brmis_next) begin
                pc        <= pc_plus4;
                mem_addr  <= {pc_plus4, 2'b00};
                mem_valid <= 1'b1;
                mem_instr <= 1'b1;
                state     <= 9'd1 << S_FETCH;
            end

            if (finish) begin
                mem_addr  <= {pc, 2'b00};
                mem_valid <= 1'b1;
                mem_instr <= 1'b1;
                mem_wstrb <= 4'b0000;
                state     <= 9'd1 << S_FETCH;
            end

            if (MUL) begin
                if (state[S_MDNEG])
                    state <= 9'd1 << S_MD;
                if (state[S_MD] && md_last)
                    state <= 9'd1 << S_PICK;
                if (state[S_PICK])
                    state <= 9'd1 << S_FIN;
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
                    12'h305: mtvec    <= csr_wdata[31:2];
                    12'h340: mscratch <= csr_wdata;
                    12'h341: mepc     <= csr_wdata[31:2];
                    12'h342: begin
                        mcause_irq  <= csr_wdata[31];
                        mcause_code <= csr_wdata[3:0];
                    end
                    12'h343: mtval <= csr_wdata;
                    12'hB00: mcycle[31:0]    <= csr_wdata;
                    12'hB80: mcycle[63:32]   <= csr_wdata;
                    12'hB02: minstret[31:0]  <= csr_wdata;
                    12'hB82: minstret[63:32] <= csr_wdata;
                    default: ;                             // misa, mip: writes ignored
                endcase
            end

            if (trap) begin
                // From EXECUTE (exception: pc is the faulting instruction) or
                // at a completed fetch (interrupt: pc is the dropped one).
                mepc         <= pc;
                mcause_irq   <= state[S_FETCH];
                mcause_code  <= state[S_FETCH] ? irq_code : d_exc ? d_exc_code :
                                d_load ? EXC_LOAD_MISALIGN : d_store ? EXC_STORE_MISALIGN :
                                EXC_IADDR_MISALIGN;
                mtval        <= state[S_FETCH] ? 32'h0 :
                                d_exc ? (d_exc_code == EXC_IADDR_MISALIGN ? target : 32'h0) :
                                exc_dyn ? {sum[31:1], sum[0] && !d_jalr} : target;
                mstatus_mpie <= mstatus_mie;
                mstatus_mie  <= 1'b0;
                if (!exec) begin                   // interrupt or S_BRMIS
                    pc        <= mtvec;
                    mem_addr  <= {mtvec, 2'b00};
                    mem_valid <= 1'b1;
                    mem_instr <= 1'b1;
                    state     <= 9'd1 << S_FETCH;
                end
            end
        end
    end

    // ------------------------------------------------------------------
    // Shift and multiply/divide work registers (no reset needed: always
    // loaded before use)
    wire shift_left = funct3 == 3'b001;
    wire shift_fill = instr[30] && lo[31];
    wire div_q      = !sum[32];                            // remainder - divisor >= 0
    wire [31:0] div_r = div_q ? sum[31:0] : hi;

    always @(posedge clk) begin
        if (exec) begin
            lo    <= rs1_val;
            count <= b_raw[4:0];                           // shift amount
            if (MUL && d_muldiv) begin
                count       <= 5'd31;
                md_last     <= 1'b0;
                hi          <= 32'h0;
                // mul/mulh/mulhsu/mulhu: 000 001 010 011; div/divu/rem/remu: 100 101 110 111
                md_neg_a    <= !funct3[0] && rs1_val[31];
                md_b_sgn    <= d_div ? !funct3[0] : funct3 == 3'b001;
                md_b_inv    <= !(!funct3[0] && rs2_val[31]);
                md_sub_last <= funct3[1:0] == 2'b01 || funct3[1:0] == 2'b10;
                md_want_lo  <= funct3 == 3'b000 || funct3 == 3'b100 || funct3 == 3'b101;
                md_neg      <= d_div && !funct3[0] &&
                               (funct3[1] ? rs1_val[31] :
                                (rs1_val[31] ^ rs2_val[31]) && rs2_val != 32'h0);
            end
        end
        if (state[S_SHIFT] && count != 5'd0) begin
            count <= count - 5'd1;
            lo    <= shift_left ? {lo[30:0], 1'b0} : {shift_fill, lo[31:1]};
        end
        if (MUL) begin
            if (state[S_MDNEG]) begin
                hi <= {31'h0, sum[31]};
                lo <= {sum[30:0], 1'b0};
            end
            if (state[S_MD]) begin
                count   <= count - 5'd1;
                md_last <= count == 5'd1;
                if (d_div) begin
                    hi <= md_last ? div_r : {div_r[30:0], lo[31]};
                    lo <= {lo[30:0], div_q};
                end else begin
                    hi <= sum[32:1];
                    lo <= {sum[0], lo[31:1]};
                end
            end
            if (state[S_PICK]) begin
                if (md_want_lo)
                    hi <= lo;
            end
        end
    end
endmodule
