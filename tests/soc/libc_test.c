/* picolibc on the card: printf conversions, string and memory functions.
 * The harness's console output is compared with libc_test.expected. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static char buffer[64];

/* Through volatile pointers, so the compiler cannot fold the calls away. */
static const char *volatile s_abc = "abc";
static const char *volatile s_abd = "abd";
static const char *volatile s_abc2 = "abc";
static const char *volatile s_a = "a";
static const char *volatile s_b = "b";
static const char *volatile s_prefix_a = "prefix-a";
static const char *volatile s_prefix_b = "prefix-b";
static const char *volatile s_path = "a/b/c";

static const char *volatile s_copied = "copied!";
static volatile size_t n_fill = 10, n_copy = 8, n_move = 7;

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

int main(void)
{
    int negative = -12345;
    long big = 2147483647L;
    unsigned int hex = 0xdeadbeefu;

    printf("softhba libc test\n");
    printf("int %d neg %d zero %d\n", 42, negative, 0);
    printf("long %ld min %ld\n", big, -big - 1);
    printf("unsigned %u hex %x HEX %X padded %08x\n", 3000000000u, hex, hex, 0x1234u);
    printf("width [%5d] [%-5d] [%05d]\n", 17, 17, -17);
    printf("string [%s] [%10s] [%-6s] char %c\n", "card", "right", "left", 'Z');
    /* The integer-only printf (FW_PRINTF) has no long long conversions. */
    printf("percent %% plus %+d space [% d] octal %o hash %#x\n", 5, 6, 8u, 255u);

    memset(buffer, 'x', n_fill);
    buffer[10] = '\0';
    printf("memset [%s] len %u\n", buffer, (unsigned)strlen(buffer));
    memcpy(buffer, s_copied, n_copy);
    printf("memcpy [%s]\n", buffer);
    memmove(buffer + 2, buffer, n_move);
    printf("memmove [%s]\n", buffer);
    printf("strcmp %d %d %d\n", sign(strcmp(s_abc, s_abc2)), sign(strcmp(s_abc, s_abd)),
           sign(strcmp(s_b, s_a)));
    printf("memcmp %d strncmp %d %d\n", sign(memcmp(s_abc, s_abd, 3)),
           sign(strncmp(s_prefix_a, s_prefix_b, 7)), sign(strncmp(s_prefix_a, s_prefix_b, 8)));
    snprintf(buffer, sizeof buffer, "%s-%d-%x", "snp", -7, 255u);
    printf("snprintf [%s]\n", buffer);
    printf("strchr [%s] strrchr [%s]\n", strchr(s_path, '/'), strrchr(s_path, '/'));
    return 0;
}
