/*
 * unicode_letters.h - is a code point a Unicode letter (\p{L})?
 *
 * Non-latin mode's filters keep letters of any script; this is the one
 * question they ask of the Unicode tables.
 */
#ifndef NONAGENTD_UNICODE_LETTERS_H
#define NONAGENTD_UNICODE_LETTERS_H

/* 1 if cp is in general category Lu, Ll, Lt, Lm or Lo, else 0. */
int unicode_is_letter(unsigned cp);

#endif
