/* CPU workload for the cpu_cpi benchmark: CRC-32 over a 4 KiB buffer, then
 * an insertion sort of 256 words, between reads of mcycle and minstret.
 * Prints the figures and checks the results (exit 1 when wrong). */
#include <stdint.h>
#include <stdio.h>
#include "soc.h"

#define CRC_BYTES 4096
#define SORT_WORDS 256

static uint8_t data[CRC_BYTES];
static uint32_t words[SORT_WORDS];

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
    uint32_t crc = 0xffffffffu;
    while (n--) {
        crc ^= *p++;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void insertion_sort(uint32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

int main(void)
{
    uint32_t seed = 12345u;
    for (int i = 0; i < CRC_BYTES; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (uint8_t)(seed >> 16);
    }
    for (int i = 0; i < SORT_WORDS; i++) {
        seed = seed * 1103515245u + 12345u;
        words[i] = seed;
    }
    /* Known answer for the CRC-32 routine itself. */
    int ok = crc32((const uint8_t *)"123456789", 9) == 0xcbf43926u;

    uint64_t c0 = shba_rdcycle();
    uint64_t i0 = shba_rdinstret();
    uint32_t crc = crc32(data, CRC_BYTES);
    insertion_sort(words, SORT_WORDS);
    uint64_t i1 = shba_rdinstret();
    uint64_t c1 = shba_rdcycle();

    for (int i = 1; i < SORT_WORDS; i++)
        if (words[i - 1] > words[i])
            ok = 0;
    uint32_t cycles = (uint32_t)(c1 - c0), instret = (uint32_t)(i1 - i0);
    printf("crc32 %08lx sorted %d\n", (unsigned long)crc, ok);
    printf("cycles %lu instret %lu\n", (unsigned long)cycles, (unsigned long)instret);
    if (instret)
        printf("cpi %lu.%03lu\n", (unsigned long)(cycles / instret),
               (unsigned long)((cycles % instret) * 1000u / instret));
    return ok && instret ? 0 : 1;
}
