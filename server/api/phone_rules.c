/*
 * phone_rules.c - value rules shared by the phone functions (phone_rules.h).
 */
#include "server/api/phone_rules.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/servers.h"

/* VICIdial's list, as numbers: PHP compares two numeric strings by value. */
static const double GMT_OFFSETS[] = {
    12.75, 12, 11, 10, 9.5, 9, 8, 7, 6.5, 6, 5.75, 5.5, 5, 4.5, 4, 3.5, 3, 2, 1, 0,
    -1, -2, -3, -3.5, -4, -5, -6, -7, -8, -9, -10, -11, -12,
};

/* A PHP numeric string as filtering leaves it: -?(digits[.digits*]|.digits).
 * strtod then gives the same correctly rounded double PHP compares. */
static int parse_php_number(const char *s, double *out)
{
    const char *p = s;
    int digits = 0;

    if (*p == '-')
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (*p != '\0' || digits == 0)
        return 0;
    *out = strtod(s, NULL);
    return 1;
}

int gmt_is_valid(const char *local_gmt)
{
    double v;

    if (!parse_php_number(local_gmt, &v))
        return 0;
    for (size_t i = 0; i < sizeof GMT_OFFSETS / sizeof GMT_OFFSETS[0]; i++)
        if (v == GMT_OFFSETS[i])
            return 1;
    return 0;
}

int protocol_is_valid(const char *protocol)
{
    return strcmp(protocol, "IAX2") == 0 || strcmp(protocol, "SIP") == 0 ||
           strcmp(protocol, "Zap") == 0 || strcmp(protocol, "EXTERNAL") == 0;
}

const char *flag_yes_no(const char *value)
{
    if (strcasecmp(value, "Y") == 0 || strcasecmp(value, "N") == 0)
        return value;
    return NULL;
}

const char *flag_webphone(const char *value)
{
    if (flag_yes_no(value) || strcasecmp(value, "Y_API_LAUNCH") == 0)
        return value;
    return NULL;
}

int function_allowed(const struct api_user *u, const char *function)
{
    char needle[64];

    if (strstr(u->allowed_functions, "ALL_FUNCTIONS"))
        return 1;
    snprintf(needle, sizeof needle, " %s ", function);
    return strstr(u->allowed_functions, needle) != NULL;
}


struct outcome phone_function_start(const struct request *r, const char *function,
                                    const char *permission_reason)
{
    if (strlen(r->source) < 2)
        return (struct outcome){ .answer = ANSWER_INVALID_SOURCE, .status = 200,
                                 .result = "ERROR", .reason = "Invalid Source", .logs = 1 };
    if (!function_allowed(&r->api_user, function)) {
        /* VICIdial prints the function but logs an empty data field. */
        struct outcome o = outcome_error_joined(
            "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION", 2, function, "");
        o.logged = "";
        return o;
    }
    if (!r->api_user.can_admin_phones)
        /* VICIdial prints the count of matching users: always 0 here. */
        return outcome_error(permission_reason, "0");
    return outcome_go();
}

enum db_status phone_server_exists(struct request *r, const char *server_ip, int *exists)
{
    long long n = 0;
    enum db_status s;

    if (r->server_checked) {
        *exists = r->server_found;
        return DB_OK;
    }
    s = server_count(r->db, server_ip, &n);
    *exists = n > 0;
    return s;
}

struct outcome phone_template(struct request *r, const char *reason, const char *login,
                              const char **set)
{
    const char *template_id = request_field(r, FIELD_template_id);
    long long n = 0;

    *set = NULL;
    if (strlen(template_id) < 2)
        return outcome_go();
    if (strcasecmp(template_id, "--BLANK--") == 0) {
        *set = "";
        return outcome_go();
    }
    if (template_count(r->db, template_id, &n) != DB_OK)
        return outcome_db_down();
    if (n < 1)
        return outcome_error_joined(reason, 2, login, template_id);
    *set = template_id;
    return outcome_go();
}

/* How one update_phone field is checked. */
enum rule_kind {
    RULE_TIMEZONE,      /* one of GMT_OFFSETS */
    RULE_BLANKABLE,     /* "--BLANK--" clears it, else min..max characters */
    RULE_LENGTH,        /* min..max characters */
    RULE_PROTOCOL,      /* protocol_is_valid */
    RULE_Y_N,           /* exactly Y or N */
    RULE_RING_TIMEOUT,  /* 2..180 seconds */
    RULE_LOGIN,         /* update_phone.c's, under the login's lock */
};

struct update_rule {
    enum field_id field;
    enum rule_kind kind;
    unsigned short min, max;
    size_t change;      /* offsetof the struct phone_change member it sets */
    const char *reason; /* the error when the value fails */
};

#define CHANGE(member) offsetof(struct phone_change, member)
#define UP "update_phone "

/* update_phone's field rules in VICIdial's order: an empty field is left
 * as it is, and the first field that fails is the answer. */
static const struct update_rule UPDATE_RULES[] = {
    { FIELD_local_gmt, RULE_TIMEZONE, 0, 0, CHANGE(local_gmt),
      UP "YOU MUST USE A VALID TIMEZONE" },
    { FIELD_email, RULE_BLANKABLE, 5, 300, CHANGE(email), UP "YOU MUST USE A VALID EMAIL" },
    { FIELD_phone_context, RULE_BLANKABLE, 2, 30, CHANGE(phone_context),
      UP "YOU MUST USE A VALID PHONE CONTEXT" },
    { FIELD_phone_full_name, RULE_BLANKABLE, 2, 30, CHANGE(fullname),
      UP "YOU MUST USE A VALID PHONE NAME" },
    { FIELD_registration_password, RULE_BLANKABLE, 2, 30, CHANGE(conf_secret),
      UP "YOU MUST USE A VALID REGISTRATION PASSWORD" },
    { FIELD_protocol, RULE_PROTOCOL, 0, 0, CHANGE(protocol),
      UP "YOU MUST USE A VALID PROTOCOL" },
    { FIELD_phone_pass, RULE_LENGTH, 2, 30, CHANGE(pass),
      UP "YOU MUST USE A VALID PHONE PASSWORD" },
    { FIELD_phone_login, RULE_LOGIN, 0, 0, CHANGE(login), UP "LOGIN ALREADY EXISTS" },
    { FIELD_voicemail_id, RULE_LENGTH, 2, 30, CHANGE(voicemail_id),
      UP "YOU MUST USE A VALID VOICEMAIL NUMBER" },
    { FIELD_dialplan_number, RULE_LENGTH, 3, 30, CHANGE(dialplan_number),
      UP "YOU MUST USE A VALID DIALPLAN NUMBER" },
    { FIELD_active, RULE_Y_N, 0, 0, CHANGE(active),
      UP "ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD" },
    { FIELD_outbound_cid, RULE_LENGTH, 6, 18, CHANGE(outbound_cid),
      UP "OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD" },
    { FIELD_admin_user_group, RULE_LENGTH, 2, 20, CHANGE(user_group),
      UP "USER GROUP MUST BE FROM 2 TO 20 CHARACTERS, THIS IS AN OPTIONAL FIELD" },
    { FIELD_outbound_alt_cid, RULE_LENGTH, 6, 18, CHANGE(outbound_alt_cid),
      UP "OUTBOUND ALT CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD" },
    { FIELD_phone_ring_timeout, RULE_RING_TIMEOUT, 2, 180, CHANGE(phone_ring_timeout),
      UP "PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL FIELD" },
    { FIELD_delete_vm_after_email, RULE_Y_N, 0, 0, CHANGE(delete_vm_after_email),
      UP "DELETE VOICEMAIL AFTER EMAIL MUST BE Y OR N, THIS IS AN OPTIONAL FIELD" },
};
#define N_UPDATE_RULES (sizeof UPDATE_RULES / sizeof UPDATE_RULES[0])

static int len_between(const char *v, size_t lo, size_t hi)
{
    size_t n = strlen(v);
    return n >= lo && n <= hi;
}

/* Whether v passes the rule; *set is the value to store. */
static int rule_passes(const struct update_rule *rule, const char *v, const char **set)
{
    *set = v;
    switch (rule->kind) {
    case RULE_TIMEZONE:
        return gmt_is_valid(v);
    case RULE_BLANKABLE:
        if (strcmp(v, "--BLANK--") == 0) {
            *set = "";
            return 1;
        }
        return len_between(v, rule->min, rule->max);
    case RULE_LENGTH:
        return len_between(v, rule->min, rule->max);
    case RULE_PROTOCOL:
        return protocol_is_valid(v);
    case RULE_Y_N:
        return strcmp(v, "Y") == 0 || strcmp(v, "N") == 0;
    case RULE_RING_TIMEOUT: {
        const char *digits = v + strspn(v, "0");    /* the filter left digits only */
        long t = strlen(digits) > 6 ? 1000000 : strtol(digits, NULL, 10);
        return t >= rule->min && t <= rule->max;
    }
    case RULE_LOGIN:
        return 1;
    }
    return 0;
}

struct outcome update_phone_rules(const struct request *r, enum update_rules_part part,
                                  struct phone_change *c)
{
    size_t login = 0;

    while (UPDATE_RULES[login].kind != RULE_LOGIN)
        login++;
    size_t from = part == UPDATE_RULES_BEFORE_LOGIN ? 0 : login + 1;
    size_t to = part == UPDATE_RULES_BEFORE_LOGIN ? login : N_UPDATE_RULES;
    for (size_t i = from; i < to; i++) {
        const struct update_rule *rule = &UPDATE_RULES[i];
        const char *v = request_field(r, rule->field), *set;
        if (!*v)
            continue;
        if (!rule_passes(rule, v, &set))
            /* VICIdial prints outbound_alt_cid for a bad ring timeout. */
            return outcome_error(rule->reason,
                                 rule->kind == RULE_RING_TIMEOUT
                                     ? request_field(r, FIELD_outbound_alt_cid) : v);
        *(const char **)((char *)c + rule->change) = set;
    }
    if (part == UPDATE_RULES_AFTER_LOGIN) {
        c->is_webphone = flag_webphone(request_field(r, FIELD_is_webphone));
        c->webphone_auto_answer = flag_yes_no(request_field(r, FIELD_webphone_auto_answer));
        c->use_external_server_ip = flag_yes_no(request_field(r, FIELD_use_external_server_ip));
        c->on_hook_agent = flag_yes_no(request_field(r, FIELD_on_hook_agent));
    }
    return outcome_go();
}

int phone_group_visible(const char *viewable, const char *phone_group)
{
    char list[4096];
    size_t o = 0;

    if (strcasestr(viewable, "--ALL--") || strlen(viewable) <= 3)
        return 1;
    if (strcasecmp(phone_group, "---ALL---") == 0)
        return 1;
    for (size_t i = 0; viewable[i] && o + 1 < sizeof list; i++) {
        if (viewable[i] == ' ' && viewable[i + 1] == '-') {
            i++;
            continue;
        }
        list[o++] = viewable[i];
    }
    list[o] = '\0';
    /* Split on every space, keeping empty elements as VICIdial's list does. */
    for (char *g = list;;) {
        char *space = strchr(g, ' ');
        if (space)
            *space = '\0';
        if (strcasecmp(g, phone_group) == 0)
            return 1;
        if (!space)
            return 0;
        g = space + 1;
    }
}

struct phone_new add_phone_row(const struct request *r)
{
    const char *phone_context = request_field(r, FIELD_phone_context);
    const char *user_group = request_field(r, FIELD_admin_user_group);

    return (struct phone_new){
        .extension = request_field(r, FIELD_extension),
        .dialplan_number = request_field(r, FIELD_dialplan_number),
        .voicemail_id = request_field(r, FIELD_voicemail_id),
        .login = request_field(r, FIELD_phone_login),
        .pass = request_field(r, FIELD_phone_pass),
        .server_ip = request_field(r, FIELD_server_ip),
        .protocol = request_field(r, FIELD_protocol),
        .conf_secret = request_field(r, FIELD_registration_password),
        .fullname = request_field(r, FIELD_phone_full_name),
        .local_gmt = request_field(r, FIELD_local_gmt),
        .outbound_cid = request_field(r, FIELD_outbound_cid),
        .phone_context = *phone_context ? phone_context : "default",
        .email = request_field(r, FIELD_email),
        .user_group = *user_group ? user_group : "---ALL---",
        .is_webphone = flag_webphone(request_field(r, FIELD_is_webphone)),
        .webphone_auto_answer = flag_yes_no(request_field(r, FIELD_webphone_auto_answer)),
        .use_external_server_ip = flag_yes_no(request_field(r, FIELD_use_external_server_ip)),
        .on_hook_agent = flag_yes_no(request_field(r, FIELD_on_hook_agent)),
        .template_id = "",
    };
}

struct outcome update_phone_required(const struct request *r)
{
    const char *e = request_field(r, FIELD_extension);
    const char *s = request_field(r, FIELD_server_ip);

    if (strlen(e) < 2 || !*s)
        return outcome_error_joined("update_phone YOU MUST USE ALL REQUIRED FIELDS", 2, e, s);
    return outcome_go();
}

struct outcome add_phone_required(const struct phone_new *p)
{
    if (strlen(p->extension) < 2 || strlen(p->dialplan_number) < 2 || !*p->voicemail_id ||
        !*p->login || !*p->pass || !*p->server_ip || !*p->protocol || !*p->conf_secret ||
        !*p->fullname || !*p->local_gmt || !*p->outbound_cid || !protocol_is_valid(p->protocol))
        return outcome_error_joined("add_phone YOU MUST USE ALL REQUIRED FIELDS", 11,
                                    p->extension, p->dialplan_number, p->voicemail_id,
                                    p->login, p->pass, p->server_ip, p->protocol,
                                    p->conf_secret, p->fullname, p->local_gmt,
                                    p->outbound_cid);
    return outcome_go();
}
