/*
 * phone_rules.c - value rules shared by the phone functions (phone_rules.h).
 */
#include "server/api/phone_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/respond.h"
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

int template_is_blank(const char *template_id)
{
    return strcasecmp(template_id, "--BLANK--") == 0;
}

int phone_function_start(struct request *r, struct response *resp, const char *function,
                         const char *permission_reason)
{
    char shown[64];

    if (strlen(r->source) < 2) {
        respond_invalid_source(r, resp);
        return -1;
    }
    if (!function_allowed(&r->api_user, function)) {
        /* VICIdial prints the function but logs an empty data field. */
        snprintf(shown, sizeof shown, "%s|", function);
        respond_error_logged_as(r, resp, "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION",
                                shown, "");
        return -1;
    }
    if (!r->api_user.can_admin_phones) {
        /* VICIdial prints the count of matching users: always 0 here. */
        respond_error(r, resp, permission_reason, "0");
        return -1;
    }
    return 0;
}

enum db_status phone_server_exists(struct request *r, const char *server_ip, int *exists)
{
    long long n = 0;
    enum db_status s;

    if (r->pre.servers_read) {
        *exists = r->pre.server_found;
        return DB_OK;
    }
    s = server_count(r->db, server_ip, &n);
    *exists = n > 0;
    return s;
}
