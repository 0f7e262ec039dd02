/*
 * fuzz_bcrypt.c - libFuzzer target for server/bcrypt.c.
 *
 * The first byte picks a cost (0..5, kept low so the fuzzer stays fast),
 * the next 16 bytes are the salt, the rest is the password (any bytes,
 * any length).  Invariants: the hash is 60 characters of "$2a$NN$" plus
 * bcrypt's base64, the same input hashes the same twice, and
 * vicidial_pass_hash agrees with the tail of bcrypt_hash for a 16-byte key
 * and refuses every other key length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/bcrypt.h"

static const char ALPHABET[] =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char a[BCRYPT_HASH_LEN + 1], b[BCRYPT_HASH_LEN + 1];
    char tail[VICIDIAL_HASH_LEN + 1];
    uint8_t salt[16] = { 0 };
    unsigned cost;

    if (size < 1)
        return 0;
    cost = data[0] % 6;
    memcpy(salt, data + 1, size - 1 < 16 ? size - 1 : 16);
    const char *pass = size > 17 ? (const char *)data + 17 : "";
    size_t pass_len = size > 17 ? size - 17 : 0;

    if (bcrypt_hash(pass, pass_len, cost, salt, a) != 0)
        abort();
    if (strlen(a) != BCRYPT_HASH_LEN || strncmp(a, "$2a$0", 5) != 0 || a[6] != '$')
        abort();
    for (int i = 7; i < BCRYPT_HASH_LEN; i++)
        if (!strchr(ALPHABET, a[i]))
            abort();
    if (bcrypt_hash(pass, pass_len, cost, salt, b) != 0 || strcmp(a, b) != 0)
        abort();

    /* vicidial_pass_hash takes C strings: use the printable prefix. */
    char key[17], pw[64];
    size_t klen = 0, plen = 0;
    for (size_t i = 1; i < size && klen < 16; i++)
        if (data[i] >= 0x21 && data[i] < 0x7f)
            key[klen++] = (char)data[i];
    key[klen] = '\0';
    for (size_t i = 17; i < size && plen < sizeof pw - 1; i++)
        if (data[i] >= 0x21 && data[i] < 0x7f)
            pw[plen++] = (char)data[i];
    pw[plen] = '\0';
    int rc = vicidial_pass_hash(pw, key, cost, tail);
    if (klen != 16) {
        if (rc != -1)
            abort();
        return 0;
    }
    if (rc != 0 || bcrypt_hash(pw, plen, cost, (const uint8_t *)key, a) != 0 ||
        strcmp(a + 29, tail) != 0)
        abort();
    return 0;
}
