/*
 * phone_rules.h - the value rules of the phone functions: the timezone
 * list, the optional Y/N flags, the protocol list, the function permission
 * test, the group visibility, add_phone's row and required fields, and
 * update_phone's field rules (docs/api.md).
 *
 * All but phone_server_exists() and phone_template() need no database.  A dry run of one
 * request: request_from_query() (server/request.h) filters its fields as
 * the daemon does; add_phone_row() and add_phone_required(), or
 * update_phone_rules() for both parts, then give the answer the rules
 * would give and the values they would write.  What needs the database
 * (the server, the duplicates, the login's lock and conflict, the
 * template) is left to the functions in server/api/ and to
 * phone_server_exists() and phone_template().
 */
#ifndef NONAGENTD_PHONE_RULES_H
#define NONAGENTD_PHONE_RULES_H

#include "server/request.h"
#include "server/respond.h"
#include "db/phones.h"

/* local_gmt equals one of VICIdial's 33 offsets under PHP's numeric
 * comparison: "-5", "-5.00" and "-005.000" all pass (docs/api.md, add_phone step 8). */
int gmt_is_valid(const char *local_gmt);

/* protocol is exactly IAX2, SIP, Zap or EXTERNAL (case-sensitive). */
int protocol_is_valid(const char *protocol);

/* The optional flags: the value if it matches (case-insensitively) one of
 * the allowed values, else NULL (the column keeps its default). */
const char *flag_yes_no(const char *value);
const char *flag_webphone(const char *value);

/* api_allowed_functions holds " <function> " or ALL_FUNCTIONS. */
int function_allowed(const struct api_user *u, const char *function);

/* The start every phone function shares (docs/api.md, "The phone
 * functions' shared start"): the
 * source (2+ characters), the user's allowed functions, and the admin right
 * (vdc_agent_api_access, ast_admin_access, level >= 8).  The answer of the
 * first that fails, or outcome_go().  permission_reason is the function's
 * own "... USER DOES NOT HAVE PERMISSION TO ..." text. */
struct outcome phone_function_start(const struct request *r, const char *function,
                                    const char *permission_reason);

/* Whether a servers row has this server_ip (VICIdial: its COUNT is not 0):
 * from the request's first read when it had one, else asked now.
 * server_ip is the request's field. */
enum db_status phone_server_exists(struct request *r, const char *server_ip, int *exists);

/* Is a phone of group phone_group visible to an API user whose group has
 * this admin_viewable_groups?  VICIdial adds "user_group
 * IN('---ALL---','<groups>')" to its phone lookup unless the column holds
 * --ALL-- or is 3 characters or less; the list is the column with every
 * " -" deleted, split on spaces (empty elements kept). */
int phone_group_visible(const char *viewable, const char *phone_group);

/* template_id, add_phone's check 9 and update_phone's last rule: a value
 * of 2+ characters must be "--BLANK--" (any case, which clears the
 * template) or name a vicidial_conf_templates row.  *set is what the phone
 * gets: NULL for a shorter value (the column is left as it is), "" for
 * --BLANK--, else template_id.  reason is the function's own "... TEMPLATE
 * ID DOES NOT EXIST ..." text, its data login|template_id.  The error
 * answer, a 503, or outcome_go(). */
struct outcome phone_template(struct request *r, const char *reason, const char *login,
                              const char **set);

/* add_phone's phone row from the request's fields, with VICIdial's
 * defaults (phone_context "default", user_group "---ALL---", a flag that
 * is not one of its values left to the column's default) and no template
 * yet. */
struct phone_new add_phone_row(const struct request *r);

/* add_phone's required fields (docs/api.md, add_phone step 4): extension and
 * dialplan_number 2+ characters, nine more not empty, a valid protocol.
 * The error answer, or outcome_go(). */
struct outcome add_phone_required(const struct phone_new *p);

/* update_phone's required fields (docs/api.md, update_phone check 4):
 * extension 2+ characters and server_ip not empty.  The error answer, or
 * outcome_go(). */
struct outcome update_phone_required(const struct request *r);

/* update_phone's field rules (the table in phone_rules.c), in VICIdial's
 * order, need no database.  The login's rule is update_phone.c's (it takes
 * the login's named lock and reads the phones), and splits the table in
 * two parts; AFTER_LOGIN ends with the four Y/N flags.  Each non-empty
 * field that passes is set in *c; the first that fails is the answer, else
 * outcome_go().  The template lookup comes after, in update_phone.c. */
enum update_rules_part { UPDATE_RULES_BEFORE_LOGIN, UPDATE_RULES_AFTER_LOGIN };
struct outcome update_phone_rules(const struct request *r, enum update_rules_part part,
                                  struct phone_change *c);

#endif
