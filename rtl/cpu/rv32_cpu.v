// rv32_cpu: softhba's own RV32I(M) core with Zicsr and machine-mode traps.
//
// A small multi-cycle machine (docs/cpu.md has the diagram and the cycle
// counts).  FETCH waits for the instruction word and decodes it into
// registered control bits while the register file reads the operands; most
// instructions then finish in one EXECUTE cycle, which also issues the next
// fetch.  Loads and stores add a MEMORY state, shifts a SHIFT state (8 or 1
// bit per cycle) and M-extension instructions an iterative multiply/divide
// sequence (one bit per cycle).  Interrupts are taken when a fetch completes:
// the fetched word is dropped and the handler is fetched instead, so mepc is
// simply the address of the dropped instruction.
//
// The register file is a 32x32 memory with a registered read: two copies (one
// per read port), each mapped by yosys onto two SB_RAM40_4K blocks.  The read
// addresses come straight from mem_rdata in the cycle the instruction arrives.
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
    // ------------------------------------------------------------------
    // States
    localparam [3:0] S_FETCH   = 4'd0;  // waiting for the instruction word
    localparam [3:0] S_EXECUTE = 4'd1;  // operands ready: compute, write back
    localparam [3:0] S_MEMORY  = 4'd2;  // load/store on the bus
    localparam [3:0] S_SHIFT   = 4'd3;  // shift by 8 or 1 per cycle
    localparam [3:0] S_MD_ABS1 = 4'd4;  // divide: dividend magnitude
    localparam [3:0] S_MD_ABS2 = 4'd5;  // divide: divisor magnitude
    localparam [3:0] S_MD_LOOP = 4'd6;  // multiply/divide: one bit per cycle
    localparam [3:0] S_MD_PICK = 4'd7;  // select the result half
    localparam [3:0] S_MD_OUT  = 4'd8;  // negate if needed, write back

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
    localparam [31:0] MISA_VALUE = 32'h4000_0100 | (ENABLE_MUL != 0 ? 32'h0000_1000 : 32'h0);

    reg [3:0]  state;
    reg [31:0] pc;              // FETCH: address being fetched; EXECUTE: of this instruction;
                                // later states: of the next instruction
    reg [31:0] instr;
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

    wire fetch_done = (state == S_FETCH) && mem_ready;

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
    // Decode, from the arriving word into registers
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
    wire f_op      = fw32 && fopc == OPC_OP;
    wire f_opimm   = fw32 && fopc == OPC_OPIMM;
    wire f_muldiv  = (ENABLE_MUL != 0) && f_op && ff7 == 7'b0000001;
    wire f_alu     = f_opimm || (f_op && !f_muldiv);
    wire f_csr     = fw32 && fopc == OPC_SYSTEM && ff3[1:0] != 2'b00;
    wire f_ecall   = fw == 32'h0000_0073;
    wire f_ebreak  = fw == 32'h0010_0073;
    wire f_mret    = fw == 32'h3020_0073;
    wire f_wfi     = fw == 32'h1050_0073;
    wire f_csr_ok  = csr_exists(fw[31:20]) &&
                     !(fw[31:30] == 2'b11 && (ff3[1:0] == 2'b01 || fw[19:15] != 5'd0));

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

    reg d_load, d_store, d_branch, d_jal, d_jalr, d_pcrel, d_lui, d_alu, d_alu_reg, d_sub;
    reg d_shift, d_csr, d_mret, d_ecall, d_ebreak, d_illegal, d_muldiv;
    reg [2:0] d_f3;             // ALU function (add for LUI/AUIPC)

    always @(posedge clk) begin
        if (fetch_done) begin
            instr     <= fw;
            d_load    <= fw32 && fopc == OPC_LOAD;
            d_store   <= fw32 && fopc == OPC_STORE;
            d_branch  <= fw32 && fopc == OPC_BRANCH;
            d_jal     <= fw32 && fopc == OPC_JAL;
            d_jalr    <= fw32 && fopc == OPC_JALR;
            d_pcrel   <= fw32 && (fopc == OPC_JAL || fopc == OPC_BRANCH || fopc == OPC_AUIPC);
            d_lui     <= fw32 && fopc == OPC_LUI;
            d_alu     <= f_alu || (fw32 && (fopc == OPC_LUI || fopc == OPC_AUIPC));
            d_alu_reg <= f_op;
            d_sub     <= f_op && ff7[5] && ff3 == 3'b000;
            d_shift   <= f_alu && ff3[1:0] == 2'b01;
            d_f3      <= (f_alu) ? ff3 : 3'b000;
            d_csr     <= f_csr;
            d_mret    <= f_mret;
            d_ecall   <= f_ecall;
            d_ebreak  <= f_ebreak;
            d_illegal <= !f_legal;
            d_muldiv  <= f_muldiv;
            case (fopc)
                OPC_STORE:           imm <= {{21{fw[31]}}, fw[30:25], fw[11:7]};
                OPC_BRANCH:          imm <= {{20{fw[31]}}, fw[7], fw[30:25], fw[11:8], 1'b0};
                OPC_LUI, OPC_AUIPC:  imm <= {fw[31:12], 12'h000};
                OPC_JAL:             imm <= {{12{fw[31]}}, fw[19:12], fw[20], fw[30:21], 1'b0};
                OPC_SYSTEM:          imm <= {27'h0, fw[19:15]};   // CSR zimm
                default:             imm <= {{21{fw[31]}}, fw[30:20]};
            endcase
        end
    end

    wire [2:0] funct3 = instr[14:12];
    wire       unused_instr = &{1'b0, instr[6:0]};  // decoded at fetch
    wire [4:0] rs1    = instr[19:15];

    // ------------------------------------------------------------------
    // ALU: one adder (sums, addresses, jump targets) and one comparator.
    wire [31:0] pc_plus4 = pc + 32'd4;
    wire [31:0] op_a  = d_lui ? 32'h0 : d_pcrel ? pc : rs1_val;
    wire [31:0] op_b  = d_alu_reg ? rs2_val : imm;
    wire [31:0] sum   = op_a + (d_sub ? ~op_b : op_b) + {31'h0, d_sub};
    wire [31:0] cmp_b = d_branch ? rs2_val : op_b;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [32:0] cmp_diff = {1'b0, rs1_val} - {1'b0, cmp_b};    // only the top bits matter
    /* verilator lint_on UNUSEDSIGNAL */
    wire        cmp_ltu = cmp_diff[32];
    wire        cmp_lt  = (rs1_val[31] != cmp_b[31]) ? rs1_val[31] : cmp_diff[31];
    wire        cmp_eq  = rs1_val == cmp_b;

    reg [31:0] alu_out;
    always @(*) begin
        case (d_f3)
            3'b010:  alu_out = {31'h0, cmp_lt};
            3'b011:  alu_out = {31'h0, cmp_ltu};
            3'b100:  alu_out = rs1_val ^ op_b;
            3'b110:  alu_out = rs1_val | op_b;
            3'b111:  alu_out = rs1_val & op_b;
            default: alu_out = sum;                        // add, sub, lui, auipc
        endcase
    end

    reg branch_cond;
    always @(*) begin
        case (funct3[2:1])
            2'b00:   branch_cond = cmp_eq;
            2'b10:   branch_cond = cmp_lt;
            default: branch_cond = cmp_ltu;                // 11 (01 is illegal)
        endcase
        branch_cond = branch_cond ^ funct3[0];
    end

    wire        jump        = d_jal || d_jalr || (d_branch && branch_cond);
    wire [31:0] jump_target = {sum[31:1], 1'b0};
    wire        ls_misaligned = (funct3[1:0] == 2'b01 && sum[0]) ||
                                (funct3[1:0] == 2'b10 && sum[1:0] != 2'b00);
    reg  [1:0]  ls_lane;                                   // sum[1:0], kept for the load

    reg [31:0] load_word;
    reg [31:0] load_value;
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

    // Shifter: a register shifted 8 or 1 places per cycle.
    reg [31:0] shift_val;
    reg [4:0]  shift_left_n;    // places still to shift
    wire       shift_arith = instr[30];
    wire       shift_left  = funct3 == 3'b001;
    wire       shift_fill  = shift_arith && shift_val[31];

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

    wire [11:0] csr_addr   = instr[31:20];
    wire [31:0] csr_src    = funct3[2] ? imm : rs1_val;
    // csrrs/csrrc with rs1 (or uimm) = 0 only read.
    wire        csr_writes = funct3[1:0] == 2'b01 || rs1 != 5'd0;

    reg [31:0] csr_rdata;
    always @(*) begin
        case (csr_addr)
            12'h300: csr_rdata = {19'h0, 2'b11, 3'b000, mstatus_mpie, 3'b000, mstatus_mie, 3'b000};
            12'h301: csr_rdata = MISA_VALUE;
            12'h304: csr_rdata = {20'h0, mie_meie, 3'b000, mie_mtie, 7'h0};
            12'h305: csr_rdata = {mtvec, 2'b00};
            12'h340: csr_rdata = mscratch;
            12'h341: csr_rdata = {mepc, 2'b00};
            12'h342: csr_rdata = {mcause_irq, 27'h0, mcause_code};
            12'h343: csr_rdata = mtval;
            12'h344: csr_rdata = {20'h0, irq_external_q, 3'b000, irq_timer_q, 7'h0};
            12'hB00, 12'hC00: csr_rdata = mcycle[31:0];
            12'hB02, 12'hC02: csr_rdata = minstret[31:0];
            12'hB80, 12'hC80: csr_rdata = mcycle[63:32];
            12'hB82, 12'hC82: csr_rdata = minstret[63:32];
            12'hF14: csr_rdata = HART_ID;
            default: csr_rdata = 32'h0;                    // F11-F13 ids: 0
        endcase
    end

    reg [31:0] csr_wdata;
    always @(*) begin
        case (funct3[1:0])
            2'b01:   csr_wdata = csr_src;
            2'b10:   csr_wdata = csr_rdata | csr_src;
            default: csr_wdata = csr_rdata & ~csr_src;
        endcase
    end

    wire irq_pending = mstatus_mie && ((mie_mtie && irq_timer_q) || (mie_meie && irq_external_q));
    wire [3:0] irq_code = (mie_meie && irq_external_q) ? IRQ_EXTERNAL : IRQ_TIMER;

    // ------------------------------------------------------------------
    // Multiply / divide: shift-add multiply, restoring division, sharing one
    // 34-bit adder that also negates (0 - md_op) outside the loop.
    reg [32:0] md_hi;           // multiply: partial product; divide: remainder
    reg [31:0] md_lo;           // multiplier bits / quotient bits
    reg [32:0] md_op;           // multiplicand or divisor, or value to negate
    reg [4:0]  md_count;
    reg        md_neg;          // negate the result
    reg        md_neg_rem;      // divide: remainder takes the dividend's sign
    reg        md_neg_quo;      // divide: quotient sign
    wire       md_is_div     = funct3[2];
    wire       md_rs1_signed = funct3 == 3'b001 || funct3 == 3'b010 || funct3 == 3'b100 || funct3 == 3'b110;
    wire       md_rs2_signed = funct3 == 3'b001 || funct3 == 3'b100 || funct3 == 3'b110;

    reg  [33:0] md_x;
    reg         md_sub;
    wire [33:0] md_y   = {md_op[32], md_op};
    wire [33:0] md_sum = md_x + (md_sub ? ~md_y : md_y) + {33'h0, md_sub};
    always @(*) begin
        md_x   = 34'h0;
        md_sub = 1'b1;                                     // 0 - md_op by default
        if (state == S_MD_LOOP) begin
            if (md_is_div) begin
                md_x = {1'b0, md_hi[31:0], md_lo[31]};
            end else begin
                md_x   = {md_hi[32], md_hi};
                md_sub = md_count == 5'd31 && md_rs2_signed;  // bit 31 weighs -2^31
            end
        end
    end

    // ------------------------------------------------------------------
    // Control (combinational), applied by the sequential block below.
    wire exec = state == S_EXECUTE;
    wire exc_misalign_jump = jump && jump_target[1];
    wire exc_misalign_ls   = (d_load || d_store) && ls_misaligned;
    wire exc = d_illegal || d_ecall || d_ebreak || exc_misalign_jump || exc_misalign_ls;

    reg        trap;            // enter the handler (from EXECUTE or at fetch)
    reg [3:0]  trap_code;
    reg        finish;          // a multi-cycle instruction is done: fetch pc
    reg        retire;          // count one instruction in minstret
    reg [31:0] next_pc;         // EXECUTE and trap: the next fetch address

    always @(*) begin
        trap      = 1'b0;
        trap_code = EXC_ILLEGAL;
        finish    = 1'b0;
        retire    = 1'b0;
        rf_we     = 1'b0;
        rf_wdata  = alu_out;
        case (state)
            S_FETCH: begin
                if (mem_ready && irq_pending) begin
                    trap = 1'b1;
                    trap_code = irq_code;
                end
            end
            S_EXECUTE: begin
                if (exc) begin
                    trap = 1'b1;
                    if (d_illegal)              trap_code = EXC_ILLEGAL;
                    else if (d_ecall)           trap_code = EXC_ECALL_M;
                    else if (d_ebreak)          trap_code = EXC_BREAKPOINT;
                    else if (exc_misalign_jump) trap_code = EXC_IADDR_MISALIGN;
                    else if (d_load)            trap_code = EXC_LOAD_MISALIGN;
                    else                        trap_code = EXC_STORE_MISALIGN;
                end else begin
                    retire = !(d_load || d_store || d_shift || d_muldiv);
                end
                // Not gated by exc as a whole: only a jump's own misalignment
                // matters here, which keeps the branch compare off this path.
                rf_we = !d_illegal && ((d_alu && !d_shift) || d_csr ||
                                       ((d_jal || d_jalr) && !sum[1]));
                if (d_jal || d_jalr)
                    rf_wdata = pc_plus4;
                else if (d_csr)
                    rf_wdata = csr_rdata;
            end
            S_MEMORY: begin
                if (mem_ready) begin
                    finish = 1'b1;
                    retire = 1'b1;
                    rf_we = d_load;
                    rf_wdata = load_value;
                end
            end
            S_SHIFT: begin
                if (shift_left_n == 5'd0) begin
                    finish = 1'b1;
                    retire = 1'b1;
                    rf_we = 1'b1;
                    rf_wdata = shift_val;
                end
            end
            S_MD_OUT: begin
                if (ENABLE_MUL != 0) begin
                    finish = 1'b1;
                    retire = 1'b1;
                    rf_we = 1'b1;
                    rf_wdata = md_neg ? md_sum[31:0] : md_op[31:0];
                end
            end
            default: ;
        endcase
        if (rd == 5'd0)
            rf_we = 1'b0;

        if (trap)
            next_pc = {mtvec, 2'b00};
        else if (d_mret)
            next_pc = {mepc, 2'b00};
        else if (jump)
            next_pc = jump_target;
        else
            next_pc = pc_plus4;
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
            state        <= S_FETCH;
            pc           <= RESET_ADDR;
            mem_valid    <= 1'b1;
            mem_instr    <= 1'b1;
            mem_addr     <= RESET_ADDR;
            mem_wdata    <= 32'h0;
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
            case (state)
                S_FETCH: begin
                    if (mem_ready) begin
                        mem_valid <= 1'b0;
                        state <= S_EXECUTE;
                    end
                end

                S_EXECUTE: begin
                    pc <= next_pc;
                    mem_addr <= next_pc;
                    mem_valid <= 1'b1;
                    mem_instr <= 1'b1;
                    mem_wstrb <= 4'b0000;
                    state <= S_FETCH;
                    if (!exc) begin
                        if (d_load || d_store) begin
                            mem_instr <= 1'b0;
                            mem_addr  <= sum;
                            ls_lane   <= sum[1:0];
                            case (funct3[1:0])
                                2'b00: begin
                                    mem_wdata <= {4{rs2_val[7:0]}};
                                    mem_wstrb <= d_store ? (4'b0001 << sum[1:0]) : 4'b0000;
                                end
                                2'b01: begin
                                    mem_wdata <= {2{rs2_val[15:0]}};
                                    mem_wstrb <= d_store ? (sum[1] ? 4'b1100 : 4'b0011) : 4'b0000;
                                end
                                default: begin
                                    mem_wdata <= rs2_val;
                                    mem_wstrb <= d_store ? 4'b1111 : 4'b0000;
                                end
                            endcase
                            state <= S_MEMORY;
                        end
                        if (d_shift) begin
                            mem_valid    <= 1'b0;
                            shift_val    <= rs1_val;
                            shift_left_n <= op_b[4:0];
                            state        <= S_SHIFT;
                        end
                        if (d_mret) begin
                            mstatus_mie  <= mstatus_mpie;
                            mstatus_mpie <= 1'b1;
                        end
                        if (d_csr && csr_writes) begin
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
                                default: ;                 // misa, mip: writes ignored
                            endcase
                        end
                        if (ENABLE_MUL != 0 && d_muldiv) begin
                            mem_valid <= 1'b0;
                            md_count  <= 5'd0;
                            md_hi     <= 33'h0;
                            if (md_is_div) begin
                                md_op      <= {1'b0, rs1_val};
                                md_neg_rem <= md_rs1_signed && rs1_val[31];
                                md_neg_quo <= md_rs1_signed && (rs1_val[31] ^ rs2_val[31]) &&
                                              rs2_val != 32'h0;
                                state      <= S_MD_ABS1;
                            end else begin
                                md_op <= {md_rs1_signed && rs1_val[31], rs1_val};
                                md_lo <= rs2_val;
                                state <= S_MD_LOOP;
                            end
                        end
                    end
                end

                S_MEMORY: begin
                    if (mem_ready)
                        mem_valid <= 1'b0;         // restarted below (finish)
                end

                S_SHIFT: begin
                    if (shift_left_n >= 5'd8) begin
                        shift_val <= shift_left ? {shift_val[23:0], 8'h00} :
                                                  {{8{shift_fill}}, shift_val[31:8]};
                        shift_left_n <= shift_left_n - 5'd8;
                    end else if (shift_left_n != 5'd0) begin
                        shift_val <= shift_left ? {shift_val[30:0], 1'b0} :
                                                  {shift_fill, shift_val[31:1]};
                        shift_left_n <= shift_left_n - 5'd1;
                    end
                end

                S_MD_ABS1: begin
                    if (ENABLE_MUL != 0) begin
                        md_lo <= md_neg_rem ? md_sum[31:0] : md_op[31:0];
                        md_op <= {1'b0, rs2_val};
                        state <= S_MD_ABS2;
                    end
                end

                S_MD_ABS2: begin
                    if (ENABLE_MUL != 0) begin
                        if (md_rs2_signed && md_op[31])
                            md_op <= {1'b0, md_sum[31:0]};
                        state <= S_MD_LOOP;
                    end
                end

                S_MD_LOOP: begin
                    if (ENABLE_MUL != 0) begin
                        md_count <= md_count + 5'd1;
                        if (md_is_div) begin
                            if (!md_sum[33]) begin
                                md_hi <= {1'b0, md_sum[31:0]};
                                md_lo <= {md_lo[30:0], 1'b1};
                            end else begin
                                md_hi <= {1'b0, md_hi[30:0], md_lo[31]};
                                md_lo <= {md_lo[30:0], 1'b0};
                            end
                        end else begin
                            if (md_lo[0])
                                {md_hi, md_lo} <= {md_sum[33:1], md_sum[0], md_lo[31:1]};
                            else
                                {md_hi, md_lo} <= {md_hi[32], md_hi, md_lo[31:1]};
                        end
                        if (md_count == 5'd31)
                            state <= S_MD_PICK;
                    end
                end

                S_MD_PICK: begin
                    // mul: low half; mulh*: high half; div*: quotient; rem*: remainder
                    if (ENABLE_MUL != 0) begin
                        if (md_is_div) begin
                            md_op  <= {1'b0, funct3[1] ? md_hi[31:0] : md_lo};
                            md_neg <= funct3[1] ? md_neg_rem : md_neg_quo;
                        end else begin
                            md_op  <= {1'b0, funct3[1:0] == 2'b00 ? md_lo : md_hi[31:0]};
                            md_neg <= 1'b0;
                        end
                        state <= S_MD_OUT;
                    end
                end

                default: ;                         // S_MD_OUT: finish below
            endcase

            if (finish) begin
                mem_addr  <= pc;
                mem_valid <= 1'b1;
                mem_instr <= 1'b1;
                mem_wstrb <= 4'b0000;
                state     <= S_FETCH;
            end
            if (trap) begin
                // From EXECUTE (exception: pc is the faulting instruction) or
                // at a completed fetch (interrupt: pc is the dropped one).
                mepc         <= pc[31:2];
                mcause_irq   <= state == S_FETCH;
                mcause_code  <= trap_code;
                mtval        <= !exec ? 32'h0 : exc_misalign_jump ? jump_target :
                                exc_misalign_ls ? sum : 32'h0;
                mstatus_mpie <= mstatus_mie;
                mstatus_mie  <= 1'b0;
                pc           <= next_pc;
                mem_addr     <= next_pc;
                mem_valid    <= 1'b1;
                mem_instr    <= 1'b1;
                mem_wstrb    <= 4'b0000;
                state        <= S_FETCH;
            end
        end
    end
endmodule
