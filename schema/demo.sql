-- schema/demo.sql - sandbox data for trying nonagentd by hand; load it after
-- schema/vicidial.sql into the same (empty) database.
--
-- It gives the API an account that may add phones and two Asterisk servers to
-- add them on, so VICIdial's documented example works as written:
--   /vicidial/non_agent_api.php?source=test&user=6666&pass=1234
--     &function=add_phone&extension=55000&dialplan_number=55000
--     &voicemail_id=55000&phone_login=55000&phone_pass=test
--     &server_ip=10.0.9.8&protocol=SIP&registration_password=test
--     &phone_full_name=Extension+55000&local_gmt=-5.00&outbound_cid=7275551212
-- answers "SUCCESS: add_phone PHONE HAS BEEN ADDED - 6666|55000|10.0.9.8|SIP|55000".
-- Passwords are plaintext (pass_hash_enabled stays '0', as in a fresh
-- install).  Never load this into a real VICIdial database.

-- The API user.  VICIdial's own seed user 6666 has vdc_agent_api_access='0'
-- and cannot use the API until an admin enables it; this one can.  add_phone
-- needs user_level >= 8, ast_admin_access and vdc_agent_api_access;
-- ast_delete_phones and modify_phones are set so the user can do everything
-- the phone functions offer.  api_allowed_functions keeps its default
-- ' ALL_FUNCTIONS '.
INSERT INTO vicidial_users
    (user, pass, full_name, user_level, user_group, active,
     ast_admin_access, ast_delete_phones, vdc_agent_api_access, modify_phones)
VALUES
    ('6666', '1234', 'Admin', 9, 'ADMIN', 'Y',
     '1', '1', '1', '1');

-- Two Asterisk servers.  Both take new phones: generate_vicidial_conf and
-- active_asterisk_server are 'Y', so add_phone flips rebuild_conf_files from
-- 'N' to 'Y' on the server it adds a phone to, which is easy to watch.
INSERT INTO servers
    (server_id, server_description, server_ip, active, local_gmt,
     generate_vicidial_conf, active_asterisk_server, rebuild_conf_files)
VALUES
    ('demo1', 'Demo server 1', '10.0.9.8', 'Y', '-5.00', 'Y', 'Y', 'N'),
    ('demo2', 'Demo server 2', '192.168.198.5', 'Y', '-5.00', 'Y', 'Y', 'N');

-- A third phone template, besides SIP_generic and IAX_generic, for trying
-- add_phone's template_id parameter.
INSERT INTO vicidial_conf_templates (template_id, template_name, template_contents)
VALUES
    ('SIPdefault', 'SIP default phone', 'type=friend\nhost=dynamic\ndisallow=all\nallow=ulaw\ncontext=default');

-- An agents' group, for admin_user_group values other than ADMIN.
INSERT INTO vicidial_user_groups (user_group, group_name, allowed_campaigns)
VALUES
    ('AGENTS', 'Demo agents', ' -ALL-CAMPAIGNS- - -');
