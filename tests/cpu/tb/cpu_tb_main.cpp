// Runs one test image on cpu_tb: cpu_tb +firmware=FILE.hex [+max-cycles=N]
// Exit status: the code the program wrote to SIMCTRL EXIT, 125 on timeout.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include "Vcpu_tb.h"
#include "verilated.h"

int main(int argc, char **argv)
{
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    unsigned long long max_cycles = 2000000;
    const char *arg = ctx->commandArgsPlusMatch("max-cycles=");
    if (arg && *arg)
        max_cycles = strtoull(arg + 12, nullptr, 0);
    if (!*ctx->commandArgsPlusMatch("firmware=")) {
        fprintf(stderr, "usage: cpu_tb +firmware=FILE.hex [+max-cycles=N]\n");
        return 2;
    }
    auto top = std::make_unique<Vcpu_tb>(ctx.get());
    top->clk = 0;
    top->rst = 1;
    for (unsigned long long cycle = 0; cycle < max_cycles; cycle++) {
        if (cycle == 4)
            top->rst = 0;
        top->clk = 1;
        top->eval();
        top->clk = 0;
        top->eval();
        if (top->exit_valid) {
            unsigned code = top->exit_code;
            printf("exit %u after %llu cycles\n", code, cycle);
            top->final();
            return code > 255 ? 255 : (int)code;
        }
    }
    printf("cycle limit %llu reached\n", max_cycles);
    return 125;
}
