/*
 * fields.h - every request field nonagentd reads, one row each: its name
 * and VICIdial's character filter for it (docs/api.md, "Field filters").
 *
 * The rows generate the field ids (enum field_id, read with
 * request_field()), the filter table (filters.c) and the names looked up
 * in the request's parameters (request.c), so the three cannot disagree.
 * A row: X(name, marks, classes, post), where marks is the punctuation
 * kept besides the classes, and post what happens after filtering.
 */
#ifndef NONAGENTD_FIELDS_H
#define NONAGENTD_FIELDS_H

/* Character classes a row's allowed set is built from. */
enum filter_class {
    DIGITS  = 1 << 0, /* 0-9, ASCII in both modes */
    UPPER   = 1 << 1, /* A-Z in both modes (a byte filter, never Unicode) */
    LOWER   = 1 << 2, /* a-z in both modes (a byte filter, never Unicode) */
    SPACE   = 1 << 3, /* ' ' (0x20 only) */
    LETTERS = 1 << 4, /* latin: a-z A-Z; non-latin: any \p{L}, as UTF-8 */
};

/* What happens after the characters are filtered. */
enum filter_post {
    POST_NONE,
    POST_CID_DIGITS,    /* digits only, unless exactly "---ALL---" */
    POST_PLUS_TO_SPACE, /* every '+' becomes ' ' */
};

/*
 * A row with LETTERS switches to a UTF-8 filter in non-latin mode (PHP's
 * /u regex); every other row is the same byte filter in both modes.
 *
 * user and pass: user_authorization() filters them again; that removes
 * nothing this set lets through.  extension: VICIdial runs a wider second
 * filter (adding * # . : / @) after this one; it cannot bring back what
 * this one deleted, so only this one.  phone_full_name keeps '+' (no '+'
 * to space, unlike email).  email is the only set with a quote in it: it
 * is data, not SQL.
 */
#define REQUEST_FIELDS(X)                                                       \
    X(function,               "-_",        DIGITS | UPPER | LOWER,   POST_NONE) \
    X(format,                 "",          DIGITS | UPPER | LOWER,   POST_NONE) \
    X(server_ip,              "-.:_",      DIGITS | UPPER | LOWER,   POST_NONE) \
    X(protocol,               "",          DIGITS | UPPER | LOWER,   POST_NONE) \
    X(local_gmt,              "-.",        DIGITS,                   POST_NONE) \
    X(active,                 "",          UPPER,                    POST_NONE) \
    X(delete_phone,           "",          UPPER,                    POST_NONE) \
    X(phone_ring_timeout,     "",          DIGITS,                   POST_NONE) \
    X(delete_vm_after_email,  "",          UPPER | LOWER,            POST_NONE) \
    X(DB,                     "",          DIGITS,                   POST_NONE) \
    X(user,                   "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(pass,                   "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(agent_user,             "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(source,                 "",          DIGITS | LETTERS,         POST_NONE) \
    X(phone_login,            "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(voicemail_id,           "",          DIGITS | LETTERS,         POST_NONE) \
    X(phone_pass,             "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(extension,              "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(dialplan_number,        "*#",        DIGITS | LETTERS,         POST_NONE) \
    X(registration_password,  "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(phone_full_name,        "-+._",      SPACE | DIGITS | LETTERS, POST_NONE) \
    X(outbound_cid,           "-_",        DIGITS | LETTERS,         POST_CID_DIGITS) \
    X(phone_context,          "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(email,                  "-'+.:/@%_", SPACE | DIGITS | LETTERS, POST_PLUS_TO_SPACE) \
    X(admin_user_group,       "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(is_webphone,            "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(webphone_auto_answer,   "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(use_external_server_ip, "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(template_id,            "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(on_hook_agent,          "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(outbound_alt_cid,       "",          DIGITS | LETTERS,         POST_NONE) \
    X(alias_id,               "-_",        DIGITS | LETTERS,         POST_NONE) \
    X(phone_logins,           "-,_",       DIGITS | LETTERS,         POST_NONE) \
    X(alias_name,             "-+.:/@_",   SPACE | DIGITS | LETTERS, POST_NONE) \
    X(delete_alias,           "",          UPPER,                    POST_NONE)

/* FIELD_function, FIELD_format, ...: a field's index in the table. */
enum field_id {
#define FIELD_ID(name, marks, classes, post) FIELD_##name,
    REQUEST_FIELDS(FIELD_ID)
#undef FIELD_ID
    FIELD_COUNT
};

/* The parameter's name, as the client sends it. */
extern const char *const FIELD_NAME[FIELD_COUNT];

#endif
