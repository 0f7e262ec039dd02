/*
 * widths.h - the width of every column nonagentd writes a request's value
 * into, in one table.  A VARCHAR(n) keeps n characters; a TEXT column
 * keeps its width in bytes; an ENUM's row is a bound no value of it
 * exceeds.  db/ cuts each value to its width before binding it, so strict
 * and non-strict servers store the same row.  test_schema checks every row
 * against schema/vicidial.sql.
 *
 * A row: X(name, table, column, width).
 */
#ifndef NONAGENTD_DB_WIDTHS_H
#define NONAGENTD_DB_WIDTHS_H

#define COLUMN_WIDTHS(X)                                                        \
    X(W_EXTENSION,              phones,              extension,        100)     \
    X(W_DIALPLAN,               phones,              dialplan_number,  20)      \
    X(W_VOICEMAIL,              phones,              voicemail_id,     10)      \
    X(W_LOGIN,                  phones,              login,            15)      \
    X(W_PASS,                   phones,              pass,             100)     \
    X(W_SERVER_IP,              phones,              server_ip,        15)      \
    X(W_CONF_SECRET,            phones,              conf_secret,      100)     \
    X(W_FULLNAME,               phones,              fullname,         50)      \
    X(W_LOCAL_GMT,              phones,              local_gmt,        6)       \
    X(W_OUTBOUND_CID,           phones,              outbound_cid,     20)      \
    X(W_PHONE_CONTEXT,          phones,              phone_context,    20)      \
    X(W_EMAIL,                  phones,              email,            100)     \
    X(W_USER_GROUP,             phones,              user_group,       20)      \
    X(W_TEMPLATE_ID,            phones,              template_id,      15)      \
    X(W_OUTBOUND_ALT_CID,       phones,              outbound_alt_cid, 20)      \
    X(W_IS_WEBPHONE,            phones,              is_webphone,      20)      \
    X(W_WEBPHONE_AUTO_ANSWER,   phones,              webphone_auto_answer, 20)  \
    X(W_USE_EXTERNAL_SERVER_IP, phones,              use_external_server_ip, 20) \
    X(W_ON_HOOK_AGENT,          phones,              on_hook_agent,    20)      \
    X(W_ALIAS_ID,               phones_alias,        alias_id,         20)      \
    X(W_ALIAS_NAME,             phones_alias,        alias_name,       50)      \
    X(W_LOGINS_LIST,            phones_alias,        logins_list,      255)     \
    X(W_USER_LAST_IP,           vicidial_users,      last_ip,          15)      \
    X(W_ADMIN_USER,             vicidial_admin_log,  user,             20)      \
    X(W_ADMIN_IP,               vicidial_admin_log,  ip_address,       15)      \
    X(W_ADMIN_SECTION,          vicidial_admin_log,  event_section,    30)      \
    X(W_ADMIN_RECORD_ID,        vicidial_admin_log,  record_id,        50)      \
    X(W_ADMIN_CODE,             vicidial_admin_log,  event_code,       255)     \
    X(W_ADMIN_SQL,              vicidial_admin_log,  event_sql,        16777215) \
    X(W_ADMIN_NOTES,            vicidial_admin_log,  event_notes,      16777215) \
    X(W_API_USER,               vicidial_api_log,    user,             20)      \
    X(W_API_AGENT_USER,         vicidial_api_log,    agent_user,       20)      \
    X(W_API_FUNCTION,           vicidial_api_log,    function,         20)      \
    X(W_API_VALUE,              vicidial_api_log,    value,            255)     \
    X(W_API_RESULT,             vicidial_api_log,    result,           10)      \
    X(W_API_REASON,             vicidial_api_log,    result_reason,    255)     \
    X(W_API_SOURCE,             vicidial_api_log,    source,           20)      \
    X(W_API_DATA,               vicidial_api_log,    data,             65535)   \
    X(W_API_RUN_TIME,           vicidial_api_log,    run_time,         20)      \
    X(W_WEBSERVER,              vicidial_webservers, webserver,        125)     \
    X(W_HOSTNAME,               vicidial_webservers, hostname,         125)     \
    X(W_URL,                    vicidial_urls,       url,              250)     \
    X(W_API_URLS_IP,            vicidial_api_urls,   remote_ip,        50)      \
    X(W_API_URLS_URL,           vicidial_api_urls,   url,              16777215)

enum column_width {
#define COLUMN_WIDTH(name, table, column, width) name = width,
    COLUMN_WIDTHS(COLUMN_WIDTH)
#undef COLUMN_WIDTH
};

#endif
