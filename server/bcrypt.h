/*
 * bcrypt.h - the Eksblowfish password hash, at every cost from 0 to 31.
 *
 * VICIdial hashes API passwords with Perl's Crypt::Eksblowfish at the
 * system-wide pass_cost (default 2).  libxcrypt refuses costs under 4, so
 * nonagentd carries its own core.  vicidial_pass_hash() reproduces bp.pl:
 * the salt is pass_key itself (exactly 16 bytes), the setting is
 * "$2a$NN$<salt22>", and only the 31-character tail is stored.
 */
#ifndef NONAGENTD_BCRYPT_H
#define NONAGENTD_BCRYPT_H

#include <stddef.h>
#include <stdint.h>

#define BCRYPT_HASH_LEN 60  /* "$2a$NN$" + 22 salt + 31 hash */
#define VICIDIAL_HASH_LEN 31

/* Full bcrypt ($2a$ variant: key is password plus NUL, cut at 72 bytes).
 * cost 0..31; returns 0 and writes BCRYPT_HASH_LEN chars plus NUL to out,
 * or -1 for a cost out of range. */
int bcrypt_hash(const char *password, size_t password_len, unsigned cost,
                const uint8_t salt[16], char out[BCRYPT_HASH_LEN + 1]);

/* bcrypt's base64 (alphabet ./A-Za-z0-9, no padding) of len bytes.
 * Writes (4 * len + 2) / 3 characters and a terminating NUL to out
 * (16 bytes -> 22 characters, 23 bytes -> 31). */
void bcrypt_base64_encode(const uint8_t *in, size_t len, char *out);

/* bp.pl's PHASH: returns 0 and the 31-character tail plus NUL in out;
 * -1 when pass_key is not exactly 16 bytes or cost is over 31 (VICIdial
 * would hash to '' then; nonagentd refuses the login instead). */
int vicidial_pass_hash(const char *pass, const char *pass_key, unsigned cost,
                       char out[VICIDIAL_HASH_LEN + 1]);

#endif
